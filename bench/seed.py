"""Filling a database with many users and their schedules, fast (bulk inserts)."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from core.delivery import DeliveryStatus
from db.models import ReminderSchedule, User
from scheduler.planning import Kind, Prefs, next_slot

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney")
WAKES = (time(6), time(6, 30), time(7), time(7, 30), time(8))
CHUNK = 5_000


def user_rows(count: int, now: datetime, start_id: int = 1) -> Iterator[dict[str, object]]:
    for offset in range(count):
        yield {
            "id": start_id + offset,
            "chat_id": start_id + offset,
            "timezone": ZONES[offset % len(ZONES)],
            "wake_time": WAKES[offset % len(WAKES)],
            "bed_time": time(23),
            "hydration_on": True,
            "movement_on": True,
            "stretch_on": True,
            "tips_on": True,
            "setup_step": None,
            "awaiting": None,
            "is_active": True,
            "movement_days": 0b1111111,
            # All waking hours, as _next plans them (the model's default is 09:00-17:00).
            "sitting_from": None,
            "sitting_to": None,
            "stretch_lead_minutes": 30,
            "paused_until": None,
            "created_at": now,
            "updated_at": now,
        }


@cache
def _next(kind: Kind, zone: str, wake: time, now: datetime) -> datetime | None:
    return next_slot(kind, Prefs(zone, wake, time(23)), now)


async def _bulk(engine: AsyncEngine, table: Any, rows: list[dict[str, object]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(table), rows[start : start + CHUNK])


async def seed_users(engine: AsyncEngine, count: int, now: datetime) -> None:
    """`count` set-up users with every reminder on, scheduled as the bot would schedule them."""
    users = list(user_rows(count, now))
    await _bulk(engine, User, users)
    schedules = []
    for user in users:
        for kind in Kind:
            due = _next(kind, str(user["timezone"]), user["wake_time"], now)
            if due is not None:
                schedules.append(
                    {
                        "user_id": user["id"],
                        "kind": kind.value,
                        "is_snooze": False,
                        "next_due_at": due,
                    }
                )
    await _bulk(engine, ReminderSchedule, schedules)


async def seed_due(
    engine: AsyncEngine, count: int, now: datetime, kind: Kind = Kind.MOVEMENT
) -> None:
    """`count` users, each with one reminder due a minute ago."""
    await _bulk(engine, User, list(user_rows(count, now)))
    due = now - timedelta(minutes=1)
    rows: list[dict[str, object]] = [
        {"user_id": user_id, "kind": kind.value, "is_snooze": False, "next_due_at": due}
        for user_id in range(1, count + 1)
    ]
    await _bulk(engine, ReminderSchedule, rows)


def _day_stats_migration() -> Any:
    """Migration 0005's module: the SQL of the day_stats triggers and of its backfill."""
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config()).get_revision("0005")
    assert script is not None
    return script.module


def _fill_weeks(path: str, user_ids: range, today: date, days: int) -> dict[str, int]:
    """Four weeks of realistic data per user, written straight through sqlite3: reports,
    cups, movement and stretch reminders with answers. Deterministic.

    The day_stats triggers would triple the time (one upsert per row, 30 M rows): they
    are dropped while filling, day_stats is built once with the migration's backfill,
    and they are created again."""
    import random
    import sqlite3

    rng = random.Random(7)
    connection = sqlite3.connect(path)
    day_stats = _day_stats_migration()
    for sql in day_stats.drop_triggers("sqlite"):
        connection.execute(sql)
    counts = {"cramp_reports": 0, "water_logs": 0, "deliveries": 0}
    stamp = "%Y-%m-%d %H:%M:%S.000000"
    sent = DeliveryStatus.SENT.value  # a plain str: sqlite3 binds those fastest
    message_id = 0
    for user_id in user_ids:
        cramps, cups, deliveries = [], [], []
        for back in range(days):
            day = today - timedelta(days=back)
            noon = datetime(day.year, day.month, day.day, 12)
            for cup in range(rng.randint(3, 9)):
                cups.append(
                    (
                        user_id,
                        (noon + timedelta(minutes=30 * cup)).strftime(stamp),
                        day.isoformat(),
                        "button",
                    )
                )
            if rng.random() < 0.4:
                message_id += 1
                at = (noon + timedelta(hours=rng.choice((-8, 2, 11)))).strftime(stamp)
                cramps.append((
                    user_id, at, at, "button", message_id, rng.choice(("cramp", "cramp", "twitch")),
                    1 << rng.randrange(9), rng.randint(2, 9), rng.choice(("lt1", "1to10", "gt10")),
                    rng.choice(("night", "rest", "exercise")), 0, day.isoformat(),
                ))  # fmt: skip
            for hour in range(4):
                slot = (noon + timedelta(hours=hour)).strftime(stamp)
                answer = "m" if rng.random() < 0.6 else None
                deliveries.append(
                    (user_id, "movement", slot, day.isoformat(), sent, slot, slot, answer)
                )
            slot = (noon + timedelta(hours=10)).strftime(stamp)
            deliveries.append((user_id, "stretch", slot, day.isoformat(), sent, slot, slot,
                               "d" if rng.random() < 0.5 else None))  # fmt: skip
        connection.executemany(
            "INSERT INTO cramp_reports (user_id, occurred_at, reported_at, source,"
            " source_message_id, kind, places, severity, duration, context, symptoms, day)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cramps,
        )
        connection.executemany(
            "INSERT INTO water_logs (user_id, logged_at, day, source) VALUES (?, ?, ?, ?)", cups
        )
        connection.executemany(
            "INSERT INTO deliveries (user_id, kind, slot_at, day, status, claimed_at, sent_at,"
            " response) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            deliveries,
        )
        counts["cramp_reports"] += len(cramps)
        counts["water_logs"] += len(cups)
        counts["deliveries"] += len(deliveries)
    connection.execute(day_stats.backfill())
    for sql in day_stats.create_triggers("sqlite"):
        connection.execute(sql)
    connection.commit()
    connection.close()
    return counts


async def seed_weeks(
    engine: AsyncEngine, count: int, now: datetime, days: int = 28
) -> dict[str, int]:
    """`count` users with `days` days of data each (SQLite only: it writes the file directly)."""
    await _bulk(engine, User, list(user_rows(count, now)))
    path = engine.url.database
    assert path, "seed_weeks needs a SQLite file"
    await engine.dispose()  # let sqlite3 write without the pool holding connections
    import asyncio

    return await asyncio.to_thread(_fill_weeks, path, range(1, count + 1), now.date(), days)
