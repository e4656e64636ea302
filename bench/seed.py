"""Filling a database with many users and their schedules, fast (bulk inserts)."""

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

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
