"""Where an update's time goes, phase by phase: the timers of benchmark scenario 4.

Off unless `enable()` was called (bench/timed_bot.py calls it in the bot's process). Off,
a timed place costs one call that hands back a shared do-nothing context manager. On,
each update carries a record (a context variable, so tasks it starts add to it too),
every timed place adds its `perf_counter` span to the record of the update it runs for,
and garbage collection pauses are timed. Phases of one update can overlap (a press is
answered while its screen is edited), so they need not add up to its total.
"""

import gc
import time
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from typing import Any

# The phases, in the order an update meets them.
QUEUE = "queue"  # behind the user's earlier updates, then for a running slot
UPDATE_LOG = "update_log"  # its update_id recorded (a group commit: see db.update_log)
DB_WAIT = "db_wait"  # for a database connection (on SQLite, the one: its write lock)
TRANSACTION = "transaction"  # a database connection held
LIMITER = "limiter"  # the send limiter's wait
HTTP = "http"  # a Bot API call, request to answer
PHASES = (QUEUE, UPDATE_LOG, DB_WAIT, TRANSACTION, LIMITER, HTTP)

Record = dict[str, float]

_enabled = False
_record: ContextVar[Record | None] = ContextVar("timings_record", default=None)
_NOTHING = nullcontext()
# Every update processed: "update_id", "at" (time.monotonic() when admitted), "total"
# (seconds from admission to done) and the seconds of each phase it met.
updates: list[Record] = []
# Every garbage collection: (time.monotonic() at its start, generation, seconds).
gc_pauses: list[tuple[float, int, float]] = []
_gc_started = 0.0


def enable() -> None:
    """Turn the timers on in this process, from now on."""
    global _enabled
    if not _enabled:
        _enabled = True
        gc.callbacks.append(_on_gc)


def disable() -> None:
    """Turn the timers off and forget what they recorded (for tests)."""
    global _enabled
    if _enabled:
        _enabled = False
        gc.callbacks.remove(_on_gc)
    updates.clear()
    gc_pauses.clear()
    _record.set(None)


def is_enabled() -> bool:
    """Whether the timers are on."""
    return _enabled


def begin_update(update_id: int | None) -> None:
    """Start the current task's update record (the task processes that update)."""
    if _enabled:
        record: Record = {"at": time.monotonic(), "start": time.perf_counter()}
        if update_id is not None:
            record["update_id"] = update_id
        _record.set(record)


def end_update() -> None:
    """Close the current task's update record and keep it."""
    record = _record.get()
    if record is not None:
        record["total"] = time.perf_counter() - record.pop("start")
        updates.append(record)
        _record.set(None)


def add(phase: str, seconds: float) -> None:
    """Add `seconds` to `phase` in the current update's record, if there is one."""
    record = _record.get()
    if record is not None:
        record[phase] = record.get(phase, 0.0) + seconds


def since(started: float, phase: str) -> None:
    """Add the time since `started` (a `time.perf_counter()`) to `phase`, when on."""
    if _enabled:
        add(phase, time.perf_counter() - started)


class _Span:
    __slots__ = ("phase", "started")

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.started = 0.0

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *_exc: object) -> None:
        add(self.phase, time.perf_counter() - self.started)


def phase(name: str) -> AbstractContextManager[Any]:
    """Time the block as `name` in the current update's record (nothing, when off)."""
    return _Span(name) if _enabled else _NOTHING


def _on_gc(stage: str, info: dict[str, Any]) -> None:
    global _gc_started
    if stage == "start":
        _gc_started = time.perf_counter()
    else:
        seconds = time.perf_counter() - _gc_started
        gc_pauses.append((time.monotonic() - seconds, int(info["generation"]), seconds))


def collected() -> dict[str, Any]:
    """Everything recorded so far, as JSON-ready lists."""
    return {"updates": updates, "gc_pauses": gc_pauses}
