"""What the bot counts for Prometheus, served as ``GET /metrics`` next to /healthz (bot/web.py).

The metrics live in a registry of their own (REGISTRY), not prometheus_client's global
one: nothing else's metrics show up, and several Applications in one process (tests)
never register a name twice. They count for the whole process. Two are read from an
application's own state when it is scraped (ApplicationCollector): the reminders its
dispatcher dropped (the count /healthz shows) and how far behind the dispatcher is.

Labels name reminder kinds and send results only: never a user, a chat or the token.
"""

import functools
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.aiohttp import make_aiohttp_handler
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from core.clock import Clock
from core.delivery import SendResult
from scheduler.dispatcher import Outgoing, Sender
from scheduler.planning import Kind

P = ParamSpec("P")
T = TypeVar("T")

REGISTRY = CollectorRegistry(auto_describe=True)
# No *_created series (when each series began): Prometheus does not need them in the text
# format, and they would double the page. (A process-wide switch; the bot is the process.)
disable_created_metrics()  # type: ignore[no-untyped-call]  # (it has no annotations)

REMINDERS_SENT = Counter(
    "cramp_reminders_sent",
    "Reminders Telegram took, by kind (each reminder in a merged message counts).",
    ["kind"],
    registry=REGISTRY,
)
# A send's other outcomes (core/delivery.py): "retry" goes back to pending and is tried
# again by a later pass; the others are final.
FAILED_RESULTS = (SendResult.FAILED, SendResult.BLOCKED, SendResult.UNKNOWN, SendResult.RETRY)
REMINDERS_FAILED = Counter(
    "cramp_reminders_failed",
    "Reminders not sent, by kind and result: failed (refused), blocked (by the user), "
    "unknown (timed out after sending: never resent), retry (Telegram unreachable: tried again).",
    ["kind", "result"],
    registry=REGISTRY,
)
REMINDER_LATENESS = Histogram(
    "cramp_reminder_lateness_seconds",
    "Seconds from a reminder message's due time to Telegram taking it.",
    buckets=(1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
    registry=REGISTRY,
)
TELEGRAM_429 = Counter(
    "cramp_telegram_429",
    "429 Too Many Requests answers from the Bot API (each is waited out and retried).",
    registry=REGISTRY,
)
UPDATE_HANDLING = Histogram(
    "cramp_update_handling_seconds",
    "Seconds from an update's admission to the end of its handling, including the wait "
    "for the same user's earlier updates and for a free handler slot.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
LIVE_INSTANCES = Gauge(
    "cramp_live_instances",
    "Instances of the bot running on this database, as this instance sees them.",
    registry=REGISTRY,
)

# Every kind's series, made once: they exist from the start at 0 (so rate() and increase()
# see the first one), and a send looks up no labels.
_SENT = {kind: REMINDERS_SENT.labels(kind.value) for kind in Kind}
_FAILED = {
    (kind, result): REMINDERS_FAILED.labels(kind.value, result.value)
    for kind in Kind
    for result in FAILED_RESULTS
}


def set_live_instances(count: int) -> None:
    """How many instances run now (1 until the instance registry sets it)."""
    LIVE_INSTANCES.set(count)


def timed_update(handle: Callable[P, Awaitable[T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    """Decorates an update processor's do_process_update: its time goes to UPDATE_HANDLING."""

    @functools.wraps(handle)
    async def timed(*args: P.args, **kwargs: P.kwargs) -> T:
        started = time.perf_counter()
        try:
            return await handle(*args, **kwargs)
        finally:
            UPDATE_HANDLING.observe(time.perf_counter() - started)

    return timed


def counting_sends(send: Sender, clock: Clock) -> Sender:
    """The dispatcher's sender, counting each reminder's outcome by kind, and timing how
    late each message Telegram took was (from its earliest slot: parts riding along
    ahead of their own slot are not late)."""

    async def counted(outgoing: Outgoing) -> tuple[SendResult, int | None]:
        reminders = (outgoing, *outgoing.parts)
        try:
            outcome = await send(outgoing)
        except Exception:
            _count(reminders, SendResult.UNKNOWN)  # the dispatcher records it so too
            raise
        _count(reminders, outcome[0])
        if outcome[0] is SendResult.SENT:
            due = min(reminder.slot_at for reminder in reminders)
            REMINDER_LATENESS.observe(max(0.0, (clock() - due).total_seconds()))
        return outcome

    return counted


def _count(reminders: Iterable[Outgoing], result: SendResult) -> None:
    for reminder in reminders:
        if result is SendResult.SENT:
            _SENT[reminder.kind].inc()
        else:
            _FAILED[reminder.kind, result].inc()


class ApplicationCollector(Collector):
    """One application's dispatcher, read at scrape time: the reminders it dropped (past
    their grace, or beyond what the send rate could get out in time) and its lag."""

    def __init__(self, dropped: Callable[[], Mapping[str, int]]) -> None:
        self._dropped = dropped
        self.lag_seconds: float | None = None  # set just before each scrape; None: unknown

    def collect(self) -> Iterable[Metric]:
        """The dropped counter by kind (every kind, 0 until one is dropped), and the lag."""
        dropped = CounterMetricFamily(
            "cramp_reminders_dropped",
            "Reminders recorded as dropped and never sent, by kind: past their grace when "
            "claimed, or more than the send rate could get out within it (as in /healthz).",
            labels=["kind"],
        )
        counts = self._dropped()
        for kind in sorted({kind.value for kind in Kind} | set(counts)):
            dropped.add_metric([kind], counts.get(kind, 0))
        yield dropped
        if self.lag_seconds is not None:
            yield GaugeMetricFamily(
                "cramp_dispatcher_lag_seconds",
                "Seconds the oldest due reminder slot has waited to be claimed (0: none waits).",
                value=self.lag_seconds,
            )


class _Shared(Collector):
    """The process's metrics (REGISTRY), as a part of an application's registry."""

    def collect(self) -> Iterable[Metric]:
        """Everything in REGISTRY."""
        return REGISTRY.collect()


def metrics_handler(
    dropped: Callable[[], Mapping[str, int]], lag: Callable[[], Awaitable[float | None]]
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """GET /metrics for one application: the process's metrics and that application's
    dispatcher (`lag` is awaited on every scrape, as /healthz does)."""
    application = ApplicationCollector(dropped)
    registry = CollectorRegistry(auto_describe=True)
    registry.register(_Shared())
    registry.register(application)
    serve = make_aiohttp_handler(registry)

    async def scrape(request: web.Request) -> web.StreamResponse:
        """Refresh the lag, then serve every metric in the format the scraper accepts."""
        application.lag_seconds = await lag()
        return await serve(request)

    return scrape
