"""When reminders are due: pure wall-clock planning, no Telegram and no database.

Everything is laid out on the user's wall clock in their IANA zone (people drink, move
and stretch by the clock on the wall, not by elapsed seconds) and only then converted
to timezone-aware UTC instants. Daylight-saving rules:

* a wall time that does not exist (spring-forward gap) goes out at the first valid
  minute after it;
* a wall time that happens twice (fall-back overlap) goes out once, at its first
  occurrence;
* when a gap folds several wall times onto one instant, that instant is listed once.

Because that mapping never goes backwards in time, slots that are ordered on the wall
clock stay ordered (and inside the day's window) as UTC instants.

Spread: hydration, movement and tip slots of each user come a stable 0 to SPREAD_MINUTES
minutes after the times above (`spread_minutes`, from the user's id), so users who share
a zone and the default times do not all fall due in the same minute. The weekly summary
comes within the hour after its set time too; the stretch at most 14 minutes earlier than
set (still before bed); follow-ups keep their times. The offset is added on the wall clock, so
the daylight-saving rules above hold for it too; movement nudges stay inside the sitting
hours (one fewer when the offset would push the last past their end).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zlib import crc32
from zoneinfo import ZoneInfo

from core.timeofday import awake_minutes


class Kind(StrEnum):
    """The kinds of reminder the coach sends."""

    HYDRATION = "hydration"
    MOVEMENT = "movement"
    STRETCH = "stretch"
    TIP = "tip"
    SUMMARY = "summary"  # the weekly summary
    FOLLOW_UP = "followup"  # "is it still going?", once, after a report saved as still going


DEFAULT_CUPS = 8
HOT_DAY_EXTRA_CUPS = 2
ALL_DAYS = 0b1111111  # movement_days bitmask: Monday = bit 0 ... Sunday = bit 6
TIP_WEEKDAYS = (1, 4)  # Tuesday and Friday: at most two tips a week

# The largest spread offset: a whole hour. Hourly move nudges and two-hourly drink slots
# are as useful at 10:37 as at 10:00, and each user keeps their own minute every hour.
# A quarter of an hour was not enough: 100,000 users (bench scenario 7) put 4,500 slots
# in one minute, where one token sends 1,800; spread over the hour, 1,540.
SPREAD_MINUTES = 59

# How far next_slot looks: the day before (an after-midnight window may still be open)
# through a bit more than a week (movement may be on one weekday only).
_LOOK_BEHIND_DAYS = 1
_LOOK_AHEAD_DAYS = 8


@dataclass(frozen=True)
class Prefs:
    """A user's schedule, as wall-clock times in their own zone."""

    timezone: str  # IANA name
    wake: time
    # Bedtime at or before wake-up on the clock means after midnight; never equal to wake.
    bed: time
    movement_days: int = ALL_DAYS
    stretch_lead_minutes: int = 30
    summary_weekday: int = 6  # Monday = 0 ... Sunday = 6
    summary_time: time = time(18)
    # The hours the user sits on movement days (may cross midnight); None: all waking hours.
    sit_from: time | None = None
    sit_to: time | None = None
    offset_minutes: int = 0  # the user's spread (spread_minutes), 0 to SPREAD_MINUTES


def spread_minutes(user_id: int) -> int:
    """A user's stable spread offset: the same on every start and every instance (crc32,
    not hash(), which Python may salt)."""
    return crc32(str(user_id).encode()) % (SPREAD_MINUTES + 1)


class PauseOption(StrEnum):
    """How long a user can silence reminders for."""

    HOUR = "1h"
    TODAY = "today"
    MORNING = "morning"
    WEEK = "week"


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock reading of an instant in a zone."""
    return instant.astimezone(zone).replace(tzinfo=None)


def local_to_utc(local: datetime, zone: str) -> datetime:
    """Convert a naive wall-clock time in `zone` to an aware UTC datetime.

    A time in a spring-forward gap maps to the first valid minute after it; a time that
    occurs twice maps to its first occurrence.
    """
    tz = ZoneInfo(zone)
    local = local.replace(tzinfo=None)
    # fold=0 is the first occurrence of a repeated time, so valid times are done here.
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall(first, tz) == local:
        return first
    # In a gap the two folds give instants on either side of the transition: the wall
    # clock reads before `local` at `low` and at or after it at `high`. Bisect whole
    # seconds (transitions fall on them) for the transition, the first valid instant.
    second = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, second), max(first, second)
    if not (_wall(low, tz) < local <= _wall(high, tz)):
        return high  # not the gap shape we know; never go back before the asked-for time
    before, after = 0, int((high - low).total_seconds())  # seconds past `low`
    while after - before > 1:
        middle = (before + after) // 2
        if _wall(low + timedelta(seconds=middle), tz) < local:
            before = middle
        else:
            after = middle
    first_valid = low + timedelta(seconds=after)
    # Old local-mean-time transitions can end on an odd second: round up to the minute.
    reading = _wall(first_valid, tz)
    leftover = timedelta(seconds=reading.second, microseconds=reading.microsecond)
    if leftover:
        first_valid += timedelta(minutes=1) - leftover
    return first_valid


def _span(prefs: Prefs) -> int:
    return awake_minutes(prefs.wake, prefs.bed)


def _spread(prefs: Prefs, minutes_after_wake: int) -> int:
    """A spread slot's minute, kept at or before bedtime."""
    return min(minutes_after_wake + prefs.offset_minutes, _span(prefs))


# The dispatcher asks for the next slot of every reminder it claims; a user's day has
# the same few instants each time, and many users share their settings.
@lru_cache(maxsize=65_536)
def _at(prefs: Prefs, day: date, minutes_after_wake: int) -> datetime:
    """The UTC instant `minutes_after_wake` wall-clock minutes after wake-up on `day`."""
    wall = datetime.combine(day, prefs.wake) + timedelta(minutes=minutes_after_wake)
    return local_to_utc(wall, prefs.timezone)


def day_start(prefs: Prefs, day: date) -> datetime:
    """The UTC instant of wake-up on `day`."""
    return _at(prefs, day, 0)


def day_end(prefs: Prefs, day: date) -> datetime:
    """The UTC instant of bedtime for the day that started on `day` (maybe the next date)."""
    return _at(prefs, day, _span(prefs))


def at_night(prefs: Prefs, instant: datetime) -> bool:
    """Whether `instant` falls between the user's bedtime and their next wake-up."""
    return instant >= day_end(prefs, day_of(prefs, instant))


def day_of(prefs: Prefs, instant: datetime) -> date:
    """The date of the most recent wake-up at or before `instant`, on the wall clock."""
    wall = _wall(instant, ZoneInfo(prefs.timezone))
    if wall.time() < prefs.wake:
        return wall.date() - timedelta(days=1)
    return wall.date()


def _hydration_instants(prefs: Prefs, day: date, goal: int) -> list[datetime]:
    """One instant per cup, in cup order, duplicates kept (so counts stay per cup)."""
    span = _span(prefs)
    # Slot i at wake + (i - 0.5) * span / goal, floored: integer maths avoids float drift.
    return [
        _at(prefs, day, _spread(prefs, (2 * i - 1) * span // (2 * goal)))
        for i in range(1, goal + 1)
    ]


def hydration_slots(prefs: Prefs, day: date, goal: int = DEFAULT_CUPS) -> list[datetime]:
    """`goal` drink reminders spread evenly over the day's awake span."""
    return sorted(set(_hydration_instants(prefs, day, goal)))


def hydration_slot_index(prefs: Prefs, slot: datetime, goal: int = DEFAULT_CUPS) -> int | None:
    """The 1-based cup number of `slot` within its day, or None if it is not a slot.

    When a gap folds several cups onto one instant, the index is the last of them: that
    many cups are due by then, matching cups_expected_by.
    """
    day = day_of(prefs, slot)
    # The previous day too: a gap at bedtime can push that day's last slot onto the
    # instant of the next wake-up, which day_of files under the next day.
    for candidate in (day, day - timedelta(days=1)):
        instants = _hydration_instants(prefs, candidate, goal)
        if slot in instants:
            return sum(1 for instant in instants if instant <= slot)
    return None


def cups_expected_by(prefs: Prefs, instant: datetime, goal: int = DEFAULT_CUPS) -> int:
    """Cups someone on pace has had by `instant`: that day's slots at or before it."""
    instants = _hydration_instants(prefs, day_of(prefs, instant), goal)
    return sum(1 for slot in instants if slot <= instant)


def hydration_reminder_needed(cups_today: int, slot_index: int, goal: int) -> bool:
    """Remind only someone behind pace who has not met the day's goal yet."""
    return cups_today < slot_index and cups_today < goal


@lru_cache(maxsize=4096)
def _movement_minutes(prefs: Prefs) -> list[int]:
    """A movement day's nudges, in minutes after wake-up: hourly from an hour after the
    sitting start to the sitting end (seed 000: "avoid prolonged sitting; stand and move
    every hour"), kept inside wake + 1 h .. bed - 1 h; all of that without sitting hours.
    Each comes the user's spread later, and still inside those bounds.
    """
    last, spread = _span(prefs) - 60, prefs.offset_minutes
    if prefs.sit_from is None or prefs.sit_to is None:
        return list(range(60 + spread, last + 1, 60))
    start = awake_minutes(prefs.wake, prefs.sit_from)
    length = awake_minutes(prefs.sit_from, prefs.sit_to)  # 0 (never stored): no hours
    found: set[int] = set()
    # The sitting that starts after this wake-up, and one that started before it (sitting
    # 06:00-14:00, awake at 07:00): either may overlap the waking window.
    for begin in (start, start - 24 * 60):
        nudges = range(begin + 60 + spread, begin + length + 1, 60)
        found.update(m for m in nudges if 60 <= m <= last)
    return sorted(found)


def _movement_instants(prefs: Prefs, day: date) -> Iterator[datetime]:
    """The day's movement slots in wall-clock order (UTC never goes backwards with it)."""
    if not prefs.movement_days >> day.weekday() & 1:
        return
    for minutes in _movement_minutes(prefs):
        yield _at(prefs, day, minutes)


def movement_slots(prefs: Prefs, day: date) -> list[datetime]:
    """Hourly in the sitting hours (all waking hours without them), within wake + 1 h to
    bed - 1 h (plus the user's spread), on movement days only."""
    return sorted(set(_movement_instants(prefs, day)))  # a DST gap can merge two hours


def stretch_slot(prefs: Prefs, day: date) -> datetime:
    """Bedtime minus the stretch lead, on the wall clock, and up to a quarter of the
    user's spread earlier (0-14 min: close to the set time, and still before bed).

    A lead longer than the awake span is cut to wake-up, so the slot stays in its day.
    """
    lead = prefs.stretch_lead_minutes + prefs.offset_minutes // 4
    return _at(prefs, day, max(0, _span(prefs) - lead))


def tip_slot(prefs: Prefs, day: date) -> datetime | None:
    """The middle of the awake span on tip days (Tuesday, Friday), else None."""
    if day.weekday() not in TIP_WEEKDAYS:
        return None
    return _at(prefs, day, _spread(prefs, _span(prefs) // 2))


def summary_slot(prefs: Prefs, day: date) -> datetime | None:
    """The weekly summary on the summary weekday: within the hour after the chosen time
    (the user's spread: everyone's Sunday 18:00 is one crowd), or at bedtime when that
    falls outside that day's waking hours (it never wakes anyone)."""
    if day.weekday() != prefs.summary_weekday:
        return None
    after_wake = awake_minutes(prefs.wake, prefs.summary_time)
    return _at(prefs, day, _spread(prefs, after_wake))


def _stretch_slots(prefs: Prefs, day: date, _goal: int) -> list[datetime]:
    return [stretch_slot(prefs, day)]


def _tip_slots(prefs: Prefs, day: date, _goal: int) -> list[datetime]:
    tip = tip_slot(prefs, day)
    return [] if tip is None else [tip]


def _summary_slots(prefs: Prefs, day: date, _goal: int) -> list[datetime]:
    summary = summary_slot(prefs, day)
    return [] if summary is None else [summary]


def _one_off(_prefs: Prefs, _day: date, _goal: int) -> list[datetime]:
    return []  # no series: each one is scheduled on its own (schedules.schedule_once)


@dataclass(frozen=True)
class KindPlan:
    """How one kind of reminder is planned."""

    code: str  # one letter, stable: button data names the kind by it
    # A slot missed by less than this (restart, outage) still goes out late, once; past it
    # the reminder is stale (a "drink now" nudge an hour late is noise, a tip is not).
    grace: timedelta
    slots: Callable[[Prefs, date, int], list[datetime]]  # a day's slots; the int: cups goal
    # Under a backlog the dispatcher sends lower numbers first (claims.plan_messages).
    priority: int
    switchable: bool = True  # the user can turn it off (/reminders)
    pausable: bool = True  # /pause holds it back (the summary and follow-ups still come)
    needs_setup: bool = True  # held back until setup is done
    # Goes out in one message with the user's other such reminders due within MERGE_AHEAD,
    # or for this kind up to `rides_ahead` early, inside a message going anyway.
    merges: bool = True
    rides_ahead: timedelta | None = None


# Every kind, in the order /reminders lists them. Append only: a kind's position is its
# bit in users.reminders_on. Priority under a backlog (issue 13): follow-ups (a report
# someone is waiting on), the weekly summary, the stretch, drinks behind pace, movement,
# tips.
KINDS: dict[Kind, KindPlan] = {
    Kind.HYDRATION: KindPlan("h", timedelta(minutes=10), hydration_slots, priority=3),
    Kind.MOVEMENT: KindPlan(
        "m", timedelta(minutes=10), lambda p, d, _: movement_slots(p, d), priority=4
    ),
    Kind.STRETCH: KindPlan("s", timedelta(minutes=60), _stretch_slots, priority=2),
    # A tip (twice a week) loses nothing coming a few hours early inside a drink or move
    # nudge, and so rarely needs a message of its own.
    Kind.TIP: KindPlan(
        "t", timedelta(hours=6), _tip_slots, priority=5, rides_ahead=timedelta(hours=3)
    ),
    Kind.SUMMARY: KindPlan(
        "w",
        timedelta(hours=12),
        _summary_slots,
        priority=1,
        switchable=False,
        pausable=False,
        merges=False,
    ),
    # About a report someone is waiting on: it comes even before setup is done, and while
    # paused unless they paused after the report (a pause cancels it).
    Kind.FOLLOW_UP: KindPlan(
        "f",
        timedelta(hours=1),
        _one_off,
        priority=0,
        switchable=False,
        pausable=False,
        needs_setup=False,
        merges=False,
    ),
}
# A user's reminders due within this of one another go out as one message (the later
# ones a little early): a drink slot and a move nudge of the same hour, say.
MERGE_AHEAD = timedelta(minutes=20)
# How far ahead of `now` any kind may ride along: what the claim looks for.
LOOK_AHEAD = max([MERGE_AHEAD, *(p.rides_ahead for p in KINDS.values() if p.rides_ahead)])


def rides_along(kind: Kind, slot: datetime, now: datetime) -> bool:
    """Whether a slot of `kind` due at `slot` may go now, inside another message."""
    return slot - now <= (KINDS[kind].rides_ahead or MERGE_AHEAD)


# How long after a report saved as still going the follow-up asks about it (seed 000,
# "When to Seek Medical Help": a spasm lasting longer than 10 minutes).
FOLLOW_UP_AFTER = timedelta(minutes=10)
GRACE: dict[Kind, timedelta] = {kind: plan.grace for kind, plan in KINDS.items()}


def slots_on(kind: Kind, prefs: Prefs, day: date, goal: int = DEFAULT_CUPS) -> list[datetime]:
    """The day's slots of one kind, sorted; `goal` only matters for hydration."""
    return KINDS[kind].slots(prefs, day, goal)


def next_slot(
    kind: Kind,
    prefs: Prefs,
    after: datetime,
    goal_for: Callable[[date], int] | None = None,
) -> datetime | None:
    """The first slot of `kind` strictly after `after`, within about a week; else None.

    `goal_for(day)` gives a day's hydration goal (hot days), DEFAULT_CUPS by default.
    """
    today = day_of(prefs, after)
    # Each day's slots lie inside its own wake-to-bed window, and windows follow one
    # another, so the first day with a slot after `after` holds the answer. Stopping
    # there matters: the dispatcher calls this for every slot it claims.
    for offset in range(-_LOOK_BEHIND_DAYS, _LOOK_AHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        if kind is Kind.MOVEMENT:
            # Up to ~17 hourly slots a day: convert them in order and stop at the first.
            found = next((s for s in _movement_instants(prefs, day) if s > after), None)
            if found is not None:
                return found
            continue
        goal = goal_for(day) if goal_for is not None else DEFAULT_CUPS
        later = [slot for slot in slots_on(kind, prefs, day, goal) if slot > after]
        if later:
            return min(later)
    return None


def due_is_fresh(kind: Kind, slot: datetime, now: datetime) -> bool:
    """Whether a slot is still worth sending at `now` (future slots always are)."""
    return now - slot < GRACE[kind]


def pause_until(option: PauseOption, prefs: Prefs, now: datetime) -> datetime:
    """When a pause chosen at `now` ends.

    HOUR and WEEK are plain durations. TODAY lasts until bedtime of the day `now`
    belongs to; chosen after that bedtime (up late), the day is already over, so it
    lasts until the next wake-up rather than silencing tomorrow. MORNING lasts until the
    next wake-up strictly after `now`.
    """
    now = now.astimezone(UTC)
    match option:
        case PauseOption.HOUR:
            return now + timedelta(hours=1)
        case PauseOption.WEEK:
            return now + timedelta(days=7)
        case PauseOption.TODAY:
            bedtime = day_end(prefs, day_of(prefs, now))
            return bedtime if bedtime > now else _next_wake(prefs, now)
        case PauseOption.MORNING:
            return _next_wake(prefs, now)


def _next_wake(prefs: Prefs, now: datetime) -> datetime:
    """The first wake-up strictly after `now`."""
    today = day_of(prefs, now)
    for offset in range(3):
        wake = day_start(prefs, today + timedelta(days=offset))
        if wake > now:
            return wake
    return now + timedelta(hours=1)  # unreachable for real zones; keeps the pause finite


def is_paused(paused_until: datetime | None, at: datetime) -> bool:
    """Whether a pause ending at `paused_until` (None: no pause) still holds at `at`."""
    return paused_until is not None and at < paused_until
