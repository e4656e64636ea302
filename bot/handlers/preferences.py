"""First-time setup (/start) and /settings: the same questions, asked in two flows.

QUESTIONS is the conversation: each question's stored step, its /settings screen, its
command, the button that answers it, its screen, and how a typed answer is read and
stored. Setup asks them in that order, one message edited in place, each with a
default and a skip; /settings offers each from a menu. The open setup step
(users.setup_step) and the question a typed message answers (users.awaiting) are kept
in the database, so a restart in the middle of setup loses nothing.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot import keyboards, texts
from bot.callbacks import (
    REMINDER_SCREENS,
    FinishReminders,
    Flow,
    OpenScreen,
    Pause,
    PauseChoice,
    Screen,
    SetBed,
    SetSummaryDay,
    SetSummaryTime,
    SetTimezone,
    SetupReminders,
    SetWake,
    Sitting,
    SkipSetup,
    ToggleReminder,
    switched,
)
from bot.context import CoachContext
from bot.handlers import language, sitting
from bot.handlers.common import (
    UserTransaction,
    View,
    answer_and_edit,
    edit_screen,
    pause_end,
    pressed,
    setup_switches,
    user_transaction,
)
from bot.i18n import in_every_language
from bot.keyboards import Rows, button, rows
from core.timeofday import day_window_problem, format_clock_time, parse_clock_time
from core.timezones import COMMON_ZONES, local_now, resolve_timezone, timezone_at
from db.models import User
from scheduler.schedules import is_on, switch


class Step(StrEnum):
    """A question, as users.setup_step and users.awaiting store it."""

    TIMEZONE = "timezone"
    WAKE = "wake"
    BED = "bed"
    REMINDERS = "reminders"


@dataclass(frozen=True)
class Answer:
    """How an answer is read from text (None: not understood) and stored."""

    parse: Callable[[str], Any]
    bad: Callable[[], str]  # the reply to text that does not parse; {text}: what was typed
    apply: Callable[[User, Any], str | None]  # stores it; or why it can't, changing nothing
    saved: Callable[[User, datetime], str]  # the reply once stored


@dataclass(frozen=True)
class Question:
    """One setting, asked in setup and offered in /settings."""

    step: Step
    screen: Screen
    command: str | None  # /timezone sets it from its argument, or opens its screen
    view: Callable[[User, Flow, datetime], View]
    answer: Answer | None  # None: answered by buttons only


# --- Screens --------------------------------------------------------------------------------

WAKE_CHOICES = tuple(time(h, m) for h, m in ((5, 30), (6, 0), (6, 30), (7, 0), (7, 30),
                                              (8, 0), (8, 30), (9, 0), (10, 0)))  # fmt: skip
BED_CHOICES = tuple(time(h, m) for h, m in ((21, 30), (22, 0), (22, 30), (23, 0), (23, 30),
                                             (0, 0), (0, 30), (1, 0), (2, 0)))  # fmt: skip
SUMMARY_TIMES = tuple(time(h) for h in (8, 12, 18, 20, 21))


def _leave(flow: Flow) -> Rows:
    """The last row: back to the menu, or the rest of setup at its defaults."""
    if flow is Flow.SETTINGS:
        return [[button(texts.BACK, OpenScreen(Screen.MENU))]]
    return [[button(texts.SKIP_SETUP, SkipSetup())]]


def _choices(
    flow: Flow, shown: Sequence[tuple[str, Any]], current: str, make: Callable[..., Any], width: int
) -> InlineKeyboardMarkup:
    """A button per choice, then keep-current, then leave."""
    choices = [button(label, make(flow, value)) for label, value in shown]
    keep = [[button(texts.KEEP.format(current=current), make(flow, None))]]
    return InlineKeyboardMarkup(rows(choices, width) + keep + _leave(flow))


def _timezone_view(user: User, flow: Flow, _now: datetime) -> View:
    zone = user.timezone
    text = texts.step_timezone(zone) if flow is Flow.SETUP else texts.choose_timezone(zone)
    shown = [(texts.ZONE_LABELS[z], z) for z in COMMON_ZONES]
    return View(text, _choices(flow, shown, zone, SetTimezone, 2))


def _time_choices(flow: Flow, choices: Sequence[time], current: time, make: Any) -> Any:
    shown = [(format_clock_time(value), value) for value in choices]
    return _choices(flow, shown, format_clock_time(current), make, 3)


def _wake_view(user: User, flow: Flow, _now: datetime) -> View:
    wake = format_clock_time(user.wake_time)
    text = texts.step_wake(wake) if flow is Flow.SETUP else texts.CHOOSE_WAKE.format(time=wake)
    return View(text, _time_choices(flow, WAKE_CHOICES, user.wake_time, SetWake))


def _bed_view(user: User, flow: Flow, _now: datetime) -> View:
    bed = format_clock_time(user.bed_time)
    text = texts.step_bed(bed) if flow is Flow.SETUP else texts.CHOOSE_BED.format(time=bed)
    return View(text, _time_choices(flow, BED_CHOICES, user.bed_time, SetBed))


def _reminders_view(user: User, flow: Flow, _now: datetime) -> View:
    toggles = [
        [button(texts.switch(on, f"{texts.KIND_ICONS[kind]} {texts.KIND_NAMES[kind]}"),
                ToggleReminder(flow, kind, to=not on))]
        for kind, on in setup_switches(user)
    ]  # fmt: skip
    if flow is Flow.SETUP:  # /reminders has it too, for later
        label = f"{texts.SITTING_HOURS}: {sitting.hours_of(user)}"
        toggles.append([button(label, Sitting(flow))])
    done = texts.SETUP_FINISHED if flow is Flow.SETUP else texts.BACK
    markup = InlineKeyboardMarkup([*toggles, [button(done, FinishReminders(flow))]])
    text = (
        texts.step_reminders()
        if flow is Flow.SETUP
        else texts.choose_reminders(setup_switches(user))
    )
    return View(text, markup)


def _menu_view(user: User, _flow: Flow, now: datetime) -> View:
    def open_(label: str, screen: Screen) -> Any:
        return button(label, OpenScreen(screen))

    until = pause_end(user, now)
    markup = InlineKeyboardMarkup([
        [open_(texts.SETTINGS_TIMEZONE, Screen.TIMEZONE),
         open_(texts.SETTINGS_REMINDERS, Screen.REMINDERS)],
        [open_(texts.SETTINGS_WAKE, Screen.WAKE), open_(texts.SETTINGS_BED, Screen.BED)],
        [open_(texts.SETTINGS_SUMMARY, Screen.SUMMARY),
         open_(texts.SETTINGS_LANGUAGE, Screen.LANGUAGE)],
        *([[button(texts.RESUME, Pause(PauseChoice.RESUME))]] if until else []),
    ])  # fmt: skip
    text = texts.settings_summary(user, _local(user, now), setup_switches(user), until)
    return View(text, markup)


def _summary_view(user: User, _flow: Flow, _now: datetime) -> View:
    days = [
        button(texts.tick(day == user.summary_weekday, name), SetSummaryDay(day))
        for day, name in enumerate(texts.WEEKDAYS)
    ]
    times = [
        button(texts.tick(value == user.summary_time, format_clock_time(value)),
               SetSummaryTime(value))
        for value in SUMMARY_TIMES
    ]  # fmt: skip
    text = texts.choose_summary(user.summary_weekday, format_clock_time(user.summary_time))
    return View(text, InlineKeyboardMarkup([*rows(days, 4), times, *_leave(Flow.SETTINGS)]))


def _done_view(user: User, _flow: Flow, now: datetime) -> View:
    return View(texts.setup_done(user, _local(user, now), setup_switches(user)))


def _local(user: User, now: datetime) -> datetime:
    return local_now(user.timezone, now)


# --- Answers --------------------------------------------------------------------------------


def _set_zone(user: User, zone: str) -> None:
    user.timezone = zone


def _set_day(user: User, wake: time, bed: time, *, wake_changed: bool) -> str | None:
    """Store wake-up and bedtime if they go together; else why not."""
    problem = day_window_problem(wake, bed)
    if problem is not None:
        other = format_clock_time(bed if wake_changed else wake)
        return texts.window_problem(problem, wake_changed, other)
    user.wake_time, user.bed_time = wake, bed
    return None


_TIMEZONE = Answer(
    resolve_timezone,
    lambda: texts.BAD_TIMEZONE,
    lambda user, zone: _set_zone(user, zone),
    lambda user, now: texts.SAVED_TIMEZONE.format(zone=user.timezone, now=_local(user, now)),
)
_WAKE = Answer(
    parse_clock_time,
    lambda: texts.BAD_TIME,
    lambda user, wake: _set_day(user, wake, user.bed_time, wake_changed=True),
    lambda user, _: texts.SAVED_WAKE.format(time=format_clock_time(user.wake_time)),
)
_BED = Answer(
    parse_clock_time,
    lambda: texts.BAD_TIME,
    lambda user, bed: _set_day(user, user.wake_time, bed, wake_changed=False),
    lambda user, _: texts.SAVED_BED.format(time=format_clock_time(user.bed_time)),
)

# The conversation, in the order setup asks it.
QUESTIONS = (
    Question(Step.TIMEZONE, Screen.TIMEZONE, "timezone", _timezone_view, _TIMEZONE),
    Question(Step.WAKE, Screen.WAKE, "waketime", _wake_view, _WAKE),
    Question(Step.BED, Screen.BED, "bedtime", _bed_view, _BED),
    Question(Step.REMINDERS, Screen.REMINDERS, None, _reminders_view, None),
)
_BY_STEP = {question.step: question for question in QUESTIONS}
_BY_SCREEN = {question.screen: question for question in QUESTIONS}
_BY_COMMAND = {question.command: question for question in QUESTIONS if question.command}
# /settings screens that are not questions of setup.
_OTHER_SCREENS: dict[Screen, Callable[[User, Flow, datetime], View]] = {
    Screen.MENU: _menu_view,
    Screen.SUMMARY: _summary_view,
    Screen.LANGUAGE: language.settings_view,
}
_BUTTON_STEP = {SetTimezone: Step.TIMEZONE, SetWake: Step.WAKE, SetBed: Step.BED}


def bad_input(question: Question, text: str) -> str:
    """The reply to a typed answer that does not parse."""
    assert question.answer is not None
    return question.answer.bad().format(text=texts.quote(text))


def _open_step(user: User) -> Question | None:
    return _BY_STEP[Step(user.setup_step)] if user.setup_step else None


def _awaited(user: User) -> Question | None:
    """The question a typed message answers now, if any."""
    question = _BY_STEP.get(Step(user.awaiting)) if user.awaiting in set(Step) else None
    return question if question is not None and question.answer is not None else None


def _await(user: User, question: Question | None) -> None:
    """Expect a typed answer to `question`, or to the open setup step if it takes one."""
    question = question or _open_step(user)
    user.awaiting = question.step if question is not None and question.answer else None


def _after(user: User, flow: Flow, question: Question, now: datetime) -> View:
    """Move past `question`: the next setup question (or the end of setup), or back to
    the settings menu."""
    if flow is Flow.SETUP:
        index = QUESTIONS.index(question)
        following = QUESTIONS[index + 1] if index + 1 < len(QUESTIONS) else None
        user.setup_step = following.step if following else None
        _await(user, None)
        return following.view(user, flow, now) if following else _done_view(user, flow, now)
    _await(user, None)
    return _menu_view(user, flow, now)


def _answer_typed(tx: UserTransaction, question: Question, text: str) -> list[View]:
    """Use typed text as the answer: the replies (what changed, and in setup the next
    question; or what is accepted)."""
    answer = question.answer
    assert answer is not None
    user = tx.user
    value = answer.parse(text)
    if value is None:
        return [View(bad_input(question, text))]
    if (problem := answer.apply(user, value)) is not None:
        return [View(problem)]
    saved = View(answer.saved(user, tx.now))
    if user.setup_step == question.step:
        return [saved, _after(user, Flow.SETUP, question, tx.now)]
    _after(user, Flow.SETTINGS, question, tx.now)
    return [saved]


async def _reply(message: Message, views: Sequence[View]) -> None:
    for view in views:
        await message.reply_text(view.text, reply_markup=view.markup)


# --- Commands and messages -----------------------------------------------------------------


async def start(update: Update, context: CoachContext) -> None:
    """Welcome the user and run (or resume) setup; welcome back someone already set up."""
    assert update.effective_message is not None and update.effective_user is not None
    async with user_transaction(update, context, in_setup=True) as tx:
        user = tx.user
        user.is_active = True
        question = _open_step(user)
        _await(user, None)
        view = (question.view if question else _menu_view)(user, Flow.SETUP, tx.now)
    name = update.effective_user.first_name
    if question is not None:
        greeting, view = (
            texts.welcome(name),
            View(f"{texts.SETUP_INTRO}\n\n{view.text}", view.markup),
        )
    else:
        greeting = texts.welcome_back(name)
    await update.effective_message.reply_text(greeting, reply_markup=keyboards.main_menu())
    await _reply(update.effective_message, [view])


async def settings(update: Update, context: CoachContext) -> None:
    """Show the current settings with a button to change each."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as tx:
        _await(tx.user, None)
        view = _menu_view(tx.user, Flow.SETTINGS, tx.now)
    await _reply(update.effective_message, [view])


async def set_by_command(update: Update, context: CoachContext) -> None:
    """/timezone, /waketime, /bedtime: set from the argument, or open the chooser."""
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    question = _BY_COMMAND[command]
    argument = " ".join(context.args or ())

    def answers_setup(user: User) -> bool:
        return user.setup_step == question.step

    async with user_transaction(update, context, in_setup=answers_setup) as tx:
        if argument:
            views = _answer_typed(tx, question, argument)
        else:
            tx.user.awaiting = question.step
            flow = Flow.SETUP if answers_setup(tx.user) else Flow.SETTINGS
            views = [question.view(tx.user, flow, tx.now)]
    await _reply(message, views)


async def typed_text(update: Update, context: CoachContext) -> None:
    """Read a typed answer to the open question, or explain what the bot understands."""
    message = update.effective_message
    assert message is not None and message.text is not None
    # Text is an answer, or not understood: neither is going on without setup.
    async with user_transaction(update, context, in_setup=True) as tx:
        question = _awaited(tx.user)
        if question is not None:
            views: list[View] | None = _answer_typed(tx, question, message.text)
        elif tx.user.awaiting == sitting.AWAITING:
            views = sitting.typed_hours(tx, message.text)
        else:
            views = None
    if views is None:
        await message.reply_text(texts.UNEXPECTED_TEXT, reply_markup=keyboards.main_menu())
    else:
        await _reply(message, views)


async def location(update: Update, context: CoachContext) -> None:
    """Find the time zone of a shared location; use it if one was asked for, else offer it."""
    message = update.effective_message
    assert message is not None and message.location is not None
    zone = timezone_at(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(texts.NO_ZONE_AT_LOCATION)
        return
    async with user_transaction(update, context, in_setup=True) as tx:
        asked = _awaited(tx.user) is _BY_STEP[Step.TIMEZONE]
        views = _answer_typed(tx, _BY_STEP[Step.TIMEZONE], zone) if asked else None
    if views is None:
        offer = InlineKeyboardMarkup(
            [[button(texts.USE_ZONE.format(zone=zone), SetTimezone(Flow.SETTINGS, zone))]]
        )
        views = [View(texts.LOCATION_ZONE_OFFER.format(zone=zone), offer)]
    await _reply(message, views)


# --- Buttons -----------------------------------------------------------------------------------


async def _press(
    update: Update,
    context: CoachContext,
    query: CallbackQuery,
    step: Step | None,
    act: Callable[[UserTransaction], View],
) -> None:
    """A setup or settings button: stale if it belongs to a setup step that is not open
    (`step`), else `act` and show the screen it returns."""
    async with user_transaction(update, context, in_setup=step is not None) as tx:
        stale = step is not None and tx.user.setup_step != step
        view = None if stale else act(tx)
    await query.answer(texts.STALE_SETUP_BUTTON if stale else None)
    if view is not None:
        await edit_screen(query, view.text, view.markup)


async def choose(update: Update, context: CoachContext) -> None:
    """A time zone, wake-up or bedtime button: store it and show the next screen."""
    query, data = pressed(update, SetTimezone | SetWake | SetBed)
    assert isinstance(data, SetTimezone | SetWake | SetBed)
    question = _BY_STEP[_BUTTON_STEP[type(data)]]

    def act(tx: UserTransaction) -> View:
        assert question.answer is not None
        if data.value is None:
            return _after(tx.user, data.flow, question, tx.now)
        if (problem := question.answer.apply(tx.user, data.value)) is None:
            return _after(tx.user, data.flow, question, tx.now)
        view = question.view(tx.user, data.flow, tx.now)
        return View(f"{problem}\n\n{view.text}", view.markup)

    await _press(update, context, query, question.step if data.flow is Flow.SETUP else None, act)


async def toggle_reminder(update: Update, context: CoachContext) -> None:
    """Switch one reminder kind on or off and redraw the switches."""
    query, data = pressed(update, ToggleReminder)

    def act(tx: UserTransaction) -> View:
        switch(tx.user, data.kind, switched(data.to, is_on(tx.user, data.kind)))
        return _reminders_view(tx.user, data.flow, tx.now)

    await _press(update, context, query, Step.REMINDERS if data.flow is Flow.SETUP else None, act)


async def finish_reminders(update: Update, context: CoachContext) -> None:
    """Leave the reminders screen: the end of setup, or back to the settings menu."""
    query, data = pressed(update, FinishReminders)
    question = _BY_STEP[Step.REMINDERS]
    step = Step.REMINDERS if data.flow is Flow.SETUP else None
    await _press(
        update, context, query, step, lambda tx: _after(tx.user, data.flow, question, tx.now)
    )


async def back_to_setup_reminders(update: Update, context: CoachContext) -> None:
    """Back from the sitting-hours screen to setup's reminders step."""
    query, _ = pressed(update, SetupReminders)

    def act(tx: UserTransaction) -> View:
        _await(tx.user, None)
        return _reminders_view(tx.user, Flow.SETUP, tx.now)

    await _press(update, context, query, Step.REMINDERS, act)


async def skip_setup(update: Update, context: CoachContext) -> None:
    """Keep the defaults for every remaining setup step."""
    query = update.callback_query
    assert query is not None
    async with user_transaction(update, context, in_setup=True) as tx:
        stale = tx.user.setup_step is None
        tx.user.setup_step = None
        _await(tx.user, None)
        view = _done_view(tx.user, Flow.SETUP, tx.now)
    await query.answer(texts.STALE_SETUP_BUTTON if stale else None)
    if not stale:
        await edit_screen(query, view.text, view.markup)


async def open_screen(update: Update, context: CoachContext) -> None:
    """Show one /settings screen in place of the pressed message."""
    query, data = pressed(update, OpenScreen)
    async with user_transaction(update, context) as tx:
        question = _BY_SCREEN.get(data.screen)
        _await(tx.user, question if question and question.answer else None)
        show = question.view if question else _OTHER_SCREENS[data.screen]
        view = show(tx.user, Flow.SETTINGS, tx.now)
    await answer_and_edit(query, view.text, view.markup)


async def set_summary(update: Update, context: CoachContext) -> None:
    """A weekly-summary weekday or time button."""
    query, data = pressed(update, SetSummaryDay | SetSummaryTime)
    assert isinstance(data, SetSummaryDay | SetSummaryTime)
    async with user_transaction(update, context) as tx:
        if isinstance(data, SetSummaryDay):
            tx.user.summary_weekday = data.weekday
        else:
            tx.user.summary_time = data.value
        view = _summary_view(tx.user, Flow.SETTINGS, tx.now)
    await answer_and_edit(query, view.text, view.markup)


# Free text answers an open question; menu buttons and commands have handlers of their own.
_TYPED = filters.TEXT & ~filters.COMMAND & ~filters.Text(keyboards.MENU_BUTTONS)

HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("start", start),
    CommandHandler("settings", settings),
    CommandHandler(list(_BY_COMMAND), set_by_command),
    MessageHandler(filters.Text(in_every_language(texts.BUTTON_SETTINGS)), settings),
    MessageHandler(filters.LOCATION, location),
    MessageHandler(_TYPED, typed_text),
    SetTimezone.handler(choose),
    SetWake.handler(choose),
    SetBed.handler(choose),
    ToggleReminder.handler(toggle_reminder),
    FinishReminders.handler(finish_reminders),
    SetupReminders.handler(back_to_setup_reminders),
    SkipSetup.handler(skip_setup),
    OpenScreen.handler(open_screen, where=lambda data: data.screen not in REMINDER_SCREENS),
    SetSummaryDay.handler(set_summary),
    SetSummaryTime.handler(set_summary),
]
