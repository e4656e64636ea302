"""Scenario 4: 200 users pressing report buttons at once. `python -m bot` runs in its own
process, long polling the fake Bot API in another; the simulated users run inside the
fake's process (bench/fake_users.py), so each round trip (update enqueued -> the bot's
reply for that chat arrives) is timed on one clock, with no driver in the way. Then the
database is checked: every Save stored exactly one report."""

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bench.common import FakeApi, Row, api_and_databases, fresh_database, percentile
from bench.seed import seed_users
from bench.startup import bot_env
from db.models import CrampReport
from db.session import create_engine

GOAL_MS, USERS, WARM_UP_USERS = 50.0, 200, 10
READY_SECONDS = 60.0


@asynccontextmanager
async def bot_process(url: str, base_url: str, folder: Path) -> AsyncIterator[int]:
    """`python -m bot` on `url` until the block ends; yields its pid once it is ready.
    The send limit is off, as in scenario 1: this measures the bot, not Telegram's budget."""
    env = bot_env(url, base_url, SEND_MAX_PER_SECOND="0")
    log = folder / "updates-bot.log"
    with log.open("w") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=folder, env=env, stderr=stderr
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
) -> dict[str, Any]:
    """Seed, start the bot, warm it up with a few other users, then the measured run."""
    engine = await fresh_database(url)
    await seed_users(engine, users + WARM_UP_USERS, datetime.now(UTC))
    await engine.dispose()
    async with bot_process(url, api.base_url, folder) as pid:
        load = os.getloadavg()[0]  # other work on the machine shows in the tail
        warm = await flows(api.control_url, range(users + 1, users + WARM_UP_USERS + 1), 0.05, 0.4)
        cpu, fake_cpu = cpu_seconds(pid), cpu_seconds(api.pid)
        result = await flows(api.control_url, range(1, users + 1), think, seconds)
        cpu, fake_cpu = cpu_seconds(pid) - cpu, cpu_seconds(api.pid) - fake_cpu
    saves = Counter({int(user): n for user, n in (warm["saves"] | result["saves"]).items()})
    stored = await stored_reports(url)
    updates = result["updates"]
    trips = [(replied - enqueued) * 1000 for _, enqueued, replied, _ in updates]
    span = max(replied for *_, replied, _ in updates) - min(at for _, at, *_ in updates)
    by_step: dict[str, list[float]] = {}
    for (step, *_), trip in zip(updates, trips, strict=True):
        by_step.setdefault(step, []).append(trip)
    return {
        "updates": len(updates),
        "offered_per_second": users / think,
        "per_second": len(updates) / span,
        "p50_ms": percentile(trips, 0.50),
        "p90_ms": percentile(trips, 0.90),
        "p99_ms": percentile(trips, 0.99),
        "max_ms": max(trips),
        "p99_ms_by_step": {step: round(percentile(t, 0.99), 1) for step, t in by_step.items()},
        "bot_cpu_ms_per_update": cpu * 1000 / len(updates),
        # The fake serves the Bot API and runs the 200 users, on the same 2 cores.
        "fake_cpu_ms_per_update": fake_cpu * 1000 / len(updates),
        "load_average": load,
        "failed_replies": sum(1 for *_, status in updates if status != 200),
        "timeouts": result["timeouts"] + warm["timeouts"],
        "saves": sum(saves.values()),
        "reports": sum(stored.values()),
        "users_mismatched": sum(1 for user in saves | stored if saves[user] != stored[user]),
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median p99 (its own figures together), plus every run's p99."""
    ranked = sorted(runs, key=lambda r: float(r["p99_ms"]))
    return ranked[len(ranked) // 2] | {"p99_ms_of_runs": [round(r["p99_ms"], 1) for r in runs]}


async def run(quick: bool, folder: Path) -> list[Row]:
    # Each user sends one update per `think` seconds: USERS / think = 200 updates/s.
    users, think, seconds, runs = (50, 0.25, 2.0, 1) if quick else (USERS, 1.0, 12.0, 3)
    rows = []
    async with api_and_databases(folder, "updates", users + WARM_UP_USERS) as (api, urls):
        for backend, url in urls:
            all_runs = [await measure(url, api, folder, users, think, seconds) for _ in range(runs)]
            r = _median_run(all_runs)
            saves = sum(run["saves"] for run in all_runs)
            reports = sum(run["reports"] for run in all_runs)
            at_rate = r["per_second"] >= 0.95 * r["offered_per_second"]
            stored_ok = saves > 0 and all(
                run["users_mismatched"] == 0 and not run["timeouts"] for run in all_runs
            )
            goal = f"<= {GOAL_MS:.0f} ms" if backend == "SQLite" else ""
            of_runs = " / ".join(f"{p99:.0f}" for p99 in r["p99_ms_of_runs"])
            rows += [
                Row(
                    f"4. updates, {users} users at {r['offered_per_second']:.0f}/s, "
                    f"round trip p99 (median of {runs}), {backend}",
                    f"{r['p99_ms']:.1f} ms",
                    goal,
                    (r["p99_ms"] <= GOAL_MS and at_rate) if goal else None,
                    r | {"users": users, "think_seconds": think, "seconds": seconds},
                ),
                Row("   p99 of each run", f"{of_runs} ms"),
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
                    "   CPU per update: bot / fake and its users",
                    f"{r['bot_cpu_ms_per_update']:.2f} / {r['fake_cpu_ms_per_update']:.2f} ms",
                ),
                Row(
                    f"   reports stored, {saves:,} saves in {runs} runs",
                    f"{reports:,} rows",
                    "one per Save",
                    stored_ok,
                ),
            ]
    return rows
