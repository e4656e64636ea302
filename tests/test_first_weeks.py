"""The first weeks: totals, nudges and the summary's words count only the days since the
user started (pure: no Telegram, no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.texts.medical import NUDGE_NIGHT, NUDGE_STRETCH, NUDGE_STRETCH_NIGHTS, NUDGE_WATER
from bot.texts.weekly_message import nudge_text, summary_text
from core.weekly import (
    DayRecord,
    WeekTotals,
    before_start,
    counted_from,
    counted_to,
    first_day,
    nudge,
    totals,
)
from tests.test_weekly import visible

MON = date(2026, 11, 16)
SUN = date(2026, 11, 22)
DAY = timedelta(days=1)
TITLE = "📊 Your week, 16–22 Nov"


def on(offset: int, **fields: int | bool) -> DayRecord:
    return DayRecord(MON + offset * DAY, **fields)  # type: ignore[arg-type]


def text(this: WeekTotals, previous: WeekTotals, days: list[DayRecord]) -> str:
    tip = nudge_text(nudge(this, days)) if this.days_passed > 0 else ""
    return visible(summary_text(this, previous, days, [], [], tip, TITLE))


# --- totals ----------------------------------------------------------------------------


def test_days_before_the_start_are_not_missed_days() -> None:
    days = [on(5, cups=4), on(6, cups=2, cramps=1)]  # started on Saturday
    this = totals(days, MON, SUN, since=MON + 5 * DAY)
    assert this.since == MON + 5 * DAY
    assert this.days_passed == 2
    assert this.avg_cups == pytest.approx(3.0)  # not 6 / 7
    assert (counted_from(this), counted_to(this)) == (MON + 5 * DAY, SUN)
    assert not before_start(this)


def test_a_start_on_or_before_the_weeks_first_day_changes_nothing() -> None:
    days = [on(0, cups=8), on(3, cramps=2)]
    whole = totals(days, MON, SUN)
    assert totals(days, MON, SUN, since=MON) == whole
    assert totals(days, MON, SUN, since=MON - 30 * DAY) == whole
    assert whole.since is None


def test_the_first_week_so_far_counts_from_the_start_to_today() -> None:
    this = totals([on(2, cups=6)], MON, SUN, today=MON + 3 * DAY, since=MON + 2 * DAY)
    assert (this.days_passed, this.avg_cups) == (2, 3.0)
    assert counted_to(this) == MON + 3 * DAY


def test_a_week_before_the_start_counts_nothing() -> None:
    week = totals([on(9, cups=8)], MON, SUN, since=MON + 9 * DAY)
    assert before_start(week)
    assert (week.days_passed, week.avg_cups, week.days_with_data) == (0, 0.0, 0)


def test_first_day_is_the_day_joined_or_an_earlier_day_in_the_diary() -> None:
    joined = MON + 3 * DAY
    assert first_day(joined, []) == joined
    assert first_day(joined, [on(5, cramps=1)]) == joined
    # A cramp logged for the night before joining: that day is the user's too.
    assert first_day(joined, [on(2, cramps=1), on(4, cups=1)]) == MON + 2 * DAY
    # Reminders merely sent are not the user's data.
    assert first_day(joined, [on(1, movement_sent=3)]) == joined


# --- nudge -----------------------------------------------------------------------------


def test_a_first_day_makes_no_claim_about_most_or_few_days() -> None:
    days = [on(6, cramps=1, night_cramps=1, cups=1)]
    this = totals(days, MON, SUN, since=SUN)
    assert nudge_text(nudge(this, days)) not in {
        NUDGE_WATER,
        NUDGE_STRETCH,
        NUDGE_STRETCH_NIGHTS,
        NUDGE_NIGHT,
    }


def test_the_first_weeks_nudge_looks_only_at_its_own_days() -> None:
    # Three short cramp days since Wednesday: "most" is earned.
    days = [on(i, cramps=1, cups=2, stretch_done=True) for i in (2, 3, 4)]
    this = totals(days, MON, SUN, today=MON + 4 * DAY, since=MON + 2 * DAY)
    assert nudge_text(nudge(this, days)) == NUDGE_WATER
    # Evenings counted from the start: 3 stretches in 3 days is not "few".
    stretched = [on(i, cups=8, stretch_done=True) for i in (2, 3, 4)]
    this = totals(stretched, MON, SUN, today=MON + 4 * DAY, since=MON + 2 * DAY)
    assert nudge_text(nudge(this, stretched)) != NUDGE_STRETCH


# --- words -----------------------------------------------------------------------------


def test_a_first_week_says_since_when_and_never_of_seven() -> None:
    days = [on(6, cramps=1, cups=1)]
    this = totals(days, MON, SUN, since=SUN)
    previous = totals(days, MON - 7 * DAY, SUN - 7 * DAY, since=SUN)
    said = text(this, previous, days)
    assert "since you started on Sun 22 Nov" in said
    assert "Counting the 1 day since you started on Sun 22 Nov." in said
    assert "Water goal met on 0 of 1 day;" in said
    assert "1.0 cups a day on average" in said
    assert "Bedtime stretch done on 0 of 1 night" in said
    assert "of 7" not in said and "Most" not in said and "most" not in said.split("For next")[1]
    assert "last week" not in said  # no week before the start to compare with
    assert "so far" not in said  # the week is over
    assert "Cramps · · · · · · ▁" not in said and "Cramps · · · · · · █" in said


def test_a_first_week_so_far_and_the_chart_mark_the_days_not_counted() -> None:
    days = [on(2, cups=4, cramps=2), on(3, cups=8)]
    this = totals(days, MON, SUN, today=MON + 3 * DAY, since=MON + 2 * DAY)
    said = text(this, totals([], MON - 7 * DAY, SUN - 7 * DAY, since=MON + 2 * DAY), days)
    assert "Counting the 2 days since you started on Wed 18 Nov." in said
    assert "Water goal met on 1 of 2 days so far;" in said
    assert "Cramps · · █ ▁ · · ·" in said


def test_the_second_week_compares_with_the_first_by_its_size() -> None:
    days = [on(-2, cramps=2, cups=8), on(1, cramps=1, cups=8)]
    previous = totals(days, MON - 7 * DAY, SUN - 7 * DAY, since=MON - 2 * DAY)
    this = totals(days, MON, SUN, since=MON - 2 * DAY)
    said = text(this, previous, days)
    assert "Cramps: 1 (last week: 2 in your first 2 days)" in said
    assert "since you started" not in said  # this week is whole


def test_nothing_logged_since_the_start_is_said_kindly() -> None:
    this = totals([], MON, SUN, today=SUN, since=MON + 4 * DAY)
    said = text(this, totals([], MON - 7 * DAY, SUN - 7 * DAY, since=MON + 4 * DAY), [])
    assert "Nothing logged since you started on Fri 20 Nov, and that's okay." in said
    assert "of 3" not in said and "Cramps" not in said


def test_a_week_before_the_start_sends_nothing_misleading() -> None:
    this = totals([], MON, SUN, since=SUN + 2 * DAY)
    said = text(this, totals([], MON - 7 * DAY, SUN - 7 * DAY, since=SUN + 2 * DAY), [])
    assert "You started on Tue 24 Nov, after this week" in said
    assert "Nothing logged" not in said and "0 of" not in said and "Cramps" not in said


@settings(max_examples=200, deadline=None)
@given(
    since=st.integers(-3, 10),
    today=st.integers(-1, 8),
    days=st.lists(
        st.builds(
            DayRecord,
            day=st.integers(-10, 10).map(lambda i: MON + i * DAY),
            cramps=st.integers(0, 3),
            night_cramps=st.integers(0, 2),
            cups=st.integers(0, 10),
            stretch_done=st.booleans(),
            movement_sent=st.integers(0, 5),
            movement_done=st.integers(0, 5),
        ),
        max_size=12,
    ),
)
def test_no_first_week_claims_more_days_than_it_counts(
    since: int, today: int, days: list[DayRecord]
) -> None:
    start = MON + since * DAY
    this = totals(days, MON, SUN, today=MON + today * DAY, since=start)
    previous = totals(days, MON - 7 * DAY, SUN - 7 * DAY, since=start)
    assert 0 <= this.days_passed <= 7
    assert this.days_goal_met <= this.days_passed and this.stretch_nights <= this.days_passed
    said = text(this, previous, days)
    if this.since is not None:
        assert "of 7 days" not in said and "of 7 nights" not in said
        assert "since you started on" in said or "after this week" in said
