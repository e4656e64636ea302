"""Reply and inline keyboards."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, time
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot import texts
from bot.callbacks import (
    STRETCH_LEADS,
    AcknowledgeFlag,
    AnswerReminder,
    CallbackData,
    CancelDraft,
    Draft,
    DraftStep,
    FinishReminders,
    Flow,
    Forget,
    OpenScreen,
    Pause,
    PauseChoice,
    ProfileItem,
    RaiseGoal,
    ReminderAction,
    ReminderKind,
    SaveDraft,
    Screen,
    SetBed,
    SetStretchLead,
    SetSummaryDay,
    SetSummaryTime,
    SetTimezone,
    SetWake,
    ShowDraft,
    SkipSetup,
    ToggleKind,
    ToggleMovementDay,
    ToggleProfile,
    ToggleReminder,
    UndoCramp,
    UndoWater,
)
from core.diary import Condition, Medication
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
        [
            [KeyboardButton(texts.BUTTON_REPORT_CRAMP), KeyboardButton(texts.BUTTON_WATER)],
            [texts.BUTTON_SETTINGS, texts.BUTTON_HELP],
        ],
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
            [_button("📊 Weekly summary", OpenScreen(Screen.SUMMARY))],
        ]
    )


def use_zone(zone: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(f"Use {zone}", SetTimezone(Flow.SETTINGS, zone))]])


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOT_DAY = "🔥 Hot day / exercise"


def hydration_reminder(delivery_id: int, goal_raised: bool) -> InlineKeyboardMarkup:
    rows = [
        [
            _button("💧 Drank a cup", AnswerReminder(ReminderAction.CUP, delivery_id)),
            _button("Snooze 30 min", AnswerReminder(ReminderAction.SNOOZE, delivery_id)),
            _button("Skip", AnswerReminder(ReminderAction.SKIP, delivery_id)),
        ]
    ]
    if not goal_raised:
        rows.append([_button(HOT_DAY, AnswerReminder(ReminderAction.HOT_DAY, delivery_id))])
    return InlineKeyboardMarkup(rows)


def movement_reminder(delivery_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button("🚶 Moved", AnswerReminder(ReminderAction.MOVED, delivery_id)),
                _button("Snooze 15 min", AnswerReminder(ReminderAction.SNOOZE, delivery_id)),
                _button("Skip", AnswerReminder(ReminderAction.SKIP, delivery_id)),
            ]
        ]
    )


def stretch_reminder(delivery_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button("✅ Done", AnswerReminder(ReminderAction.DONE, delivery_id))]]
    )


def tip_reminder(delivery_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button("No more tips", AnswerReminder(ReminderAction.NO_TIPS, delivery_id))]]
    )


def water_logged(log_id: int, day: date, goal_raised: bool) -> InlineKeyboardMarkup:
    row = [_button("↩️ Undo", UndoWater(log_id))]
    if not goal_raised:
        row.append(_button(HOT_DAY, RaiseGoal(day)))
    return InlineKeyboardMarkup([row])


def reminders_menu(user: User, paused: bool) -> InlineKeyboardMarkup:
    def toggle(kind: ReminderKind, label: str, on: bool) -> InlineKeyboardButton:
        return _button(f"{'✅' if on else '⬜'} {label}", ToggleKind(kind))

    pause = (
        _button("▶️ Resume", Pause(PauseChoice.RESUME))
        if paused
        else _button("⏸ Pause", OpenScreen(Screen.PAUSE))
    )
    return InlineKeyboardMarkup(
        [
            [
                toggle(ReminderKind.HYDRATION, "Hydration", user.hydration_on),
                toggle(ReminderKind.MOVEMENT, "Movement", user.movement_on),
            ],
            [
                toggle(ReminderKind.STRETCH, "Bedtime stretch", user.stretch_on),
                toggle(ReminderKind.TIP, "Tips", user.tips_on),
            ],
            [
                _button("🗓 Movement days", OpenScreen(Screen.MOVEMENT_DAYS)),
                _button("⏱ Stretch timing", OpenScreen(Screen.STRETCH_LEAD)),
            ],
            [pause],
        ]
    )


def _back_to_reminders() -> list[InlineKeyboardButton]:
    return [_button("« Back", OpenScreen(Screen.REMINDER_LIST))]


def movement_days(mask: int) -> InlineKeyboardMarkup:
    days = [
        _button(f"{'✅' if mask >> day & 1 else '⬜'} {name}", ToggleMovementDay(day))
        for day, name in enumerate(WEEKDAYS)
    ]
    return InlineKeyboardMarkup([*_rows(days, 4), _back_to_reminders()])


def stretch_leads(current: int) -> InlineKeyboardMarkup:
    options = [
        _button(f"{'• ' if minutes == current else ''}{minutes} min", SetStretchLead(minutes))
        for minutes in STRETCH_LEADS
    ]
    return InlineKeyboardMarkup([options, _back_to_reminders()])


def pause_options() -> InlineKeyboardMarkup:
    choices = (
        ("1 hour", PauseChoice.HOUR),
        ("Rest of today", PauseChoice.TODAY),
        ("Until tomorrow morning", PauseChoice.MORNING),
        ("1 week", PauseChoice.WEEK),
    )
    return InlineKeyboardMarkup(_rows([_button(label, Pause(c)) for label, c in choices], 2))


# --- Cramp diary ---------------------------------------------------------------------

_PREVIOUS_STEP = {
    DraftStep.PLACE: DraftStep.KIND,
    DraftStep.SEVERITY: DraftStep.PLACE,
    DraftStep.DURATION: DraftStep.SEVERITY,
    DraftStep.WHEN: DraftStep.DURATION,
    DraftStep.EXTRA: DraftStep.WHEN,
}


def _show(text: str, draft: Draft) -> InlineKeyboardButton:
    return _button(text, ShowDraft(draft))


def _tick(on: bool, label: str) -> str:
    return f"✅ {label}" if on else label


@lru_cache(maxsize=1024)  # a Draft is frozen, and so is the markup PTB builds
def draft(d: Draft) -> InlineKeyboardMarkup:
    """The buttons of one report screen. Each carries the draft as it will be after the tap."""
    rows: list[list[InlineKeyboardButton]]
    skip = None
    match d.step:
        case DraftStep.KIND:
            rows = [[_show(label, replace(d, kind=kind, step=DraftStep.PLACE))
                     for kind, label in texts.KIND_LABELS.items()]]  # fmt: skip
        case DraftStep.PLACE:
            after = DraftStep.PLACE if d.places else DraftStep.SEVERITY  # the first tap moves on
            places = [
                _show(_tick(p in d.places, label), replace(d, places=d.places ^ {p}, step=after))
                for p, label in texts.PLACE_LABELS.items()
            ]
            rows = _rows(places, 3)
            if d.places:
                rows.append([_show("Next ›", replace(d, step=DraftStep.SEVERITY))])
        case DraftStep.SEVERITY:
            levels = [
                _show(
                    _tick(d.severity == n, str(n)), replace(d, severity=n, step=DraftStep.DURATION)
                )
                for n in range(1, 11)
            ]
            rows, skip = _rows(levels, 5), DraftStep.DURATION
        case DraftStep.DURATION:
            options = [
                _show(_tick(d.duration == value, label.capitalize()),
                      replace(d, duration=value, step=DraftStep.WHEN))
                for value, label in texts.DURATION_LABELS.items()
            ]  # fmt: skip
            rows, skip = _rows(options, 2), DraftStep.WHEN
        case DraftStep.WHEN:
            options = [
                _show(_tick(d.context == value, label.capitalize()),
                      replace(d, context=value, step=DraftStep.EXTRA))
                for value, label in texts.CONTEXT_LABELS.items()
            ]  # fmt: skip
            rows, skip = _rows(options, 2), DraftStep.EXTRA
        case DraftStep.EXTRA:
            rows = [
                [
                    _show(
                        _tick(s in d.symptoms, label.capitalize()),
                        replace(d, symptoms=d.symptoms ^ {s}),
                    )
                ]
                for s, label in texts.SYMPTOM_LABELS.items()
            ]
            rows.append(
                [_button("None of these: save", SaveDraft(replace(d, symptoms=frozenset())))]
            )
    if skip is not None:
        rows.append([_show("Skip ›", replace(d, step=skip))])
    footer = [_button("💾 Save", SaveDraft(d)), _button("✖ Cancel", CancelDraft())]
    if d.step in _PREVIOUS_STEP:
        footer.insert(0, _show("« Back", replace(d, step=_PREVIOUS_STEP[d.step])))
    return InlineKeyboardMarkup([*rows, footer])


def undo_report(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("↩️ Undo", UndoCramp(report_id))]])


def confirm_undo(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("Yes, remove it", UndoCramp(report_id))]])


def profile(
    conditions: frozenset[Condition], medications: frozenset[Medication], weight_loss: bool
) -> InlineKeyboardMarkup:
    rows = [
        [_button(_tick(c in conditions, label), ToggleProfile(ProfileItem.CONDITION, c.value))]
        for c, label in texts.CONDITION_LABELS.items()
    ]
    rows += [
        [_button(_tick(m in medications, label), ToggleProfile(ProfileItem.MEDICATION, m.value))]
        for m, label in texts.MEDICATION_LABELS.items()
    ]
    rows.append(
        [
            _button(
                _tick(weight_loss, "Unexplained weight loss"),
                ToggleProfile(ProfileItem.WEIGHT_LOSS),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def acknowledge_flag(flag_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("✓ Got it", AcknowledgeFlag(flag_id))]])


def acknowledge_flags(flags: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """Under /flags: a Got it button per unread flag (id, title)."""
    rows = [
        [_button(f"✓ Got it: {title}", AcknowledgeFlag(flag_id, in_list=True))]
        for flag_id, title in flags
    ]
    return InlineKeyboardMarkup(rows) if rows else None


SUMMARY_TIMES = tuple(time(h) for h in (8, 12, 18, 20, 21))


def summary_choices(weekday: int, at: time) -> InlineKeyboardMarkup:
    days = [
        _button(_tick(day == weekday, name), SetSummaryDay(day))
        for day, name in enumerate(WEEKDAYS)
    ]
    times = [
        _button(_tick(value == at, format_clock_time(value)), SetSummaryTime(value))
        for value in SUMMARY_TIMES
    ]
    return InlineKeyboardMarkup([*_rows(days, 4), times, *_back(Flow.SETTINGS)])


def confirm_forget() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button("Delete everything", Forget(True)), _button("Keep my data", Forget(False))]]
    )
