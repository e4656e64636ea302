"""The claim's decision for one due row, without a database: whether the slot is sent,
and when the row is due next (or that it goes away)."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from scheduler.claims import (
    UNWANTED,
    ClaimDecision,
    Recipient,
    Water,
    decide_claim,
    stood_in_for,
)
from scheduler.planning import Kind, Prefs

# 07:00-23:00 in UTC: movement every hour 08:00-22:00; eight drinks at 08:00, 10:00, ...,
# 22:00; stretching at 22:30; the weekly summary on Sunday at 18:00.
PREFS = Prefs("UTC", wake=time(7), bed=time(23))
MONDAY = date(2026, 11, 23)
TUESDAY, SUNDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=6)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


def someone(*kinds: Kind, paused_until: datetime | None = None, prefs: Prefs = PREFS) -> Recipient:
    """A user who wants these kinds (every kind when none is named)."""
    return Recipient(prefs, frozenset(kinds or Kind), paused_until)


def drank(cups: int, goal: int | None = None) -> Water:
    """Monday's cups so far, and its goal when not the default (a hot day)."""
    return Water(cups={MONDAY: cups}, goals={} if goal is None else {MONDAY: goal})


def sent(next_due_at: datetime | None) -> ClaimDecision:
    """The slot goes out; the row is next due then (None: it goes away)."""
    return ClaimDecision(send=True, next_due_at=next_due_at)


def held_back(next_due_at: datetime | None) -> ClaimDecision:
    """The user wants the slot but it does not go out; the row is next due then."""
    return ClaimDecision(send=False, next_due_at=next_due_at)


# --- Rows that go away --------------------------------------------------------------------


def test_the_row_of_a_user_who_is_gone_goes_away_unsent_and_uncounted() -> None:
    decision = decide_claim(Kind.MOVEMENT, at(8), None, at(8))
    assert decision == UNWANTED == ClaimDecision(send=False, next_due_at=None, wanted=False)
    assert not decision.skipped


def test_the_row_of_a_kind_the_user_no_longer_wants_goes_away_unsent() -> None:
    assert decide_claim(Kind.MOVEMENT, at(8), someone(Kind.HYDRATION), at(8)) == UNWANTED


def test_the_row_goes_away_when_its_series_has_no_next_slot() -> None:
    no_movement_days = someone(prefs=replace(PREFS, movement_days=0))
    decision = decide_claim(Kind.MOVEMENT, at(8), no_movement_days, at(8))
    assert decision == sent(next_due_at=None)


# --- The series moves on ------------------------------------------------------------------


def test_a_due_slot_is_sent_and_the_row_moves_to_the_next_slot() -> None:
    decision = decide_claim(Kind.MOVEMENT, at(8), someone(), at(8))
    assert decision == sent(next_due_at=at(9))


def test_a_slot_missed_by_less_than_its_grace_goes_out_late() -> None:
    decision = decide_claim(Kind.MOVEMENT, at(8), someone(), at(8, 9))
    assert decision == sent(next_due_at=at(9))


@pytest.mark.parametrize(
    ("now", "next_due_at"),
    [
        (at(8, 10), at(9)),  # exactly its grace (10 minutes) late: too late
        (at(9, 5), at(9)),  # 09:00, missed too but still within its own grace, is next
        (at(12, 30), at(13)),  # hours late: no burst of old slots
    ],
)
def test_a_slot_past_its_grace_is_held_back_and_the_row_moves_past_what_was_missed(
    now: datetime, next_due_at: datetime
) -> None:
    decision = decide_claim(Kind.MOVEMENT, at(8), someone(), now)
    # Recorded as dropped: it would have gone out at its time (never a silent skip).
    assert decision == ClaimDecision(send=False, next_due_at=next_due_at, dropped=True)
    assert decision.skipped


def test_a_late_slot_within_its_grace_leaves_the_next_one_alone() -> None:
    # Stretching has an hour's grace: 22:30 still goes at 23:15, and tomorrow's is next.
    decision = decide_claim(Kind.STRETCH, at(22, 30), someone(), at(23, 15))
    assert decision == sent(next_due_at=at(22, 30, TUESDAY))


# --- Pauses -------------------------------------------------------------------------------


def test_a_pause_holds_a_reminder_back_and_the_series_goes_on() -> None:
    decision = decide_claim(Kind.MOVEMENT, at(9), someone(paused_until=at(9, 30)), at(9))
    assert decision == held_back(next_due_at=at(10))
    assert decision.skipped


def test_a_pause_that_ends_at_the_slot_no_longer_holds_it_back() -> None:
    assert decide_claim(Kind.MOVEMENT, at(9), someone(paused_until=at(9)), at(9)).send


def test_the_weekly_summary_comes_even_during_a_pause() -> None:
    paused = someone(paused_until=at(12, day=SUNDAY + timedelta(days=1)))
    decision = decide_claim(Kind.SUMMARY, at(18, day=SUNDAY), paused, at(18, day=SUNDAY))
    assert decision == sent(next_due_at=at(18, day=SUNDAY + timedelta(days=7)))


def test_a_summary_past_its_grace_is_not_sent() -> None:
    late = at(18, day=SUNDAY) + timedelta(hours=12)
    assert not decide_claim(Kind.SUMMARY, at(18, day=SUNDAY), someone(), late).send


# --- Hydration pacing ---------------------------------------------------------------------


def test_a_drink_reminder_goes_to_someone_behind_pace() -> None:
    # 10:00 is the second drink slot: one cup so far is behind.
    decision = decide_claim(Kind.HYDRATION, at(10), someone(), at(10), water=drank(1))
    assert decision == sent(next_due_at=at(12))


def test_no_cups_logged_at_all_is_behind_pace() -> None:
    assert decide_claim(Kind.HYDRATION, at(8), someone(), at(8)).send


@pytest.mark.parametrize("cups", [2, 5])
def test_no_drink_reminder_for_someone_on_or_ahead_of_pace(cups: int) -> None:
    decision = decide_claim(Kind.HYDRATION, at(10), someone(), at(10), water=drank(cups))
    assert decision == held_back(next_due_at=at(12))
    assert decision.skipped


def test_no_drink_reminder_once_the_goal_is_met_and_the_next_is_tomorrow() -> None:
    decision = decide_claim(Kind.HYDRATION, at(22), someone(), at(22), water=drank(8))
    assert decision == held_back(next_due_at=at(8, day=TUESDAY))


def test_a_hot_day_paces_drinks_against_its_higher_goal() -> None:
    # Ten drinks over the 16 hours: 07:48, 09:24, 11:00, ...; 09:24 is the second.
    decision = decide_claim(
        Kind.HYDRATION, at(9, 24), someone(), at(9, 24), water=drank(1, goal=10)
    )
    assert decision == sent(next_due_at=at(11))


def test_a_drink_slot_that_a_hot_day_moved_is_not_sent() -> None:
    # Planned as the second of eight before the goal rose to ten: no longer a slot.
    decision = decide_claim(Kind.HYDRATION, at(10), someone(), at(10), water=drank(0, goal=10))
    assert decision == held_back(next_due_at=at(11))


def test_a_pause_holds_back_a_drink_reminder_however_far_behind() -> None:
    paused = someone(paused_until=at(11))
    assert not decide_claim(Kind.HYDRATION, at(10), paused, at(10), water=drank(0)).send


# --- Snoozes: one-off rows ----------------------------------------------------------------


def test_a_snoozed_reminder_is_sent_once_and_its_row_goes_away() -> None:
    decision = decide_claim(Kind.MOVEMENT, at(8, 15), someone(), at(8, 15), snooze=True)
    assert decision == sent(next_due_at=None)


@pytest.mark.parametrize(
    ("user", "now", "dropped"),
    [
        (someone(paused_until=at(9)), at(8, 15), False),  # paused since
        (someone(), at(8, 25), True),  # past its grace: recorded as dropped
    ],
)
def test_a_snooze_held_back_goes_away_all_the_same(
    user: Recipient, now: datetime, dropped: bool
) -> None:
    decision = decide_claim(Kind.MOVEMENT, at(8, 15), user, now, snooze=True)
    assert decision == ClaimDecision(send=False, next_due_at=None, dropped=dropped)
    assert decision.skipped


@pytest.mark.parametrize(
    ("cups", "expected"),
    [
        (3, sent(next_due_at=None)),  # ahead of pace at 08:30 (no drink slot): comes anyway
        (8, held_back(next_due_at=None)),  # the goal is met
    ],
)
def test_a_snoozed_drink_reminder_ignores_pace_until_the_goal_is_met(
    cups: int, expected: ClaimDecision
) -> None:
    decision = decide_claim(
        Kind.HYDRATION, at(8, 30), someone(), at(8, 30), snooze=True, water=drank(cups)
    )
    assert decision == expected


@pytest.mark.parametrize(
    ("snoozes", "skipped"),
    [
        ([at(9, 5)], True),  # asked for 5 minutes after the slot: the snooze is that nudge
        ([at(8, 40)], True),  # 20 minutes before it: the next nudge would come on its heels
        ([at(9, 20)], True),
        ([at(8, 39), at(9, 21)], False),  # 21 minutes either side: both come
        ([], False),
    ],
)
def test_a_snooze_stands_in_for_its_kinds_series_slot_up_to_20_minutes_either_side(
    snoozes: list[datetime], skipped: bool
) -> None:
    assert stood_in_for(at(9), snoozes) is skipped


# --- A possible clot (red flag 4) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "reported", "sent_now"),
    [
        (Kind.MOVEMENT, at(7), False),  # an hour after a report with swelling: no "walk"
        (Kind.STRETCH, at(7), False),  # nor the stretch routine
        (Kind.MOVEMENT, at(8, day=MONDAY - timedelta(days=2)) + timedelta(minutes=1), False),
        (Kind.MOVEMENT, at(8, day=MONDAY - timedelta(days=2)), True),  # two days on: again
        (Kind.MOVEMENT, at(9), True),  # dated after now: not yet in the diary
        (Kind.HYDRATION, at(7), True),  # drinking is not exercise
    ],
)
def test_a_clot_sign_holds_the_reminders_that_say_walk_or_stretch_for_two_days(
    kind: Kind, reported: datetime, sent_now: bool
) -> None:
    user = replace(someone(), clot_sign_at=reported)
    decision = decide_claim(kind, at(8), user, at(8), water=drank(0))
    assert decision.send is sent_now
    assert decision.next_due_at is not None  # held, not stopped: the series goes on
    if not sent_now:
        assert decision.skipped and not decision.dropped
