"""Weekly summaries: totals, summary weeks, sparklines, insights at their minimum data,
nudges, and the message text (numbers, escaping, length)."""

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from itertools import permutations
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.texts.medical import (
    NUDGE_FOOTWEAR,
    NUDGE_MAGNESIUM,
    NUDGE_MOVEMENT,
    NUDGE_NIGHT,
    NUDGE_POTASSIUM,
    NUDGE_STRETCH,
    NUDGE_STRETCH_NIGHTS,
    NUDGE_WATER,
    RULE_ACTIONS,
    RULE_TITLES,
)
from bot.texts.weekly_message import (
    MAX_SUMMARY_CHARS,
    PATTERN_NOTE,
    insight_text,
    nudge_text,
    summary_text,
    summary_title,
    week_title,
)
from core.diary import Duration, Place, SpasmKind
from core.redflags import RULES
from core.weekly import (
    MIN_DAYS_FOR_MOST,
    DayRecord,
    Insight,
    InsightKind,
    Nudge,
    WeekTotals,
    _clear,
    daily_series,
    insights,
    is_empty,
    nudge,
    period,
    sparkline,
    totals,
)

MON = date(2026, 11, 16)  # a Monday
SUN = date(2026, 11, 22)
WEEK = [MON + timedelta(days=i) for i in range(7)]
DAY = timedelta(days=1)


def day(offset: int, **fields: Any) -> DayRecord:
    """A record `offset` days after MON."""
    return DayRecord(MON + timedelta(days=offset), **fields)


# A week with something in every column, plus records just outside it.
FIXED = [
    day(-1, cramps=5, night_cramps=5, cups=8, stretch_done=True, by_place={Place.NECK: 5}),
    day(
        0,
        cramps=2,
        night_cramps=1,
        severity_sum=13,
        severity_count=2,
        max_severity=8,
        longest=Duration.MIN_1_TO_10,
        by_place={Place.CALF: 2},
        by_kind={SpasmKind.CRAMP: 2},
        cups=4,
        movement_sent=5,
        movement_done=2,
    ),
    day(
        2,
        cramps=1,
        longest=Duration.STILL_GOING,
        by_place={Place.FOOT: 1, Place.CALF: 1},
        by_kind={SpasmKind.TWITCH: 1},
        cups=9,
        stretch_done=True,
    ),
    day(3, cups=10, goal=10, movement_sent=4, movement_done=4),  # a raised goal, met
    day(5, stretch_done=True),  # only a stretch: still a day with data
    day(6, movement_sent=3),  # reminders sent, none answered: no data
    day(7, cramps=9, cups=8, max_severity=10, longest=Duration.OVER_10_MIN),
]


def week(days: list[DayRecord], today: date | None = None) -> WeekTotals:
    return totals(days, MON, SUN, today)


# --- totals ----------------------------------------------------------------------------


def test_totals_add_up_the_week_and_only_the_week() -> None:
    t = week(FIXED)
    assert (t.start, t.end) == (MON, SUN)
    assert t.days_with_data == 4
    assert (t.cramps, t.night_cramps, t.day_cramps) == (3, 1, 2)
    assert t.avg_severity == pytest.approx(6.5)
    assert t.max_severity == 8
    assert t.longest == Duration.STILL_GOING  # OVER_10_MIN is on the day after the week
    assert t.by_place == {Place.CALF: 3, Place.FOOT: 1}
    assert t.by_kind == {SpasmKind.CRAMP: 2, SpasmKind.TWITCH: 1}
    assert t.days_goal_met == 2
    assert t.avg_cups == pytest.approx((4 + 9 + 10) / 7)
    assert (t.movement_sent, t.movement_done) == (12, 6)
    assert t.stretch_nights == 2
    assert t.days_passed == 7
    assert not is_empty(t)


def test_today_makes_it_the_week_so_far() -> None:
    wednesday = week(FIXED, today=MON + 2 * DAY)
    assert wednesday.avg_cups == pytest.approx((4 + 0 + 9) / 3)
    assert wednesday.days_passed == 3
    assert (wednesday.start, wednesday.end) == (MON, SUN)
    # Thursday's goal and movement, and Saturday's stretch, have not happened yet.
    assert (wednesday.days_goal_met, wednesday.stretch_nights, wednesday.movement_sent) == (
        1,
        1,
        5,
    )
    assert wednesday.days_with_data == 2
    assert week(FIXED, today=SUN).avg_cups == week(FIXED).avg_cups
    assert week(FIXED, today=SUN + 30 * DAY).days_passed == 7
    before = week(FIXED, today=MON - DAY)
    assert (before.days_passed, before.avg_cups) == (0, 0.0)


def test_an_empty_week_has_no_averages() -> None:
    t = week([])
    assert is_empty(t)
    assert (t.cramps, t.days_goal_met, t.avg_cups) == (0, 0, 0.0)
    assert (t.avg_severity, t.max_severity, t.longest) == (None, None, None)
    assert t.by_place == {} and t.by_kind == {}


def test_missing_days_have_the_default_goal_and_a_zero_goal_is_not_met_by_nothing() -> None:
    assert week([day(1, goal=0)]).days_goal_met == 0
    assert week([day(1, goal=0, cups=1)]).days_goal_met == 1
    assert week([day(1, cups=7)]).days_goal_met == 0
    assert week([day(1, cups=8)]).days_goal_met == 1


RANKED = [Duration.UNDER_1_MIN, Duration.MIN_1_TO_10, Duration.STILL_GOING, Duration.OVER_10_MIN]


@pytest.mark.parametrize("order", list(permutations(RANKED, 2)))
def test_longest_follows_the_ranking(order: tuple[Duration, Duration]) -> None:
    first, second = order
    expected = max(order, key=RANKED.index)
    assert week([day(0, longest=first), day(1, longest=second)]).longest == expected


@pytest.mark.parametrize("outside", [MON - DAY, SUN + DAY])
def test_the_days_either_side_of_the_week_are_left_out(outside: date) -> None:
    t = week([DayRecord(outside, cramps=1, cups=8, stretch_done=True)])
    assert is_empty(t)
    assert (t.cramps, t.days_goal_met, t.stretch_nights) == (0, 0, 0)
    assert all(d.day != outside for d in daily_series([DayRecord(outside)], MON, SUN))


def test_daily_series_fills_gaps_and_keeps_one_record_a_day() -> None:
    series = daily_series([day(2, cups=3), day(2, cups=5), day(9, cups=1)], MON, SUN)
    assert [d.day for d in series] == WEEK
    assert [d.cups for d in series] == [0, 0, 5, 0, 0, 0, 0]  # the last of a repeated date
    assert daily_series([], SUN, MON) == []


# --- period ----------------------------------------------------------------------------


@pytest.mark.parametrize("weekday", range(7))
@pytest.mark.parametrize("offset", range(14))
def test_period_holds_today_and_ends_on_the_summary_weekday(weekday: int, offset: int) -> None:
    today = MON + timedelta(days=offset)
    start, end = period(weekday, today)
    assert end.weekday() == weekday
    assert end - start == 6 * DAY
    assert start <= today <= end
    assert period(weekday, today, "last") == (start - 7 * DAY, end - 7 * DAY)


@pytest.mark.parametrize("weekday", range(7))
def test_the_summary_day_itself_ends_its_week(weekday: int) -> None:
    summary_day = MON + timedelta(days=weekday)
    assert period(weekday, summary_day) == (summary_day - 6 * DAY, summary_day)
    assert period(weekday, summary_day + DAY) == (summary_day + DAY, summary_day + 7 * DAY)
    assert period(weekday, summary_day, "last") == (summary_day - 13 * DAY, summary_day - 7 * DAY)


def test_the_default_week_runs_monday_to_sunday() -> None:
    assert period(6, MON + 3 * DAY) == (MON, SUN)
    assert period(6, SUN, "last") == (MON - 7 * DAY, SUN - 7 * DAY)


@pytest.mark.parametrize(("weekday", "which"), [(7, "current"), (-1, "current"), (6, "next")])
def test_period_refuses_nonsense(weekday: int, which: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        period(weekday, MON, which)


@pytest.mark.parametrize("sunday", [date(2026, 10, 25), date(2026, 3, 29)])
def test_a_week_with_a_clock_change_still_has_seven_days(sunday: date) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start, end = period(6, sunday)
    noon = [datetime.combine(d, time(12), berlin).utcoffset() for d in (start, end)]
    assert noon[0] != noon[1]  # the clocks really change inside this week
    records = [DayRecord(start + timedelta(days=i), cramps=1, cups=8) for i in range(7)]
    assert [d.day for d in daily_series(records, start, end)] == [r.day for r in records]
    t = totals(records, start, end)
    assert (t.cramps, t.days_with_data, t.days_goal_met, t.avg_cups) == (7, 7, 7, 8.0)


# --- sparkline -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 1, 2, 3, 4, 5, 6, 7], "▁▂▃▄▅▆▇█"),
        ([0, 2, 4, 6, 8, 10, 12, 14], "▁▂▃▄▅▆▇█"),
        ([3, 6], "▅█"),
        ([1, 100], "▂█"),  # any cramp stands out from none
        ([5], "█"),
        ([0, 0, 0], "▁▁▁"),
        ([-3, 0, 2], "▁▁█"),
        ([], ""),
    ],
)
def test_sparkline_scales_to_the_largest(values: list[int], expected: str) -> None:
    assert sparkline(values) == expected


@given(st.lists(st.integers()))
def test_sparkline_never_raises_and_gives_a_block_per_value(values: list[int]) -> None:
    line = sparkline(values)
    assert len(line) == len(values)
    assert set(line) <= set("▁▂▃▄▅▆▇█")
    if any(v > 0 for v in values):
        assert "█" in line
        assert all((c == "▁") == (v <= 0) for c, v in zip(line, values, strict=True))


# --- insights --------------------------------------------------------------------------

TODAY = SUN


def dated(records: list[dict[str, Any]], today: date = TODAY) -> list[DayRecord]:
    """Days counting back from `today`, one per dict of fields."""
    return [DayRecord(today - timedelta(days=i), **fields) for i, fields in enumerate(records)]


def stretch_days(hits_a: int, n_a: int, hits_b: int, n_b: int) -> list[dict[str, Any]]:
    """n_a stretched nights (hits_a with a night cramp) and n_b without (hits_b).

    Cups at the goal every day, so only the stretch insight can appear.
    """

    def night(stretch: bool, cramp: bool) -> dict[str, Any]:
        return {"stretch_done": stretch, "cramps": cramp, "night_cramps": cramp, "cups": 8}

    return [night(True, i < hits_a) for i in range(n_a)] + [
        night(False, i < hits_b) for i in range(n_b)
    ]


def water_days(hits_a: int, n_a: int, hits_b: int, n_b: int) -> list[dict[str, Any]]:
    """n_a cramp days (hits_a under 5 cups) and n_b cramp-free days (hits_b under 5)."""

    def one(cramp: bool, low: bool) -> dict[str, Any]:
        return {"cramps": int(cramp), "cups": 4 if low else 5}

    return [one(True, i < hits_a) for i in range(n_a)] + [
        one(False, i < hits_b) for i in range(n_b)
    ]


def movement_days(hits_a: int, n_a: int, hits_b: int, n_b: int) -> list[dict[str, Any]]:
    """n_a days with most of 4 reminders answered (hits_a with a cramp), n_b with half."""

    def one(moved: int, cramp: bool) -> dict[str, Any]:
        return {"movement_sent": 4, "movement_done": moved, "cramps": int(cramp), "cups": 8}

    return [one(3, i < hits_a) for i in range(n_a)] + [one(2, i < hits_b) for i in range(n_b)]


BUILDERS = {"stretch": stretch_days, "water": water_days, "movement": movement_days}

# (hits in group a, its size, hits in group b, its size, whether the insight appears)
BOUNDARIES = [
    pytest.param(0, 4, 3, 4, True, id="minimum-groups-and-outcomes"),
    pytest.param(0, 3, 3, 4, False, id="first-group-one-short"),
    pytest.param(3, 4, 0, 3, False, id="second-group-one-short"),
    pytest.param(0, 4, 2, 4, False, id="outcomes-one-short"),
    pytest.param(1, 4, 2, 4, True, id="exactly-25-points"),
    pytest.param(0, 4, 5, 21, False, id="23.8-points"),  # the nearest to 24 that 28 days allow
    pytest.param(2, 4, 1, 4, True, id="either-direction"),
]


@pytest.mark.parametrize("kind", list(BUILDERS))
@pytest.mark.parametrize(("a", "n", "b", "m", "shown"), BOUNDARIES)
def test_each_insight_needs_its_minimum_data(
    kind: str, a: int, n: int, b: int, m: int, shown: bool
) -> None:
    found = insights(dated(BUILDERS[kind](a, n, b, m)), TODAY, limit=3)
    assert [i.kind for i in found] == ([kind] if shown else [])


def test_24_points_is_not_clear_and_25_is() -> None:
    assert not _clear(0, 100, 24, 100)
    assert _clear(0, 100, 25, 100)
    assert _clear(25, 100, 0, 100)


def test_insight_texts_state_both_counts() -> None:
    [stretch] = insights(dated(stretch_days(1, 5, 4, 6)), TODAY)
    assert (
        insight_text(stretch)
        == "Night cramps after an evening stretch: 1 of 5 nights; without: 4 of 6."
    )
    [water] = insights(dated(water_days(4, 5, 2, 9)), TODAY)
    assert insight_text(water) == (
        "Days with a cramp that had fewer than 5 cups: 4 of 5; days without a cramp: 2 of 9."
    )
    [movement] = insights(dated(movement_days(1, 6, 4, 7)), TODAY)
    assert insight_text(movement) == (
        "Days with a cramp: 1 of 6 when you moved for most reminders; 4 of 7 when you didn't."
    )


def test_every_insight_kind_and_nudge_has_its_own_words() -> None:
    sentences = {insight_text(Insight(kind, 1, 4, 3, 4)) for kind in InsightKind}
    assert len(sentences) == len(InsightKind)
    assert all("1 of 4" in s and "3 of 4" in s for s in sentences)
    assert len({nudge_text(n) for n in Nudge}) == len(Nudge)


def test_only_the_28_days_ending_today_count() -> None:
    # 3 of 4 stretched nights with a cramp and 0 of 4 without: the 8th day back decides.
    fields = stretch_days(3, 4, 0, 4)

    def eighth_on(when: date) -> list[DayRecord]:
        return [*dated(fields[:7]), DayRecord(when, **fields[7])]

    assert [i.kind for i in insights(eighth_on(TODAY - 27 * DAY), TODAY)] == ["stretch"]
    assert insights(eighth_on(TODAY - 28 * DAY), TODAY) == []
    assert insights(eighth_on(TODAY + DAY), TODAY) == []


def test_days_without_data_or_cups_or_reminders_are_not_counted() -> None:
    # Each group one short, padded with days that must not fill the gap.
    assert insights(dated(stretch_days(0, 4, 3, 3) + [{}] * 10), TODAY) == []
    water = water_days(3, 3, 0, 4) + [{"cramps": 1}] * 3  # cramps, but no cups logged
    assert insights(dated(water), TODAY) == []
    movement = (
        movement_days(0, 4, 3, 3)
        + [{"cramps": 1, "movement_sent": 2, "movement_done": 0, "cups": 8}] * 3
    )  # too few reminders to judge
    assert insights(dated(movement), TODAY) == []


def test_five_cups_is_not_a_low_day() -> None:
    five = [{"cramps": 1, "cups": 5}] * 4 + [{"cups": 4}] * 4
    four = [{"cramps": 1, "cups": 4}] * 4 + [{"cups": 5}] * 4
    assert [i.kind for i in insights(dated(five), TODAY)] == ["water"]  # 0 of 4 vs 4 of 4
    assert insight_text(insights(dated(four), TODAY)[0]).endswith(
        "4 of 4; days without a cramp: 0 of 4."
    )


def both_patterns() -> list[DayRecord]:
    """Stretch: 1 of 4 vs 4 of 5 nights (55 points). Water: 4 of 5 vs 0 of 4 (80 points)."""
    stretched = [{"stretch_done": True, "cups": 8}] * 3 + [
        {"stretch_done": True, "cups": 8, "cramps": 1, "night_cramps": 1}
    ]
    plain = [{"cups": 3, "cramps": 1, "night_cramps": 1}] * 4 + [{"cups": 8}]
    return dated(stretched + plain)


def test_insights_come_largest_difference_first_up_to_the_limit() -> None:
    history = both_patterns()
    assert [i.kind for i in insights(history, TODAY)] == ["water", "stretch"]
    assert [i.kind for i in insights(history, TODAY, limit=1)] == ["water"]
    assert insights(history, TODAY, limit=0) == []
    assert insights([], TODAY) == []


# --- nudge -----------------------------------------------------------------------------


def every_night(**fields: Any) -> list[DayRecord]:
    """A week of stretched evenings, so the stretch branch stays quiet."""
    return [DayRecord(d, stretch_done=True, cups=8, **fields) for d in WEEK]


def nudge_for(records: list[DayRecord], today: date | None = None) -> str:
    return nudge_text(nudge(week(records, today), records))


def with_day(records: list[DayRecord], offset: int, **fields: Any) -> list[DayRecord]:
    return [replace(r, **fields) if r.day == MON + timedelta(days=offset) else r for r in records]


def short_cramp_days(records: list[DayRecord], *offsets: int) -> list[DayRecord]:
    for offset in offsets:
        records = with_day(records, offset, cramps=1, cups=3)
    return records


def test_nudge_water_when_most_cramp_days_fall_short() -> None:
    assert nudge_for(short_cramp_days(every_night(), 1, 2, 3)) == NUDGE_WATER
    assert nudge_for(with_day(short_cramp_days(every_night(), 1, 2), 3, cramps=1)) == NUDGE_WATER
    # Half is not most: two short days and two at the goal.
    half = with_day(with_day(short_cramp_days(every_night(), 1, 2), 3, cramps=1), 4, cramps=1)
    assert nudge_for(half) != NUDGE_WATER
    # One or two cramp days are no "most", however short they fell.
    assert MIN_DAYS_FOR_MOST == 3
    assert nudge_for(short_cramp_days(every_night(), 1)) != NUDGE_WATER
    assert nudge_for(short_cramp_days(every_night(), 1, 2)) != NUDGE_WATER
    # No cups logged all week: nothing to say about water.
    assert nudge_for([day(1, cramps=1)]) != NUDGE_WATER


def test_nudge_stretch_when_fewer_than_half_the_evenings_had_one() -> None:
    three = [day(i, stretch_done=i < 3, cups=8) for i in range(7)]
    four = [day(i, stretch_done=i < 4, cups=8) for i in range(7)]
    assert nudge_for(three) == NUDGE_STRETCH
    assert nudge_for(four) != NUDGE_STRETCH
    assert nudge_for(with_day(three, 5, night_cramps=1, cramps=1)) == NUDGE_STRETCH_NIGHTS
    # The week so far: 2 stretches in 3 days is most of them.
    assert nudge_for(three[:2], today=MON + 2 * DAY) != NUDGE_STRETCH
    # 0 of 2 evenings is too few evenings to call them few; and no "even with your stretches".
    none = [day(i, cups=8, cramps=1, night_cramps=1) for i in range(2)]
    quiet = {NUDGE_STRETCH, NUDGE_STRETCH_NIGHTS, NUDGE_NIGHT}
    assert nudge_for(none, today=MON + DAY) not in quiet
    assert nudge_for(none, today=MON + 2 * DAY) == NUDGE_STRETCH_NIGHTS


def test_nudge_movement_when_most_reminders_went_unanswered() -> None:
    assert nudge_for(every_night(movement_sent=2, movement_done=0)) == NUDGE_MOVEMENT
    assert nudge_for(every_night(movement_sent=2, movement_done=1)) != NUDGE_MOVEMENT
    assert nudge_for(with_day(every_night(), 0, movement_sent=2)) != NUDGE_MOVEMENT  # too few
    # Many reminders, but on two days only: too few days to speak of "most".
    two_days = with_day(with_day(every_night(), 0, movement_sent=9), 1, movement_sent=9)
    assert nudge_for(two_days) != NUDGE_MOVEMENT


def test_nudge_night_cramps_despite_stretching() -> None:
    assert nudge_for(with_day(every_night(), 3, cramps=1, night_cramps=1)) == NUDGE_NIGHT


def test_nudge_footwear_for_calf_or_foot_cramps() -> None:
    for place in (Place.CALF, Place.FOOT):
        records = with_day(every_night(), 3, cramps=1, by_place={place: 1})
        assert nudge_for(records) == NUDGE_FOOTWEAR
    assert nudge_for(with_day(every_night(), 3, cramps=1, by_place={Place.BACK: 1})) in {
        NUDGE_MAGNESIUM,
        NUDGE_POTASSIUM,
    }


def test_a_quiet_week_gets_a_food_tip_that_alternates_week_by_week() -> None:
    this_week = every_night()
    next_week = [replace(r, day=r.day + 7 * DAY) for r in this_week]
    tips = [
        nudge_text(nudge(totals(this_week, MON, SUN), this_week)),
        nudge_text(nudge(totals(next_week, MON + 7 * DAY, SUN + 7 * DAY), next_week)),
    ]
    assert set(tips) == {NUDGE_MAGNESIUM, NUDGE_POTASSIUM}
    assert nudge_text(nudge(totals(this_week, MON, SUN), this_week)) == tips[0]


# --- summary_text ----------------------------------------------------------------------

ALLOWED_TAGS = {"b", "i", "code"}
BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27|#\d+);)")


class _Tags(HTMLParser):
    """Fails on any tag outside b/i/code, on attributes, and on unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS and not attrs, tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible(html: str) -> str:
    """The text Telegram would show, after checking the markup is what it accepts."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert parser.open == []
    assert not BAD_AMPERSAND.search(html)
    return "".join(parser.text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def previous_week(cramps: int, goal_days: int) -> WeekTotals:
    """Last week: all its cramps on the Monday, the goal met on its first `goal_days` days."""
    records = [
        DayRecord(MON - timedelta(days=7 - i), cramps=cramps * (i == 0), cups=8 * (i < goal_days))
        for i in range(7)
    ]
    return totals(records, MON - 7 * DAY, SUN - 7 * DAY)


def message(
    this: WeekTotals | None = None,
    previous: WeekTotals | None = None,
    days: list[DayRecord] = FIXED,
    flags: tuple[int, ...] = (),
    found: tuple[str, ...] = (),
    tip: str = "Drink water.",
    title: str = "📊 Your week, 16–22 Nov",
) -> str:
    return summary_text(
        this or week(days),
        previous or previous_week(5, 3),
        days,
        flags,
        found,
        tip,
        title,
    )


def test_summary_shows_the_weeks_numbers() -> None:
    text = visible(message())
    for expected in [
        "📊 Your week, 16–22 Nov",
        "Cramps: 3 (↓ from 5 last week)",
        "At night: 1",
        "By day: 2",
        "Severity: 6.5 on average, highest 8 (out of 10)",
        "Longest: still going",
        "Where: calf 3, foot / toes 1",
        "Type: cramp 2, twitch 1",
        "Water goal met on 2 of 7 days (↓ from 3 last week); 3.3 cups a day on average",
        "Movement reminders acted on: 6 of 12",
        "Bedtime stretch done on 2 of 7 nights",
        "M T W T F S S\nCramps █ ▁ ▅ ▁ ▁ ▁ ▁\nCups   ▄ ▁ ▇ █ ▁ ▁ ▁",
        "For next week\nDrink water.",
    ]:
        assert expected in text
    assert "<code>" in message()
    assert "so far" not in text


@pytest.mark.parametrize(
    ("cramps", "goal_days", "cramp_words", "water_words"),
    [
        (1, 1, "(↑ from 1 last week)", "(↑ from 1 last week)"),
        (3, 2, "(= same as last week)", "(= same as last week)"),
        (7, 5, "(↓ from 7 last week)", "(↓ from 5 last week)"),
    ],
)
def test_summary_compares_with_last_week(
    cramps: int, goal_days: int, cramp_words: str, water_words: str
) -> None:
    text = visible(message(previous=previous_week(cramps, goal_days)))
    assert f"Cramps: 3 {cramp_words}" in text
    assert f"2 of 7 days {water_words}" in text


def test_no_comparison_with_a_week_where_nothing_was_logged() -> None:
    text = visible(message(previous=totals([], MON - 7 * DAY, SUN - 7 * DAY)))
    assert "Cramps: 3 (nothing logged last week)" in text
    assert "↑" not in text and "↓" not in text


def test_a_week_without_cramps_says_so_plainly() -> None:
    records = [day(i, cups=8, stretch_done=True) for i in range(7)]
    text = visible(message(days=records))
    assert "No cramps logged (↓ from 5 last week)" in text
    assert "Severity" not in text and "Where" not in text
    assert "Water goal met on 7 of 7 days" in text


def test_the_week_so_far_shows_only_the_days_gone_by() -> None:
    so_far = week(FIXED, today=MON + 2 * DAY)
    text = visible(message(this=so_far))
    assert "Water goal met on 1 of 3 days so far" in text
    assert "Bedtime stretch done on 1 of 3 nights so far" in text
    assert "Cramps █ ▁ ▅ · · · ·" in text


def test_summary_lists_each_red_flag_once_with_its_advice() -> None:
    text = visible(message(flags=(4, 12, 4, 99)))
    for rule_id in (4, 12):
        assert f"{RULE_TITLES[rule_id]}: {RULE_ACTIONS[rule_id]}" in text
    assert text.count(RULE_TITLES[4]) == 1
    assert f"{RULE_ACTIONS[4]} (2 times this week)" in text  # each clot sign counted
    assert f"{RULE_ACTIONS[12]} (" not in text
    assert "Worth raising with a doctor" in text
    assert "Worth raising" not in visible(message(flags=(99,)))  # a retired id says nothing


def test_insights_carry_one_not_proof_sentence() -> None:
    found = ("Pattern one: 1 of 5.", "Pattern two: 4 of 5.")
    text = visible(message(found=found))
    assert "Pattern one: 1 of 5." in text and "Pattern two: 4 of 5." in text
    assert text.count("not proof") == 1 and PATTERN_NOTE in text
    assert "not proof" not in visible(message())


def test_everything_dynamic_is_escaped() -> None:
    html = message(
        title="<script>alert(1)</script> & co",
        found=('<b>bold</b> & "quoted"',),
        tip="<i>tip</i> & more",
    )
    assert "<script>" not in html and "<b>bold</b>" not in html and "<i>tip</i>" not in html
    text = visible(html)
    assert "<script>alert(1)</script> & co" in text
    assert '<b>bold</b> & "quoted"' in text
    assert "<i>tip</i> & more" in text


def test_an_empty_week_gets_a_short_kind_message() -> None:
    empty = week([])
    text = visible(message(this=empty, days=[], found=("x",)))
    assert text.startswith("📊 Your week, 16–22 Nov\n")
    assert "Nothing logged this week, and that's okay." in text
    assert "Cramps" not in text and "0 of 7" not in text and "<code>" not in text
    assert "not proof" not in text and "Drink water" not in text
    assert len(text) < 300
    so_far = visible(message(this=week([], today=MON), days=[]))
    assert "Nothing logged this week so far" in so_far


def test_an_empty_week_still_shows_its_red_flags() -> None:
    text = visible(message(this=week([]), days=[], flags=(9,)))
    assert "Nothing logged this week" in text
    assert RULE_TITLES[9] in text


def test_every_red_flag_survives_the_longest_realistic_message() -> None:
    long_insights = tuple("&<" * 400 for _ in range(5))
    html = message(
        flags=tuple(r.id for r in RULES),
        found=long_insights,
        tip="💡" * 2000,
        title="📊" * 500,
    )
    assert utf16_len(html) <= MAX_SUMMARY_CHARS
    text = visible(html)
    assert all(RULE_TITLES[r.id] in text for r in RULES)
    assert "Cramps: 3" in text


def test_a_long_message_gives_up_the_tip_then_insights_then_advice_then_flags() -> None:
    found = ("FIRST-PATTERN", "SECOND-PATTERN")
    titles = [f"<b>{RULE_TITLES[r.id]}</b>" for r in RULES]
    stages = set()
    for digits in range(1, 1800):
        # Ever longer movement figures squeeze everything after them.
        this = replace(week(FIXED), movement_sent=10**digits, movement_done=10**digits)
        html = message(this=this, flags=tuple(r.id for r in RULES), found=found, tip="TIP")
        assert utf16_len(html) <= MAX_SUMMARY_CHARS
        visible(html)
        tip, second, first = ("TIP" in html), ("SECOND-" in html), ("FIRST-" in html)
        advice = any(f"{title}: " in html for title in titles)
        shown = [title in html for title in titles]
        assert not tip or second
        assert not second or first
        assert not first or advice
        assert not advice or all(shown)
        assert shown == sorted(shown, reverse=True)  # flags go from the end
        if any(shown) and not all(shown):
            assert f"…and {shown.count(False)} more; /flags lists them all." in html
        if not any(shown) and "Worth raising" in html:
            assert f"{len(RULES)} this week; /flags lists them all." in html
        stages.add((tip, second, first, advice, sum(shown)))
    # Every step was taken on the way down.
    n = len(RULES)
    assert {(True, True, True, True, n), (False, True, True, True, n)} <= stages
    assert {(False, False, True, True, n), (False, False, False, True, n)} <= stages
    assert (False, False, False, False, n) in stages
    assert any(0 < shown < n for *_, shown in stages)


def test_absurd_numbers_are_cut_at_whole_lines() -> None:
    huge = 10**600
    this = replace(week(FIXED), cramps=huge, night_cramps=huge, day_cramps=huge)
    this = replace(this, movement_sent=huge, movement_done=huge, days_goal_met=huge)
    html = message(this=this, flags=(1, 2))
    assert utf16_len(html) <= MAX_SUMMARY_CHARS
    assert visible(html).startswith("📊 Your week")


def test_week_title_spans_months_and_years() -> None:
    assert week_title(MON, SUN) == "📊 Your week, 16–22 Nov"
    assert week_title(date(2026, 10, 26), date(2026, 11, 1)) == "📊 Your week, 26 Oct – 1 Nov"
    assert week_title(date(2026, 12, 28), date(2027, 1, 3)) == (
        "📊 Your week, 28 Dec 2026 – 3 Jan 2027"
    )


def test_the_sent_title_names_both_ends_of_the_week() -> None:
    assert summary_title(MON, SUN) == "Your week, 16 Nov – 22 Nov"
    assert summary_title(date(2026, 12, 28), date(2027, 1, 3)) == "Your week, 28 Dec – 03 Jan"


counts = st.integers(0, 10**6)
any_text = st.text(max_size=1500) | st.text(alphabet="<>&\"'😀", max_size=1500)
week_totals = st.builds(
    WeekTotals,
    start=st.just(MON),
    end=st.just(SUN),
    days_with_data=st.integers(0, 7),
    cramps=counts,
    night_cramps=counts,
    day_cramps=counts,
    avg_severity=st.none() | st.floats(0, 10),
    max_severity=st.none() | st.integers(1, 10),
    longest=st.none() | st.sampled_from(Duration),
    by_place=st.dictionaries(st.sampled_from(Place), counts),
    by_kind=st.dictionaries(st.sampled_from(SpasmKind), counts),
    days_goal_met=st.integers(0, 7),
    avg_cups=st.floats(0, 1000),
    movement_sent=counts,
    movement_done=counts,
    stretch_nights=st.integers(0, 7),
    days_passed=st.integers(0, 7),
)
day_records = st.lists(
    st.builds(
        DayRecord,
        day=st.sampled_from(WEEK),
        cramps=counts,
        cups=counts,
        goal=st.integers(0, 30),
    ),
    max_size=10,
)


@settings(max_examples=150, deadline=None)
@given(
    this=week_totals,
    previous=week_totals,
    days=day_records,
    flags=st.lists(st.integers(-3, 20), max_size=40),
    found=st.lists(any_text, max_size=8),
    tip=any_text,
    title=any_text,
)
def test_summary_never_exceeds_the_limit_and_stays_valid_html(
    this: WeekTotals,
    previous: WeekTotals,
    days: list[DayRecord],
    flags: list[int],
    found: list[str],
    tip: str,
    title: str,
) -> None:
    html = summary_text(this, previous, days, flags, found, tip, title)
    assert utf16_len(html) <= MAX_SUMMARY_CHARS
    assert len(html) <= MAX_SUMMARY_CHARS
    visible(html)
