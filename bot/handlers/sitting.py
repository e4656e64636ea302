"""Sitting hours: when movement reminders come. One screen, opened from setup's reminders
step and from /reminders: presets, the movement days, and hours typed as "9-17:30"."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from bot import texts
from bot.callbacks import (
    Flow,
    OpenScreen,
    Screen,
    SetupReminders,
    Sitting,
    SittingPreset,
    ToggleMovementDay,
    switched_bit,
)
from bot.context import CoachContext
from bot.handlers.common import (
    UserTransaction,
    View,
    edit_screen,
    local_when,
    pressed,
    user_transaction,
)
from bot.keyboards import button, rows
from core.timeofday import day_window_problem, parse_clock_range
from db.models import DEFAULT_SITTING_FROM, DEFAULT_SITTING_TO, WEEKDAYS_ONLY, User
from scheduler.planning import ALL_DAYS, Kind, next_slot
from scheduler.schedules import is_on, prefs_of

# users.awaiting while the screen is open: a typed message is sitting hours.
AWAITING = "sitting"
# The setup step (bot.handlers.preferences.Step.REMINDERS) whose screen opens this one.
SETUP_STEP = "reminders"


def hours_of(user: User) -> str:
    """When the user's movement reminders come, as the screens say it."""
    return texts.movement_hours(user.movement_days, user.sitting_from, user.sitting_to)


def _preset_of(user: User) -> SittingPreset | None:
    if user.sitting_from is None or user.sitting_to is None:
        return SittingPreset.AWAKE
    if (user.sitting_from, user.sitting_to) != (DEFAULT_SITTING_FROM, DEFAULT_SITTING_TO):
        return None
    return {WEEKDAYS_ONLY: SittingPreset.WEEKDAYS, ALL_DAYS: SittingPreset.EVERY_DAY}.get(
        user.movement_days
    )


def _apply(user: User, preset: SittingPreset) -> None:
    """Store a preset; all waking hours keeps the days already chosen."""
    if preset is SittingPreset.AWAKE:
        user.sitting_from = user.sitting_to = None
        return
    user.sitting_from, user.sitting_to = DEFAULT_SITTING_FROM, DEFAULT_SITTING_TO
    user.movement_days = WEEKDAYS_ONLY if preset is SittingPreset.WEEKDAYS else ALL_DAYS


def _next_nudge(user: User, now: datetime) -> str:
    """The next movement reminder these settings give (what the schedule will hold)."""
    if not is_on(user, Kind.MOVEMENT):
        return texts.MOVEMENT_IS_OFF
    due = next_slot(Kind.MOVEMENT, prefs_of(user), now)
    return (
        texts.NO_NUDGE if due is None else texts.NEXT_NUDGE.format(when=local_when(user, due, now))
    )


def sitting_view(user: User, flow: Flow, now: datetime) -> View:
    """The sitting-hours screen, in setup or in /reminders."""
    current = _preset_of(user)
    presets = [
        button(texts.tick(preset == current, label), Sitting(flow, preset))
        for preset, label in texts.SITTING_PRESETS.items()
    ]
    mask = user.movement_days
    days = [
        button(texts.switch(on, name), ToggleMovementDay(day, to=not on, flow=flow))
        for day, name in enumerate(texts.WEEKDAYS)
        for on in [bool(mask >> day & 1)]
    ]
    back = SetupReminders() if flow is Flow.SETUP else OpenScreen(Screen.REMINDER_LIST)
    markup = InlineKeyboardMarkup([*rows(presets, 2), *rows(days, 4), [button(texts.BACK, back)]])
    return View(texts.sitting_screen(hours_of(user), _next_nudge(user, now)), markup)


def open_sitting(user: User, flow: Flow, now: datetime) -> View:
    """Show the screen and take typed hours while it is open."""
    user.awaiting = AWAITING
    return sitting_view(user, flow, now)


def stop_awaiting(user: User) -> None:
    """Leaving the screen: typed text is not sitting hours any more."""
    if user.awaiting == AWAITING:
        user.awaiting = None


def typed_hours(tx: UserTransaction, text: str) -> list[View]:
    """Typed sitting hours: stored if they read as a start and an end, else why not (and
    nothing changes). In setup the screen comes again, for its Back button."""
    user = tx.user
    hours = parse_clock_range(text)
    if hours is None:
        return [View(texts.BAD_SITTING.format(text=texts.quote(text)))]
    if day_window_problem(*hours) is not None:
        return [View(texts.SITTING_SAME)]
    user.sitting_from, user.sitting_to = hours
    saved = View(
        texts.SITTING_SAVED.format(hours=hours_of(user), next_nudge=_next_nudge(user, tx.now))
    )
    if user.setup_step == SETUP_STEP:
        return [saved, sitting_view(user, Flow.SETUP, tx.now)]
    user.awaiting = None
    return [saved]


async def _on_screen(
    update: Update,
    context: CoachContext,
    query: CallbackQuery,
    flow: Flow,
    change: Callable[[User], None],
) -> None:
    """A press on the screen: `change` the user, then redraw; a setup press once setup's
    reminders step is over is stale and changes nothing."""
    setup = flow is Flow.SETUP
    view: View | None = None
    async with user_transaction(update, context, in_setup=setup) as tx:
        if not (setup and tx.user.setup_step != SETUP_STEP):
            change(tx.user)
            view = open_sitting(tx.user, flow, tx.now)
    await query.answer(texts.STALE_SETUP_BUTTON if view is None else None)
    if view is not None:
        await edit_screen(query, view.text, view.markup)


async def choose_sitting(update: Update, context: CoachContext) -> None:
    """Open the sitting-hours screen, or store the preset pressed on it."""
    query, data = pressed(update, Sitting)

    def change(user: User) -> None:
        if data.preset is not None:
            _apply(user, data.preset)

    await _on_screen(update, context, query, data.flow, change)


async def toggle_movement_day(update: Update, context: CoachContext) -> None:
    """Switch movement reminders for one weekday."""
    query, data = pressed(update, ToggleMovementDay)

    def change(user: User) -> None:
        user.movement_days = switched_bit(user.movement_days, 1 << data.weekday, data.to)

    await _on_screen(update, context, query, data.flow or Flow.SETTINGS, change)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    Sitting.handler(choose_sitting),
    ToggleMovementDay.handler(toggle_movement_day),
]
