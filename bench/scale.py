"""Scenario 7: a day at scale. 10,000, 30,000 and 100,000 users on one bot token, through
the real planner and the real Dispatcher (its real claim on a real SQLite database) on a
virtual clock, with a virtual sender that enforces Telegram's limits: 30 messages a
second overall and one a second per chat.

Users are clustered as real ones are: 11 common zones, weighted; wake-up and bedtime on
round times, most keeping the defaults 07:00 and 23:00; every kind on. The simulated
stretch is one UTC day, Friday 2025-06-06 02:00 to Saturday 02:00 (no DST change in any
zone that week): every user lives a whole daily cycle in it, and it holds every user's
Friday tip and, with the summary weekday set to Friday for everyone, their weekly summary
(Sunday by default; Friday here so that the day carries every kind). That is a worst
case: the summaries (each with its chart) go out at 18:00 local beside the day's drink and
movement reminders, where on their Sunday the new design's weekday sitting hours would
send no movement. The schedule rows
are seeded as the bot plans them (scheduler.planning.next_slot) from the start of the
simulated stretch, so it starts with no backlog.

Above FULL_DAY_UP_TO users a whole day would take too long through the real claim on
SQLite (about 2,700 messages a second of wall time here: 10,000 users' day takes about
100 s per design, 100,000 users' 2.6 M slots would take some 15 minutes). Five of the
busiest hours are simulated instead (BUSY_WINDOW, 11:00-16:00 UTC: Europe's afternoon,
India's evening and the Americas' morning; the hour from 12:00 has the most slots of the
day), and the row label says so. That window starts with no backlog, which flatters the
baseline: from 08:00 UTC more falls due each hour than 30/s can send.

The virtual sender (VirtualSender) works out when each message would leave under the two
limits: the earliest free slot of a 1/30 s grid at or after the moment it is handed over
(the claim's instant, which is when the previous pass's last message left), and at least
one second after the previous message to its chat; the weekly summary's chart photo is a
second message to the same chat. It advances the virtual clock by those send times and
answers SENT; lateness is send time minus slot time, once per message (a merged message's
lead slot). Nothing is sent over HTTP: the
figures are about time and counts, which HTTP would not change (scenario 2 measures the
real limiter against a fake Telegram).

Users' behaviour is simple and seeded per reminder slot (both designs see the same):
nobody drinks or moves on their own; 40 % of drink reminders are answered "Drank a cup"
and 40 % of movement ones "Moved", 50 % of stretch ones "Done", three minutes after the
message left (a WaterLog row and the delivery's answer, as the buttons write them).

Dropped, by kind: slots the claim found past their grace (scheduler.planning.GRACE) and
skipped silently, as today's design does, counted when they would have gone out had they
been claimed in time (hydration pacing may hold one back anyway: not a drop); and
deliveries the dispatcher recorded as dropped or expired. The share dropped is of all
slots that went out or were dropped.

Baseline vs new design: the baseline is today's design (no per-user offset, movement in
all waking hours, Dispatcher(merge=False, send_rate=None, adapt=False)); the new design is
the defaults with the send rate the bot passes (bot/app.py: send_rate=30, no paid
broadcast), and most users keep the new sitting hours, weekdays 09:00-17:00 (a fifth
chose all waking hours). Those Prefs fields, user columns and Dispatcher arguments are
used only when the code has them (before they land both designs are the same).
Deterministic (seeded): one run per size, no medians. SQLite only: the figures do not
depend on the database.
"""

import heapq
import inspect
import logging
import random
import time as timer
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import Row, fresh_database, percentile
from bench.seed import CHUNK, user_rows
from bot.callbacks import ReminderAction
from core.delivery import DeliveryStatus, SendResult
from db.models import Delivery, ReminderSchedule, User, WaterLog
from db.session import create_session_factory
from scheduler.claims import ClaimDecision, Decide, Recipient, Water, decide_claim
from scheduler.dispatcher import Dispatcher, Outgoing
from scheduler.planning import Kind, Prefs, day_of, due_is_fresh, next_slot
from scheduler.schedules import prefs_of, wanted_kinds

SEED = 7
RATE, PER_CHAT = 30.0, 1.0  # Telegram: messages a second overall, seconds between a chat's
FULL_SIZES, QUICK_SIZES = (10_000, 30_000, 100_000), (60,)
START = datetime(2025, 6, 6, 2, tzinfo=UTC)  # a Friday
DAY = timedelta(days=1)
# Up to this many users a whole day is simulated; above, the busiest window of it.
FULL_DAY_UP_TO = 10_000
BUSY_WINDOW = (START + timedelta(hours=9), START + timedelta(hours=14))  # 11:00-16:00 UTC
# Goals, for 100,000 users on one token (the issue's): met or not at every size.
GOAL_DROPPED_SHARE, GOAL_P99_SECONDS = 0.001, 60.0
NEVER_DROPPED = (Kind.STRETCH, Kind.SUMMARY)
CHART = "summary chart"  # the photo after each weekly summary: a message of its own

# (zone, weight): where people using a bot in English are, roughly.
ZONES = (
    ("Europe/Berlin", 18), ("America/New_York", 14), ("Asia/Kolkata", 12),
    ("Europe/London", 10), ("America/Los_Angeles", 8), ("America/Chicago", 7),
    ("America/Sao_Paulo", 7), ("Europe/Moscow", 6), ("Asia/Tokyo", 6),
    ("Australia/Sydney", 6), ("Asia/Jakarta", 6),
)  # fmt: skip
WAKES = ((time(7), 70), (time(6), 8), (time(6, 30), 7), (time(7, 30), 7), (time(8), 8))
BEDS = ((time(23), 70), (time(22), 8), (time(22, 30), 7), (time(23, 30), 7), (time(0), 8))
SITTING_DEFAULT, ALL_WAKING_SHARE = (time(9), time(17)), 0.2  # new design, once it exists
# Share of each kind's reminders answered, and with which button.
ANSWERS = {
    Kind.HYDRATION: (0.4, ReminderAction.CUP),
    Kind.MOVEMENT: (0.4, ReminderAction.MOVED),
    Kind.STRETCH: (0.5, ReminderAction.DONE),
}
ANSWER_AFTER = timedelta(minutes=3)

BASELINE_PREFS = {"offset_minutes": 0, "sit_from": None, "sit_to": None}
BASELINE_DISPATCHER = {"merge": False, "send_rate": None, "adapt": False}
# The new design as bot/app.py runs it: the dispatcher plans a backlog at the send rate.
NEW_DISPATCHER = {"send_rate": RATE}


def baseline_prefs(prefs: Prefs) -> Prefs:
    """Today's planning inputs: no offset, movement in all waking hours (fields the code
    does not have yet are left alone)."""
    have = {f.name for f in fields(Prefs)}
    return replace(prefs, **{k: v for k, v in BASELINE_PREFS.items() if k in have})  # type: ignore[arg-type]


def dispatcher_options(baseline: bool) -> dict[str, Any]:
    """The Dispatcher keyword arguments of a design that this code accepts."""
    accepted = inspect.signature(Dispatcher).parameters
    options = BASELINE_DISPATCHER if baseline else NEW_DISPATCHER
    return {k: v for k, v in options.items() if k in accepted}


class VirtualSender:
    """When messages would leave under `rate` per second overall (an even grid of slots,
    each taken once: never more than `rate` in any second) and `per_chat` seconds between
    a chat's messages. Times are seconds on any virtual scale."""

    def __init__(self, rate: float = RATE, per_chat: float = PER_CHAT) -> None:
        self.rate, self.per_chat = rate, per_chat
        self._next_free: dict[int, int] = {}  # taken grid slot -> a later slot to try
        self._chat_last: dict[int, float] = {}
        self.last = float("-inf")  # when the latest message left

    def _take(self, slot: int) -> int:
        """The first free grid slot at or after `slot`, now taken (union-find, compressed)."""
        path = []
        while slot in self._next_free:
            path.append(slot)
            slot = self._next_free[slot]
        for taken in path:
            self._next_free[taken] = slot + 1
        self._next_free[slot] = slot + 1
        return slot

    def at(self, chat_id: int, ready: float) -> float:
        """Send one message to `chat_id` handed over at `ready`: when it leaves."""
        ready = max(ready, self._chat_last.get(chat_id, float("-inf")) + self.per_chat)
        # A hair under the next grid point rounds up to it, not past (float error).
        leaves = self._take(int(-(-(ready * self.rate - 1e-6) // 1))) / self.rate
        self._chat_last[chat_id] = leaves
        self.last = max(self.last, leaves)
        return leaves


@dataclass
class Tally:
    """What one simulated design gave."""

    messages: int = 0  # what Telegram got: a merged message once, a summary's chart too
    sent: Counter[str] = field(default_factory=Counter)  # reminders by kind, and charts
    dropped: Counter[str] = field(default_factory=Counter)
    lateness: list[float] = field(default_factory=list)  # seconds, per message
    # The same by the kind that leads the message: where the tail goes.
    lateness_by_kind: defaultdict[str, list[float]] = field(
        default_factory=lambda: defaultdict(list)
    )
    due_per_minute: Counter[datetime] = field(default_factory=Counter)
    sent_per_minute: Counter[datetime] = field(default_factory=Counter)
    seconds: float = 0.0
    passes: int = 0


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def make_users(count: int) -> list[dict[str, object]]:
    """User rows for `count` set-up users, clustered zones and times, every kind on."""
    rng = random.Random(f"{SEED}:users")
    sitting = hasattr(User, "sitting_from")  # users.sitting_from/to (migration 0010)
    rows = list(user_rows(count, START - timedelta(days=60)))
    for row in rows:
        row |= {
            "timezone": _pick(rng, ZONES),
            "wake_time": _pick(rng, WAKES),
            "bed_time": _pick(rng, BEDS),
            "summary_weekday": START.weekday(),
        }
        if sitting:  # most keep the default; some tap "all my waking hours"
            default = rng.random() >= ALL_WAKING_SHARE
            row["sitting_from"], row["sitting_to"] = SITTING_DEFAULT if default else (None, None)
    return rows


@lru_cache(maxsize=65_536)
def _first_slot(kind: Kind, prefs: Prefs, after: datetime) -> datetime | None:
    return next_slot(kind, prefs, after)


async def seed(
    sessions: async_sessionmaker[AsyncSession],
    rows: list[dict[str, object]],
    baseline: bool,
    start: datetime,
) -> dict[int, Prefs]:
    """The users, and their schedule rows as the bot plans them from `start`; their prefs."""
    async with sessions.begin() as session:
        # Core, not the ORM's bulk insert, which would take None as "use the default".
        connection = await session.connection()
        for first in range(0, len(rows), CHUNK):
            await connection.execute(insert(User), rows[first : first + CHUNK])
    prefs: dict[int, Prefs] = {}
    schedules: list[dict[str, object]] = []
    async with sessions() as session:
        for user in await session.scalars(select(User)):
            planned = prefs_of(user)
            prefs[user.id] = baseline_prefs(planned) if baseline else planned
            for kind in wanted_kinds(user):
                due = _first_slot(kind, prefs[user.id], start - timedelta(seconds=1))
                if due is not None:
                    schedules.append(
                        {"user_id": user.id, "kind": kind.value, "is_snooze": False,
                         "next_due_at": due}
                    )  # fmt: skip
    async with sessions.begin() as session:
        connection = await session.connection()
        for first in range(0, len(schedules), CHUNK):
            await connection.execute(insert(ReminderSchedule), schedules[first : first + CHUNK])
    return prefs


def counting_decide(tally: Tally, baseline: bool, end: datetime) -> Decide:
    """The real claim's decision (with today's prefs for the baseline), counting the slots
    it skips as stale that would have gone out had they been claimed in time."""

    def decide(
        kind: Kind, slot: datetime, user: Recipient | None, now: datetime, snooze: bool,
        water: Water,
    ) -> ClaimDecision:  # fmt: skip
        if user is not None and baseline:
            user = replace(user, prefs=baseline_prefs(user.prefs))
        decision = decide_claim(kind, slot, user, now, snooze, water)
        if decision.send:
            tally.due_per_minute[_minute(slot)] += 1
        if user is None or kind not in user.wanted or due_is_fresh(kind, slot, now):
            return decision
        # Stale: this slot, and any the row jumps over to its next, were missed.
        missed: Iterable[datetime] = [slot]
        if not snooze and decision.next_due_at is not None:
            missed = _slots_between(kind, user.prefs, slot, min(decision.next_due_at, end))
        for at in missed:
            if decide_claim(kind, at, user, at, snooze, water).send:
                tally.dropped[kind.value] += 1
                tally.due_per_minute[_minute(at)] += 1
        return decision

    return decide


def _slots_between(kind: Kind, prefs: Prefs, first: datetime, before: datetime) -> list[datetime]:
    slots: list[datetime] = []
    at: datetime | None = first
    while at is not None and at < before:
        slots.append(at)
        at = next_slot(kind, prefs, at)
    return slots


@dataclass(order=True, frozen=True)
class Answer:
    at: datetime
    delivery_id: int
    user_id: int = field(compare=False)
    kind: Kind = field(compare=False)


async def _record_answers(
    sessions: async_sessionmaker[AsyncSession], answers: list[Answer], prefs: dict[int, Prefs]
) -> None:
    """What the reminder buttons write: the answer on the delivery; a cup for "Drank a cup"."""
    async with sessions.begin() as session:
        connection = await session.connection()
        cups = [
            {"user_id": a.user_id, "logged_at": a.at, "day": day_of(prefs[a.user_id], a.at),
             "source": "reminder"}
            for a in answers if a.kind is Kind.HYDRATION
        ]  # fmt: skip
        if cups:
            await connection.execute(insert(WaterLog), cups)
        deliveries = cast(Table, Delivery.__table__)
        await connection.execute(
            update(deliveries)
            .where(deliveries.c.id == bindparam("delivery_id"))
            .values(response=bindparam("answer"), responded_at=bindparam("at")),
            [
                {"delivery_id": a.delivery_id, "answer": ANSWERS[a.kind][1].value, "at": a.at}
                for a in answers
            ],
        )


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


async def simulate(url: str, rows: list[dict[str, object]], baseline: bool,
                   window: tuple[datetime, datetime]) -> Tally:  # fmt: skip
    """One design through `window` (the schedule seeded from its start)."""
    tally = Tally()
    engine = await fresh_database(url)
    sessions = create_session_factory(engine)
    prefs = await seed(sessions, rows, baseline, window[0])
    now = window[0]
    sender = VirtualSender()
    answers: list[Answer] = []

    def seconds(at: datetime) -> float:
        return (at - window[0]).total_seconds()

    def instant(offset: float) -> datetime:
        return window[0] + timedelta(seconds=offset)

    async def send(outgoing: Outgoing) -> tuple[SendResult, int | None]:
        leaves = instant(sender.at(outgoing.chat_id, seconds(now)))
        tally.messages += 1
        tally.sent_per_minute[_minute(leaves)] += 1
        tally.lateness.append((leaves - outgoing.slot_at).total_seconds())
        tally.lateness_by_kind[outgoing.kind.value].append(tally.lateness[-1])
        if outgoing.kind is Kind.SUMMARY:
            chart = instant(sender.at(outgoing.chat_id, seconds(leaves)))
            tally.messages += 1
            tally.sent[CHART] += 1
            tally.sent_per_minute[_minute(chart)] += 1
        # A merged message (the new design) carries other reminders: each is answered alone.
        for part in (outgoing, *getattr(outgoing, "parts", ())):
            tally.sent[part.kind.value] += 1
            if part.kind not in ANSWERS:
                continue
            rng = random.Random(f"{SEED}:{part.user_id}:{part.kind}:{part.slot_at}")
            if rng.random() < ANSWERS[part.kind][0]:
                answer = Answer(leaves + ANSWER_AFTER, part.delivery_id, part.user_id, part.kind)
                heapq.heappush(answers, answer)
        return SendResult.SENT, outgoing.delivery_id

    dispatcher = Dispatcher(
        sessions, send, lambda: now, chunk_size=250,  # the grid spaces them, not the window
        decide=counting_decide(tally, baseline, window[1]), **dispatcher_options(baseline),
    )  # fmt: skip
    started = timer.perf_counter()
    while True:
        due = await dispatcher.next_due_at()
        if due is None or due >= window[1]:
            break
        now = max(now, due)
        if answers and answers[0].at <= now:  # before the claim, which then sees them
            due_answers = []
            while answers and answers[0].at <= now:
                due_answers.append(heapq.heappop(answers))
            await _record_answers(sessions, due_answers, prefs)
        await dispatcher.run_once()
        tally.passes += 1
        now = max(now, instant(sender.last))
    tally.seconds = timer.perf_counter() - started

    async with sessions() as session:
        lost = (DeliveryStatus.EXPIRED, getattr(DeliveryStatus, "DROPPED", DeliveryStatus.EXPIRED))
        for kind, slot, claimed in await session.execute(
            select(Delivery.kind, Delivery.slot_at, Delivery.claimed_at).where(
                Delivery.status.in_(lost)
            )
        ):
            # A row for a slot already stale when claimed: counting_decide counted it.
            if claimed is None or due_is_fresh(Kind(kind), slot, claimed):
                tally.dropped[kind] += 1
    await engine.dispose()
    return tally


def summary(tally: Tally, users: int) -> dict[str, Any]:
    """The figures of one design."""
    dropped = tally.dropped.total()
    slots = tally.sent.total() - tally.sent[CHART] + dropped
    busiest_due = max(tally.due_per_minute.items(), key=lambda kv: kv[1], default=(None, 0))
    busiest_sent = max(tally.sent_per_minute.values(), default=0)
    return {
        "messages": tally.messages,
        "messages_per_user": round(tally.messages / users, 2),  # over the simulated span
        "sent_by_kind": dict(tally.sent),
        "dropped_by_kind": dict(tally.dropped),
        "dropped": dropped,
        "dropped_share": dropped / slots if slots else 0.0,
        "never_dropped_kinds_dropped": sum(tally.dropped[k.value] for k in NEVER_DROPPED),
        "lateness_p50": percentile(tally.lateness, 0.5),
        "lateness_p99": percentile(tally.lateness, 0.99),
        "lateness_max": max(tally.lateness, default=float("nan")),
        "lateness_p99_by_kind": {
            kind: percentile(late, 0.99) for kind, late in sorted(tally.lateness_by_kind.items())
        },
        "busiest_minute": busiest_due[0].isoformat() if busiest_due[0] else None,
        "busiest_minute_due": busiest_due[1],  # slots worth sending that fell due in it
        "busiest_minute_sent": busiest_sent,
        "passes": tally.passes,
        "seconds": round(tally.seconds, 1),
    }


@contextmanager
def quiet_dispatcher() -> Iterator[None]:
    """The dispatcher warns of each pass's drops; thousands of them would bury the table."""
    log = logging.getLogger("scheduler.dispatcher")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


async def at_size(users: int, folder: Path, quick: bool) -> list[Row]:
    whole_day = users <= FULL_DAY_UP_TO and not quick  # --quick: the window, in a second
    window = (START, START + DAY) if whole_day else BUSY_WINDOW
    rows = make_users(users)
    url = f"sqlite+aiosqlite:///{folder / 'scale.sqlite3'}"
    with quiet_dispatcher():
        new, old = [
            summary(await simulate(url, [dict(r) for r in rows], baseline, window), users)
            for baseline in (False, True)
        ]
    span = "whole day" if whole_day else f"busiest {window[0]:%H}-{window[1]:%H} UTC"
    drop_ok = new["dropped_share"] <= GOAL_DROPPED_SHARE
    kept_ok = new["never_dropped_kinds_dropped"] == 0
    late_ok = new["lateness_p99"] <= GOAL_P99_SECONDS
    return [
        Row(f"7. a day at scale, {users:,} users ({span}): dropped, new / baseline",
            f"{new['dropped_share']:.2%} / {old['dropped_share']:.2%}",
            f"<= {GOAL_DROPPED_SHARE:.1%}", drop_ok,
            {"window": [at.isoformat() for at in window], "new": new, "baseline": old}),
        Row("   stretch and summary dropped, new / baseline",
            f"{new['never_dropped_kinds_dropped']:,} / {old['never_dropped_kinds_dropped']:,}",
            "none", kept_ok),
        Row("   lateness p50 / p99, new",
            f"{new['lateness_p50']:.0f} / {new['lateness_p99']:.0f} s",
            f"p99 <= {GOAL_P99_SECONDS:.0f} s", late_ok),
        Row("   lateness p50 / p99, baseline",
            f"{old['lateness_p50']:.0f} / {old['lateness_p99']:.0f} s"),
        Row("   busiest minute, slots due: new / baseline",
            f"{new['busiest_minute_due']:,} / {old['busiest_minute_due']:,}"),
        Row(f"   messages/user {'that day' if whole_day else 'in those hours'}, new / baseline",
            f"{new['messages_per_user']:.1f} / {old['messages_per_user']:.1f}"),
    ]  # fmt: skip


async def run(quick: bool, folder: Path) -> list[Row]:
    rows = []
    for users in QUICK_SIZES if quick else FULL_SIZES:
        rows += await at_size(users, folder, quick)
    return rows
