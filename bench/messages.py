"""Scenario 6: messages per user per day over a simulated week, and what users do with
them: today's design against the new one ("quiet by design", issue #13), each with and
without a fatigue model.

Users in five zones, with varied wake-up and bed times and every reminder kind on, live
one week (Monday to Sunday on their own wall clocks). The real Dispatcher runs on an
injected clock that jumps from one due time or user action to the next, and sends
through the real application's bot to the fake Bot API over HTTP (send limits off).

The designs, for the same users behaving the same way:

* today's: no spread (scheduler.planning.SPREAD_MINUTES patched to 0 for the run),
  movement all waking hours on every day, no merging, no back-off
  (Dispatcher(merge=False, adapt=False)); hydration paced by the real claim;
* new: the product's defaults for a new user: spread offsets (prefs_of), merging,
  sitting hours (the users table's defaults, weekdays 09:00-17:00) and back-off of
  ignored kinds. Each feature is used only once it exists in the code (a Dispatcher
  keyword, a users column), so the scenario runs before and after the branches land.

Users act as the bot records it: cups as WaterLog rows (diligent ones drink at waking,
meals and in between, about 8 cups; forgetful ones 3-5; reminder-led ones little on their
own), and answers to reminders as the button writes them, a response on that part's
delivery row ("Drank a cup" also logs a cup; "Moved", "Done"), 1-12 minutes after the
message. The chance of acting on a reminder is per style (STYLES; modelled, not
measured); someone who drank within the hour is less likely to drink because they are
told to. A merged message is one reminder seen for each kind it carries.

Fatigue: standard messages repeated many times lose their effect (Bell et al., JMIR
mHealth and uHealth 2023: habituation to repeated identical prompts). Modelled as the
chance of acting on a reminder of a kind multiplied by FATIGUE for each reminder of that
kind the user let pass earlier that day. Draws are seeded per user, day, kind and the
reminder's place among that day's of its kind, so the designs see the same dice.

A message is a sent delivery not merged into another (deliveries.merged_into IS NULL),
plus the weekly summary's chart photo (counted, not drawn: _chart_counted_not_drawn);
reminders are counted by kind over every sent delivery. Messages are checked against what
the fake received. SQLite only: the figures are counts, which do not depend on the
database.
"""

import heapq
import inspect
import random
import statistics
import time as timer
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import scheduler.planning
from bench.common import FakeApi, Row, bench_settings, fake_bot_api, fresh_database, percentile
from bench.seed import user_rows
from bot.app import build_application
from bot.callbacks import ReminderAction
from bot.sender import make_sender
from bot.summaries import Summary, make_preparer
from core.delivery import DeliveryStatus, SendResult
from db.models import Delivery, User, WaterLog
from db.session import create_session_factory
from scheduler.dispatcher import Dispatcher, Outgoing, Preparer
from scheduler.planning import DEFAULT_CUPS, Kind, Prefs, day_end, day_of, day_start, local_to_utc
from scheduler.schedules import sync_user_schedule

# The send cost through HTTP grows with users; the per-day figures barely move past ~20.
# Four weeks are simulated (two designs, with and without fatigue): ~3 minutes in all.
FULL_USERS, QUICK_USERS = 40, 3
SEED = 6
MONDAY = date(2025, 6, 2)  # no DST change in any of the zones that week
WEEK = [MONDAY + timedelta(days=n) for n in range(7)]
# Quick: Friday to Sunday (a tip, a workday, a weekend, the summary), to prove it runs.
QUICK_DAYS = WEEK[4:]
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Los_Angeles",
)
WAKES = (time(6), time(6, 30), time(7), time(7, 15), time(7, 45), time(8, 30))
BEDS = (time(22), time(22, 30), time(23), time(23, 30), time(0, 15))


@dataclass(frozen=True)
class Style:
    """How one kind of user acts: their share, and the chance of acting on a reminder."""

    share: float
    drink: float  # "Drank a cup" under a hydration reminder
    move: float  # "Moved" under a movement reminder
    stretch: float  # "Done" under the bedtime stretch


# Modelled, not measured: people who keep a routine anyway, who forget, and who act
# mostly when reminded. Moving on cue at work is harder than drinking or stretching.
STYLES = {
    "diligent": Style(0.3, drink=0.5, move=0.45, stretch=0.8),
    "forgetful": Style(0.4, drink=0.35, move=0.25, stretch=0.4),
    "reminder-led": Style(0.3, drink=0.75, move=0.55, stretch=0.7),
}
# Someone who drank within the hour is less likely to drink again because they are told to.
JUST_DRANK, JUST_DRANK_FACTOR = timedelta(minutes=60), 0.25
# The fatigue model: each reminder of a kind let pass earlier that day multiplies the
# chance of acting on the next one of that kind by this (Bell et al. 2023, see above).
FATIGUE = 0.8
ANSWERS = {Kind.HYDRATION: ReminderAction.CUP, Kind.MOVEMENT: ReminderAction.MOVED,
           Kind.STRETCH: ReminderAction.DONE}  # fmt: skip
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
GOAL_MESSAGES = 10.0


@dataclass(frozen=True)
class Design:
    """One of the four runs."""

    new: bool  # the new design's defaults; False: today's
    fatigue: bool

    @property
    def label(self) -> str:
        return ("new design" if self.new else "today's design") + (
            f", fatigue x{FATIGUE} per ignored" if self.fatigue else ", no fatigue"
        )


DESIGNS = [Design(new, fatigue) for fatigue in (False, True) for new in (False, True)]


@dataclass(frozen=True)
class SimUser:
    id: int
    prefs: Prefs  # zone, wake and bed: what their days and drinking moments need
    style: str


@dataclass(order=True, frozen=True)
class Act:
    """Something a user does: a cup on their own, or a button under a reminder."""

    at: datetime
    user_id: int
    # The reminder answered (its part's delivery); None: a cup logged with /water.
    delivery_id: int | None = field(default=None, compare=False)
    action: ReminderAction = field(default=ReminderAction.CUP, compare=False)


@dataclass
class WeekRun:
    """What one simulated week gave, per (user, day)."""

    messages: dict[tuple[int, date], Counter[str]]  # by the kind leading the message
    reminders: dict[tuple[int, date], Counter[str]]  # every sent reminder, by kind
    sent_all_days: Counter[int]  # messages per user, days outside the week too (fake check)
    cups: Counter[tuple[int, date]]
    prompted: Counter[tuple[int, date]]  # of those, logged by answering a reminder
    answers: dict[tuple[int, date], Counter[str]]  # responses by action
    seconds: float
    steps: int
    skipped: int  # reminders the claim held back (pacing, back-off)
    days: list[date] = field(default_factory=list)  # the days simulated
    moved_at: list[tuple[int, datetime]] = field(default_factory=list)  # "Moved" answers


def make_users(count: int) -> list[SimUser]:
    rng = random.Random(f"{SEED}:users")
    names, weights = list(STYLES), [style.share for style in STYLES.values()]
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


def spontaneous_cups(user: SimUser, day: date) -> list[Act]:
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
            cups.append(Act(_minute(at), user.id))
    return cups


class Behaviour:
    """How the users of one run answer what they are sent (and what they let pass)."""

    def __init__(self, users: dict[int, SimUser], fatigue: bool) -> None:
        self.users = users
        self.fatigue = fatigue
        self.last_cup: dict[int, datetime] = {}
        self.seen: Counter[tuple[int, date, Kind]] = Counter()
        self.ignored: Counter[tuple[int, date, Kind]] = Counter()

    def answer(self, reminder: Outgoing, now: datetime) -> Act | None:
        """Whether (and when) the user acts on one reminder of a message seen at `now`."""
        action = ANSWERS.get(reminder.kind)
        if action is None:
            return None  # tips, summaries, follow-ups: not part of the adherence model
        user = self.users[reminder.user_id]
        day = day_of(user.prefs, reminder.slot_at)
        key = (user.id, day, reminder.kind)
        rng = random.Random(f"{SEED}:{user.id}:{day}:{reminder.kind}:{self.seen[key]}")
        self.seen[key] += 1
        style = STYLES[user.style]
        chance = {Kind.HYDRATION: style.drink, Kind.MOVEMENT: style.move}.get(
            reminder.kind, style.stretch
        )
        last_cup = self.last_cup.get(user.id)
        if reminder.kind is Kind.HYDRATION and last_cup is not None and now - last_cup < JUST_DRANK:
            chance *= JUST_DRANK_FACTOR
        if self.fatigue:
            chance *= FATIGUE ** self.ignored[key]
        if rng.random() >= chance:
            self.ignored[key] += 1
            return None
        at = _minute(now) + timedelta(minutes=rng.randint(1, 12))
        if day_of(user.prefs, at) != day:
            return None  # the bot refuses answers to yesterday's reminder
        return Act(at, user.id, reminder.delivery_id, action)


async def _log_acts(
    sessions: async_sessionmaker[AsyncSession], users: dict[int, SimUser], acts: list[Act]
) -> None:
    """The rows the bot writes: a cup for /water, the keyboard button or "Drank a cup";
    the answer on the reminder's delivery for any button under a reminder."""
    async with sessions.begin() as session:
        for act in acts:
            if act.action is not ReminderAction.CUP:
                continue
            session.add(
                WaterLog(
                    user_id=act.user_id,
                    logged_at=act.at,
                    day=day_of(users[act.user_id].prefs, act.at),
                    source="button" if act.delivery_id is None else "reminder",
                )
            )
        for act in acts:
            if act.delivery_id is None:
                continue
            await session.execute(
                update(Delivery)
                .where(Delivery.id == act.delivery_id, Delivery.response.is_(None))
                .values(response=act.action.value, responded_at=act.at)
            )


@contextmanager
def _spread(on: bool) -> Iterator[None]:
    """Today's design plans without spread offsets: SPREAD_MINUTES 0 for the run."""
    saved = scheduler.planning.SPREAD_MINUTES
    if not on:
        scheduler.planning.SPREAD_MINUTES = 0
    try:
        yield
    finally:
        scheduler.planning.SPREAD_MINUTES = saved


def _user_row(row: dict[str, object], user: SimUser, new: bool) -> dict[str, object]:
    """A users row: the new design leaves movement days and sitting hours to the table's
    defaults for a new user; today's moves them every day, all waking hours."""
    row |= {"timezone": user.prefs.timezone, "wake_time": user.prefs.wake,
            "bed_time": user.prefs.bed}  # fmt: skip
    if new:
        for default in ("movement_days", "sitting_from", "sitting_to"):
            row.pop(default, None)
    elif hasattr(User, "sitting_from"):
        row |= {"sitting_from": None, "sitting_to": None}
    return row


def _dispatcher_options(new: bool) -> dict[str, Any]:
    """The new design's features as Dispatcher keywords, those the code has."""
    known = inspect.signature(Dispatcher).parameters
    return {name: new for name in ("merge", "adapt") if name in known}


async def simulate(
    url: str, base_url: str, people: list[SimUser], design: Design, days: list[date]
) -> WeekRun:
    """`days` (in a row) for `people` in one design."""
    with _spread(design.new):
        return await _simulate(url, base_url, people, design, days)


async def _simulate(
    url: str, base_url: str, people: list[SimUser], design: Design, days: list[date]
) -> WeekRun:
    users = {user.id: user for user in people}
    starts = {user.id: day_start(user.prefs, days[0]) for user in people}
    end = max(day_end(user.prefs, days[-1]) for user in people)
    engine = await fresh_database(url)
    rows = list(user_rows(len(people), min(starts.values()) - timedelta(days=1)))
    rows = [_user_row(row, user, design.new) for row, user in zip(rows, people, strict=True)]
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
    acts = [cup for user in people for day in days for cup in spontaneous_cups(user, day)]
    heapq.heapify(acts)
    behaviour = Behaviour(users, design.fatigue)
    charts: Counter[tuple[int, date]] = Counter()
    send_message = make_sender(application.bot)

    async def send(outgoing: Outgoing) -> tuple[SendResult, int | None]:
        result = await send_message(outgoing)
        if result[0] is not SendResult.SENT:
            return result
        for reminder in (outgoing, *outgoing.parts):
            act = behaviour.answer(reminder, now)
            if act is not None:
                heapq.heappush(acts, act)
        if outgoing.kind is Kind.SUMMARY and outgoing.delivery_id in with_chart:
            charts[outgoing.user_id, day_of(users[outgoing.user_id].prefs, outgoing.slot_at)] += 1
        return result

    with_chart: set[int] = set()
    prepare = _chart_counted_not_drawn(make_preparer(sessions), with_chart)
    dispatcher = Dispatcher(
        sessions, send, lambda: now, prepare=prepare, **_dispatcher_options(design.new)
    )
    started, steps, skipped = timer.perf_counter(), 0, 0
    while True:
        due = await dispatcher.next_due_at()
        candidates = [t for t in (due, acts[0].at if acts else None) if t is not None]
        if not candidates or min(candidates) > end:
            break
        now, steps = max(now, min(candidates)), steps + 1
        acting = []
        while acts and acts[0].at <= now:
            acting.append(act := heapq.heappop(acts))
            if act.action is ReminderAction.CUP:
                behaviour.last_cup[act.user_id] = act.at
        if acting:  # before the reminders of the same minute, which then see them
            await _log_acts(sessions, users, acting)
        if due is None or due > now:
            continue  # only acts this minute: a pass would find nothing to claim
        # A pass that saw a full batch may have left due rows behind: pass again.
        while True:
            stats = await dispatcher.run_once()
            skipped += stats.skipped
            if stats.rows < dispatcher.batch_size:
                break
    seconds = timer.perf_counter() - started
    async with sessions() as session:
        run = await _counts(session, days, seconds, steps, skipped)
    await application.shutdown()
    await engine.dispose()
    for (user_id, day), count in charts.items():
        run.sent_all_days[user_id] += count
        if day in days:
            run.messages[user_id, day][CHART] += count
    return run


async def _counts(
    session: AsyncSession, days: list[date], seconds: float, steps: int, skipped: int
) -> WeekRun:
    """Messages, reminders, answers and cups per user and day, from the database."""
    sent = await session.execute(
        select(
            Delivery.user_id, Delivery.day, Delivery.kind, Delivery.merged_into.is_(None),
            func.count(),
        )
        .where(Delivery.status == DeliveryStatus.SENT)
        .group_by(Delivery.user_id, Delivery.day, Delivery.kind, Delivery.merged_into.is_(None))
    )  # fmt: skip
    messages: dict[tuple[int, date], Counter[str]] = defaultdict(Counter)
    reminders: dict[tuple[int, date], Counter[str]] = defaultdict(Counter)
    all_days: Counter[int] = Counter()
    for user_id, day, kind_name, leads, count in sent:
        all_days[user_id] += count if leads else 0
        if day in days:
            reminders[user_id, day][kind_name] += count
            messages[user_id, day][kind_name] += count if leads else 0
    answers: dict[tuple[int, date], Counter[str]] = defaultdict(Counter)
    for user_id, day, response, count in await session.execute(
        select(Delivery.user_id, Delivery.day, Delivery.response, func.count())
        .where(Delivery.response.is_not(None))
        .group_by(Delivery.user_id, Delivery.day, Delivery.response)
    ):
        if day is not None and response is not None:  # both always set on an answered row
            answers[user_id, day][response] += count
    moved = await session.execute(
        select(Delivery.user_id, Delivery.responded_at).where(
            Delivery.response == ReminderAction.MOVED.value
        )
    )
    moved_at = [(user_id, at) for user_id, at in moved if at is not None]
    water: Counter[tuple[int, date]] = Counter()
    prompted: Counter[tuple[int, date]] = Counter()
    for user_id, day, source, count in await session.execute(
        select(WaterLog.user_id, WaterLog.day, WaterLog.source, func.count()).group_by(
            WaterLog.user_id, WaterLog.day, WaterLog.source
        )
    ):
        water[user_id, day] += count
        prompted[user_id, day] += count if source == "reminder" else 0
    return WeekRun(
        messages, reminders, all_days, water, prompted, answers, seconds, steps, skipped, days,
        moved_at,
    )  # fmt: skip


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
    """The fake must have received exactly the messages counted (the charts, counted but
    not drawn, are added to what it received)."""
    sends = ("sendmessage", "sendphoto")
    received = Counter(chat for method, chat, status, _ in calls
                       if method.lower() in sends and status == 200)  # fmt: skip
    expected = Counter(run.sent_all_days)
    for (user_id, _day), counts in run.messages.items():
        expected[user_id] -= counts[CHART]
    if +received != +expected:
        raise RuntimeError("the fake Bot API's messages differ from the deliveries table")


def figures(run: WeekRun, people: list[SimUser]) -> dict[str, Any]:
    """Per user per day: messages (mean, and p90 of the users' weekly means), messages and
    reminders by kind; adherence: cups, "Moved" answers, share of nights stretched; also
    per style."""

    at_work = Counter(
        (user_id, day_of(people[user_id - 1].prefs, at))
        for user_id, at in run.moved_at
        if _sitting(people[user_id - 1].prefs, at)
    )

    def adherence(group: list[SimUser]) -> dict[str, float]:
        days = [(u.id, d) for u in group for d in run.days]
        moved = [run.answers[k][ReminderAction.MOVED.value] for k in days]
        nudged = [run.reminders[k][Kind.MOVEMENT.value] for k in days]
        return {
            "users": len(group),
            "cups_per_day": _mean([run.cups[k] for k in days]),
            "cups_on_reminder_per_day": _mean([run.prompted[k] for k in days]),
            "cup_goal_share": _mean([run.cups[k] >= DEFAULT_CUPS for k in days]),
            "moved_per_day": _mean(moved),
            "moved_sitting_per_day": _mean([at_work[k] for k in days]),
            "moved_share_of_nudges": round(sum(moved) / sum(nudged), 3) if sum(nudged) else 0,
            "stretch_night_share": _mean(
                [run.answers[k][ReminderAction.DONE.value] > 0 for k in days]
            ),
        }

    per_user = [statistics.fmean(run.messages[u.id, d].total() for d in run.days) for u in people]

    def by_kind(counts: dict[tuple[int, date], Counter[str]]) -> dict[str, float]:
        return {
            kind: _mean([counts[u.id, d][kind] for u in people for d in run.days])
            for kind in [*KINDS, CHART]
            if any(counts[u.id, d][kind] for u in people for d in run.days)
        }

    return {
        "per_day_mean": statistics.fmean(per_user),
        "per_day_p90": percentile(per_user, 0.9),
        "messages_by_kind_per_day": by_kind(run.messages),
        "reminders_by_kind_per_day": by_kind(run.reminders),
        **adherence(people),
        "by_style": {s: adherence([u for u in people if u.style == s]) for s in STYLES},
        "claims_held_back": run.skipped,
        "dispatcher_steps": run.steps,
        "seconds": round(run.seconds, 1),
    }


def _sitting(prefs: Prefs, at: datetime) -> bool:
    """Whether `at` falls in the default sitting hours, weekdays 09:00-17:00 local: what
    movement nudges are for (breaking up long sitting), in either design."""
    local = at.astimezone(ZoneInfo(prefs.timezone))
    return local.weekday() < 5 and 9 <= local.hour < 17


def _mean(values: list[int] | list[bool]) -> float:
    return round(statistics.fmean(values), 3) if values else float("nan")


async def compare(
    users: int, days: list[date], folder: Path, api: FakeApi
) -> dict[Design, dict[str, Any]]:
    people = make_users(users)
    results = {}
    for design in DESIGNS:
        before = len(await api.calls())
        run = await simulate(
            f"sqlite+aiosqlite:///{folder / 'messages.sqlite3'}", api.base_url, people, design, days
        )
        check_against_fake(run, (await api.calls())[before:])
        results[design] = figures(run, people)
    return results


SHORT = {Kind.HYDRATION.value: "drink", Kind.MOVEMENT.value: "move",
         Kind.STRETCH.value: "stretch", Kind.TIP.value: "tip"}  # fmt: skip
ADHERENCE = "adherence not lower than today's"


def _by_kind(today: dict[str, Any], new: dict[str, Any]) -> str:
    """Reminders per day of the daily kinds, today's / new."""
    old, ours = today["reminders_by_kind_per_day"], new["reminders_by_kind_per_day"]
    return ", ".join(
        f"{short} {old.get(kind, 0):.1f}/{ours.get(kind, 0):.1f}" for kind, short in SHORT.items()
    )


def _adherence_row(label: str, today: float, new: float, digits: int) -> Row:
    # Compared as shown: a difference below the shown precision is noise, not a loss.
    met = round(new, digits) >= round(today, digits)
    return Row(f"   {label}: today vs new", f"{today:.{digits}f} vs {new:.{digits}f}",
               ADHERENCE, met)  # fmt: skip


def rows_for(users: int, days: int, results: dict[Design, dict[str, Any]]) -> list[Row]:
    """The table: per fatigue setting, messages then adherence, today's vs new."""
    name = f"6. messages/user/day, {users:,} users x {days} days, SQLite"
    rows = []
    for fatigue in (False, True):
        today, new = results[Design(False, fatigue)], results[Design(True, fatigue)]
        setting = f"fatigue x{FATIGUE}/ignored" if fatigue else "no fatigue"
        rows += [
            Row(f"{name}: today's design, {setting}",
                f"{today['per_day_mean']:.1f}, p90 {today['per_day_p90']:.1f}", details=today),
            Row(f"   new design (defaults), {setting}",
                f"{new['per_day_mean']:.1f}, p90 {new['per_day_p90']:.1f}",
                f"<= {GOAL_MESSAGES:.0f} msgs/user/day", new["per_day_mean"] <= GOAL_MESSAGES,
                details=new),
            Row("   reminders/user/day by kind, today/new", _by_kind(today, new)),
            _adherence_row("cups/user/day", today["cups_per_day"], new["cups_per_day"], 1),
            _adherence_row("'Moved' answers/user/day", today["moved_per_day"],
                           new["moved_per_day"], 2),
            _adherence_row("  of them weekdays 09-17", today["moved_sitting_per_day"],
                           new["moved_sitting_per_day"], 2),
            _adherence_row("stretch nights/week", 7 * today["stretch_night_share"],
                           7 * new["stretch_night_share"], 1),
        ]  # fmt: skip
    return rows


async def run(quick: bool, folder: Path) -> list[Row]:
    users, days = (QUICK_USERS, QUICK_DAYS) if quick else (FULL_USERS, WEEK)
    with fake_bot_api(users=users) as api:
        results = await compare(users, days, folder, api)
    return rows_for(users, len(days), results)
