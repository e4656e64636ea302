"""Scenario 2: `python -m bot` under Telegram-like limits enforced by the fake (30/s overall,
1/s per chat, 429 with retry_after beyond): many reminders due at the same instant.

The users are seeded with one movement reminder each; just before the bot starts, every
one is set due a few seconds ahead, so the bot is up and idle when they fall due. Once
every chat has its message the bot is stopped with SIGTERM, and the fake's record of the
calls gives the figures: lateness is the fake's receive time minus the due time (both on
the system-wide monotonic clock); the achieved rate counts the intervals between the
first and the last message received. The deliveries table is checked too.
One run per backend: a full run lasts about 100 s (3,000 messages at 30/s).
"""

import asyncio
import itertools
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bench.common import FakeApi, Row, database_urls, fake_bot_api, fresh_database, percentile
from bench.seed import seed_due
from bench.startup import bot_env
from core.delivery import DeliveryStatus
from db.models import Delivery, ReminderSchedule, User
from db.session import create_engine

RATE, PER_CHAT = 30.0, 1.0
GOAL_RATE = 0.95 * RATE
# Due this long after the launch: the bot is ready (about 1 s) and its dispatcher idle.
DUE_AFTER = 8.0
PAUSE = 0.1


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime, stime, in USER_HZ ticks


async def set_all_due(url: str, users: int) -> float:
    """A fresh database of `users` users with one reminder each, all due DUE_AFTER from
    now; returns that instant on the monotonic clock."""
    engine = await fresh_database(url)
    await seed_due(engine, users, datetime.now(UTC))
    due_monotonic = time.monotonic() + DUE_AFTER
    due = datetime.now(UTC) + timedelta(seconds=DUE_AFTER)
    async with engine.begin() as connection:
        await connection.execute(update(ReminderSchedule).values(next_due_at=due))
        # One reminder each: no movement day, so the row goes once it is sent. Otherwise a
        # user's next hourly slot (anywhere in the hour, with the spread) could fall during
        # the run and be counted as a duplicate.
        await connection.execute(update(User).values(movement_days=0))
    await engine.dispose()
    return due_monotonic


async def database_check(url: str) -> tuple[dict[str, int], int]:
    """Deliveries per status, and users with more than one delivery."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        by_status = await connection.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        statuses = {status: int(count) for status, count in by_status}
        repeated = select(Delivery.user_id).group_by(Delivery.user_id).having(func.count() > 1)
        twice = await connection.scalar(select(func.count()).select_from(repeated.subquery()))
    await engine.dispose()
    return statuses, int(twice or 0)


async def deliver_all(url: str, users: int, api: FakeApi, folder: Path) -> dict[str, Any]:
    """Run the bot until every chat has its reminder (or time runs out); the figures."""
    due = await set_all_due(url, users)
    log = folder / "limits-bot.log"
    with log.open("w") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=folder, env=bot_env(url, api.base_url), stderr=stderr
        )
    try:
        deadline = due + users / RATE * 2 + 60
        while "Ready as" not in log.read_text():
            if process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not start; see {log}")
            await asyncio.sleep(0.05)
        ready_before_due = due - time.monotonic()
        while time.monotonic() < deadline and process.returncode is None:
            await asyncio.sleep(1.0)
            calls = await api.calls()
            sent = {
                chat
                for method, chat, status, _ in calls
                if (method, status) == ("sendMessage", 200)
            }
            if len(sent) >= users:
                break
        await asyncio.sleep(0.5)  # a late duplicate would show up now
        cpu = cpu_seconds(process.pid)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 60)
    calls = await api.calls()
    statuses, twice = await database_check(url)
    text = log.read_text()
    return figures(calls, due, users) | {
        "ready_before_due_seconds": ready_before_due,
        "bot_cpu_seconds": cpu,
        "exit_code": process.returncode,
        "flood_warnings": text.count("Flood limit hit"),
        "errors_logged": text.count(" ERROR "),
        "db_statuses": statuses,
        "db_users_twice": twice,
    }


def figures(
    calls: list[tuple[str, int | None, int, float]], due: float, users: int
) -> dict[str, Any]:
    """Delivered, duplicates, 429s, achieved rate and lateness from the fake's calls."""
    received = sorted(
        (at, chat)
        for method, chat, status, at in calls
        if method == "sendMessage" and status == 200
    )
    per_chat = Counter(chat for _, chat in received)
    late = [at - due for at, _ in received]
    span = received[-1][0] - received[0][0] if len(received) > 1 else float("nan")
    # Pauses in the stream (several send intervals long) are where the rate is lost.
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(received)]
    pauses = [(index + 1, gap) for index, gap in enumerate(gaps) if gap > PAUSE]
    return {
        "users": users,
        "delivered": len(per_chat),
        "messages": len(received),
        "chats_twice": sum(1 for n in per_chat.values() if n > 1),
        "answers_429": sum(1 for *_, status, _ in calls if status == 429),
        "rate": (len(received) - 1) / span if span else float("nan"),
        "seconds_first_to_last": span,
        "ideal_seconds": (users - 1) / RATE,
        "pauses_over_100ms": len(pauses),
        "seconds_lost_in_pauses": sum(gap for _, gap in pauses) - len(pauses) / RATE,
        # (messages received before it, seconds); passes claim DISPATCH_BATCH_SIZE (500).
        "pauses": [(after, round(gap, 3)) for after, gap in pauses],
        "longest_pause": max(gaps, default=float("nan")),
        "late_min": min(late, default=float("nan")),
        "late_p50": percentile(late, 0.5),
        "late_p90": percentile(late, 0.9),
        "late_p99": percentile(late, 0.99),
        "late_max": max(late, default=float("nan")),
    }


async def run(quick: bool, folder: Path) -> list[Row]:
    users = 150 if quick else 3_000
    rows = []
    async with database_urls(folder, "limits") as urls:
        for backend, url in urls:
            # A fresh fake per backend: its call record and buckets start empty.
            with fake_bot_api(users=users, rate=RATE, per_chat=PER_CHAT) as api:
                result = await deliver_all(url, users, api, folder)
            sent_in_db = result["db_statuses"].get(DeliveryStatus.SENT, 0)
            rate = result["rate"]
            rows += [
                Row(
                    f"2. limits 30/s, 1/s a chat: {users:,} due at once, {backend}",
                    f"{result['delivered']:,} delivered",
                    f"all {users:,}",
                    result["delivered"] == users == sent_in_db and result["late_min"] >= 0,
                    result | {"runs": 1},
                ),
                Row(
                    "   chats that got one twice",
                    f"{result['chats_twice']}",
                    "0",
                    result["chats_twice"] == 0 and result["db_users_twice"] == 0,
                ),
                Row("   429 answers", f"{result['answers_429']}", "0", result["answers_429"] == 0),
                Row(
                    "   achieved rate",
                    f"{rate:.1f} msg/s",
                    f">= {GOAL_RATE:.1f} msg/s",
                    rate >= GOAL_RATE,
                ),
                Row(
                    "   lateness p50 / p90 / p99",
                    f"{result['late_p50']:.1f} / {result['late_p90']:.1f} / "
                    f"{result['late_p99']:.1f} s",
                ),
                Row("   the last one late by", f"{result['late_max']:.1f} s"),
            ]
    return rows
