"""Button data: every kind round-trips, fits Telegram's 64 bytes, and junk is refused."""

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import (
    MAX_CALLBACK_BYTES,
    AnswerReminder,
    CallbackData,
    FinishReminders,
    Flow,
    OpenScreen,
    Pause,
    PauseChoice,
    RaiseGoal,
    ReminderAction,
    ReminderKind,
    Screen,
    SetBed,
    SetStretchLead,
    SetTimezone,
    SetWake,
    SkipSetup,
    ToggleKind,
    ToggleMovementDay,
    ToggleReminder,
    UndoCramp,
    UndoWater,
    parse_callback_data,
)

EXAMPLES: list[CallbackData] = [
    SetTimezone(Flow.SETUP, "Europe/Berlin"),
    SetTimezone(Flow.SETTINGS, None),
    SetTimezone(Flow.SETTINGS, "America/Argentina/ComodRivadavia"),  # a long IANA name
    SetWake(Flow.SETUP, time(6, 30)),
    SetWake(Flow.SETTINGS, None),
    SetBed(Flow.SETUP, time(0, 30)),
    ToggleReminder(Flow.SETUP, ReminderKind.STRETCH),
    FinishReminders(Flow.SETTINGS),
    SkipSetup(),
    OpenScreen(Screen.REMINDERS),
    UndoCramp(2**62),
    AnswerReminder(ReminderAction.HOT_DAY, 12345678901),
    UndoWater(7),
    RaiseGoal(date(2026, 3, 29)),
    ToggleKind(ReminderKind.TIP),
    ToggleMovementDay(6),
    SetStretchLead(45),
    Pause(PauseChoice.MORNING),
    OpenScreen(Screen.MOVEMENT_DAYS),
]


@pytest.mark.parametrize("data", EXAMPLES, ids=lambda d: d.encode())
def test_round_trips_and_fits(data: CallbackData) -> None:
    encoded = data.encode()
    assert len(encoded.encode()) <= MAX_CALLBACK_BYTES
    assert parse_callback_data(encoded) == data


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "tz:su:Mars/Base",
        "tz:xx:UTC",
        "tz:su:utc",  # only the canonical spelling is ever sent
        "wk:su:2599",
        "wk:su:7:30",
        "bd:st:12345",
        "rm:su:z",
        "ok:",
        "su:other",
        "st:nowhere",
        "cr:undo:0",
        "cr:undo:-1",
        "cr:undo:abc",
        "cr:undo:99999999999999999999",
        "cr:delete:1",
        "x" * 65,
        "rd:x:1",
        "rd:c:0",
        "wl:h:20261332",
        "wl:h:2026",
        "md:7",
        "sl:20",
        "ps:forever",
    ],
)
def test_forged_or_unknown_data_is_refused(forged: str | None) -> None:
    assert parse_callback_data(forged) is None


@given(st.text(max_size=80))
def test_parsing_never_raises(data: str) -> None:
    parse_callback_data(data)
