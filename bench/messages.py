"""Scenario 6: messages per user per day over a simulated week: our paced hydration
reminders against fixed-interval reminders, for the same users drinking the same way.

Users in five zones, with varied wake-up and bed times and every reminder kind on, live
one week (Monday to Sunday on their own wall clocks). The real Dispatcher runs on an
injected clock that jumps from one due time or logged cup to the next, and sends through
the real application's bot to the fake Bot API over HTTP (send limits off). Users log
water as the bot records it (a WaterLog row for their local day, as "Drank a cup" and
/water write it; the handlers have no helper outside themselves): diligent ones drink at
waking, meals and in between (about 8 cups), forgetful ones 3-5 cups, reminder-led ones
little on their own; after a hydration reminder each may tap "Drank a cup" a few minutes
later (less likely within an hour of their last cup). All randomness is seeded per user
and day and per reminder slot, so both runs see the same behaviour.

The baseline is the same dispatcher with hydration pacing turned off (its claims decided
by fixed_interval: every planned drink slot goes out whatever the user drank, as a naive
reminder bot would); movement, stretch, tips and summaries are unchanged. Messages are
counted per user and day from the deliveries table, by kind, and checked against what the
fake received. The weekly summary's chart photo counts as a message but is not drawn (see
_chart_counted_not_drawn). SQLite only: the figures are counts of messages, which do not
depend on the database.
"""

import heapq
import random
import statistics
import time as timer
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import FakeApi, Row, bench_settings, fake_bot_api, fresh_database, percentile
from bench.seed import user_rows
from bot.app import build_application
from bot.callbacks import ReminderAction
from bot.sender import make_sender
from bot.summaries import Summary, make_preparer
from core.delivery import DeliveryStatus, SendResult
from db.models import Delivery, User, WaterLog
from db.session import create_session_factory
from scheduler.claims import ClaimDecision, Recipient, Water, decide_claim
from scheduler.dispatcher import Dispatcher, Outgoing, Preparer
from scheduler.planning import (
    DEFAULT_CUPS,
    Kind,
    Prefs,
    day_end,
    day_of,
    day_start,
    due_is_fresh,
    is_paused,
    local_to_utc,
)
from scheduler.schedules import sync_user_schedule

# The send cost through HTTP grows with users; the per-day figures barely move past ~20.
FULL_USERS, QUICK_USERS = 250, 5
SEED = 6
MONDAY = date(2025, 6, 2)  # no DST change in any of the zones that week
WEEK = [MONDAY + timedelta(days=n) for n in range(7)]
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Los_Angeles",
)
WAKES = (time(6), time(6, 30), time(7), time(7, 15), time(7, 45), time(8, 30))
BEDS = (time(22), time(22, 30), time(23), time(23, 30), time(0, 15))

# Style: (share of users, chance of answering a hydration reminder with a cup).
STYLES = {"diligent": (0.3, 0.5), "forgetful": (0.4, 0.35), "reminder-led": (0.3, 0.75)}
# Someone who drank within the hour is less likely to drink again because they are told to.
JUST_DRANK, JUST_DRANK_FACTOR = timedelta(minutes=60), 0.25
# When people drink on their own: (earliest, latest) local minute of the day, or None
# for "soon after waking" (minutes after wake-up instead).
MOMENTS = {
    "waking": None,
    "breakfast": None,
    "mid-morning": (10 * 60, 11 * 60 + 30),
    "lunch": (12 * 60, 13 * 60 + 30),
    "afternoon": (15 * 60, 16 * 60 + 30),
    "late afternoon": (16 * 60 + 45, 18 * 60),
    "dinner": (18 * 60 + 30, 20 * 60),
    "evening": (20 * 60 + 15, 21 * 60 + 30),
}
KINDS = [kind.value for kind in Kind]
CHART = "summary chart"  # the photo after each weekly summary: a message of its own


@dataclass(frozen=True)
class SimUser:
    id: int
    prefs: Prefs
    style: str


@dataclass(order=True, frozen=True)
class Cup:
    at: datetime
    user_id: int
    # Answering this reminder with "Drank a cup"; None: logged with /water or the button.
    delivery_id: int | None = field(default=None, compare=False)


@dataclass
class WeekRun:
    """What one simulated week gave: per (user, day) messages by kind, and cups."""

    messages: dict[tuple[int, date], Counter[str]]
    sent_all_days: Counter[int]  # per user, days outside the week too (for the fake check)
    cups: Counter[tuple[int, date]]
    prompted: Counter[tuple[int, date]]  # of those, logged by answering a reminder
    seconds: float
    steps: int
    skipped: int  # hydration reminders pacing held back


def make_users(count: int) -> list[SimUser]:
    rng = random.Random(f"{SEED}:users")
    names, weights = list(STYLES), [share for share, _ in STYLES.values()]
    return [
        SimUser(
            user_id,
            Prefs(rng.choice(ZONES), rng.choice(WAKES), rng.choice(BEDS)),
            rng.choices(names, weights)[0],
        )
        for user_id in range(1, count + 1)
    ]


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def spontaneous_cups(user: SimUser, day: date) -> list[Cup]:
    """The cups a user logs on their own that day (not prompted by a reminder)."""
    rng = random.Random(f"{SEED}:{user.id}:{day}")
    prefs = user.prefs
    if user.style == "diligent":
        chosen = [m for m in MOMENTS if rng.random() < 0.93]
        chosen += [m for m in ("afternoon", "lunch") if rng.random() < 0.25]  # a second cup
    elif user.style == "forgetful":
        chosen = rng.sample(list(MOMENTS), rng.randint(3, 5))
    else:
        chosen = [m for m, p in (("waking", 0.5), ("lunch", 0.3)) if rng.random() < p]
    wake, bed = day_start(prefs, day), day_end(prefs, day)
    cups = []
    for moment in chosen:
        window = MOMENTS[moment]
        if window is None:
            lead = rng.randint(5, 30) if moment == "waking" else rng.randint(30, 75)
            at = wake + timedelta(minutes=lead)
        else:
            wall = datetime.combine(day, time()) + timedelta(minutes=rng.randint(*window))
            at = local_to_utc(wall, prefs.timezone)
        if wake <= at < bed - timedelta(minutes=20):
            cups.append(Cup(_minute(at), user.id))
    return cups


def answer_to(user: SimUser, outgoing: Outgoing, last_cup: datetime | None) -> Cup | None:
    """Whether (and when) the user answers a hydration reminder with "Drank a cup"; drawn
    per reminder slot, so the same reminder gets the same answer in both runs."""
    rng = random.Random(f"{SEED}:{user.id}:{outgoing.slot_at.isoformat()}")
    chance = STYLES[user.style][1]
    if last_cup is not None and outgoing.slot_at - last_cup < JUST_DRANK:
        chance *= JUST_DRANK_FACTOR
    if rng.random() >= chance:
        return None
    at = _minute(outgoing.slot_at) + timedelta(minutes=rng.randint(1, 12))
    if day_of(user.prefs, at) != day_of(user.prefs, outgoing.slot_at):
        return None  # the bot refuses answers to yesterday's reminder
    return Cup(at, user.id, outgoing.delivery_id)


def fixed_interval(
    kind: Kind, slot: datetime, user: Recipient | None, now: datetime, snooze: bool, water: Water
) -> ClaimDecision:
    """The real claim without hydration pacing: every planned drink slot goes out (within
    its grace, unless paused), whatever the user drank."""
    decision = decide_claim(kind, slot, user, now, snooze, water)
    if kind is Kind.HYDRATION and not snooze and user is not None and decision.wanted:
        fresh = due_is_fresh(kind, slot, now) and not is_paused(user.paused_until, now)
        return replace(decision, send=fresh)
    return decision


async def _log_cups(
    sessions: async_sessionmaker[AsyncSession], users: dict[int, SimUser], cups: list[Cup]
) -> None:
    """The rows the bot writes for /water or the keyboard button, and for "Drank a cup"
    under a reminder (which also records the answer on the delivery)."""
    async with sessions.begin() as session:
        for cup in cups:
            session.add(
                WaterLog(
                    user_id=cup.user_id,
                    logged_at=cup.at,
                    day=day_of(users[cup.user_id].prefs, cup.at),
                    source="button" if cup.delivery_id is None else "reminder",
                )
            )
        for cup in cups:
            if cup.delivery_id is None:
                continue
            await session.execute(
                update(Delivery)
                .where(Delivery.id == cup.delivery_id, Delivery.response.is_(None))
                .values(response=ReminderAction.CUP.value, responded_at=cup.at)
            )


async def simulate(url: str, base_url: str, people: list[SimUser], paced: bool) -> WeekRun:
    """One week for `people`; per user and day: messages by kind, and cups."""
    users = {user.id: user for user in people}
    starts = {user.id: day_start(user.prefs, MONDAY) for user in people}
    end = max(day_end(user.prefs, WEEK[-1]) for user in people)
    engine = await fresh_database(url)
    rows = list(user_rows(len(people), min(starts.values()) - timedelta(days=1)))
    for row, user in zip(rows, people, strict=True):
        row |= {"timezone": user.prefs.timezone, "wake_time": user.prefs.wake,
                "bed_time": user.prefs.bed}  # fmt: skip
    async with engine.begin() as connection:
        await connection.execute(insert(User), rows)
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        for user_row in await session.scalars(select(User)):
            await sync_user_schedule(session, user_row, starts[user_row.id])

    settings = bench_settings(url, base_url, max_per_second=0, chat_interval_seconds=0)
    application = build_application(settings)
    await application.initialize()
    now = min(starts.values())
    cups = [cup for user in people for day in WEEK for cup in spontaneous_cups(user, day)]
    heapq.heapify(cups)
    last_cup: dict[int, datetime] = {}
    charts: Counter[tuple[int, date]] = Counter()
    send_message = make_sender(application.bot)

    async def send(outgoing: Outgoing) -> tuple[SendResult, int | None]:
        result = await send_message(outgoing)
        if result[0] is not SendResult.SENT:
            return result
        if outgoing.kind is Kind.HYDRATION:
            user = users[outgoing.user_id]
            answer = answer_to(user, outgoing, last_cup.get(user.id))
            if answer is not None:
                heapq.heappush(cups, answer)
        elif outgoing.kind is Kind.SUMMARY and outgoing.delivery_id in with_chart:
            charts[outgoing.user_id, day_of(users[outgoing.user_id].prefs, outgoing.slot_at)] += 1
        return result

    with_chart: set[int] = set()
    prepare = _chart_counted_not_drawn(make_preparer(sessions), with_chart)
    decide = decide_claim if paced else fixed_interval
    dispatcher = Dispatcher(sessions, send, lambda: now, prepare=prepare, decide=decide)
    started, steps, skipped = timer.perf_counter(), 0, 0
    while True:
        due = await dispatcher.next_due_at()
        candidates = [t for t in (due, cups[0].at if cups else None) if t is not None]
        if not candidates or min(candidates) > end:
            break
        now, steps = max(now, min(candidates)), steps + 1
        drunk = []
        while cups and cups[0].at <= now:
            drunk.append(cup := heapq.heappop(cups))
            last_cup[cup.user_id] = cup.at
        if drunk:  # before the reminders of the same minute, which then see them
            await _log_cups(sessions, users, drunk)
        if due is None or due > now:
            continue  # only cups this minute: a pass would find nothing to claim
        # A pass that saw a full batch may have left due rows behind: pass again.
        while True:
            stats = await dispatcher.run_once()
            skipped += stats.skipped
            if stats.rows < dispatcher.batch_size:
                break
    seconds = timer.perf_counter() - started

    async with sessions() as session:
        sent = await session.execute(
            select(Delivery.user_id, Delivery.day, Delivery.kind, func.count())
            .where(Delivery.status == DeliveryStatus.SENT)
            .group_by(Delivery.user_id, Delivery.day, Delivery.kind)
        )
        drunk_by_day = await session.execute(
            select(WaterLog.user_id, WaterLog.day, WaterLog.source, func.count()).group_by(
                WaterLog.user_id, WaterLog.day, WaterLog.source
            )
        )
        messages: dict[tuple[int, date], Counter[str]] = defaultdict(Counter)
        all_days: Counter[int] = Counter()
        for user_id, day, kind_name, count in sent:
            all_days[user_id] += count
            if day in WEEK:
                messages[user_id, day][kind_name] += count
        water: Counter[tuple[int, date]] = Counter()
        prompted: Counter[tuple[int, date]] = Counter()
        for user_id, day, source, count in drunk_by_day:
            water[user_id, day] += count
            prompted[user_id, day] += count if source == "reminder" else 0
    await application.shutdown()
    await engine.dispose()
    for (user_id, day), count in charts.items():
        if day in WEEK:
            messages[user_id, day][CHART] += count
    return WeekRun(messages, all_days, water, prompted, seconds, steps, skipped)


def _chart_counted_not_drawn(prepare: Preparer, with_chart: set[int]) -> Preparer:
    """The real summaries, but their chart photo is noted instead of drawn: drawing a
    PNG per user costs ~0.2 s and adds nothing to a count of messages."""

    async def wrapped(chunk: Sequence[Outgoing]) -> Sequence[Outgoing]:
        prepared = []
        for outgoing in await prepare(chunk):
            summary = outgoing.payload
            if isinstance(summary, Summary) and summary.chart_days is not None:
                with_chart.add(outgoing.delivery_id)
                outgoing = replace(outgoing, payload=replace(summary, chart_days=None))
            prepared.append(outgoing)
        return prepared

    return wrapped


def check_against_fake(run: WeekRun, calls: list[tuple[str, int | None, int, float]]) -> None:
    """The fake must have received exactly the messages the deliveries table records."""
    sends = ("sendmessage", "sendphoto")
    texts = Counter(chat for method, chat, status, _ in calls
                    if method.lower() in sends and status == 200)  # fmt: skip
    if texts != run.sent_all_days:
        raise RuntimeError("the fake Bot API's messages differ from the deliveries table")


def figures(run: WeekRun, people: list[SimUser]) -> dict[str, Any]:
    """Per user per day: messages (mean, and p90 of the users' weekly means), by kind;
    cups, and the share of user-days at the goal; also per drinking style."""
    messages, cups, prompted = run.messages, run.cups, run.prompted

    def per_day(group: list[SimUser]) -> dict[str, float]:
        days = [(u.id, d) for u in group for d in WEEK]
        return {
            "users": len(group),
            "hydration_per_day": _mean([messages[k][Kind.HYDRATION.value] for k in days]),
            "cups_per_day": _mean([cups[k] for k in days]),
            "cups_on_reminder_per_day": _mean([prompted[k] for k in days]),
            "goal_share": _mean([cups[k] >= DEFAULT_CUPS for k in days]),
        }

    per_user = [statistics.fmean(messages[u.id, d].total() for d in WEEK) for u in people]
    by_kind = {
        kind: round(statistics.fmean(messages[u.id, d][kind] for u in people for d in WEEK), 3)
        for kind in [*KINDS, CHART]
    }
    return {
        "per_day_mean": statistics.fmean(per_user),
        "per_day_p90": percentile(per_user, 0.9),
        "by_kind_per_day": by_kind,
        **per_day(people),
        "by_style": {s: per_day([u for u in people if u.style == s]) for s in STYLES},
        "pacing_skipped": run.skipped,
        "dispatcher_steps": run.steps,
        "seconds": round(run.seconds, 1),
    }


def _mean(values: list[int] | list[bool]) -> float:
    return round(statistics.fmean(values), 3) if values else float("nan")


async def compare(users: int, folder: Path, api: FakeApi) -> tuple[dict[str, Any], ...]:
    people = make_users(users)
    results = []
    for paced in (True, False):
        before = len(await api.calls())
        run = await simulate(
            f"sqlite+aiosqlite:///{folder / 'messages.sqlite3'}", api.base_url, people, paced
        )
        check_against_fake(run, (await api.calls())[before:])
        results.append(figures(run, people))
    return tuple(results)


def _reduction(ours: float, baseline: float) -> float:
    return 100 * (1 - ours / baseline) if baseline else float("nan")


async def run(quick: bool, folder: Path) -> list[Row]:
    users = QUICK_USERS if quick else FULL_USERS
    with fake_bot_api(users=users) as api:
        ours, baseline = await compare(users, folder, api)
    name = f"6. messages/user/day, {users:,} users x 7 days, SQLite"
    total_cut = _reduction(ours["per_day_mean"], baseline["per_day_mean"])
    hydration_cut = _reduction(ours["hydration_per_day"], baseline["hydration_per_day"])
    return [
        Row(f"{name}: paced (ours)",
            f"{ours['per_day_mean']:.1f}, p90 {ours['per_day_p90']:.1f}", details=ours),
        Row("   fixed-interval reminders, same users",
            f"{baseline['per_day_mean']:.1f}, p90 {baseline['per_day_p90']:.1f}",
            details=baseline),
        Row("   hydration reminders/user/day: ours vs fixed",
            f"{ours['hydration_per_day']:.1f} vs {baseline['hydration_per_day']:.1f}"),
        Row("   fewer messages: all kinds / hydration", f"{total_cut:.0f}% / {hydration_cut:.0f}%"),
        Row("   user-days at the 8-cup goal: ours vs fixed",
            f"{100 * ours['goal_share']:.0f}% vs {100 * baseline['goal_share']:.0f}%"),
        Row("   cups/user/day: ours vs fixed",
            f"{ours['cups_per_day']:.1f} vs {baseline['cups_per_day']:.1f}"),
    ]  # fmt: skip
