"""Scenario 4: 200 users pressing report buttons at once. `python -m bot` runs in its own
process, long polling the fake Bot API in another; the simulated users run inside the
fake's process (bench/fake_users.py), so each round trip (update enqueued -> the bot's
reply for that chat arrives) is timed on one clock, with no driver in the way. Then the
database is checked: every Save stored exactly one report.

The bot runs with its phase timers on (core.timings, through bench/timed_bot.py): each
update's time waiting in its user's queue, for its update_id record, for a database
connection, holding one, in the send limiter and in Bot API calls, and its "intake" (from
the fake enqueuing it to the bot taking it in: long polling and parsing). Each phase's
p99 is printed next to the round trip's, and so is where the slowest 1 % of round trips
spent their time (the mean of each phase over them), with the garbage collector's pauses.

On SQLite the same flows are then answered by the floor bot (bench/floor_bot.py:
python-telegram-bot with the bot's transport and screens, and no database), and the
bot's CPU per update is divided by the floor's: machines of one class differ in speed
(the bot's CPU per update has been 2.2 ms on one and 8 ms on another), and the ratio
tells our own code's cost apart from the machine's. Then it runs again with a busy loop
on the bot's core (`SHARED_CORE_RUNS`): the bot gets about half a core, which shows how
much room its CPU leaves on this machine.
"""

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bench.common import FakeApi, Row, api_and_databases, fresh_database, percentile
from bench.seed import seed_users
from bench.startup import bot_env
from core import timings
from db.models import CrampReport
from db.session import create_engine

GOAL_MS, WORST_GOAL_MS, USERS, WARM_UP_USERS = 50.0, 80.0, 200, 10
READY_SECONDS = 60.0
RUNS = 5
# Runs with a CPU-bound neighbour on the bot's core (see `neighbour_on_the_bots_core`).
SHARED_CORE_RUNS = 3
# Runs of the floor bot (bench/floor_bot.py) on the same flows.
FLOOR_RUNS = 3
# The phases printed, in the order an update meets them; "other" is the rest of its time
# in the bot (running Python, and waiting for the event loop to get to it).
INTAKE, OTHER = "intake", "other"
PHASES = (INTAKE, *timings.PHASES, OTHER)


@asynccontextmanager
async def bot_process(
    url: str, base_url: str, folder: Path, timings_out: Path | None
) -> AsyncIterator[int]:
    """`python -m bot` on `url` until the block ends, with its phase timers on (written to
    `timings_out` when it stops), or, without `timings_out`, the floor bot
    (bench/floor_bot.py); yields its pid once it is ready.
    The send limit is off, as in scenario 1: this measures the bot, not Telegram's budget."""
    env = bot_env(url, base_url, SEND_MAX_PER_SECOND="0")
    log = folder / "updates-bot.log"
    module = ("bench.timed_bot", str(timings_out)) if timings_out else ("bench.floor_bot",)
    with log.open("w") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", *module, cwd=folder, env=env, stderr=stderr
        )
    try:
        deadline = time.monotonic() + READY_SECONDS
        while "Ready as" not in log.read_text():
            if process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not start:\n{log.read_text()[-2000:]}")
            await asyncio.sleep(0.05)
        yield process.pid
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)


# Busy until its parent (this benchmark) is gone, even if that was killed.
_SPINNER = """
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(100_000):
        pass
"""


def _pin(pid: int, cores: set[int]) -> None:
    """Every thread of process `pid` to `cores`."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(ProcessLookupError):  # a thread that has just ended
            os.sched_setaffinity(int(task.name), cores)


@contextmanager
def neighbour_on_the_bots_core(bot_pid: int, fake_pid: int) -> Iterator[None]:
    """A busy loop in another process on the bot's core, and the fake on the other core:
    the bot gets about half a core, as on a shared machine whose neighbour is busy, or on
    a machine of half this one's speed. It shows how much room the bot's CPU leaves."""
    cores = os.sched_getaffinity(0)
    bot_core, fake_core = {max(cores)}, {min(cores)}
    spinner = subprocess.Popen([sys.executable, "-c", _SPINNER])
    try:
        _pin(spinner.pid, bot_core)
        _pin(bot_pid, bot_core)
        _pin(fake_pid, fake_core)
        yield
    finally:
        spinner.kill()
        spinner.wait()
        _pin(fake_pid, cores)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def flows(control_url: str, users: range, think: float, seconds: float) -> dict[str, Any]:
    """Run the simulated users in the fake's process; what they measured."""
    body = {"users": list(users), "think": think, "seconds": seconds, "spread": think}
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=seconds + 120)) as session,
        session.post(f"{control_url}/cramp_flows", json=body) as response,
    ):
        response.raise_for_status()
        result: dict[str, Any] = await response.json()
        return result


async def stored_reports(url: str) -> Counter[int]:
    """Reports in the database, per user."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(CrampReport.user_id, func.count()).group_by(CrampReport.user_id)
        )
        counts = Counter({int(user_id): int(count) for user_id, count in rows})
    await engine.dispose()
    return counts


async def measure(
    url: str,
    api: FakeApi,
    folder: Path,
    users: int,
    think: float,
    seconds: float,
    shared_core: bool = False,
) -> dict[str, Any]:
    """Seed, start the bot, warm it up with a few other users, then the measured run
    (with `shared_core`, beside a busy neighbour on the bot's core)."""
    engine = await fresh_database(url)
    await seed_users(engine, users + WARM_UP_USERS, datetime.now(UTC))
    await engine.dispose()
    timings_out = folder / "updates-timings.json"
    timings_out.unlink(missing_ok=True)
    async with bot_process(url, api.base_url, folder, timings_out) as pid:
        warm = await flows(api.control_url, range(users + 1, users + WARM_UP_USERS + 1), 0.05, 0.4)
        with neighbour_on_the_bots_core(pid, api.pid) if shared_core else nullcontext():
            cpu, fake_cpu = cpu_seconds(pid), cpu_seconds(api.pid)
            result = await flows(api.control_url, range(1, users + 1), think, seconds)
            cpu, fake_cpu = cpu_seconds(pid) - cpu, cpu_seconds(api.pid) - fake_cpu
        # 1-minute load average at the end of the run: other work on the machine shows
        # in the tail.
        load = os.getloadavg()[0]
    saves = Counter({int(user): n for user, n in (warm["saves"] | result["saves"]).items()})
    stored = await stored_reports(url)
    updates = result["updates"]
    trips, per_second = _round_trips(updates)
    by_step: dict[str, list[float]] = {}
    for (step, *_), trip in zip(updates, trips, strict=True):
        by_step.setdefault(step, []).append(trip)
    phases = _phases(updates, trips, json.loads(timings_out.read_text()))
    return phases | {
        "updates": len(updates),
        "offered_per_second": users / think,
        "per_second": per_second,
        "p50_ms": percentile(trips, 0.50),
        "p90_ms": percentile(trips, 0.90),
        "p99_ms": percentile(trips, 0.99),
        "max_ms": max(trips),
        "p99_ms_by_step": {step: round(percentile(t, 0.99), 1) for step, t in by_step.items()},
        "p99_ms_by_second": _by_second(updates, trips),
        "bot_cpu_ms_per_update": cpu * 1000 / len(updates),
        # The fake serves the Bot API and runs the 200 users, on the same 2 cores.
        "fake_cpu_ms_per_update": fake_cpu * 1000 / len(updates),
        "load_average": load,
        "failed_replies": sum(1 for *_, status, _ in updates if status != 200),
        "timeouts": result["timeouts"] + warm["timeouts"],
        "saves": sum(saves.values()),
        "reports": sum(stored.values()),
        "users_mismatched": sum(1 for user in saves | stored if saves[user] != stored[user]),
    }


def _round_trips(updates: list[list[Any]]) -> tuple[list[float], float]:
    """Each update's round trip (ms), and the updates per second over the run."""
    trips = [(replied - enqueued) * 1000 for _, enqueued, replied, *_ in updates]
    span = max(replied for _, _, replied, *_ in updates) - min(at for _, at, *_ in updates)
    return trips, len(updates) / span


async def measure_floor(
    url: str, api: FakeApi, folder: Path, users: int, think: float, seconds: float
) -> dict[str, Any]:
    """The same flows answered by the floor bot (bench/floor_bot.py): its round trips and
    CPU per update."""
    async with bot_process(url, api.base_url, folder, None) as pid:
        await flows(api.control_url, range(users + 1, users + WARM_UP_USERS + 1), 0.05, 0.4)
        cpu = cpu_seconds(pid)
        result = await flows(api.control_url, range(1, users + 1), think, seconds)
        cpu = cpu_seconds(pid) - cpu
    updates = result["updates"]
    trips, per_second = _round_trips(updates)
    return {
        "p99_ms": percentile(trips, 0.99),
        "per_second": per_second,
        "bot_cpu_ms_per_update": cpu * 1000 / len(updates),
        "load_average": os.getloadavg()[0],
        "unanswered": result["timeouts"] + sum(1 for *_, status, _ in updates if status != 200),
    }


def _by_second(updates: list[list[Any]], trips: list[float]) -> list[tuple[str, float]]:
    """Each second of the run: the step most users sent in it, and its round trips' p99.
    The users move in step, so the tail can be traced to the step that starts it."""
    start = min(at for _, at, *_ in updates)
    seconds: dict[int, list[tuple[str, float]]] = {}
    for (step, enqueued, *_), trip in zip(updates, trips, strict=True):
        seconds.setdefault(int(enqueued - start), []).append((step, trip))
    return [
        (
            Counter(step for step, _ in sent).most_common(1)[0][0],
            round(percentile([trip for _, trip in sent], 0.99), 1),
        )
        for _, sent in sorted(seconds.items())
    ]


def _phases(
    updates: list[list[Any]], trips: list[float], recorded: dict[str, Any]
) -> dict[str, Any]:
    """Each phase's p99 (ms) over the measured updates, the mean of each phase over the
    slowest 1 % of round trips, and the garbage collector's pauses during the run."""
    records = {int(r["update_id"]): r for r in recorded["updates"] if "update_id" in r}
    rows: list[tuple[float, dict[str, float]]] = []
    for (_, enqueued, *_, update_id), trip in zip(updates, trips, strict=True):
        record = records.get(update_id)
        if record is None:
            continue
        ms = {phase: 1000 * float(record.get(phase, 0.0)) for phase in timings.PHASES}
        ms[INTAKE] = 1000 * (float(record["at"]) - enqueued)
        # Phases of one update can overlap (answer and edit at once): never below 0.
        ms[OTHER] = max(0.0, 1000 * float(record["total"]) - sum(ms[p] for p in timings.PHASES))
        rows.append((trip, ms))
    cutoff = percentile(trips, 0.99)
    tail = [ms for trip, ms in rows if trip >= cutoff] or [ms for _, ms in rows]
    start = min(at for _, at, *_ in updates)
    end = max(replied for _, _, replied, *_ in updates)
    pauses = [seconds * 1000 for at, _, seconds in recorded["gc_pauses"] if start <= at <= end]
    full = [
        seconds * 1000
        for at, gen, seconds in recorded["gc_pauses"]
        if start <= at <= end and gen == 2
    ]
    return {
        "timed_updates": len(rows),
        "p99_ms_by_phase": {
            phase: round(percentile([ms[phase] for _, ms in rows], 0.99), 1) for phase in PHASES
        },
        "tail_mean_ms_by_phase": {
            phase: round(sum(ms[phase] for ms in tail) / len(tail), 1) for phase in PHASES
        },
        "gc_pauses": len(pauses),
        "gc_pause_max_ms": round(max(pauses, default=0.0), 1),
        "gc_pause_total_ms": round(sum(pauses), 1),
        "gc_full_collections": len(full),
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median p99 (its own figures together), plus every run's p99 and
    load average, and the worst run's p99."""
    ranked = sorted(runs, key=lambda r: float(r["p99_ms"]))
    return ranked[len(ranked) // 2] | {
        "p99_ms_of_runs": [round(r["p99_ms"], 1) for r in runs],
        "load_average_of_runs": [round(r["load_average"], 2) for r in runs],
        "worst_p99_ms": ranked[-1]["p99_ms"],
    }


def _by_second_row(label: str, r: dict[str, Any]) -> Row:
    """The p99 of each second of run `r`, by the step sent in it."""
    steps = " ".join(f"{step} {p99:.0f}" for step, p99 in r["p99_ms_by_second"])
    return Row(label, f"{steps} ms")


def _stored_row(label: str, runs: list[dict[str, Any]]) -> Row:
    """Whether every Save of `runs` stored exactly one report (and none timed out)."""
    saves = sum(run["saves"] for run in runs)
    reports = sum(run["reports"] for run in runs)
    stored_ok = saves > 0 and all(
        run["users_mismatched"] == 0 and not run["timeouts"] for run in runs
    )
    return Row(
        f"{label}, {saves:,} saves in {len(runs)} runs",
        f"{reports:,} rows",
        "one per Save",
        stored_ok,
    )


def _phase_rows(r: dict[str, Any]) -> list[Row]:
    """Where the median run's time went: each phase's p99, and its mean over the slowest
    1 % of round trips; then the garbage collector's pauses."""
    p99, tail = r["p99_ms_by_phase"], r["tail_mean_ms_by_phase"]
    return [
        Row(
            f"   phase {phase}: p99 / mean in the slowest 1 %",
            f"{p99[phase]:.1f} / {tail[phase]:.1f} ms",
        )
        for phase in PHASES
    ] + [
        _by_second_row("   p99 in each second of the run, by the step sent in it", r),
        Row(
            "   GC pauses in the run: count, longest, total (full collections)",
            f"{r['gc_pauses']}, {r['gc_pause_max_ms']:.1f}, {r['gc_pause_total_ms']:.0f} ms "
            f"({r['gc_full_collections']})",
        ),
    ]


async def _shared_core_rows(
    url: str, api: FakeApi, folder: Path, users: int, think: float, seconds: float, runs: int
) -> list[Row]:
    """The same load with the bot on half a core: how much room its CPU leaves."""
    runs = min(runs, SHARED_CORE_RUNS)
    measured = [
        await measure(url, api, folder, users, think, seconds, shared_core=True)
        for _ in range(runs)
    ]
    r = _median_run(measured)
    return [
        Row(
            f"   on half a core (a busy neighbour on the bot's core), median of {runs}: "
            "p99; worst run's",
            f"{r['p99_ms']:.1f}; {r['worst_p99_ms']:.1f} ms",
        ),
        Row(
            "   ... achieved; CPU per update, bot",
            f"{r['per_second']:.0f} upd/s; {r['bot_cpu_ms_per_update']:.2f} ms",
        ),
        _by_second_row("   ... p99 in each second of the run, by the step sent in it", r),
        _stored_row("   ... reports stored", measured),
    ]


def _floor_rows(measured: list[dict[str, Any]], bot_runs: list[dict[str, Any]]) -> list[Row]:
    """The floor bot's runs on the same flows, and the bot's CPU over the floor's."""
    r = _median_run(measured)
    floor_cpu = statistics.median(run["bot_cpu_ms_per_update"] for run in measured)
    bot_cpu = statistics.median(run["bot_cpu_ms_per_update"] for run in bot_runs)
    # A flow stops at an update left unanswered: the figures would then be of fewer.
    unanswered = sum(run["unanswered"] for run in measured)
    return [
        Row(
            f"   floor bot (bench/floor_bot.py), median of {len(measured)}: p99; achieved",
            f"{r['p99_ms']:.1f} ms; {r['per_second']:.0f} upd/s"
            + (f" ({unanswered} unanswered)" if unanswered else ""),
        ),
        Row(
            "   CPU per update: floor bot; the bot over the floor (medians)",
            f"{floor_cpu:.2f} ms; {bot_cpu / floor_cpu:.2f}x",
            details={"bot_cpu_ms_per_update": bot_cpu, "floor_cpu_ms_per_update": floor_cpu},
        ),
    ]


async def run(quick: bool, folder: Path) -> list[Row]:
    # Each user sends one update per `think` seconds: USERS / think = 200 updates/s.
    users, think, seconds, runs = (50, 0.25, 2.0, 1) if quick else (USERS, 1.0, 12.0, RUNS)
    rows = []
    async with api_and_databases(folder, "updates", users + WARM_UP_USERS) as (api, urls):
        for backend, url in urls:
            all_runs = [await measure(url, api, folder, users, think, seconds) for _ in range(runs)]
            r = _median_run(all_runs)
            at_rate = r["per_second"] >= 0.95 * r["offered_per_second"]
            sqlite = backend == "SQLite"
            floor = (
                [
                    await measure_floor(url, api, folder, users, think, seconds)
                    for _ in range(min(runs, FLOOR_RUNS))
                ]
                if sqlite
                else []
            )
            of_runs = " / ".join(
                f"{p99:.0f} ({load:.1f})"
                for p99, load in zip(r["p99_ms_of_runs"], r["load_average_of_runs"], strict=True)
            )
            rows += [
                Row(
                    f"4. updates, {users} users at {r['offered_per_second']:.0f}/s, "
                    f"round trip p99 (median of {runs}), {backend}",
                    f"{r['p99_ms']:.1f} ms",
                    f"<= {GOAL_MS:.0f} ms" if sqlite else "",
                    (r["p99_ms"] <= GOAL_MS and at_rate) if sqlite else None,
                    r | {"users": users, "think_seconds": think, "seconds": seconds},
                ),
                Row(
                    "   worst run's p99",
                    f"{r['worst_p99_ms']:.1f} ms",
                    f"<= {WORST_GOAL_MS:.0f} ms" if sqlite else "",
                    r["worst_p99_ms"] <= WORST_GOAL_MS if sqlite else None,
                ),
                Row("   p99 of each run (1-min load average at its end)", f"{of_runs} ms"),
                Row(
                    "   p50 / p90 / max",
                    f"{r['p50_ms']:.1f} / {r['p90_ms']:.1f} / {r['max_ms']:.0f} ms",
                ),
                Row(
                    f"   achieved, {r['updates']:,} updates",
                    f"{r['per_second']:.0f} upd/s",
                    f">= {0.95 * r['offered_per_second']:.0f} upd/s",
                    at_rate,
                ),
                Row(
                    "   CPU per update: bot / fake and its users (bot's share of a core)",
                    f"{r['bot_cpu_ms_per_update']:.2f} / {r['fake_cpu_ms_per_update']:.2f} ms "
                    f"({r['bot_cpu_ms_per_update'] * r['per_second'] / 10:.0f} %)",
                ),
                *_phase_rows(r),
                *(
                    _floor_rows(floor, all_runs)
                    + await _shared_core_rows(url, api, folder, users, think, seconds, runs)
                    if sqlite
                    else []
                ),
                _stored_row("   reports stored", all_runs),
            ]
    return rows
