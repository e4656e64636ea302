"""totals() in one pass adds up exactly what its former, series-building form did."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.diary import Duration, Place, SpasmKind
from core.weekly import DayRecord, WeekTotals, daily_series, totals

START = date(2026, 11, 16)
_RANK = {
    Duration.UNDER_1_MIN: 0,
    Duration.MIN_1_TO_10: 1,
    Duration.STILL_GOING: 2,
    Duration.OVER_10_MIN: 3,
}


def former_totals(
    days: list[DayRecord], start: date, end: date, today: date | None = None
) -> WeekTotals:
    """totals() as it was before the one-pass rewrite."""
    last = end if today is None else min(today, end)
    series = daily_series(days, start, last)
    severity_count = sum(d.severity_count for d in series)
    severities = [d.max_severity for d in series if d.max_severity is not None]
    durations = [d.longest for d in series if d.longest is not None]
    by_place = {p: n for p in Place if (n := sum(d.by_place.get(p, 0) for d in series))}
    by_kind = {k: n for k in SpasmKind if (n := sum(d.by_kind.get(k, 0) for d in series))}
    has_data = [d.cramps > 0 or d.cups > 0 or d.movement_done > 0 or d.stretch_done for d in series]
    return WeekTotals(
        start=start,
        end=end,
        days_with_data=sum(has_data),
        cramps=sum(d.cramps for d in series),
        night_cramps=sum(d.night_cramps for d in series),
        day_cramps=sum(max(d.cramps - d.night_cramps, 0) for d in series),
        avg_severity=(
            sum(d.severity_sum for d in series) / severity_count if severity_count > 0 else None
        ),
        max_severity=max(severities, default=None),
        longest=max(durations, key=_RANK.__getitem__, default=None),
        by_place=by_place,
        by_kind=by_kind,
        days_goal_met=sum(d.cups >= max(d.goal, 1) for d in series),
        avg_cups=sum(d.cups for d in series) / len(series) if series else 0.0,
        movement_sent=sum(d.movement_sent for d in series),
        movement_done=sum(d.movement_done for d in series),
        stretch_nights=sum(d.stretch_done for d in series),
        days_passed=len(series),
    )


small = st.integers(0, 6)
records = st.builds(
    DayRecord,
    day=st.integers(-3, 10).map(lambda offset: START + timedelta(days=offset)),
    cramps=small,
    night_cramps=small,
    severity_sum=st.integers(0, 40),
    severity_count=small,
    max_severity=st.one_of(st.none(), st.integers(1, 10)),
    longest=st.one_of(st.none(), st.sampled_from(Duration)),
    by_place=st.dictionaries(st.sampled_from(Place), st.integers(0, 3), max_size=4),
    by_kind=st.dictionaries(st.sampled_from(SpasmKind), st.integers(0, 3), max_size=3),
    cups=st.integers(0, 12),
    goal=st.integers(0, 12),
    movement_sent=small,
    movement_done=small,
    stretch_done=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    days=st.lists(records, max_size=12),
    today=st.one_of(st.none(), st.integers(-2, 9).map(lambda d: START + timedelta(days=d))),
)
def test_totals_match_the_former_series_sums(days: list[DayRecord], today: date | None) -> None:
    end = START + timedelta(days=6)
    assert totals(days, START, end, today) == former_totals(days, START, end, today)
