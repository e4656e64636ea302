"""Scenario 1: dispatch throughput with the send limit off, from one process."""

import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bench.common import Row, api_and_databases, bench_settings, fresh_database, repeat
from bench.seed import seed_due
from bot.app import build_application, send_window
from bot.sender import make_sender
from core.delivery import DeliveryStatus
from db.models import Delivery
from db.session import create_session_factory
from scheduler.dispatcher import Dispatcher

GOAL = 1000.0


async def dispatch_throughput(url: str, users: int, base_url: str) -> dict[str, float]:
    """Messages/s with the send limit off: `users` reminders due at once."""
    now = datetime.now(UTC)
    engine = await fresh_database(url)
    await seed_due(engine, users, now)
    application = build_application(bench_settings(url, base_url, max_per_second=0))
    await application.initialize()
    dispatcher = Dispatcher(
        create_session_factory(engine),
        make_sender(application.bot),
        lambda: datetime.now(UTC),
        chunk_size=send_window(0.0),  # what the bot itself uses with the limit off
    )
    started = time.perf_counter()
    while (stats := await dispatcher.run_once()).rows or stats.claimed:
        pass
    elapsed = time.perf_counter() - started
    async with engine.connect() as connection:
        sent = await connection.scalar(
            select(func.count()).where(Delivery.status == DeliveryStatus.SENT)
        )
    await application.shutdown()
    await engine.dispose()
    return {"messages": float(sent or 0), "seconds": elapsed, "per_second": (sent or 0) / elapsed}


async def run(quick: bool, folder: Path) -> list[Row]:
    users, runs = (500, 1) if quick else (10_000, 3)
    rows = []
    async with api_and_databases(folder, "dispatch", users) as (api, urls):
        for backend, url in urls:
            result = await repeat(
                runs,
                lambda url=url: dispatch_throughput(url, users, api.base_url),  # type: ignore[misc]
            )
            rows.append(
                Row(
                    f"1. dispatch, limiter off, {users:,} due, {backend}",
                    f"{result['per_second']:,.0f} msg/s",
                    f">= {GOAL:,.0f} msg/s",
                    result["per_second"] >= GOAL,
                    result | {"runs": runs},
                )
            )
    return rows
