"""Keeping each user's schedule rows in step with their settings, and hydration state.

Functions here never commit: the caller owns the transaction.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import upsert
from db.models import Delivery, HydrationDay, ReminderSchedule, User, WaterLog
from scheduler.claims import stood_in_for
from scheduler.planning import (
    DEFAULT_CUPS,
    HOT_DAY_EXTRA_CUPS,
    KINDS,
    Kind,
    Prefs,
    day_end,
    day_of,
    day_start,
    next_slot,
    spread_minutes,
)

SNOOZE_MINUTES = {Kind.HYDRATION: 30, Kind.MOVEMENT: 15}

# Changing any of these can move a user's reminders.
_SCHEDULE_INPUTS = (
    "timezone",
    "wake_time",
    "bed_time",
    "hydration_on",
    "movement_on",
    "stretch_on",
    "tips_on",
    "reminders_on",
    "movement_days",
    "sitting_from",
    "sitting_to",
    "stretch_lead_minutes",
    "is_active",
    "setup_step",
    "summary_weekday",
    "summary_time",
)


def prefs_of(user: User) -> Prefs:
    """The planning inputs of a user."""
    return Prefs(
        timezone=user.timezone,
        wake=user.wake_time,
        bed=user.bed_time,
        movement_days=user.movement_days,
        stretch_lead_minutes=user.stretch_lead_minutes,
        summary_weekday=user.summary_weekday,
        summary_time=user.summary_time,
        offset_minutes=spread_minutes(user.id),
        sit_from=user.sitting_from,
        sit_to=user.sitting_to,
    )


# The first four kinds keep the columns they were born with. A kind added later is
# switched by its bit in users.reminders_on, so it needs no migration, and starts off:
# nobody gets a new daily message they did not ask for (/reminders switches it on).
_SWITCH_COLUMNS = {
    Kind.HYDRATION: "hydration_on",
    Kind.MOVEMENT: "movement_on",
    Kind.STRETCH: "stretch_on",
    Kind.TIP: "tips_on",
}


def _bit(kind: Kind) -> int:
    return 1 << list(KINDS).index(kind)


def is_on(user: User, kind: Kind) -> bool:
    """Whether the user has this kind switched on (kinds without a switch always are)."""
    if not KINDS[kind].switchable:
        return True
    column = _SWITCH_COLUMNS.get(kind)
    if column is not None:
        return bool(getattr(user, column))
    return bool(user.reminders_on & _bit(kind))


def switch(user: User, kind: Kind, on: bool) -> None:
    """Turn one kind of reminder on or off."""
    column = _SWITCH_COLUMNS.get(kind)
    if column is not None:
        setattr(user, column, on)
    elif on:
        user.reminders_on |= _bit(kind)
    else:
        user.reminders_on &= ~_bit(kind)


# The setup steps (users.setup_step) whose answers reminder times depend on. Once they
# are answered, reminders run even while the last step (which ones to get) is open.
STEPS_TIMES_NEED = frozenset({"timezone", "wake", "bed"})


def wanted_kinds(user: User) -> set[Kind]:
    """Reminder kinds this user should get: none once they blocked us, and while setup
    still asks when their day is, only those that need no setup."""
    if not user.is_active:
        return set()
    setting_up = user.setup_step in STEPS_TIMES_NEED
    return {
        k for k, plan in KINDS.items() if is_on(user, k) and not (setting_up and plan.needs_setup)
    }


def schedule_inputs(user: User) -> tuple[object, ...]:
    """Everything of the user's row that the schedule depends on: when this changes, the
    schedule must be synced."""
    return tuple(getattr(user, name) for name in _SCHEDULE_INPUTS)


async def goals_by_day(
    session: AsyncSession, user_id: int, days: Iterable[date]
) -> dict[date, int]:
    """The hydration goal of each day that has a raised goal (others: DEFAULT_CUPS)."""
    rows = await session.execute(
        select(HydrationDay.day, HydrationDay.extra_cups).where(
            HydrationDay.user_id == user_id, HydrationDay.day.in_(list(days))
        )
    )
    return {day: DEFAULT_CUPS + extra for day, extra in rows}


async def cups_on(session: AsyncSession, user_id: int, day: date) -> int:
    """Cups logged for a day."""
    count = await session.scalar(
        select(func.count()).where(WaterLog.user_id == user_id, WaterLog.day == day)
    )
    return int(count or 0)


async def hydration_today(
    session: AsyncSession, user: User, now: datetime
) -> tuple[date, int, int]:
    """(day, cups so far, goal) for the day `now` belongs to."""
    day = day_of(prefs_of(user), now)
    goal = (await goals_by_day(session, user.id, [day])).get(day, DEFAULT_CUPS)
    return day, await cups_on(session, user.id, day), goal


async def raise_goal(session: AsyncSession, user_id: int, day: date) -> bool:
    """Add the hot-day cups to a day's goal, once; False if it was raised already."""
    inserted = await session.scalar(
        upsert(session, HydrationDay)
        .values(user_id=user_id, day=day, extra_cups=HOT_DAY_EXTRA_CUPS)
        .on_conflict_do_nothing(index_elements=["user_id", "day"])
        .returning(HydrationDay.day)
    )
    return inserted is not None


async def sync_user_schedule(session: AsyncSession, user: User, now: datetime) -> None:
    """Make the user's series rows match their settings: next slot after `now` per kind."""
    wanted = wanted_kinds(user)
    await session.execute(
        delete(ReminderSchedule).where(
            ReminderSchedule.user_id == user.id,
            ReminderSchedule.kind.not_in([kind.value for kind in wanted]),
        )
    )
    prefs = prefs_of(user)
    today = day_of(prefs, now)
    goals = await goals_by_day(session, user.id, [today]) if Kind.HYDRATION in wanted else {}
    for kind in sorted(wanted):
        due = next_slot(kind, prefs, now, lambda day: goals.get(day, DEFAULT_CUPS))
        key = (ReminderSchedule.user_id == user.id) & (ReminderSchedule.kind == kind.value)
        if due is None:
            await session.execute(delete(ReminderSchedule).where(key, ~ReminderSchedule.is_snooze))
            continue
        await session.execute(
            upsert(session, ReminderSchedule)
            .values(user_id=user.id, kind=kind.value, is_snooze=False, next_due_at=due)
            .on_conflict_do_update(
                index_elements=["user_id", "kind", "is_snooze"], set_={"next_due_at": due}
            )
        )


async def snooze(session: AsyncSession, user_id: int, kind: Kind, now: datetime) -> datetime:
    """A one-off repeat of a reminder; the series is untouched. A newer snooze replaces one."""
    due = now + timedelta(minutes=SNOOZE_MINUTES[kind])
    await schedule_once(session, user_id, kind, due)
    return due


async def schedule_once(session: AsyncSession, user_id: int, kind: Kind, due: datetime) -> None:
    """One message of `kind` at `due` (a snooze, a follow-up), beside any series; a newer
    one replaces one still waiting."""
    await session.execute(
        upsert(session, ReminderSchedule)
        .values(user_id=user_id, kind=kind.value, is_snooze=True, next_due_at=due)
        .on_conflict_do_update(
            index_elements=["user_id", "kind", "is_snooze"], set_={"next_due_at": due}
        )
    )


async def cancel_once(session: AsyncSession, user_id: int, kind: Kind) -> None:
    """Drop a one-off message of `kind` still waiting."""
    await session.execute(
        delete(ReminderSchedule).where(
            ReminderSchedule.user_id == user_id,
            ReminderSchedule.kind == kind.value,
            ReminderSchedule.is_snooze,
        )
    )


async def next_due_times(session: AsyncSession, user_id: int) -> dict[Kind, datetime]:
    """The next time each kind is due: the earlier of series and snooze, or the snooze
    when it stands in for the series slot (claims.stood_in_for)."""
    rows = await session.execute(
        select(ReminderSchedule.kind, ReminderSchedule.is_snooze, ReminderSchedule.next_due_at)
        .where(ReminderSchedule.user_id == user_id)
        .order_by(ReminderSchedule.is_snooze)  # the series first, then its snooze
    )
    due: dict[Kind, datetime] = {}
    for kind, is_snooze, at in rows:
        series = due.get(Kind(kind))
        if series is None or (is_snooze and (at < series or stood_in_for(series, [at]))):
            due[Kind(kind)] = at
    return due


# One statement, built once: a report is stored under SQLite's one write lock, which
# each round trip (and each statement built anew) would hold longer for all other writers.
_ADHERENCE = select(
    select(HydrationDay.extra_cups)
    .where(HydrationDay.user_id == bindparam("user_id"), HydrationDay.day == bindparam("day"))
    .scalar_subquery(),
    select(func.max(Delivery.responded_at))
    .where(
        Delivery.user_id == bindparam("user_id"),
        Delivery.kind == Kind.MOVEMENT.value,
        Delivery.response == "m",
        Delivery.responded_at <= bindparam("at"),
    )
    .scalar_subquery(),
    select(func.count())
    .where(
        Delivery.user_id == bindparam("user_id"),
        Delivery.kind == Kind.STRETCH.value,
        Delivery.response == "d",
        Delivery.slot_at >= bindparam("night_from"),
        Delivery.slot_at < bindparam("night_to"),
    )
    .scalar_subquery(),
    select(func.count())
    .where(WaterLog.user_id == bindparam("user_id"), WaterLog.day == bindparam("day"))
    .scalar_subquery(),
)


async def adherence_at(session: AsyncSession, user: User, at: datetime) -> dict[str, object]:
    """That day's checklist adherence at `at`: cups vs goal, hours since the user last
    answered "Moved", and whether last night's stretch was done. Stored with each report."""
    prefs = prefs_of(user)
    day = day_of(prefs, at)
    # "Last night" is the night before today's wake-up, or tonight once past bedtime.
    night = day if at >= day_end(prefs, day) else day - timedelta(days=1)
    extra, moved_at, stretched, cups = (
        await session.execute(
            _ADHERENCE,
            {
                "user_id": user.id,
                "day": day,
                "at": at,
                "night_from": day_start(prefs, night),
                "night_to": day_start(prefs, night + timedelta(days=1)),
            },
        )
    ).one()
    goal = DEFAULT_CUPS + extra if extra is not None else DEFAULT_CUPS
    return {
        "cups_today": int(cups or 0),
        "cups_goal": goal,
        "hours_since_movement": (
            round((at - moved_at).total_seconds() / 3600, 2) if moved_at is not None else None
        ),
        "stretched_last_night": bool(stretched),
    }
