"""First-time setup (/start) and /settings: the same choices, shown in two flows.

Setup walks the steps in STEPS order, each with a default and a skip, editing one
message in place. /settings shows a menu from which each choice opens a screen.
Screens that accept a typed answer (a zone name, a time) set `user.awaiting`, which
is how a plain text message is understood; it lives in the database, so a restart
in the middle of setup loses nothing.
"""

from collections.abc import Callable
from datetime import datetime, time
from enum import StrEnum

from telegram import CallbackQuery, Update

from bot import keyboards, texts
from bot.callbacks import (
    FinishReminders,
    Flow,
    OpenScreen,
    Screen,
    SetBed,
    SetSummaryDay,
    SetSummaryTime,
    SetTimezone,
    SetWake,
    ToggleReminder,
)
from bot.context import CoachContext
from bot.handlers.common import (
    View,
    answer_and_edit,
    edit_screen,
    pressed,
    toggle_switch,
    user_transaction,
)
from core.timeofday import day_window_problem, format_clock_time, parse_clock_time
from core.timezones import local_now, resolve_timezone, timezone_at
from db.models import User


class Field(StrEnum):
    """A setting that can be typed; the values double as setup step names."""

    TIMEZONE = "timezone"
    WAKE = "wake"
    BED = "bed"


REMINDERS_STEP = "reminders"
STEPS: tuple[str, ...] = (Field.TIMEZONE, Field.WAKE, Field.BED, REMINDERS_STEP)
DONE = "done"
MENU = "menu"
SUMMARY_SCREEN = "summary"

_SCREEN_STEP = {
    Screen.TIMEZONE: Field.TIMEZONE,
    Screen.WAKE: Field.WAKE,
    Screen.BED: Field.BED,
    Screen.REMINDERS: REMINDERS_STEP,
    Screen.MENU: MENU,
    Screen.SUMMARY: SUMMARY_SCREEN,
}
_COMMAND_FIELD = {"timezone": Field.TIMEZONE, "waketime": Field.WAKE, "bedtime": Field.BED}


def _now_there(user: User, context: CoachContext) -> datetime:
    return local_now(user.timezone, context.now())


def render(user: User, flow: Flow, step: str, context: CoachContext) -> View:
    """The screen for a setup step or a settings screen."""
    setup = flow is Flow.SETUP
    wake, bed = format_clock_time(user.wake_time), format_clock_time(user.bed_time)
    match step:
        case Field.TIMEZONE:
            text = (
                texts.step_timezone(user.timezone)
                if setup
                else texts.choose_timezone(user.timezone)
            )
            return View(text, keyboards.timezones(flow, user.timezone))
        case Field.WAKE:
            text = texts.step_wake(wake) if setup else texts.choose_wake(wake)
            return View(text, keyboards.wake_times(flow, user.wake_time))
        case Field.BED:
            text = texts.step_bed(bed) if setup else texts.choose_bed(bed)
            return View(text, keyboards.bed_times(flow, user.bed_time))
        case "reminders":
            text = texts.step_reminders() if setup else texts.choose_reminders(user)
            return View(text, keyboards.reminder_toggles(flow, user))
        case "done":
            return View(texts.setup_done(user, _now_there(user, context)), None)
        case "summary":
            text = texts.choose_summary(user.summary_weekday, format_clock_time(user.summary_time))
            return View(text, keyboards.summary_choices(user.summary_weekday, user.summary_time))
        case _:
            return View(
                texts.settings_summary(user, _now_there(user, context)), keyboards.settings_menu()
            )


def _resume_awaiting(user: User) -> None:
    """Expect typed input only where an open setup step asks for it."""
    user.awaiting = user.setup_step if user.setup_step in set(Field) else None


def _advance(user: User, flow: Flow, step: str) -> str:
    """Move past `step`; returns the next screen to show."""
    if flow is Flow.SETUP:
        index = STEPS.index(step)
        user.setup_step = STEPS[index + 1] if index + 1 < len(STEPS) else None
        _resume_awaiting(user)
        return user.setup_step or DONE
    _resume_awaiting(user)
    return MENU


def _parse(field: Field, text: str) -> str | time | None:
    if field is Field.TIMEZONE:
        return resolve_timezone(text)
    return parse_clock_time(text)


def _bad_input(field: Field, text: str) -> str:
    template = texts.BAD_TIMEZONE if field is Field.TIMEZONE else texts.BAD_TIME
    return template.format(text=texts.quote(text))


def _apply(user: User, field: Field, value: str | time) -> str | None:
    """Store one setting; returns why it cannot be used (changing nothing) or None."""
    if field is Field.TIMEZONE:
        assert isinstance(value, str)
        user.timezone = value
        return None
    assert isinstance(value, time)
    wake, bed = (value, user.bed_time) if field is Field.WAKE else (user.wake_time, value)
    problem = day_window_problem(wake, bed)
    if problem is not None:
        other = "bedtime" if field is Field.WAKE else "wake-up time"
        current = format_clock_time(bed if field is Field.WAKE else wake)
        return f"🤔 {problem} Your {other} is {current}."
    user.wake_time, user.bed_time = wake, bed
    return None


def _saved(field: Field, user: User, context: CoachContext) -> str:
    if field is Field.TIMEZONE:
        return texts.saved_timezone(user.timezone, _now_there(user, context))
    if field is Field.WAKE:
        return texts.saved_wake(format_clock_time(user.wake_time))
    return texts.saved_bed(format_clock_time(user.bed_time))


async def _apply_typed(update: Update, context: CoachContext, field: Field, text: str) -> None:
    """Use a typed value for `field`: reply what changed, or what is accepted."""
    assert update.effective_message is not None
    message = update.effective_message
    follow_up: View | None = None
    async with user_transaction(update, context) as (_, user):
        value = _parse(field, text)
        reply = _bad_input(field, text) if value is None else _apply(user, field, value)
        if reply is None:
            reply = _saved(field, user, context)
            flow = Flow.SETUP if user.setup_step == field else Flow.SETTINGS
            step = _advance(user, flow, field)
            if flow is Flow.SETUP:
                follow_up = render(user, flow, step, context)
    await message.reply_text(reply)
    if follow_up is not None:
        await message.reply_text(follow_up.text, reply_markup=follow_up.markup)


async def start(update: Update, context: CoachContext) -> None:
    """Welcome the user and run (or resume) setup; welcome back someone already set up."""
    assert update.effective_message is not None and update.effective_user is not None
    async with user_transaction(update, context) as (_, user):
        user.is_active = True
        in_setup = user.setup_step is not None
        if in_setup:
            _resume_awaiting(user)
            view = render(user, Flow.SETUP, user.setup_step or STEPS[0], context)
        else:
            user.awaiting = None
            view = render(user, Flow.SETTINGS, MENU, context)
    name = update.effective_user.first_name
    message = update.effective_message
    if in_setup:
        await message.reply_text(texts.welcome(name), reply_markup=keyboards.main_menu())
        await message.reply_text(texts.setup_intro() + "\n\n" + view.text, reply_markup=view.markup)
    else:
        await message.reply_text(texts.welcome_back(name), reply_markup=keyboards.main_menu())
        await message.reply_text(view.text, reply_markup=view.markup)


async def settings(update: Update, context: CoachContext) -> None:
    """Show the current settings with a button to change each."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as (_, user):
        _resume_awaiting(user)
        view = render(user, Flow.SETTINGS, MENU, context)
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def set_by_command(update: Update, context: CoachContext) -> None:
    """/timezone, /waketime, /bedtime: set from the argument, or open the chooser."""
    assert update.effective_message is not None and update.effective_message.text is not None
    command = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()
    field = _COMMAND_FIELD[command]
    argument = " ".join(context.args or ())
    if argument:
        await _apply_typed(update, context, field, argument)
        return
    async with user_transaction(update, context) as (_, user):
        user.awaiting = field
        view = render(user, Flow.SETTINGS, field, context)
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def typed_text(update: Update, context: CoachContext) -> None:
    """Read a typed answer to the open question, or explain what the bot understands."""
    message = update.effective_message
    assert message is not None and message.text is not None
    async with user_transaction(update, context) as (_, user):
        awaiting = user.awaiting
    if awaiting in set(Field):
        await _apply_typed(update, context, Field(awaiting), message.text)
    else:
        await message.reply_text(texts.UNEXPECTED_TEXT, reply_markup=keyboards.main_menu())


async def location(update: Update, context: CoachContext) -> None:
    """Find the time zone of a shared location; use it if one was asked for, else offer it."""
    message = update.effective_message
    assert message is not None and message.location is not None
    zone = timezone_at(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(texts.NO_ZONE_AT_LOCATION)
        return
    async with user_transaction(update, context) as (_, user):
        awaiting = user.awaiting
    if awaiting == Field.TIMEZONE:
        await _apply_typed(update, context, Field.TIMEZONE, zone)
    else:
        await message.reply_text(
            texts.location_zone_offer(zone), reply_markup=keyboards.use_zone(zone)
        )


async def choose(update: Update, context: CoachContext) -> None:
    """A time zone, wake-up or bedtime button: store it and show the next screen."""
    query, data = pressed(update, SetTimezone | SetWake | SetBed)
    field = {SetTimezone: Field.TIMEZONE, SetWake: Field.WAKE, SetBed: Field.BED}[type(data)]
    value = data.zone if isinstance(data, SetTimezone) else data.value
    problem: str | None
    async with user_transaction(update, context) as (_, user):
        if data.flow is Flow.SETUP and user.setup_step != field:
            view, problem = None, texts.STALE_SETUP_BUTTON
        else:
            problem = None if value is None else _apply(user, field, value)
            step = field if problem else _advance(user, data.flow, field)
            view = render(user, data.flow, step, context)
    await query.answer(problem if view is None else None)
    if view is not None:
        await edit_screen(query, f"{problem}\n\n{view.text}" if problem else view.text, view.markup)


async def toggle_reminder(update: Update, context: CoachContext) -> None:
    """Switch one reminder kind on or off and redraw the toggles."""
    query, data = pressed(update, ToggleReminder)
    async with user_transaction(update, context) as (_, user):
        stale = data.flow is Flow.SETUP and user.setup_step != REMINDERS_STEP
        if not stale:
            toggle_switch(user, data.kind)
            view = render(user, data.flow, REMINDERS_STEP, context)
    await query.answer(texts.STALE_SETUP_BUTTON if stale else None)
    if not stale:
        await edit_screen(query, view.text, view.markup)


async def finish_reminders(update: Update, context: CoachContext) -> None:
    """Leave the reminders screen: the end of setup, or back to the settings menu."""
    query, data = pressed(update, FinishReminders)
    async with user_transaction(update, context) as (_, user):
        stale = data.flow is Flow.SETUP and user.setup_step != REMINDERS_STEP
        if not stale:
            view = render(user, data.flow, _advance(user, data.flow, REMINDERS_STEP), context)
    await query.answer(texts.STALE_SETUP_BUTTON if stale else None)
    if not stale:
        await edit_screen(query, view.text, view.markup)


async def skip_setup(update: Update, context: CoachContext) -> None:
    """Keep the defaults for every remaining setup step."""
    query = update.callback_query
    assert query is not None
    async with user_transaction(update, context) as (_, user):
        stale = user.setup_step is None
        user.setup_step = None
        _resume_awaiting(user)
        view = render(user, Flow.SETUP, DONE, context)
    await query.answer(texts.STALE_SETUP_BUTTON if stale else None)
    if not stale:
        await edit_screen(query, view.text, view.markup)


async def open_screen(update: Update, context: CoachContext) -> None:
    """Show one /settings screen in place of the pressed message."""
    query, data = pressed(update, OpenScreen)
    step = _SCREEN_STEP[data.screen]
    async with user_transaction(update, context) as (_, user):
        if step in set(Field):
            user.awaiting = step
        else:
            _resume_awaiting(user)
        view = render(user, Flow.SETTINGS, step, context)
    await answer_and_edit(query, view.text, view.markup)


async def _change_summary(
    update: Update, context: CoachContext, query: CallbackQuery, change: Callable[[User], None]
) -> None:
    async with user_transaction(update, context) as (_, user):
        change(user)
        view = render(user, Flow.SETTINGS, SUMMARY_SCREEN, context)
    await answer_and_edit(query, view.text, view.markup)


async def set_summary_day(update: Update, context: CoachContext) -> None:
    """A weekly-summary weekday button."""
    query, data = pressed(update, SetSummaryDay)
    await _change_summary(
        update, context, query, lambda u: setattr(u, "summary_weekday", data.weekday)
    )


async def set_summary_time(update: Update, context: CoachContext) -> None:
    """A weekly-summary time button."""
    query, data = pressed(update, SetSummaryTime)
    await _change_summary(update, context, query, lambda u: setattr(u, "summary_time", data.value))
