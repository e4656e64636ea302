"""Answers to reminders, logging water, the stretch routine, /reminders, /pause, /resume."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot import texts
from bot.callbacks import (
    REMINDER_SCREENS,
    STRETCH_LEADS,
    AllReminders,
    AnswerReminder,
    AnswerRhythm,
    Flow,
    OpenScreen,
    Pause,
    PauseChoice,
    RaiseGoal,
    ReminderAction,
    RhythmChoice,
    Screen,
    SetStretchLead,
    Sitting,
    ToggleKind,
    UndoWater,
    switched,
)
from bot.context import CoachContext
from bot.flags import RaisedFlag, raise_flags, tell_flags
from bot.handlers import sitting
from bot.handlers.common import (
    UserGone,
    UserTransaction,
    View,
    answer_and_edit,
    edit_screen,
    local_when,
    pause_end,
    pressed,
    undo_own_row,
    user_transaction,
)
from bot.i18n import in_every_language
from bot.keyboards import button, rows
from bot.reminder_messages import REMINDERS, Content, Part, answer_note, render, render_message
from bot.texts import medical
from core.delivery import DeliveryStatus
from core.diary import Duration
from db.models import CrampReport, Delivery, ReminderRhythm, User, WaterLog
from db.reports import latest_clot_sign
from db.rhythms import lighter_kinds, restore_rhythm, rhythm_of
from scheduler.claims import CLOT_SIGN_HOLD, HELD_BY_CLOT_SIGN
from scheduler.planning import (
    DEFAULT_CUPS,
    FOLLOW_UP_AFTER,
    KINDS,
    Kind,
    PauseOption,
    day_of,
    is_paused,
    pause_until,
)
from scheduler.rhythm import ADAPTIVE
from scheduler.schedules import (
    cancel_once,
    hydration_today,
    is_on,
    next_due_times,
    prefs_of,
    raise_goal,
    snooze,
    switch,
)


def _local(user: User, instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(user.timezone))


# --- Answers to reminders -----------------------------------------------------------------


async def answer_reminder(update: Update, context: CoachContext) -> None:
    """A button under a reminder: record the answer once, for the presser's own reminder."""
    query, data = pressed(update, AnswerReminder)
    view: View | None = None
    raised: list[RaisedFlag] = []
    try:
        async with user_transaction(update, context, create=False) as tx:
            delivery = await tx.session.get(Delivery, data.delivery_id, with_for_update=True)
            reminder = REMINDERS.get(Kind(delivery.kind)) if delivery is not None else None
            prefs = prefs_of(tx.user)
            if delivery is None:
                answer: str | None = texts.REMINDER_GONE
            elif delivery.user_id != tx.user.id:
                answer = texts.NOT_YOURS
            elif reminder is None or data.action not in reminder.allowed:
                answer = texts.STALE_BUTTON
            elif day_of(prefs, delivery.slot_at) != day_of(prefs, tx.now):
                answer = texts.REMINDER_EXPIRED
            elif data.action is ReminderAction.HOT_DAY:
                answer, view = await _raise_goal_from(tx, delivery)
            elif delivery.response is not None:
                answer = texts.REMINDER_ALREADY_ANSWERED
            else:
                answer, view, raised = await _record_answer(tx, delivery, data.action)
    except UserGone:
        answer = texts.REMINDER_GONE
    await query.answer(answer)
    if view is not None:
        await edit_screen(query, view.text, view.markup)
    if raised and isinstance(query.message, Message):
        await tell_flags(query.message, raised)


# Answers whose result is their note alone (a cup and a snooze say more).
_NOTED = frozenset(
    (ReminderAction.SKIP, ReminderAction.MOVED, ReminderAction.DONE, ReminderAction.NO_TIPS)
)


async def _record_answer(
    tx: UserTransaction, delivery: Delivery, action: ReminderAction
) -> tuple[str | None, View, list[RaisedFlag]]:
    """Store the answer (and what it does): a toast, the reminder without its buttons
    and the result, and any warning it raised."""
    user, now, kind = tx.user, tx.now, Kind(delivery.kind)
    delivery.response, delivery.responded_at = action.value, now
    if kind is Kind.FOLLOW_UP:
        return await _answer_follow_up(tx, delivery, action)
    result, water = texts.ANSWER_NOTES[action] if action in _NOTED else "", None
    if action is ReminderAction.CUP:
        tx.session.add(
            WaterLog(user_id=user.id, logged_at=now, day=day_of(prefs_of(user), now),
                     source="reminder")
        )  # fmt: skip
        await tx.session.flush()
        _, *water = await hydration_today(tx.session, user, now)
        result = f"{texts.ANSWER_CUP} {texts.water_progress(*water)}"
    elif action is ReminderAction.SNOOZE:
        result = texts.SNOOZED_UNTIL.format(
            time=_local(user, await snooze(tx.session, user.id, kind, now))
        )
    elif action is ReminderAction.NO_TIPS:
        switch(user, Kind.TIP, False)
    if kind in ADAPTIVE:  # last: the claim locks schedule rows before rhythms, so do we
        await restore_rhythm(tx.session, user.id, kind)
    return None, await _message_view(tx, delivery, result, water), []


async def _message_view(
    tx: UserTransaction, pressed: Delivery, note: str | None, water: list[int] | None = None
) -> View:
    """The message a reminder went out in, drawn again after a tap on it: the pressed
    reminder with `note` (what its answer did), any others sent with it as they stand.
    `water`: today's [cups, goal] when the caller has just read them."""
    lead_id = pressed.merged_into or pressed.id
    parts = (
        await tx.session.scalars(
            select(Delivery)
            .where(or_(Delivery.id == lead_id, Delivery.merged_into == lead_id))
            .order_by(Delivery.merged_into.is_not(None), Delivery.id)
        )
    ).all()
    cups, goal = water or (0, DEFAULT_CUPS)
    if water is None and any(part.kind == Kind.HYDRATION for part in parts):
        _, cups, goal = await hydration_today(tx.session, tx.user, tx.now)
    drawn = []
    for part in parts:
        kind = Kind(part.kind)
        content = (
            Content(part.slot_at, cups, goal) if kind is Kind.HYDRATION else Content(part.slot_at)
        )
        answered = note if part.id == pressed.id else None
        if answered is None and part.response is not None:
            answered = answer_note(ReminderAction(part.response))
        drawn.append(Part(kind, part.id, content, answered))
    return View(*render_message(drawn))


async def _answer_follow_up(
    tx: UserTransaction, delivery: Delivery, action: ReminderAction
) -> tuple[str | None, View, list[RaisedFlag]]:
    """Stopped, or still going: then the report lasted over 10 minutes, and says so."""
    text, _ = render(Kind.FOLLOW_UP, delivery.id, Content(delivery.slot_at))
    if action is not ReminderAction.STILL_GOING:
        return None, View(f"{text}\n\n{texts.ANSWER_STOPPED}"), []
    report = await tx.session.scalar(
        select(CrampReport)
        .where(
            CrampReport.user_id == tx.user.id,
            CrampReport.duration == Duration.STILL_GOING.value,
            CrampReport.reported_at <= delivery.slot_at - FOLLOW_UP_AFTER,
        )
        .order_by(CrampReport.reported_at.desc())
        .limit(1)
    )
    if report is None:  # undone meanwhile
        return texts.CRAMP_ALREADY_GONE, View(text), []
    report.duration = Duration.OVER_10_MIN.value
    await tx.session.flush()
    raised, _ = await raise_flags(tx.session, tx.user, tx.now)
    urgent = [flag.text for flag in raised if flag.urgent]
    return None, View("\n\n".join([*urgent, text, texts.ANSWER_STILL_GOING])), raised


async def _raise_goal_from(tx: UserTransaction, delivery: Delivery) -> tuple[str, View | None]:
    """Hot day, pressed under a hydration reminder: raise today's goal once."""
    day = day_of(prefs_of(tx.user), tx.now)
    if not await raise_goal(tx.session, tx.user.id, day):
        return texts.GOAL_ALREADY_RAISED, None
    tx.reschedule()
    _, *water = await hydration_today(tx.session, tx.user, tx.now)
    return texts.GOAL_RAISED.format(goal=water[1]), await _message_view(tx, delivery, None, water)


# --- The question asked once of someone who kept letting a kind pass --------------------------


async def answer_rhythm(update: Update, context: CoachContext) -> None:
    """Keep, fewer or stop, under the reminder that asked: once, for the presser's own."""
    query, data = pressed(update, AnswerRhythm)
    view: View | None = None
    try:
        async with user_transaction(update, context, create=False) as tx:
            delivery = await tx.session.get(Delivery, data.delivery_id)
            answer: str | None
            if delivery is None:
                answer = texts.REMINDER_GONE
            elif delivery.user_id != tx.user.id:
                answer = texts.NOT_YOURS
            else:
                answer, view = await _choose_rhythm(tx, delivery, data.choice)
    except UserGone:
        answer = texts.REMINDER_GONE
    await query.answer(answer)
    if view is not None:
        await edit_screen(query, view.text, view.markup)


async def _choose_rhythm(
    tx: UserTransaction, delivery: Delivery, choice: RhythmChoice
) -> tuple[str | None, View | None]:
    """Apply the answer if this reminder asked and nothing was answered yet: a toast, and
    the reminder with the answer in place of the question."""
    kind = Kind(delivery.kind)
    rhythm = await tx.session.get(ReminderRhythm, (tx.user.id, kind.value))
    if kind not in ADAPTIVE or rhythm is None or rhythm.asked_delivery_id != delivery.id:
        return texts.STALE_BUTTON, None
    if choice is RhythmChoice.STOP and rhythm.answer is None:
        switch(tx.user, kind, False)
        # Before locking the rhythm row: the claim locks schedule rows first, then rhythms.
        await tx.sync_schedule()
    await tx.session.refresh(rhythm, with_for_update=True)  # a double tap waits here
    if rhythm.answer is not None:
        if choice is RhythmChoice.STOP and rhythm.answer != choice.value:
            switch(tx.user, kind, True)  # another answer came first
        return texts.RHYTHM_ALREADY_ANSWERED, None
    rhythm.answer, rhythm.ignored, rhythm.backoff_until = choice.value, 0, None
    rhythm.lighter = choice is RhythmChoice.FEWER
    result = {
        RhythmChoice.KEEP: texts.RHYTHM_KEPT,
        RhythmChoice.FEWER: texts.RHYTHM_LIGHTER,
        RhythmChoice.STOP: texts.RHYTHM_STOPPED.format(name=texts.KIND_NAMES[kind]),
    }[choice]
    content = Content(delivery.slot_at)
    if kind is Kind.HYDRATION:
        _, cups, goal = await hydration_today(tx.session, tx.user, tx.now)
        content = Content(delivery.slot_at, cups, goal)
    prefs = prefs_of(tx.user)
    answerable = (
        choice is not RhythmChoice.STOP
        and delivery.response is None
        and day_of(prefs, delivery.slot_at) == day_of(prefs, tx.now)
    )
    text, markup = render(kind, delivery.id, content, with_buttons=answerable)
    return None, View(f"{text}\n\n{result}", markup)


async def all_reminders(update: Update, context: CoachContext) -> None:
    """From /reminders: every reminder of a kind again, after "Fewer"."""
    query, data = pressed(update, AllReminders)
    async with user_transaction(update, context) as tx:
        rhythm = await rhythm_of(tx.session, tx.user.id, data.kind)
        if rhythm is not None:  # a fresh start: what was let pass before counts no more
            rhythm.lighter, rhythm.ignored, rhythm.backoff_until = False, 0, None
        view = await reminders_view(tx)
    await query.answer(texts.RHYTHM_RESTORED.format(name=texts.KIND_NAMES[data.kind]))
    await edit_screen(query, view.text, view.markup)


# --- Water and stretching on demand ----------------------------------------------------------


def _water_logged(log_id: int, day: date, goal_raised: bool) -> InlineKeyboardMarkup:
    row = [button(texts.UNDO, UndoWater(log_id))]
    if not goal_raised:
        row.append(button(texts.HOT_DAY, RaiseGoal(day)))
    return InlineKeyboardMarkup([row])


async def log_water(update: Update, context: CoachContext) -> None:
    """/water or the reply-keyboard button: one cup now, with the day's progress."""
    message = update.effective_message
    assert message is not None
    source = "command" if (message.text or "").startswith("/") else "button"
    async with user_transaction(update, context) as tx:
        day = day_of(prefs_of(tx.user), tx.now)
        log = WaterLog(user_id=tx.user.id, logged_at=tx.now, day=day, source=source)
        tx.session.add(log)
        await tx.session.flush()
        await restore_rhythm(tx.session, tx.user.id, Kind.HYDRATION)  # a cup answers them
        _, cups, goal = await hydration_today(tx.session, tx.user, tx.now)
        log_id = log.id
    await message.reply_text(
        texts.water_progress(cups, goal),
        reply_markup=_water_logged(log_id, day, goal > DEFAULT_CUPS),
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
    async with user_transaction(update, context) as tx:
        if data.day != day_of(prefs_of(tx.user), tx.now):
            answer = texts.DAY_IS_OVER
        elif not await raise_goal(tx.session, tx.user.id, data.day):
            answer = texts.GOAL_ALREADY_RAISED
        else:
            tx.reschedule()
            _, _, goal = await hydration_today(tx.session, tx.user, tx.now)
            answer = texts.GOAL_RAISED.format(goal=goal)
    await query.answer(answer, show_alert=True)


async def stretch_now(update: Update, context: CoachContext) -> None:
    """/stretch: the routine now (after a workout, say), with a Done button; while a clot
    sign is in the diary, the warning again instead (scheduler/claims.py, HELD_BY_CLOT_SIGN)."""
    message = update.effective_message
    assert message is not None
    held: str | None = None
    async with user_transaction(update, context) as tx:
        now = tx.now
        sign = await latest_clot_sign(tx.session, tx.user.id, now)
        if sign is not None:
            held = texts.urgent_message(4, [_local(tx.user, sign)])
        else:
            delivery = Delivery(
                user_id=tx.user.id, kind=Kind.STRETCH.value, slot_at=now,
                status=DeliveryStatus.SENT, day=day_of(prefs_of(tx.user), now), claimed_at=now,
                sent_at=now,
            )  # fmt: skip
            tx.session.add(delivery)
            await tx.session.flush()
            delivery_id = delivery.id
    if held is not None:  # a possible clot is never answered with exercise
        await message.reply_text(f"{held}\n\n{medical.STRETCH_WAITS}")
        return
    text, markup = render(Kind.STRETCH, delivery_id, Content(now))
    sent = await message.reply_text(text, reply_markup=markup)
    async with context.db.begin() as session:
        stored = await session.get(Delivery, delivery_id)
        if stored is not None:
            stored.message_id = sent.message_id


# --- /reminders --------------------------------------------------------------------------------

# What /reminders adds after each kind's next time; a kind not here adds nothing.
_DETAILS: dict[Kind, Callable[[User, int, int], str]] = {
    Kind.HYDRATION: lambda _user, cups, goal: texts.CUPS_TODAY.format(cups=cups, goal=goal),
    Kind.MOVEMENT: lambda user, _cups, _goal: f" · {sitting.hours_of(user)}",
    Kind.STRETCH: lambda user, _cups, _goal: texts.STRETCH_LEAD.format(
        minutes=user.stretch_lead_minutes
    ),
    Kind.TIP: lambda _user, _cups, _goal: texts.TIPS_DETAIL,
}


async def reminders_view(tx: UserTransaction) -> View:
    """/reminders: each kind, on or off, with its next time in the user's zone."""
    user, now = tx.user, tx.now
    due = await next_due_times(tx.session, user.id)
    _, cups, goal = await hydration_today(tx.session, user, now)
    lighter = await lighter_kinds(tx.session, user.id)
    sign = await latest_clot_sign(tx.session, user.id, now)
    held_until = local_when(user, sign + CLOT_SIGN_HOLD, now) if sign is not None else None
    shown = [kind for kind in REMINDERS if KINDS[kind].switchable]
    lines = [
        texts.reminder_line(
            kind,
            is_on(user, kind),
            local_when(user, due[kind], now) if kind in due else None,
            (_DETAILS[kind](user, cups, goal) if kind in _DETAILS else "")
            + (texts.RHYTHM_LIGHTER_DETAIL if kind in lighter else ""),
            held_until if kind in HELD_BY_CLOT_SIGN else None,
        )
        for kind in shown
    ]
    until = pause_end(user, now)
    toggles = [
        button(
            texts.switch(is_on(user, kind), texts.KIND_NAMES[kind]),
            ToggleKind(kind, to=not is_on(user, kind)),
        )
        for kind in shown
    ]
    pause = (
        button(texts.RESUME, Pause(PauseChoice.RESUME))
        if until
        else button(texts.PAUSE, OpenScreen(Screen.PAUSE))
    )
    screens = [
        button(texts.SITTING_HOURS, Sitting(Flow.SETTINGS)),
        button(texts.STRETCH_TIMING, OpenScreen(Screen.STRETCH_LEAD)),
    ]
    all_again = [  # undoes "Fewer", chosen under a reminder
        [button(texts.RHYTHM_ALL_AGAIN.format(icon=texts.KIND_ICONS[kind],
                                              name=texts.KIND_NAMES[kind].lower()),
                AllReminders(kind))]
        for kind in shown
        if kind in lighter and is_on(user, kind)
    ]  # fmt: skip
    markup = InlineKeyboardMarkup([*rows(toggles, 2), *all_again, screens, [pause]])
    return View(texts.reminders_overview(lines, until), markup)


def _back_to_reminders() -> list[Any]:
    return [button(texts.BACK, OpenScreen(Screen.REMINDER_LIST))]


def _stretch_lead_view(user: User) -> View:
    current = user.stretch_lead_minutes
    options = [
        button(texts.lead_choice(minutes, minutes == current), SetStretchLead(minutes))
        for minutes in STRETCH_LEADS
    ]
    markup = InlineKeyboardMarkup([options, _back_to_reminders()])
    return View(texts.STRETCH_LEAD_SCREEN.format(minutes=current), markup)


def _pause_options() -> InlineKeyboardMarkup:
    buttons = [button(label, Pause(choice)) for choice, label in texts.PAUSE_LABELS.items()]
    return InlineKeyboardMarkup(rows(buttons, 2))


async def show_reminders(update: Update, context: CoachContext) -> None:
    """/reminders."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as tx:
        sitting.stop_awaiting(tx.user)
        view = await reminders_view(tx)
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def toggle_kind(update: Update, context: CoachContext) -> None:
    """Switch one kind on or off from /reminders."""
    query, data = pressed(update, ToggleKind)
    async with user_transaction(update, context) as tx:
        switch(tx.user, data.kind, switched(data.to, is_on(tx.user, data.kind)))
        await tx.sync_schedule()  # the screen shows the next times
        view = await reminders_view(tx)
    await answer_and_edit(query, view.text, view.markup)


async def set_stretch_lead(update: Update, context: CoachContext) -> None:
    """How long before bedtime the stretch reminder comes."""
    query, data = pressed(update, SetStretchLead)
    async with user_transaction(update, context) as tx:
        tx.user.stretch_lead_minutes = data.minutes
        await tx.sync_schedule()  # the screen shows the next times
        view = await reminders_view(tx)
    await query.answer(texts.STRETCH_LEAD_SET.format(minutes=data.minutes))
    await edit_screen(query, view.text, view.markup)


async def open_reminder_screen(update: Update, context: CoachContext) -> None:
    """Show /reminders or one of its sub-screens in place of the pressed message."""
    query, data = pressed(update, OpenScreen)
    async with user_transaction(update, context) as tx:
        sitting.stop_awaiting(tx.user)
        if data.screen is Screen.MOVEMENT_DAYS:  # buttons sent before sitting hours
            view = sitting.open_sitting(tx.user, Flow.SETTINGS, tx.now)
        elif data.screen is Screen.STRETCH_LEAD:
            view = _stretch_lead_view(tx.user)
        elif data.screen is Screen.PAUSE:
            view = View(texts.PAUSE_QUESTION, _pause_options())
        else:
            view = await reminders_view(tx)
    await answer_and_edit(query, view.text, view.markup)


async def pause_command(update: Update, _context: CoachContext) -> None:
    """/pause: ask for how long."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.PAUSE_QUESTION, reply_markup=_pause_options())


async def resume_command(update: Update, context: CoachContext) -> None:
    """/resume: end a pause."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as tx:
        was_paused = is_paused(tx.user.paused_until, tx.now)
        tx.user.paused_until = None
    await update.effective_message.reply_text(texts.RESUMED if was_paused else texts.NOT_PAUSED)


async def choose_pause(update: Update, context: CoachContext) -> None:
    """A pause length (or resume) button."""
    query, data = pressed(update, Pause)
    async with user_transaction(update, context) as tx:
        user = tx.user
        if data.choice is PauseChoice.RESUME:
            user.paused_until = None
            text = texts.RESUMED
        else:
            user.paused_until = pause_until(PauseOption(data.choice), prefs_of(user), tx.now)
            # Paused after a report: its "still going?" question is not wanted either.
            await cancel_once(tx.session, user.id, Kind.FOLLOW_UP)
            text = texts.PAUSED.format(until=local_when(user, user.paused_until, tx.now))
    await answer_and_edit(query, text)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("water", log_water),
    CommandHandler("stretch", stretch_now),
    CommandHandler("reminders", show_reminders),
    CommandHandler("pause", pause_command),
    CommandHandler("resume", resume_command),
    MessageHandler(filters.Text(in_every_language(texts.BUTTON_WATER)), log_water),
    AnswerReminder.handler(answer_reminder),
    AnswerRhythm.handler(answer_rhythm),
    AllReminders.handler(all_reminders),
    UndoWater.handler(undo_water),
    RaiseGoal.handler(raise_goal_today),
    ToggleKind.handler(toggle_kind),
    SetStretchLead.handler(set_stretch_lead),
    Pause.handler(choose_pause),
    OpenScreen.handler(open_reminder_screen, where=lambda data: data.screen in REMINDER_SCREENS),
]
