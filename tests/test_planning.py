"""Reminder planning on the user's wall clock: slots, pace, grace, pauses, and DST edges."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.planning import (
    ALL_DAYS,
    DEFAULT_CUPS,
    GRACE,
    HOT_DAY_EXTRA_CUPS,
    Kind,
    PauseOption,
    Prefs,
    cups_expected_by,
    day_end,
    day_of,
    day_start,
    due_is_fresh,
    hydration_reminder_needed,
    hydration_slot_index,
    hydration_slots,
    is_paused,
    local_to_utc,
    movement_slots,
    next_slot,
    pause_until,
    slots_on,
    stretch_slot,
    tip_slot,
)

MONDAY = date(2026, 6, 8)
TUESDAY = date(2026, 6, 9)
WEDNESDAY = date(2026, 6, 10)  # Berlin is on CEST (UTC+2) all around these dates


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


BERLIN_DAY = Prefs("Europe/Berlin", wake=time(7), bed=time(23))
BERLIN_LATE = Prefs("Europe/Berlin", wake=time(7), bed=time(0, 30))
BERLIN_NIGHT_SHIFT = Prefs("Europe/Berlin", wake=time(22), bed=time(6))
BERLIN_NIGHT_SHIFT_HALF = Prefs("Europe/Berlin", wake=time(22, 30), bed=time(6, 30))


# --- local_to_utc ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        # A wall time in a spring-forward gap goes out at the first valid minute after it.
        # Berlin springs forward 02:00 CET -> 03:00 CEST (01:00 UTC).
        ("Europe/Berlin", datetime(2026, 3, 29, 1, 59), utc(2026, 3, 29, 0, 59)),
        ("Europe/Berlin", datetime(2026, 3, 29, 2, 0), utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", datetime(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", datetime(2026, 3, 29, 2, 59), utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", datetime(2026, 3, 29, 3, 0), utc(2026, 3, 29, 1, 0)),
        # New York springs forward 02:00 EST -> 03:00 EDT (07:00 UTC).
        ("America/New_York", datetime(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 0)),
        # Chatham springs forward 02:45 +12:45 -> 03:45 +13:45 (14:00 UTC the day before).
        ("Pacific/Chatham", datetime(2026, 9, 27, 3, 0), utc(2026, 9, 26, 14, 0)),
        # Lord Howe springs forward only half an hour: 02:00 -> 02:30 (+11:00).
        ("Australia/Lord_Howe", datetime(2026, 10, 4, 2, 15), utc(2026, 10, 3, 15, 30)),
        # A wall time that happens twice (fall back) goes out at its first occurrence.
        # Berlin falls back 03:00 CEST -> 02:00 CET: 02:30 happens twice, first at 00:30 UTC.
        ("Europe/Berlin", datetime(2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30)),
        ("Europe/Berlin", datetime(2026, 10, 25, 3, 0), utc(2026, 10, 25, 2, 0)),
        # New York falls back 02:00 EDT -> 01:00 EST: 01:30 EDT comes first.
        ("America/New_York", datetime(2026, 11, 1, 1, 30), utc(2026, 11, 1, 5, 30)),
        # Chatham falls back 03:45 +13:45 -> 02:45 +12:45: 03:00 first at +13:45.
        ("Pacific/Chatham", datetime(2026, 4, 5, 3, 0), utc(2026, 4, 4, 13, 15)),
    ],
)
def test_a_gap_goes_out_at_the_first_valid_minute_a_repeat_at_its_first_occurrence(
    zone: str, wall: datetime, expected: datetime
) -> None:
    assert local_to_utc(wall, zone) == expected


def test_local_to_utc_returns_aware_utc_for_half_hour_zones() -> None:
    converted = local_to_utc(datetime(2026, 6, 15, 9, 0), "Asia/Kolkata")
    assert converted == utc(2026, 6, 15, 3, 30)
    assert converted.tzinfo is UTC


# --- the day's window -----------------------------------------------------------------


def test_ordinary_day_window_and_hydration_every_two_hours() -> None:
    assert day_start(BERLIN_DAY, WEDNESDAY) == utc(2026, 6, 10, 5, 0)
    assert day_end(BERLIN_DAY, WEDNESDAY) == utc(2026, 6, 10, 21, 0)
    # 08:00, 10:00, ..., 22:00 CEST.
    assert hydration_slots(BERLIN_DAY, WEDNESDAY) == [
        utc(2026, 6, 10, hour) for hour in range(6, 21, 2)
    ]


def test_bedtime_after_midnight_ends_the_day_on_the_next_date() -> None:
    assert day_start(BERLIN_LATE, WEDNESDAY) == utc(2026, 6, 10, 5, 0)
    assert day_end(BERLIN_LATE, WEDNESDAY) == utc(2026, 6, 10, 22, 30)  # 00:30 on the 11th


def test_bedtime_after_midnight_stretch_is_at_midnight_of_the_next_date() -> None:
    assert stretch_slot(BERLIN_LATE, WEDNESDAY) == utc(2026, 6, 10, 22, 0)  # 00:00 on the 11th


def test_cup_logged_after_midnight_before_bedtime_counts_for_the_previous_date() -> None:
    quarter_past_midnight = utc(2026, 6, 10, 22, 15)  # 00:15 CEST on the 11th
    assert day_of(BERLIN_LATE, quarter_past_midnight) == WEDNESDAY
    assert day_of(BERLIN_LATE, utc(2026, 6, 11, 5, 0)) == date(2026, 6, 11)  # wake-up


def test_bedtime_after_midnight_spreads_hydration_over_the_whole_span() -> None:
    # 17.5 h awake: cups every 131.25 min, half a step in, floored to the minute
    # (08:05, 10:16, 12:28, 14:39, 16:50, 19:01, 21:13, 23:24 CEST).
    assert hydration_slots(BERLIN_LATE, WEDNESDAY) == [
        utc(2026, 6, 10, 6, 5),
        utc(2026, 6, 10, 8, 16),
        utc(2026, 6, 10, 10, 28),
        utc(2026, 6, 10, 12, 39),
        utc(2026, 6, 10, 14, 50),
        utc(2026, 6, 10, 17, 1),
        utc(2026, 6, 10, 19, 13),
        utc(2026, 6, 10, 21, 24),
    ]


# --- DST nights -----------------------------------------------------------------------


def test_night_shift_movement_in_the_spring_gap_goes_out_once_at_three() -> None:
    # Wake 22:30 CET on Saturday; the 02:30 slot does not exist and goes out at 03:00 CEST.
    assert movement_slots(BERLIN_NIGHT_SHIFT_HALF, date(2026, 3, 28)) == [
        utc(2026, 3, 28, 22, 30),  # 23:30 CET
        utc(2026, 3, 28, 23, 30),  # 00:30 CET
        utc(2026, 3, 29, 0, 30),  # 01:30 CET
        utc(2026, 3, 29, 1, 0),  # 02:30 -> 03:00 CEST
        utc(2026, 3, 29, 1, 30),  # 03:30 CEST
        utc(2026, 3, 29, 2, 30),  # 04:30 CEST
        utc(2026, 3, 29, 3, 30),  # 05:30 CEST
    ]
    assert day_end(BERLIN_NIGHT_SHIFT_HALF, date(2026, 3, 28)) == utc(2026, 3, 29, 4, 30)


def test_spring_gap_slot_and_the_next_whole_hour_merge_into_one_reminder() -> None:
    # 02:00 does not exist and lands on 03:00 CEST, which is also a slot: sent once.
    assert movement_slots(BERLIN_NIGHT_SHIFT, date(2026, 3, 28)) == [
        utc(2026, 3, 28, 22, 0),  # 23:00 CET
        utc(2026, 3, 28, 23, 0),  # 00:00 CET
        utc(2026, 3, 29, 0, 0),  # 01:00 CET
        utc(2026, 3, 29, 1, 0),  # 02:00 (gap) and 03:00 CEST
        utc(2026, 3, 29, 2, 0),  # 04:00 CEST
        utc(2026, 3, 29, 3, 0),  # 05:00 CEST
    ]


def test_next_movement_after_the_last_slot_before_the_gap_is_three_cest() -> None:
    before_gap = utc(2026, 3, 29, 0, 30)  # exactly the 01:30 CET slot
    assert next_slot(Kind.MOVEMENT, BERLIN_NIGHT_SHIFT_HALF, before_gap) == utc(2026, 3, 29, 1)
    assert next_slot(Kind.MOVEMENT, BERLIN_NIGHT_SHIFT_HALF, utc(2026, 3, 29, 1)) == utc(
        2026, 3, 29, 1, 30
    )


def test_night_shift_hydration_cup_due_in_the_gap_goes_out_at_three_cest() -> None:
    assert hydration_slots(BERLIN_NIGHT_SHIFT, date(2026, 3, 28)) == [
        utc(2026, 3, 28, 21, 30),  # 22:30 CET
        utc(2026, 3, 28, 22, 30),
        utc(2026, 3, 28, 23, 30),
        utc(2026, 3, 29, 0, 30),  # 01:30 CET
        utc(2026, 3, 29, 1, 0),  # 02:30 -> 03:00 CEST
        utc(2026, 3, 29, 1, 30),  # 03:30 CEST
        utc(2026, 3, 29, 2, 30),
        utc(2026, 3, 29, 3, 30),
    ]
    assert hydration_slot_index(BERLIN_NIGHT_SHIFT, utc(2026, 3, 29, 1, 0)) == 5


def test_night_shift_movement_in_the_fall_back_overlap_goes_out_once_first_time() -> None:
    slots = movement_slots(BERLIN_NIGHT_SHIFT_HALF, date(2026, 10, 24))
    assert slots == [
        utc(2026, 10, 24, 21, 30),  # 23:30 CEST
        utc(2026, 10, 24, 22, 30),  # 00:30 CEST
        utc(2026, 10, 24, 23, 30),  # 01:30 CEST
        utc(2026, 10, 25, 0, 30),  # 02:30 CEST, the first of the two 02:30s
        utc(2026, 10, 25, 2, 30),  # 03:30 CET
        utc(2026, 10, 25, 3, 30),
        utc(2026, 10, 25, 4, 30),
    ]
    second_half_past_two = utc(2026, 10, 25, 1, 30)
    assert second_half_past_two not in slots
    assert next_slot(Kind.MOVEMENT, BERLIN_NIGHT_SHIFT_HALF, utc(2026, 10, 25, 0, 30)) == utc(
        2026, 10, 25, 2, 30
    )


def test_bedtime_in_the_spring_gap_ends_the_day_at_three_cest() -> None:
    late = Prefs("Europe/Berlin", wake=time(10), bed=time(2, 30))
    assert day_end(late, date(2026, 3, 28)) == utc(2026, 3, 29, 1, 0)
    assert stretch_slot(late, date(2026, 3, 28)) == utc(2026, 3, 29, 1, 0)  # 02:00 -> 03:00


def test_bedtime_in_the_fall_back_overlap_is_the_first_occurrence() -> None:
    late = Prefs("Europe/Berlin", wake=time(10), bed=time(2, 30))
    assert day_end(late, date(2026, 10, 24)) == utc(2026, 10, 25, 0, 30)
    assert stretch_slot(late, date(2026, 10, 24)) == utc(2026, 10, 25, 0, 0)


def test_new_york_next_morning_slot_follows_the_clock_across_spring_forward() -> None:
    prefs = Prefs("America/New_York", wake=time(7), bed=time(23))
    last_saturday_slot = utc(2026, 3, 8, 3, 0)  # 22:00 EST on Saturday
    assert last_saturday_slot in movement_slots(prefs, date(2026, 3, 7))
    # 08:00 EDT on Sunday is 12:00 UTC, not the 13:00 that EST would give.
    assert next_slot(Kind.MOVEMENT, prefs, last_saturday_slot) == utc(2026, 3, 8, 12, 0)


def test_new_york_night_shift_movement_in_the_fall_back_overlap_goes_out_once() -> None:
    prefs = Prefs("America/New_York", wake=time(21, 30), bed=time(5, 30))
    assert movement_slots(prefs, date(2026, 10, 31)) == [
        utc(2026, 11, 1, 2, 30),  # 22:30 EDT
        utc(2026, 11, 1, 3, 30),
        utc(2026, 11, 1, 4, 30),
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT, the first of the two
        utc(2026, 11, 1, 7, 30),  # 02:30 EST
        utc(2026, 11, 1, 8, 30),
        utc(2026, 11, 1, 9, 30),
    ]


def test_new_york_bedtime_in_the_spring_gap_is_three_edt() -> None:
    prefs = Prefs("America/New_York", wake=time(6), bed=time(2, 30))
    assert day_end(prefs, date(2026, 3, 7)) == utc(2026, 3, 8, 7, 0)


def test_kolkata_half_hour_offset_slots() -> None:
    prefs = Prefs("Asia/Kolkata", wake=time(6, 30), bed=time(22))
    # 07:30 ... 20:30 IST is 02:00 ... 15:00 UTC.
    assert movement_slots(prefs, date(2026, 6, 15)) == [
        utc(2026, 6, 15, hour) for hour in range(2, 16)
    ]
    # Tuesday's tip in the middle of 15.5 h awake: 14:15 IST.
    assert tip_slot(prefs, date(2026, 6, 16)) == utc(2026, 6, 16, 8, 45)


def test_chatham_spring_gap_slot_goes_out_at_the_transition() -> None:
    prefs = Prefs("Pacific/Chatham", wake=time(22), bed=time(6))
    assert movement_slots(prefs, date(2026, 9, 26)) == [
        utc(2026, 9, 26, 10, 15),  # 23:00 +12:45
        utc(2026, 9, 26, 11, 15),
        utc(2026, 9, 26, 12, 15),
        utc(2026, 9, 26, 13, 15),  # 02:00 +12:45
        utc(2026, 9, 26, 14, 0),  # 03:00 does not exist -> 03:45 +13:45
        utc(2026, 9, 26, 14, 15),  # 04:00 +13:45
        utc(2026, 9, 26, 15, 15),
    ]


def test_chatham_fall_back_overlap_slot_goes_out_once_first_time() -> None:
    prefs = Prefs("Pacific/Chatham", wake=time(22), bed=time(6))
    assert movement_slots(prefs, date(2026, 4, 4)) == [
        utc(2026, 4, 4, 9, 15),  # 23:00 +13:45
        utc(2026, 4, 4, 10, 15),
        utc(2026, 4, 4, 11, 15),
        utc(2026, 4, 4, 12, 15),
        utc(2026, 4, 4, 13, 15),  # 03:00, the first time (+13:45)
        utc(2026, 4, 4, 15, 15),  # 04:00 +12:45
        utc(2026, 4, 4, 16, 15),
    ]


# --- hydration pace -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cups_today", "slot_index", "goal", "needed"),
    [
        (0, 1, 8, True),  # behind pace
        (3, 5, 8, True),
        (1, 1, 8, False),  # exactly on pace
        (4, 2, 8, False),  # ahead of pace
        (7, 8, 8, True),  # one short at the last slot
        (8, 8, 8, False),  # goal met
        (5, 8, 5, False),  # goal met even though the slot count is higher
        (9, 10, 10, True),  # hot day: the ninth cup is not enough
    ],
)
def test_hydration_reminder_only_when_behind_pace_and_goal_not_met(
    cups_today: int, slot_index: int, goal: int, needed: bool
) -> None:
    assert hydration_reminder_needed(cups_today, slot_index, goal) is needed


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (utc(2026, 6, 10, 5, 0), 0),  # wake-up, before the first cup
        (utc(2026, 6, 10, 5, 59), 0),
        (utc(2026, 6, 10, 6, 0), 1),  # 08:00: the first slot itself counts
        (utc(2026, 6, 10, 7, 59), 1),
        (utc(2026, 6, 10, 8, 0), 2),
        (utc(2026, 6, 10, 20, 0), 8),  # 22:00: the last slot
        (utc(2026, 6, 10, 21, 30), 8),  # after bedtime
        (utc(2026, 6, 11, 4, 59), 8),  # 06:59 next morning: still the same day
        (utc(2026, 6, 11, 5, 0), 0),  # the next wake-up starts afresh
    ],
)
def test_cups_expected_by_counts_slots_at_or_before(instant: datetime, expected: int) -> None:
    assert cups_expected_by(BERLIN_DAY, instant) == expected


def test_hydration_slot_index_is_the_cup_number_or_none() -> None:
    assert hydration_slot_index(BERLIN_DAY, utc(2026, 6, 10, 6, 0)) == 1
    assert hydration_slot_index(BERLIN_DAY, utc(2026, 6, 10, 20, 0)) == 8
    assert hydration_slot_index(BERLIN_DAY, utc(2026, 6, 10, 7, 0)) is None


def test_hot_day_goal_of_ten_moves_the_slots() -> None:
    goal = DEFAULT_CUPS + HOT_DAY_EXTRA_CUPS
    # Every 96 min from 07:48 CEST: 07:48, 09:24, 11:00, ..., 22:12.
    slots = hydration_slots(BERLIN_DAY, WEDNESDAY, goal)
    assert len(slots) == 10
    assert slots[0] == utc(2026, 6, 10, 5, 48)
    assert slots[1] == utc(2026, 6, 10, 7, 24)
    assert slots[-1] == utc(2026, 6, 10, 20, 12)
    assert hydration_slot_index(BERLIN_DAY, utc(2026, 6, 10, 9, 0), goal) == 3


def test_next_hydration_slot_uses_each_days_goal() -> None:
    def hot_on_wednesday(day: date) -> int:
        return DEFAULT_CUPS + (HOT_DAY_EXTRA_CUPS if day == WEDNESDAY else 0)

    eight_am_wednesday = utc(2026, 6, 10, 6, 0)
    assert next_slot(Kind.HYDRATION, BERLIN_DAY, eight_am_wednesday) == utc(2026, 6, 10, 8, 0)
    assert next_slot(
        Kind.HYDRATION, BERLIN_DAY, eight_am_wednesday, goal_for=hot_on_wednesday
    ) == utc(2026, 6, 10, 7, 24)
    # Thursday is an ordinary day again: 08:00 CEST.
    last_hot_slot = utc(2026, 6, 10, 20, 12)
    assert next_slot(Kind.HYDRATION, BERLIN_DAY, last_hot_slot, goal_for=hot_on_wednesday) == utc(
        2026, 6, 11, 6, 0
    )


# --- movement days --------------------------------------------------------------------


def test_movement_hourly_from_an_hour_after_waking_to_an_hour_before_bed() -> None:
    slots = movement_slots(BERLIN_DAY, WEDNESDAY)
    assert len(slots) == 15
    assert (slots[0], slots[-1]) == (utc(2026, 6, 10, 6, 0), utc(2026, 6, 10, 20, 0))
    half_past = Prefs("Europe/Berlin", wake=time(7, 30), bed=time(23, 30))
    slots = movement_slots(half_past, WEDNESDAY)
    assert (slots[0], slots[-1]) == (utc(2026, 6, 10, 6, 30), utc(2026, 6, 10, 20, 30))


def test_no_movement_when_awake_less_than_two_hours() -> None:
    assert movement_slots(Prefs("UTC", wake=time(7), bed=time(8, 59)), WEDNESDAY) == []
    assert movement_slots(Prefs("UTC", wake=time(7), bed=time(9)), WEDNESDAY) == [
        utc(2026, 6, 10, 8)
    ]


def test_monday_only_user_moves_on_mondays_only() -> None:
    monday_only = Prefs("Europe/Berlin", wake=time(7), bed=time(23), movement_days=0b0000001)
    assert len(movement_slots(monday_only, MONDAY)) == 15
    assert movement_slots(monday_only, TUESDAY) == []
    last_monday_slot = utc(2026, 6, 8, 20, 0)
    assert next_slot(Kind.MOVEMENT, monday_only, last_monday_slot) == utc(2026, 6, 15, 6, 0)


def test_no_movement_days_means_no_next_movement() -> None:
    never = Prefs("Europe/Berlin", wake=time(7), bed=time(23), movement_days=0)
    assert next_slot(Kind.MOVEMENT, never, utc(2026, 6, 10, 12)) is None


def test_all_days_is_every_weekday_bit() -> None:
    assert ALL_DAYS == 0b1111111


# --- Sitting hours ----------------------------------------------------------------------

SITS_9_TO_5 = Prefs(
    "Europe/Berlin", wake=time(7), bed=time(23), movement_days=0b0011111,
    sit_from=time(9), sit_to=time(17),
)  # fmt: skip
SATURDAY = date(2026, 6, 13)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo("Europe/Berlin")).astimezone(UTC)


def test_the_default_sitting_hours_move_hourly_on_weekdays_only() -> None:
    # An hour after sitting down at 09:00, then hourly; the last at the 17:00 end.
    assert movement_slots(SITS_9_TO_5, MONDAY) == [berlin(MONDAY, h) for h in range(10, 18)]
    assert movement_slots(SITS_9_TO_5, SATURDAY) == []
    last_friday = berlin(date(2026, 6, 12), 17)
    assert next_slot(Kind.MOVEMENT, SITS_9_TO_5, last_friday) == berlin(date(2026, 6, 15), 10)


def test_sitting_hours_that_end_off_the_hour_stop_at_or_before_the_end() -> None:
    prefs = replace(SITS_9_TO_5, sit_from=time(8, 30), sit_to=time(12, 15))
    assert movement_slots(prefs, MONDAY) == [
        berlin(MONDAY, 9, 30), berlin(MONDAY, 10, 30), berlin(MONDAY, 11, 30)
    ]  # fmt: skip


def test_no_sitting_hours_means_all_waking_hours_as_before() -> None:
    awake = replace(SITS_9_TO_5, sit_from=None, sit_to=None, movement_days=ALL_DAYS)
    assert movement_slots(awake, SATURDAY) == [berlin(SATURDAY, h) for h in range(8, 23)]
    assert Prefs("UTC", wake=time(7), bed=time(23)).sit_from is None  # the planning default


def test_sitting_hours_are_clipped_to_the_waking_window() -> None:
    # Sitting 05:00-23:30 for someone awake 07:00-23:00: nudges only wake + 1 h to bed - 1 h.
    prefs = replace(SITS_9_TO_5, sit_from=time(5), sit_to=time(23, 30))
    assert movement_slots(prefs, MONDAY) == [berlin(MONDAY, h) for h in range(8, 23)]
    # Sat down before waking (06:00-10:00): the nudge an hour after waking is the first.
    early = replace(SITS_9_TO_5, sit_from=time(6), sit_to=time(10))
    assert movement_slots(early, MONDAY) == [
        berlin(MONDAY, 8),
        berlin(MONDAY, 9),
        berlin(MONDAY, 10),
    ]


def test_sitting_hours_outside_waking_hours_give_no_movement() -> None:
    night = replace(SITS_9_TO_5, sit_from=time(23, 30), sit_to=time(6))
    assert movement_slots(night, MONDAY) == []
    assert next_slot(Kind.MOVEMENT, night, berlin(MONDAY, 12)) is None
    only_an_hour_after_waking = replace(SITS_9_TO_5, sit_from=time(6, 30), sit_to=time(7, 45))
    assert movement_slots(only_an_hour_after_waking, MONDAY) == []  # 07:30 is before 08:00


def test_sitting_hours_across_midnight_for_a_night_shift() -> None:
    # Awake 14:00-06:00, sitting 22:00-06:00: 23:00 to 05:00 (bed - 1 h), on the wake-up's day.
    shift = Prefs(
        "Europe/Berlin", wake=time(14), bed=time(6), movement_days=0b0000001,
        sit_from=time(22), sit_to=time(6),
    )  # fmt: skip
    assert movement_slots(shift, MONDAY) == [
        *(berlin(MONDAY, h) for h in (23,)), *(berlin(TUESDAY, h) for h in range(0, 6))
    ]  # fmt: skip
    assert movement_slots(shift, TUESDAY) == []


def test_sitting_hours_through_a_dst_gap_keep_the_wall_clock() -> None:
    # Berlin springs forward at 02:00 on Sunday 29 March 2026; sitting 00:00-04:00 that
    # night: 01:00 CET, 02:00 (gap) and 03:00 CEST as one, 04:00 CEST.
    night = Prefs(
        "Europe/Berlin", wake=time(20), bed=time(6), sit_from=time(0), sit_to=time(4),
    )  # fmt: skip
    assert movement_slots(night, date(2026, 3, 28)) == [
        utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 2, 0)
    ]  # fmt: skip
    summer = movement_slots(SITS_9_TO_5, date(2026, 3, 30))  # a Monday on CEST
    assert (summer[0], summer[-1]) == (utc(2026, 3, 30, 8), utc(2026, 3, 30, 15))


# --- next_slot, stretch and tips ------------------------------------------------------


def test_next_slot_exactly_on_a_slot_returns_the_following_one() -> None:
    ten_am = utc(2026, 6, 10, 8, 0)
    assert next_slot(Kind.HYDRATION, BERLIN_DAY, ten_am) == utc(2026, 6, 10, 10, 0)
    assert next_slot(Kind.MOVEMENT, BERLIN_DAY, ten_am) == utc(2026, 6, 10, 9, 0)


def test_next_slot_after_the_last_one_crosses_to_the_next_day() -> None:
    last_cup = utc(2026, 6, 10, 20, 0)
    assert next_slot(Kind.HYDRATION, BERLIN_DAY, last_cup) == utc(2026, 6, 11, 6, 0)
    stretch = stretch_slot(BERLIN_DAY, WEDNESDAY)
    assert stretch == utc(2026, 6, 10, 20, 30)  # 22:30 CEST
    assert next_slot(Kind.STRETCH, BERLIN_DAY, stretch) == utc(2026, 6, 11, 20, 30)


def test_next_slot_from_after_midnight_still_finds_the_open_day() -> None:
    quarter_to_midnight = utc(2026, 6, 10, 21, 45)  # 23:45 CEST, stretch is at 00:00
    assert next_slot(Kind.STRETCH, BERLIN_LATE, quarter_to_midnight) == utc(2026, 6, 10, 22, 0)


def test_stretch_lead_longer_than_the_day_starts_at_wake_up() -> None:
    short = Prefs("UTC", wake=time(7), bed=time(8), stretch_lead_minutes=180)
    assert stretch_slot(short, WEDNESDAY) == utc(2026, 6, 10, 7, 0)


def test_tips_on_tuesday_and_friday_only() -> None:
    assert tip_slot(BERLIN_DAY, TUESDAY) == utc(2026, 6, 9, 13, 0)  # 15:00 CEST
    assert tip_slot(BERLIN_DAY, WEDNESDAY) is None
    assert slots_on(Kind.TIP, BERLIN_DAY, WEDNESDAY) == []
    after_tuesday_tip = utc(2026, 6, 9, 13, 0)
    assert next_slot(Kind.TIP, BERLIN_DAY, after_tuesday_tip) == utc(2026, 6, 12, 13, 0)


# --- grace ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "late_by", "fresh"),
    [
        (Kind.HYDRATION, timedelta(minutes=9, seconds=59), True),
        (Kind.HYDRATION, timedelta(minutes=10), False),
        (Kind.MOVEMENT, timedelta(minutes=9, seconds=59), True),
        (Kind.MOVEMENT, timedelta(minutes=10), False),
        (Kind.STRETCH, timedelta(minutes=59, seconds=59), True),
        (Kind.STRETCH, timedelta(hours=1), False),
        (Kind.TIP, timedelta(hours=5, minutes=59), True),
        (Kind.TIP, timedelta(hours=6), False),
        (Kind.HYDRATION, timedelta(0), True),  # on time
        (Kind.HYDRATION, -timedelta(hours=1), True),  # not yet due
    ],
)
def test_slot_missed_by_less_than_grace_is_still_fresh(
    kind: Kind, late_by: timedelta, fresh: bool
) -> None:
    slot = utc(2026, 6, 10, 6, 0)
    assert due_is_fresh(kind, slot, slot + late_by) is fresh


def test_every_kind_has_a_grace() -> None:
    assert set(GRACE) == set(Kind)


# --- pauses ---------------------------------------------------------------------------

AFTERNOON = utc(2026, 6, 10, 13, 0)  # 15:00 CEST


def test_pause_for_an_hour() -> None:
    assert pause_until(PauseOption.HOUR, BERLIN_DAY, AFTERNOON) == utc(2026, 6, 10, 14, 0)


def test_pause_for_a_week() -> None:
    assert pause_until(PauseOption.WEEK, BERLIN_DAY, AFTERNOON) == utc(2026, 6, 17, 13, 0)


def test_pause_for_today_lasts_until_bedtime() -> None:
    assert pause_until(PauseOption.TODAY, BERLIN_DAY, AFTERNOON) == utc(2026, 6, 10, 21, 0)
    ten_to_midnight = utc(2026, 6, 10, 21, 50)
    assert pause_until(PauseOption.TODAY, BERLIN_LATE, ten_to_midnight) == utc(2026, 6, 10, 22, 30)


def test_pause_for_today_after_bedtime_lasts_until_the_next_wake_up() -> None:
    up_late = utc(2026, 6, 10, 21, 30)  # 23:30 CEST, bedtime was 23:00
    assert pause_until(PauseOption.TODAY, BERLIN_DAY, up_late) == utc(2026, 6, 11, 5, 0)


def test_pause_until_morning_is_the_next_wake_up_strictly_after_now() -> None:
    assert pause_until(PauseOption.MORNING, BERLIN_DAY, AFTERNOON) == utc(2026, 6, 11, 5, 0)
    two_am = utc(2026, 6, 11, 0, 0)
    assert pause_until(PauseOption.MORNING, BERLIN_DAY, two_am) == utc(2026, 6, 11, 5, 0)
    at_wake_up = utc(2026, 6, 11, 5, 0)
    assert pause_until(PauseOption.MORNING, BERLIN_DAY, at_wake_up) == utc(2026, 6, 12, 5, 0)


def test_pause_until_morning_follows_the_clock_across_spring_forward() -> None:
    saturday_night = utc(2026, 3, 28, 22, 0)  # 23:00 CET
    assert pause_until(PauseOption.MORNING, BERLIN_DAY, saturday_night) == utc(2026, 3, 29, 5)


def test_is_paused_until_the_end_instant_exclusive() -> None:
    end = utc(2026, 6, 10, 14, 0)
    assert is_paused(end, end - timedelta(seconds=1))
    assert not is_paused(end, end)
    assert not is_paused(None, end)


# --- properties over tricky zones -----------------------------------------------------

TRICKY_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Apia",
)

clock_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def any_prefs(draw: st.DrawFn) -> Prefs:
    wake = draw(clock_times)
    bed = draw(clock_times.filter(lambda bed: bed != wake))
    sitting = draw(st.tuples(clock_times, clock_times) | st.just((None, None)))
    return Prefs(
        timezone=draw(st.sampled_from(TRICKY_ZONES)),
        wake=wake,
        bed=bed,
        movement_days=draw(st.integers(0, ALL_DAYS)),
        stretch_lead_minutes=draw(st.integers(0, 180)),
        sit_from=sitting[0],
        sit_to=sitting[1],
    )


days_2026 = st.dates(date(2026, 1, 1), date(2026, 12, 31))


@settings(deadline=None)
@given(any_prefs(), days_2026, st.integers(1, 30))
def test_every_kinds_slots_are_increasing_utc_within_the_day(
    prefs: Prefs, day: date, goal: int
) -> None:
    start, end = day_start(prefs, day), day_end(prefs, day)
    assert start.tzinfo is UTC
    assert end.tzinfo is UTC
    assert start <= end
    for kind in Kind:
        slots = slots_on(kind, prefs, day, goal)
        assert all(slot.tzinfo is UTC for slot in slots)
        assert all(earlier < later for earlier, later in pairwise(slots))
        assert all(start <= slot <= end for slot in slots)
    for slot in hydration_slots(prefs, day, goal):
        assert hydration_slot_index(prefs, slot, goal) is not None


@settings(deadline=None)
@given(any_prefs(), days_2026, st.integers(0, 36 * 60), st.integers(1, 30))
def test_next_slot_is_strictly_after_and_none_is_skipped(
    prefs: Prefs, day: date, minutes: int, goal: int
) -> None:
    after = day_start(prefs, day) + timedelta(minutes=minutes)

    def goal_for(_: date) -> int:
        return goal

    for kind in Kind:
        found = next_slot(kind, prefs, after, goal_for)
        nearby = [
            slot
            for offset in (-1, 0, 1)
            for slot in slots_on(kind, prefs, day_of(prefs, after) + timedelta(days=offset), goal)
            if slot > after
        ]
        if kind is Kind.FOLLOW_UP:  # no series: each one is scheduled after its report
            assert found is None and nearby == []
            continue
        if found is None:
            # Only movement can be absent for a whole week: no days chosen, or too short a day.
            assert kind is Kind.MOVEMENT
            assert movement_slots(prefs, day) == []
            continue
        assert found > after
        assert found.tzinfo is UTC
        assert all(found <= slot for slot in nearby)


@settings(deadline=None)
@given(
    st.sampled_from(TRICKY_ZONES),
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(
        lambda moment: moment.replace(second=0, microsecond=0)
    ),
)
def test_wall_times_map_forward_only_and_in_order(zone: str, wall: datetime) -> None:
    converted = local_to_utc(wall, zone)
    reading = converted.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    # Never earlier than asked; later only when the asked-for time does not exist.
    assert reading >= wall
    assert reading == wall or reading - wall <= timedelta(hours=1)
    assert converted <= local_to_utc(wall + timedelta(minutes=1), zone)
