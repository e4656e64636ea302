"""Reply and inline keyboards."""

from collections.abc import Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot import texts
from bot.callbacks import (
    CallbackData,
    FinishReminders,
    Flow,
    OpenScreen,
    ReminderKind,
    Screen,
    SetBed,
    SetTimezone,
    SetWake,
    SkipSetup,
    ToggleReminder,
    UndoCramp,
)
from core.timeofday import format_clock_time
from core.timezones import COMMON_ZONES
from db.models import User

WAKE_CHOICES = tuple(
    time(h, m)
    for h, m in ((5, 30), (6, 0), (6, 30), (7, 0), (7, 30), (8, 0), (8, 30), (9, 0), (10, 0))
)
BED_CHOICES = tuple(
    time(h, m)
    for h, m in ((21, 30), (22, 0), (22, 30), (23, 0), (23, 30), (0, 0), (0, 30), (1, 0), (2, 0))
)

REMINDER_LABELS = {
    ReminderKind.HYDRATION: "💧 Hydration",
    ReminderKind.MOVEMENT: "🚶 Movement",
    ReminderKind.STRETCH: "🧘 Bedtime stretch",
}


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.encode())


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def main_menu() -> ReplyKeyboardMarkup:
    """The persistent keyboard under the message box."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.BUTTON_REPORT_CRAMP)], [texts.BUTTON_SETTINGS, texts.BUTTON_HELP]],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder="Tap a button or type /help",
    )


def _back(flow: Flow) -> list[list[InlineKeyboardButton]]:
    if flow is Flow.SETTINGS:
        return [[_button("« Back", OpenScreen(Screen.MENU))]]
    return [[_button("Skip the rest: use defaults", SkipSetup())]]


def timezones(flow: Flow, current: str) -> InlineKeyboardMarkup:
    """Common zones, plus keep-current."""
    zones = [_button(label, SetTimezone(flow, zone)) for label, zone in COMMON_ZONES]
    keep = [[_button(f"Keep {current}", SetTimezone(flow, None))]]
    return InlineKeyboardMarkup(_rows(zones, 2) + keep + _back(flow))


def _times(
    flow: Flow, choices: Sequence[time], current: time, make: type[SetWake] | type[SetBed]
) -> InlineKeyboardMarkup:
    buttons = [_button(format_clock_time(value), make(flow, value)) for value in choices]
    keep = [[_button(f"Keep {format_clock_time(current)}", make(flow, None))]]
    return InlineKeyboardMarkup(_rows(buttons, 3) + keep + _back(flow))


def wake_times(flow: Flow, current: time) -> InlineKeyboardMarkup:
    return _times(flow, WAKE_CHOICES, current, SetWake)


def bed_times(flow: Flow, current: time) -> InlineKeyboardMarkup:
    return _times(flow, BED_CHOICES, current, SetBed)


def reminder_toggles(flow: Flow, user: User) -> InlineKeyboardMarkup:
    state = {
        ReminderKind.HYDRATION: user.hydration_on,
        ReminderKind.MOVEMENT: user.movement_on,
        ReminderKind.STRETCH: user.stretch_on,
    }
    rows = [
        [_button(f"{'✅' if state[kind] else '⬜'} {label}", ToggleReminder(flow, kind))]
        for kind, label in REMINDER_LABELS.items()
    ]
    done = "Done ✓" if flow is Flow.SETUP else "« Back"
    rows.append([_button(done, FinishReminders(flow))])
    return InlineKeyboardMarkup(rows)


def settings_menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button("🌍 Time zone", OpenScreen(Screen.TIMEZONE)),
                _button("🔔 Reminders", OpenScreen(Screen.REMINDERS)),
            ],
            [
                _button("☀️ Wake-up", OpenScreen(Screen.WAKE)),
                _button("🌙 Bedtime", OpenScreen(Screen.BED)),
            ],
        ]
    )


def use_zone(zone: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(f"Use {zone}", SetTimezone(Flow.SETTINGS, zone))]])


def undo_cramp(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("↩️ Undo", UndoCramp(report_id))]])
