"""Answers to reminders, logging water, the stretch routine, /reminders, /pause, /resume."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import keyboards, reminder_messages, texts
from bot.callbacks import (
    AnswerReminder,
    OpenScreen,
    Pause,
    PauseChoice,
    RaiseGoal,
    ReminderAction,
    Screen,
    SetStretchLead,
    ToggleKind,
    ToggleMovementDay,
    UndoWater,
)
from bot.context import CoachContext
from bot.handlers.common import (
    View,
    answer_and_edit,
    edit_screen,
    pressed,
    toggle_switch,
    undo_own_row,
    user_transaction,
)
from db.models import Delivery, User, WaterLog
from scheduler.planning import (
    ALL_DAYS,
    DEFAULT_CUPS,
    Kind,
    PauseOption,
    day_of,
    is_paused,
    pause_until,
)
from scheduler.schedules import (
    hydration_today,
    next_due_times,
    prefs_of,
    raise_goal,
    snooze,
    sync_user_schedule,
)

# Which buttons belong under which kind of reminder; anything else is forged.
_ACTIONS = {
    Kind.HYDRATION: {
        ReminderAction.CUP,
        ReminderAction.SNOOZE,
        ReminderAction.SKIP,
        ReminderAction.HOT_DAY,
    },
    Kind.MOVEMENT: {ReminderAction.MOVED, ReminderAction.SNOOZE, ReminderAction.SKIP},
    Kind.STRETCH: {ReminderAction.DONE},
    Kind.TIP: {ReminderAction.NO_TIPS},
}
_PAUSE = {
    PauseChoice.HOUR: PauseOption.HOUR,
    PauseChoice.TODAY: PauseOption.TODAY,
    PauseChoice.MORNING: PauseOption.MORNING,
    PauseChoice.WEEK: PauseOption.WEEK,
}


def _local(user: User, instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(user.timezone))


def _when(user: User, instant: datetime, now: datetime) -> str:
    return texts.when(_local(user, instant), _local(user, now).date())


async def answer_reminder(update: Update, context: CoachContext) -> None:
    """A button under a reminder: record the answer once, for the presser's own reminder."""
    query, data = pressed(update, AnswerReminder)
    now = context.now()
    view: View | None = None
    async with context.db.begin() as session:
        delivery = await session.get(Delivery, data.delivery_id, with_for_update=True)
        user = await session.get(User, query.from_user.id)
        if delivery is None or user is None:
            answer: str | None = texts.REMINDER_GONE
        elif delivery.user_id != user.id:
            answer = texts.NOT_YOURS
        elif data.action not in _ACTIONS[Kind(delivery.kind)]:
            answer = texts.STALE_BUTTON
        elif day_of(prefs_of(user), delivery.slot_at) != day_of(prefs_of(user), now):
            answer = texts.REMINDER_EXPIRED
        elif data.action is ReminderAction.HOT_DAY:
            answer, view = await _raise_goal_from(session, user, delivery, now)
        elif delivery.response is not None:
            answer = texts.REMINDER_ALREADY_ANSWERED
        else:
            answer, view = await _record_answer(session, user, delivery, data.action, now)
    await query.answer(answer)
    if view is not None:
        await edit_screen(query, view.text, view.markup)


async def _record_answer(
    session: AsyncSession, user: User, delivery: Delivery, action: ReminderAction, now: datetime
) -> tuple[str | None, View]:
    kind = Kind(delivery.kind)
    delivery.response, delivery.responded_at = action.value, now
    result = {
        ReminderAction.SKIP: texts.ANSWER_SKIP,
        ReminderAction.MOVED: texts.ANSWER_MOVED,
        ReminderAction.DONE: texts.ANSWER_DONE,
        ReminderAction.NO_TIPS: texts.ANSWER_NO_TIPS,
    }.get(action, "")
    if action is ReminderAction.CUP:
        session.add(
            WaterLog(
                user_id=user.id, logged_at=now, day=day_of(prefs_of(user), now), source="reminder"
            )
        )
        await session.flush()
    elif action is ReminderAction.SNOOZE:
        result = texts.snoozed_until(_local(user, await snooze(session, user.id, kind, now)))
    elif action is ReminderAction.NO_TIPS:
        user.tips_on = False
        await sync_user_schedule(session, user, now)
    cups, goal = 0, DEFAULT_CUPS
    if kind is Kind.HYDRATION:
        _, cups, goal = await hydration_today(session, user, now)
        if action is ReminderAction.CUP:
            result = f"{texts.ANSWER_CUP} {texts.water_progress(cups, goal)}"
    text, _ = reminder_messages.render(kind, delivery.id, delivery.slot_at, cups=cups, goal=goal)
    return None, View(f"{text}\n\n{result}", None)


async def _raise_goal_from(
    session: AsyncSession, user: User, delivery: Delivery, now: datetime
) -> tuple[str, View | None]:
    day = day_of(prefs_of(user), now)
    if not await raise_goal(session, user.id, day):
        return texts.GOAL_ALREADY_RAISED, None
    await sync_user_schedule(session, user, now)
    _, cups, goal = await hydration_today(session, user, now)
    text, markup = reminder_messages.render(
        Kind.HYDRATION, delivery.id, delivery.slot_at, cups=cups, goal=goal
    )
    if delivery.response is not None:
        markup = None
    return texts.goal_raised(goal), View(text, markup)


async def log_water(update: Update, context: CoachContext) -> None:
    """/water or the reply-keyboard button: one cup now, with the day's progress."""
    message = update.effective_message
    assert message is not None
    source = "command" if (message.text or "").startswith("/") else "button"
    now = context.now()
    async with user_transaction(update, context) as (session, user):
        day = day_of(prefs_of(user), now)
        log = WaterLog(user_id=user.id, logged_at=now, day=day, source=source)
        session.add(log)
        await session.flush()
        _, cups, goal = await hydration_today(session, user, now)
        log_id = log.id
    await message.reply_text(
        texts.water_progress(cups, goal),
        reply_markup=keyboards.water_logged(log_id, day, goal > DEFAULT_CUPS),
    )


async def undo_water(update: Update, context: CoachContext) -> None:
    """Remove a cup the presser logged, if it is still there."""
    _, data = pressed(update, UndoWater)
    await undo_own_row(
        update, context, WaterLog, data.log_id, texts.WATER_ALREADY_GONE, texts.WATER_UNDONE
    )


async def raise_goal_today(update: Update, context: CoachContext) -> None:
    """Hot day or exercise: two more cups today (the day the button was shown on)."""
    query, data = pressed(update, RaiseGoal)
    now = context.now()
    async with user_transaction(update, context) as (session, user):
        if data.day != day_of(prefs_of(user), now):
            answer = texts.DAY_IS_OVER
        elif not await raise_goal(session, user.id, data.day):
            answer = texts.GOAL_ALREADY_RAISED
        else:
            await sync_user_schedule(session, user, now)
            _, _, goal = await hydration_today(session, user, now)
            answer = texts.goal_raised(goal)
    await query.answer(answer, show_alert=True)


async def stretch_now(update: Update, context: CoachContext) -> None:
    """/stretch: the routine now (after a workout, say), with a Done button."""
    message = update.effective_message
    assert message is not None
    now = context.now()
    async with user_transaction(update, context) as (session, user):
        delivery = Delivery(
            user_id=user.id, kind=Kind.STRETCH.value, slot_at=now, status="sent",
            day=day_of(prefs_of(user), now), claimed_at=now, sent_at=now,
        )  # fmt: skip
        session.add(delivery)
        await session.flush()
        delivery_id = delivery.id
    text, markup = reminder_messages.render(Kind.STRETCH, delivery_id, now)
    sent = await message.reply_text(text, reply_markup=markup)
    async with context.db.begin() as session:
        stored = await session.get(Delivery, delivery_id)
        if stored is not None:
            stored.message_id = sent.message_id


async def reminders_view(session: AsyncSession, user: User, now: datetime) -> View:
    """/reminders: each kind, on or off, with its next time in the user's zone."""
    due = await next_due_times(session, user.id)
    _, cups, goal = await hydration_today(session, user, now)

    def line(icon: str, name: str, on: bool, kind: Kind, extra: str) -> str:
        if not on:
            return f"{icon} {name}: off"
        next_time = f" · next {_when(user, due[kind], now)}" if kind in due else ""
        return f"{icon} {name}: on{next_time}{extra}"

    days, lead = _day_names(user.movement_days), user.stretch_lead_minutes
    lines = [
        line("💧", "Hydration", user.hydration_on, Kind.HYDRATION, f" · {cups}/{goal} cups today"),
        line("🚶", "Movement", user.movement_on, Kind.MOVEMENT, f" · {days}"),
        line("🧘", "Bedtime stretch", user.stretch_on, Kind.STRETCH, f" · {lead} min before bed"),
        line("💡", "Tips", user.tips_on, Kind.TIP, " · at most twice a week"),
    ]
    paused = is_paused(user.paused_until, now)
    until = _when(user, user.paused_until, now) if paused and user.paused_until else None
    return View(texts.reminders_overview(lines, until), keyboards.reminders_menu(user, paused))


async def show_reminders(update: Update, context: CoachContext) -> None:
    """/reminders."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as (session, user):
        view = await reminders_view(session, user, context.now())
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def toggle_kind(update: Update, context: CoachContext) -> None:
    """Switch one kind on or off from /reminders."""
    query, data = pressed(update, ToggleKind)
    async with user_transaction(update, context) as (session, user):
        toggle_switch(user, data.kind)
        await sync_user_schedule(session, user, context.now())
        view = await reminders_view(session, user, context.now())
    await answer_and_edit(query, view.text, view.markup)


async def toggle_movement_day(update: Update, context: CoachContext) -> None:
    """Switch movement reminders for one weekday."""
    query, data = pressed(update, ToggleMovementDay)
    async with user_transaction(update, context) as (_, user):
        user.movement_days ^= 1 << data.weekday
        view = movement_days_view(user)
    await answer_and_edit(query, view.text, view.markup)


def _day_names(mask: int) -> str:
    if mask == ALL_DAYS:
        return "every day"
    names = [name for day, name in enumerate(keyboards.WEEKDAYS) if mask >> day & 1]
    return ", ".join(names) or "no days"


def movement_days_view(user: User) -> View:
    mask = user.movement_days
    return View(texts.movement_days_screen(_day_names(mask)), keyboards.movement_days(mask))


async def set_stretch_lead(update: Update, context: CoachContext) -> None:
    """How long before bedtime the stretch reminder comes."""
    query, data = pressed(update, SetStretchLead)
    async with user_transaction(update, context) as (session, user):
        user.stretch_lead_minutes = data.minutes
        await sync_user_schedule(session, user, context.now())
        view = await reminders_view(session, user, context.now())
    await query.answer(f"Stretch reminder: {data.minutes} min before bed")
    await edit_screen(query, view.text, view.markup)


async def open_reminder_screen(update: Update, context: CoachContext) -> None:
    """Show /reminders or one of its sub-screens in place of the pressed message."""
    query, data = pressed(update, OpenScreen)
    screen = data.screen
    async with user_transaction(update, context) as (session, user):
        if screen is Screen.MOVEMENT_DAYS:
            view = movement_days_view(user)
        elif screen is Screen.STRETCH_LEAD:
            view = View(
                texts.stretch_lead_screen(user.stretch_lead_minutes),
                keyboards.stretch_leads(user.stretch_lead_minutes),
            )
        elif screen is Screen.PAUSE:
            view = View(texts.PAUSE_QUESTION, keyboards.pause_options())
        else:
            view = await reminders_view(session, user, context.now())
    await answer_and_edit(query, view.text, view.markup)


async def pause_command(update: Update, _context: CoachContext) -> None:
    """/pause: ask for how long."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        texts.PAUSE_QUESTION, reply_markup=keyboards.pause_options()
    )


async def resume_command(update: Update, context: CoachContext) -> None:
    """/resume: end a pause."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as (_, user):
        was_paused = is_paused(user.paused_until, context.now())
        user.paused_until = None
    await update.effective_message.reply_text(texts.RESUMED if was_paused else texts.NOT_PAUSED)


async def choose_pause(update: Update, context: CoachContext) -> None:
    """A pause length (or resume) button."""
    query, data = pressed(update, Pause)
    now = context.now()
    async with user_transaction(update, context) as (_, user):
        if data.choice is PauseChoice.RESUME:
            user.paused_until = None
            text = texts.RESUMED
        else:
            user.paused_until = pause_until(_PAUSE[data.choice], prefs_of(user), now)
            text = texts.paused(_when(user, user.paused_until, now))
    await answer_and_edit(query, text)
