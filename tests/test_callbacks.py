"""Button data: every kind round-trips, fits Telegram's 64 bytes, and junk is refused."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import (
    MAX_CALLBACK_BYTES,
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
    ],
)
def test_forged_or_unknown_data_is_refused(forged: str | None) -> None:
    assert parse_callback_data(forged) is None


@given(st.text(max_size=80))
def test_parsing_never_raises(data: str) -> None:
    parse_callback_data(data)
