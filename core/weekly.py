"""Weekly summaries: per-day records in; statistics, insights and the week's nudge out.

Pure: no Telegram, no database, no words. db.stats builds the DayRecords with SQL
aggregation; bot.texts.weekly_message says the results.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from core.diary import Duration, Place, SpasmKind


@dataclass(slots=True)
class DayRecord:
    """One of the user's days (wake-up to wake-up), aggregated. Treat it as read-only.

    Not frozen: a weekly sweep builds millions, and a frozen dataclass's __init__ (one
    object.__setattr__ per field) made that seven times slower.
    """

    day: date
    cramps: int = 0
    night_cramps: int = 0  # context "in bed / at night"
    severity_sum: int = 0
    severity_count: int = 0  # reports that gave a severity
    max_severity: int | None = None
    longest: Duration | None = None  # the longest duration reported that day
    by_place: Mapping[Place, int] = field(default_factory=dict)
    by_kind: Mapping[SpasmKind, int] = field(default_factory=dict)
    cups: int = 0
    goal: int = 8
    movement_sent: int = 0  # movement reminders sent that day
    movement_done: int = 0  # ... answered "Moved"
    stretch_done: bool = False  # that evening's stretch was done


# --- Totals ----------------------------------------------------------------------------

# A report still going when it was saved lasted at least until then, but a confirmed
# "over 10 minutes" is known to be longer, so it ranks highest.
_DURATION_RANK = {
    Duration.UNDER_1_MIN: 0,
    Duration.MIN_1_TO_10: 1,
    Duration.STILL_GOING: 2,
    Duration.OVER_10_MIN: 3,
}


@dataclass(frozen=True)
class WeekTotals:
    """A period's figures, as the weekly summary shows them."""

    start: date  # inclusive, local
    end: date  # inclusive, local
    days_with_data: int  # days with any cramp, cup or reminder answer
    cramps: int
    night_cramps: int
    day_cramps: int
    avg_severity: float | None  # over the reports that gave one
    max_severity: int | None
    longest: Duration | None
    by_place: dict[Place, int]  # nonzero counts only, in Place order
    by_kind: dict[SpasmKind, int]  # nonzero counts only, in SpasmKind order
    days_goal_met: int
    avg_cups: float  # a day, over the days that have passed
    movement_sent: int
    movement_done: int
    stretch_nights: int
    days_passed: int = 7  # days counted: from `since` (else start) up to `today`
    # The user's first day when it falls after `start`: the period counts from it (their
    # first week). None: the whole period is theirs.
    since: date | None = None


def period(summary_weekday: int, today: date, which: str = "current") -> tuple[date, date]:
    """The summary week (start, end): 7 local days ending on `summary_weekday` (0 = Monday).

    "current" is the week containing `today` (it ends on or after today), "last" the one
    before it.
    """
    if not 0 <= summary_weekday <= 6:
        raise ValueError(f"summary_weekday must be 0..6, not {summary_weekday}")
    end = today + timedelta(days=(summary_weekday - today.weekday()) % 7)
    if which == "last":
        end -= timedelta(days=7)
    elif which != "current":
        raise ValueError(f'which must be "current" or "last", not {which!r}')
    return end - timedelta(days=6), end


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def daily_series(days: Sequence[DayRecord], start: date, end: date) -> list[DayRecord]:
    """One record per date from start to end, an empty one where none was given.

    Records outside the range are ignored; if a date repeats, the last record wins.
    """
    by_day = {d.day: d for d in days if start <= d.day <= end}
    return [by_day.get(day, DayRecord(day)) for day in _dates(start, end)]


def _has_data(d: DayRecord) -> bool:
    # Reminders merely sent are not data: only what the user did or reported.
    return d.cramps > 0 or d.cups > 0 or d.movement_done > 0 or d.stretch_done


def _goal_met(d: DayRecord) -> bool:
    # A goal of 0 would count an empty day as met.
    return d.cups >= max(d.goal, 1)


def first_day(joined: date, days: Sequence[DayRecord]) -> date:
    """The user's first day: the day they joined, or an earlier day their diary covers.

    A cramp logged for the night before joining belongs to a day before it; that day is
    theirs too, so its report still counts.
    """
    return min((d.day for d in days if d.day < joined and _has_data(d)), default=joined)


def totals(
    days: Sequence[DayRecord],
    start: date,
    end: date,
    today: date | None = None,
    since: date | None = None,
) -> WeekTotals:
    """Add up the records from start to end (inclusive); missing days count as empty.

    `today` makes it the week so far: only the days up to it count, so "x of days_passed"
    never exceeds its whole and the average cups are not diluted by days still ahead.
    `since` (the user's first_day) does the same at the other end: days before the user
    started are not missed days, so they count neither as empty days nor in averages.
    """
    last = end if today is None else min(today, end)
    late = since is not None and since > start
    first = since if since is not None and late else start
    days_passed = max((last - first).days + 1, 0)
    # As daily_series, without building the empty days: they add nothing to any sum. A
    # weekly sweep runs this twice per user, so it is one pass with plain locals.
    by_day = {d.day: d for d in days if first <= d.day <= last}  # a repeated date: last wins
    with_data = cramps = night = day_cramps = sev_sum = sev_count = goal_met = 0
    cups = sent = done = stretched = 0
    max_severity: int | None = None
    longest: Duration | None = None
    places: dict[Place, int] = {}
    kinds: dict[SpasmKind, int] = {}
    for d in by_day.values():
        with_data += _has_data(d)
        cramps += d.cramps
        night += d.night_cramps
        day_cramps += max(d.cramps - d.night_cramps, 0)
        sev_sum += d.severity_sum
        sev_count += d.severity_count
        if d.max_severity is not None and (max_severity is None or d.max_severity > max_severity):
            max_severity = d.max_severity
        if d.longest is not None and (
            longest is None or _DURATION_RANK[d.longest] > _DURATION_RANK[longest]
        ):
            longest = d.longest
        for place, n in d.by_place.items():
            places[place] = places.get(place, 0) + n
        for kind, n in d.by_kind.items():
            kinds[kind] = kinds.get(kind, 0) + n
        goal_met += _goal_met(d)
        cups += d.cups
        sent += d.movement_sent
        done += d.movement_done
        stretched += d.stretch_done
    return WeekTotals(
        start=start,
        end=end,
        days_with_data=with_data,
        cramps=cramps,
        night_cramps=night,
        day_cramps=day_cramps,
        avg_severity=sev_sum / sev_count if sev_count > 0 else None,
        max_severity=max_severity,
        longest=longest,
        by_place={p: n for p in Place if (n := places.get(p, 0))},
        by_kind={k: n for k in SpasmKind if (n := kinds.get(k, 0))},
        days_goal_met=goal_met,
        avg_cups=cups / days_passed if days_passed else 0.0,
        movement_sent=sent,
        movement_done=done,
        stretch_nights=stretched,
        days_passed=days_passed,
        since=first if late else None,
    )


def counted_from(this: WeekTotals) -> date:
    """The first day the totals count: the user's first day in their first week."""
    return this.since or this.start


def counted_to(this: WeekTotals) -> date:
    """The last day the totals count (the day before counted_from when none is)."""
    return counted_from(this) + timedelta(days=this.days_passed - 1)


def before_start(this: WeekTotals) -> bool:
    """The user started after the period: it has nothing of theirs to count."""
    return this.since is not None and this.days_passed <= 0


def is_empty(this: WeekTotals) -> bool:
    """Nothing at all was logged or answered in the period."""
    return this.days_with_data == 0


_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """One block per value, scaled so the largest is █; zero (or less) is always ▁."""
    top = max((v for v in values if v > 0), default=0)
    if top <= 0:
        return _BLOCKS[0] * len(values)
    # v * 7 / top rounded half up, in integers; at least ▂ so any cramp stands out from none.
    return "".join(
        _BLOCKS[max((14 * v + top) // (2 * top), 1)] if v > 0 else _BLOCKS[0] for v in values
    )


# --- Insights --------------------------------------------------------------------------

INSIGHT_WINDOW_DAYS = 28
MIN_GROUP_DAYS = 4  # days (or nights) in each of the two groups compared
MIN_OUTCOME_DAYS = 3  # days with the outcome, both groups together
MIN_POINTS = 25  # percentage points between the groups' rates
LOW_CUPS = 5  # "fewer than 5 cups" is a low-water day
MIN_MOVEMENT_SENT = 3  # reminders a day needs before "answered most of them" means much


class InsightKind(StrEnum):
    """Which outcome an insight counts, in which two groups of days ("with" vs "without")."""

    STRETCH = "stretch"  # night cramps: nights after an evening stretch vs without
    WATER = "water"  # days under LOW_CUPS: days with a cramp vs without
    MOVEMENT = "movement"  # cramp days: days with most movement reminders acted on vs not


@dataclass(frozen=True)
class Insight:
    """A clear difference in the user's own data: its kind and both groups' counts."""

    kind: InsightKind
    hits_with: int  # days (or nights) of the "with" group that had the outcome
    days_with: int
    hits_without: int
    days_without: int


def _clear(hits_a: int, n_a: int, hits_b: int, n_b: int) -> bool:
    """The two rates differ by at least MIN_POINTS percentage points (exactly, no rounding)."""
    return 100 * abs(hits_a * n_b - hits_b * n_a) >= MIN_POINTS * n_a * n_b


def _compare(
    kind: InsightKind, group_a: Sequence[bool], group_b: Sequence[bool]
) -> tuple[Fraction, Insight] | None:
    """The insight and its size, if both groups are big enough and the gap clear.

    Each bool says whether the outcome happened that day.
    """
    hits_a, n_a, hits_b, n_b = sum(group_a), len(group_a), sum(group_b), len(group_b)
    if min(n_a, n_b) < MIN_GROUP_DAYS or hits_a + hits_b < MIN_OUTCOME_DAYS:
        return None
    if not _clear(hits_a, n_a, hits_b, n_b):
        return None
    gap = abs(Fraction(hits_a, n_a) - Fraction(hits_b, n_b))
    return gap, Insight(kind, hits_a, n_a, hits_b, n_b)


def _stretch_insight(days: Sequence[DayRecord]) -> tuple[Fraction, Insight] | None:
    """Night-cramp rate after an evening stretch vs without.

    A day runs wake-up to wake-up, so a day's evening stretch and the night after it share
    one record. Counts only days with data (an untouched day says nothing about the
    night). Needs 4+ nights in each group, 3+ nights with a night cramp in all, and a gap
    of 25+ points.
    """
    nights = [d for d in days if _has_data(d)]
    return _compare(
        InsightKind.STRETCH,
        [d.night_cramps > 0 for d in nights if d.stretch_done],
        [d.night_cramps > 0 for d in nights if not d.stretch_done],
    )


def _water_insight(days: Sequence[DayRecord]) -> tuple[Fraction, Insight] | None:
    """Share of low-water days (under 5 cups) on cramp days vs cramp-free days.

    Counts only days with at least one cup logged: a day without any may just be a day
    the user did not log water. Needs 4+ such days with a cramp and 4+ without, 3+ low
    days in all, and a gap of 25+ points.
    """
    logged = [d for d in days if d.cups > 0]
    return _compare(
        InsightKind.WATER,
        [d.cups < LOW_CUPS for d in logged if d.cramps > 0],
        [d.cups < LOW_CUPS for d in logged if d.cramps == 0],
    )


def _movement_insight(days: Sequence[DayRecord]) -> tuple[Fraction, Insight] | None:
    """Cramp-day rate on days with most movement reminders answered vs the rest.

    Counts only days with 3+ movement reminders sent; "most" is more than half answered.
    Needs 4+ days in each group, 3+ cramp days in all, and a gap of 25+ points.
    """
    judged = [d for d in days if d.movement_sent >= MIN_MOVEMENT_SENT]
    return _compare(
        InsightKind.MOVEMENT,
        [d.cramps > 0 for d in judged if 2 * d.movement_done > d.movement_sent],
        [d.cramps > 0 for d in judged if 2 * d.movement_done <= d.movement_sent],
    )


def insights(history: Sequence[DayRecord], today: date, limit: int = 2) -> list[Insight]:
    """Clear patterns in the 28 days ending `today` (inclusive), largest gap first.

    Pass as `today` the last day whose night is over if that matters to you: an unfinished
    day counts as it stands.
    """
    days = daily_series(history, today - timedelta(days=INSIGHT_WINDOW_DAYS - 1), today)
    found = [
        result
        for check in (_stretch_insight, _water_insight, _movement_insight)
        if (result := check(days)) is not None
    ]
    # Stable sort: equal gaps keep the order above.
    found.sort(key=lambda result: result[0], reverse=True)
    return [insight for _, insight in found[: max(limit, 0)]]


# --- Nudge -----------------------------------------------------------------------------


class Nudge(StrEnum):
    """The one prevention tip a week calls for (bot.texts.weekly_message words each)."""

    WATER = "water"
    STRETCH_NIGHTS = "stretch_nights"  # few evening stretches, and night cramps
    STRETCH = "stretch"  # few evening stretches
    MOVEMENT = "movement"
    NIGHT = "night"  # night cramps even with the evening stretches
    FOOTWEAR = "footwear"
    MAGNESIUM = "magnesium"
    POTASSIUM = "potassium"


# A tip that says "most" or "few" of some days needs at least this many of them: with one
# or two it would tell a single day's story as a habit (1 of 1 is "most"), as a first
# week would after a day. Three is the fewest where "most" need not mean "all".
MIN_DAYS_FOR_MOST = 3


def nudge(this: WeekTotals, days: Sequence[DayRecord]) -> Nudge:
    """The tip that fits the week; the first match wins.

    Water low on most cramp days, then few evening stretches, then most movement
    reminders unanswered, then night cramps anyway, then a food or footwear tip. Each
    claim about most (or few) days needs MIN_DAYS_FOR_MOST of them, else it is left out.
    """
    if this.days_passed <= 0:
        week: list[DayRecord] = []
    else:
        week = daily_series(days, counted_from(this), counted_to(this))
    cramp_days = [d for d in week if d.cramps > 0]
    # Without a single cup logged we cannot tell low water from unlogged water.
    logs_water = any(d.cups > 0 for d in week)
    short = sum(not _goal_met(d) for d in cramp_days)
    if logs_water and len(cramp_days) >= MIN_DAYS_FOR_MOST and 2 * short > len(cramp_days):
        return Nudge.WATER
    stretched_most = 2 * this.stretch_nights >= this.days_passed
    if not stretched_most and this.days_passed >= MIN_DAYS_FOR_MOST:
        return Nudge.STRETCH_NIGHTS if this.night_cramps > 0 else Nudge.STRETCH
    movement_days = sum(d.movement_sent > 0 for d in week)
    if (
        this.movement_sent >= MIN_MOVEMENT_SENT
        and movement_days >= MIN_DAYS_FOR_MOST
        and 2 * this.movement_done < this.movement_sent
    ):
        return Nudge.MOVEMENT
    # "Even with your evening stretches": only when most evenings had one.
    if this.night_cramps > 0 and stretched_most and this.stretch_nights > 0:
        return Nudge.NIGHT
    if this.by_place.get(Place.CALF, 0) > 0 or this.by_place.get(Place.FOOT, 0) > 0:
        return Nudge.FOOTWEAR
    # Alternate week by week so a quiet stretch of weeks does not repeat one tip.
    return Nudge.MAGNESIUM if this.start.toordinal() // 7 % 2 == 0 else Nudge.POTASSIUM
