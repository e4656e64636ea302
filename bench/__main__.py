"""Cramp Coach benchmarks. `python -m bench` (full) or `python -m bench --quick` (smoke).

Each scenario runs the real application code against the tests' fake Bot API, served
over loopback HTTP from a separate process. Figures are medians of several runs.
"""

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.seed import seed_due, seed_users, seed_weeks
from bot.app import build_application
from bot.documents import week_chart_png
from bot.reminders import make_sender
from bot.settings import AppSettings, SendingSettings, Settings, TelegramSettings
from core.weekly import daily_series, insights, nudge, period, summary_text, totals
from db.migrate import upgrade_database
from db.models import Delivery
from db.session import create_engine, create_session_factory
from db.settings import DatabaseSettings
from db.stats import sweep_day_records
from scheduler.dispatcher import Dispatcher

TOKEN = "123456789:BENCH-token_abcdefghijklmnopqrstuvwxyz01"
REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


@contextmanager
def fake_bot_api(users: int = 0, rate: float | None = None, per_chat: float | None = None) -> Any:
    """The fake Bot API in a child process; yields its base URL."""
    command = [sys.executable, "-m", "bench.fake_server", "--token", TOKEN, "--users", str(users)]
    if rate:
        command += ["--rate", str(rate)]
    if per_chat:
        command += ["--per-chat", str(per_chat)]
    process = subprocess.Popen(
        command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


async def _postgres_admin(sql: str) -> None:
    engine = create_engine(os.environ["TEST_DATABASE_URL"])
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.exec_driver_sql(sql)
    await engine.dispose()


@asynccontextmanager
async def database_urls(folder: Path, name: str) -> Any:
    """SQLite in `folder`; and, with TEST_DATABASE_URL, a scratch PostgreSQL database
    (created here and dropped afterwards: nothing of the server's own is touched)."""
    urls = [("SQLite", f"sqlite+aiosqlite:///{folder / (name + '.sqlite3')}")]
    base = os.environ.get("TEST_DATABASE_URL")
    scratch = f"cramp_bench_{os.getpid()}_{name}"
    if base:
        await _postgres_admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await _postgres_admin(f'CREATE DATABASE "{scratch}"')
        urls.append(("PostgreSQL", make_url(base).set(database=scratch).render_as_string(False)))
    try:
        yield urls
    finally:
        if base:
            await _postgres_admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


async def fresh_database(url: str) -> Any:
    """Engine on an empty, migrated database."""
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
    elif engine.url.database:
        await asyncio.to_thread(Path(engine.url.database).unlink, missing_ok=True)
    await upgrade_database(engine)
    return engine


async def dispatch_throughput(url: str, users: int, base_url: str) -> dict[str, float]:
    """Messages/s from one process with the send limit off: N reminders due at once."""
    now = datetime.now(UTC)
    engine = await fresh_database(url)
    await seed_due(engine, users, now)
    settings = Settings(
        telegram=TelegramSettings(
            bot_token=SecretStr(TOKEN), api_base_url=base_url, api_base_file_url=base_url
        ),
        database=DatabaseSettings(database_url=url),
        app=AppSettings(),
        sending=SendingSettings(max_per_second=0),
    )
    application = build_application(settings)
    await application.initialize()
    dispatcher = Dispatcher(
        create_session_factory(engine), make_sender(application.bot), lambda: datetime.now(UTC)
    )
    started = time.perf_counter()
    while (stats := await dispatcher.run_once()).rows or stats.claimed:
        pass
    elapsed = time.perf_counter() - started
    async with engine.connect() as connection:
        sent = await connection.scalar(select(func.count()).where(Delivery.status == "sent"))
    await application.shutdown()
    await engine.dispose()
    return {"messages": float(sent or 0), "seconds": elapsed, "per_second": (sent or 0) / elapsed}


async def weekly_stats(url: str, users: int) -> dict[str, float]:
    """The weekly sweep's statistics for every user (SQL per-day aggregates, then weekly
    totals in Python), in batches of 1,000; then text rendering, and charts on a sample."""
    now = datetime.now(UTC)
    engine = await fresh_database(url)
    rows = await seed_weeks(engine, users, now)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    today = now.date()
    start, end = period(6, today)
    stats_seconds = text_seconds = 0.0
    sample: list[Any] = []
    first = today - timedelta(days=27)
    clock = time.perf_counter()
    async for records in sweep_day_records(sessions, range(1, users + 1), first, end):
        for days in records.values():
            this = totals(days, start, end, today=today)
            previous = totals(days, start - timedelta(days=7), start - timedelta(days=1))
            stats_seconds += time.perf_counter() - clock
            clock = time.perf_counter()
            found = insights(days, today - timedelta(days=1))
            summary_text(this, previous, days, [], found, nudge(this, days), "Your week")
            text_seconds += time.perf_counter() - clock
            if len(sample) < 50:
                sample.append(days)
            clock = time.perf_counter()
    stats_seconds += time.perf_counter() - clock
    started = time.perf_counter()
    for days in sample:
        week_chart_png(daily_series(days, start, end), "Your week")
    chart_seconds = (time.perf_counter() - started) / len(sample)
    await engine.dispose()
    return {
        "users": float(users),
        "rows": float(sum(rows.values())),
        "stats_seconds": stats_seconds,
        "text_seconds": text_seconds,
        "chart_ms_each": chart_seconds * 1000,
    }


def read_peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def startup(url: str, base_url: str, folder: Path) -> dict[str, float]:
    """`python -m bot` on a database of many users: seconds until ready, peak RSS."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "TELEGRAM_API_BASE_FILE_URL": base_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=folder, env=env, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    ready = float("nan")
    for line in process.stderr:
        if "Ready as" in line:
            ready = time.perf_counter() - started
            break
    time.sleep(3)  # let the dispatcher's first pass and the first polls run
    peak = read_peak_rss_mb(process.pid)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    return {"ready_seconds": ready, "peak_rss_mb": peak, "exit_code": float(process.returncode)}


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


async def repeat(times: int, make: Callable[[], Awaitable[dict[str, float]]]) -> dict[str, float]:
    return median_of([await make() for _ in range(times)])


async def main(quick: bool) -> dict[str, Any]:
    runs = 1 if quick else 3
    due_users = 500 if quick else 10_000
    startup_users = 2_000 if quick else 100_000
    weekly_users = 1_000 if quick else 100_000
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "mode": "quick" if quick else "full",
        "runs": runs,
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with fake_bot_api(users=due_users) as base_url:
            async with database_urls(folder, "dispatch") as urls:
                for name, url in urls:
                    results[f"dispatch_{name}"] = await repeat(
                        runs,
                        lambda url=url: dispatch_throughput(url, due_users, base_url),  # type: ignore[misc]
                    )
        with fake_bot_api() as base_url:
            async with database_urls(folder, "startup") as urls:
                for name, url in urls:
                    engine = await fresh_database(url)
                    await seed_users(engine, startup_users, datetime.now(UTC))
                    await engine.dispose()
                    runs_ = [startup(url, base_url, folder) for _ in range(runs)]
                    results[f"startup_{name}"] = median_of(runs_) | {"users": startup_users}
        weekly_url = f"sqlite+aiosqlite:///{folder / 'weekly.sqlite3'}"
        results["weekly_SQLite"] = await weekly_stats(weekly_url, weekly_users)
    return results


def report(results: dict[str, Any]) -> None:
    print(
        f"Cramp Coach benchmarks, {results['date']}, {results['machine']}, {results['mode']} mode,"
    )
    print(f"median of {results['runs']} run(s)\n")
    print(f"{'scenario':<34}{'figure':>16}  goal")
    for key, value in results.items():
        if key.startswith("dispatch_"):
            print(
                f"{'dispatch, limiter off, ' + key[9:]:<34}"
                f"{value['per_second']:>10.0f} msg/s  >= 1000 msg/s"
                f"  ({value['messages']:.0f} messages in {value['seconds']:.2f} s)"
            )
        if key.startswith("startup_"):
            label = f"start-up, {value['users']:.0f} users, {key[8:]}"
            print(f"{label:<34}{value['ready_seconds']:>12.2f} s      <= 3 s")
            print(f"{'  peak RSS':<34}{value['peak_rss_mb']:>11.0f} MB      <= 150 MB")
        if key.startswith("weekly_"):
            label = f"weekly stats, {value['users']:.0f} users, {key[7:]}"
            print(f"{label:<34}{value['stats_seconds']:>12.1f} s      <= 30 s"
                  f"  ({value['rows']:.0f} rows, 4 weeks each)")  # fmt: skip
            print(f"{'  summary texts, all users':<34}{value['text_seconds']:>12.1f} s")
            print(f"{'  chart PNG, each (sample of 50)':<34}{value['chart_ms_each']:>11.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test")
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments.quick))
    report(outcome)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{outcome['mode']}.json"
    path.write_text(json.dumps(outcome, indent=2))
    print(f"\nJSON: {path.relative_to(REPO)}")
