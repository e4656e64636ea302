"""Scenario 5: the weekly sweep's statistics for every user, on SQLite."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Row, fresh_database
from bench.seed import seed_weeks
from bot.documents import week_chart_png
from bot.texts.weekly_message import insight_text, nudge_text, summary_text
from core.weekly import daily_series, insights, nudge, period, totals
from db.session import create_engine
from db.stats import sweep_day_records

GOAL = 30.0


async def weekly_stats(url: str, users: int) -> dict[str, float]:
    """Per-day records of four weeks for every user, then this and last week's totals, in
    batches of 1,000; then text rendering, and charts on a sample."""
    now = datetime.now(UTC)
    engine = await fresh_database(url)
    rows = await seed_weeks(engine, users, now)
    engine = create_engine(url)
    today = now.date()
    start, end = period(6, today)
    stats_seconds = text_seconds = 0.0
    sample: list[Any] = []
    first = today - timedelta(days=27)
    clock = time.perf_counter()
    async for records in sweep_day_records(engine, range(1, users + 1), first, end):
        for days in records.values():
            this = totals(days, start, end, today=today)
            previous = totals(days, start - timedelta(days=7), start - timedelta(days=1))
            stats_seconds += time.perf_counter() - clock
            clock = time.perf_counter()
            found = [insight_text(i) for i in insights(days, today - timedelta(days=1))]
            tip = nudge_text(nudge(this, days))
            summary_text(this, previous, days, [], found, tip, "Your week")
            text_seconds += time.perf_counter() - clock
            if len(sample) < 50:
                sample.append(days)
            clock = time.perf_counter()
        del records, days  # before the next batch is read (see sweep_day_records)
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


async def run(quick: bool, folder: Path) -> list[Row]:
    users = 1_000 if quick else 100_000
    result = await weekly_stats(f"sqlite+aiosqlite:///{folder / 'weekly.sqlite3'}", users)
    return [
        Row(
            f"5. weekly stats, {users:,} users x 4 weeks ({result['rows'] / 1e6:.1f} M rows), "
            "SQLite",
            f"{result['stats_seconds']:.1f} s",
            f"<= {GOAL:.0f} s",
            result["stats_seconds"] <= GOAL,
            result,
        ),
        Row("   summary texts, all users", f"{result['text_seconds']:.1f} s"),
        Row("   chart PNG, each (sample of 50)", f"{result['chart_ms_each']:.0f} ms"),
    ]
