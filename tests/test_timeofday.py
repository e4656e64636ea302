"""Parsing the times people type, and which wake/bed pairs make sense."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.timeofday import (
    awake_minutes,
    day_window_problem,
    format_clock_time,
    parse_clock_range,
    parse_clock_time,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("0730", time(7, 30)),
        ("7", time(7, 0)),
        (" 23:59 ", time(23, 59)),
        ("00:30", time(0, 30)),
        ("7am", time(7, 0)),
        ("11:30 pm", time(23, 30)),
        ("12am", time(0, 0)),
        ("12 PM", time(12, 0)),
        ("19h30", time(19, 30)),
    ],
)
def test_accepts_the_usual_ways_of_writing_a_time(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize(
    "text", ["25:99", "24:00", "12:60", "13pm", "0am", "", "noon", "7:3", "-1:00", "7:30:00"]
)
def test_refuses_what_is_not_a_time(text: str) -> None:
    assert parse_clock_time(text) is None


@given(st.text(max_size=30))
def test_never_raises_and_only_returns_real_times(text: str) -> None:
    result = parse_clock_time(text)
    assert result is None or isinstance(result, time)


def test_formats_on_the_24_hour_clock() -> None:
    assert format_clock_time(time(7, 5)) == "07:05"


def test_wake_equal_to_bedtime_is_the_only_refused_pair() -> None:
    assert day_window_problem(time(7), time(7)) is not None
    assert day_window_problem(time(7), time(23)) is None
    assert day_window_problem(time(7), time(0, 30)) is None  # bedtime after midnight


def test_awake_minutes_wrap_past_midnight() -> None:
    assert awake_minutes(time(7), time(23)) == 16 * 60
    assert awake_minutes(time(7), time(0, 30)) == 17 * 60 + 30
    assert awake_minutes(time(22), time(6)) == 8 * 60  # a night-shift day


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("9-17", (time(9), time(17))),
        ("09:00–17:30", (time(9), time(17, 30))),
        ("9am - 5pm", (time(9), time(17))),
        ("8.30 to 16", (time(8, 30), time(16))),
        ("22:00—06:00", (time(22), time(6))),  # across midnight: a night shift
    ],
)
def test_sitting_hours_as_people_type_them(typed: str, hours: tuple[time, time]) -> None:
    assert parse_clock_range(typed) == hours


@pytest.mark.parametrize("typed", ["9", "9-", "-17", "9-17-18", "25-3", "after lunch", ""])
def test_what_is_not_a_start_and_an_end(typed: str) -> None:
    assert parse_clock_range(typed) is None
