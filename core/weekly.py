"""Weekly summaries: per-day records in, statistics, insights and message text out.

Pure: no Telegram, no database. db.stats builds the DayRecords with SQL aggregation.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from html import escape
from typing import TypeVar

from bot.texts.medical import FLAG_DISCLAIMER, RULE_ACTIONS, RULE_TITLES  # FIXME: moves
from core.diary import Duration, Place, SpasmKind
from core.redflags import Rule, rule


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
    days_passed: int = 7  # days of the period up to `today`: all of them for a finished week


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


def totals(
    days: Sequence[DayRecord], start: date, end: date, today: date | None = None
) -> WeekTotals:
    """Add up the records from start to end (inclusive); missing days count as empty.

    `today` makes it the week so far: only the days up to it count, so "x of days_passed"
    never exceeds its whole and the average cups are not diluted by days still ahead.
    """
    last = end if today is None else min(today, end)
    days_passed = max((last - start).days + 1, 0)
    # As daily_series, without building the empty days: they add nothing to any sum. A
    # weekly sweep runs this twice per user, so it is one pass with plain locals.
    by_day = {d.day: d for d in days if start <= d.day <= last}  # a repeated date: last wins
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
    )


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

PATTERN_NOTE = "These are patterns in your own diary, not proof of cause."


@dataclass(frozen=True)
class Insight:
    """A clear difference in the user's own data, stated with its counts."""

    text: str  # plain text
    kind: str  # "stretch" | "water" | "movement"


def _clear(hits_a: int, n_a: int, hits_b: int, n_b: int) -> bool:
    """The two rates differ by at least MIN_POINTS percentage points (exactly, no rounding)."""
    return 100 * abs(hits_a * n_b - hits_b * n_a) >= MIN_POINTS * n_a * n_b


def _compare(
    kind: str,
    group_a: Sequence[bool],
    group_b: Sequence[bool],
    text: Callable[[int, int, int, int], str],
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
    return gap, Insight(text(hits_a, n_a, hits_b, n_b), kind)


def _stretch_insight(days: Sequence[DayRecord]) -> tuple[Fraction, Insight] | None:
    """Night-cramp rate after an evening stretch vs without.

    A day runs wake-up to wake-up, so a day's evening stretch and the night after it share
    one record. Counts only days with data (an untouched day says nothing about the
    night). Needs 4+ nights in each group, 3+ nights with a night cramp in all, and a gap
    of 25+ points.
    """
    nights = [d for d in days if _has_data(d)]
    return _compare(
        "stretch",
        [d.night_cramps > 0 for d in nights if d.stretch_done],
        [d.night_cramps > 0 for d in nights if not d.stretch_done],
        lambda a, n, b, m: (
            f"Night cramps after an evening stretch: {a} of {n} nights; without: {b} of {m}."
        ),
    )


def _water_insight(days: Sequence[DayRecord]) -> tuple[Fraction, Insight] | None:
    """Share of low-water days (under 5 cups) on cramp days vs cramp-free days.

    Counts only days with at least one cup logged: a day without any may just be a day
    the user did not log water. Needs 4+ such days with a cramp and 4+ without, 3+ low
    days in all, and a gap of 25+ points.
    """
    logged = [d for d in days if d.cups > 0]
    return _compare(
        "water",
        [d.cups < LOW_CUPS for d in logged if d.cramps > 0],
        [d.cups < LOW_CUPS for d in logged if d.cramps == 0],
        lambda a, n, b, m: (
            f"Days with a cramp that had fewer than {LOW_CUPS} cups: {a} of {n}; "
            f"days without a cramp: {b} of {m}."
        ),
    )


def _movement_insight(days: Sequence[DayRecord]) -> tuple[Fraction, Insight] | None:
    """Cramp-day rate on days with most movement reminders answered vs the rest.

    Counts only days with 3+ movement reminders sent; "most" is more than half answered.
    Needs 4+ days in each group, 3+ cramp days in all, and a gap of 25+ points.
    """
    judged = [d for d in days if d.movement_sent >= MIN_MOVEMENT_SENT]
    return _compare(
        "movement",
        [d.cramps > 0 for d in judged if 2 * d.movement_done > d.movement_sent],
        [d.cramps > 0 for d in judged if 2 * d.movement_done <= d.movement_sent],
        lambda a, n, b, m: (
            f"Days with a cramp: {a} of {n} when you moved for most reminders; "
            f"{b} of {m} when you didn't."
        ),
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

# Each line restates an item of seed 000's Daily Prevention Checklist.
NUDGE_WATER = (
    "💧 Most of your cramp days fell short of your water goal. Sip through the day: "
    "at least 8 cups, more in heat or after exercise."
)
NUDGE_STRETCH_NIGHTS = (
    "🧘 Night cramps, and few evenings with a stretch. Two minutes of calf, hamstring and "
    "thigh stretches before bed may spare you some; /stretch shows how."
)
NUDGE_STRETCH = (
    "🧘 The bedtime stretch happened on few evenings. Two minutes of calf, hamstring and "
    "thigh stretches before bed can spare you a night cramp; /stretch shows how."
)
NUDGE_MOVEMENT = (
    "🚶 Most movement reminders went by without a move. Standing up and moving every hour "
    "keeps blood flowing to your muscles."
)
NUDGE_NIGHT = (
    "🌙 Night cramps even with your evening stretches: keep them up, and stretch after "
    "workouts too."
)
NUDGE_FOOTWEAR = (
    "👟 Cramps in your calves or feet? Supportive footwear eases the load on them, "
    "especially if you're on your feet all day."
)
NUDGE_MAGNESIUM = (
    "🥑 Magnesium matters for muscles: almonds, avocados and dark leafy greens are easy "
    "ways to get more."
)
NUDGE_POTASSIUM = (
    "🍌 Potassium helps nerves and muscles talk: bananas, spinach and sweet potatoes are "
    "rich in it."
)


def nudge(this: WeekTotals, days: Sequence[DayRecord]) -> str:
    """One checklist line that fits the week (plain text); the first match wins.

    Water low on most cramp days, then few evening stretches, then most movement
    reminders unanswered, then night cramps anyway, then a food or footwear tip.
    """
    week = [d for d in daily_series(days, this.start, this.end) if d.day <= _last_day(this)]
    cramp_days = [d for d in week if d.cramps > 0]
    # Without a single cup logged we cannot tell low water from unlogged water.
    logs_water = any(d.cups > 0 for d in week)
    if logs_water and 2 * sum(not _goal_met(d) for d in cramp_days) > len(cramp_days):
        return NUDGE_WATER
    if 2 * this.stretch_nights < this.days_passed:
        return NUDGE_STRETCH_NIGHTS if this.night_cramps > 0 else NUDGE_STRETCH
    if this.movement_sent >= MIN_MOVEMENT_SENT and 2 * this.movement_done < this.movement_sent:
        return NUDGE_MOVEMENT
    if this.night_cramps > 0:
        return NUDGE_NIGHT
    if this.by_place.get(Place.CALF, 0) > 0 or this.by_place.get(Place.FOOT, 0) > 0:
        return NUDGE_FOOTWEAR
    # Alternate week by week so a quiet stretch of weeks does not repeat one tip.
    return NUDGE_MAGNESIUM if this.start.toordinal() // 7 % 2 == 0 else NUDGE_POTASSIUM


def _last_day(this: WeekTotals) -> date:
    return this.start + timedelta(days=this.days_passed - 1)


# --- Message ---------------------------------------------------------------------------

MAX_SUMMARY_CHARS = 3500
_MAX_INSIGHTS = 3
_PLACE_WORDS = {
    Place.CALF: "calf",
    Place.FOOT: "foot / toes",
    Place.HAMSTRING: "hamstring",
    Place.QUADRICEPS: "thigh (front)",
    Place.BACK: "back",
    Place.NECK: "neck",
    Place.ARM: "hand / arm",
    Place.ABDOMEN: "abdomen",
    Place.OTHER: "other",
}
_KIND_WORDS = {
    SpasmKind.CRAMP: "cramp",
    SpasmKind.TWITCH: "twitch",
    SpasmKind.STIFFNESS: "stiffness",
}
_DURATION_WORDS = {
    Duration.UNDER_1_MIN: "under 1 min",
    Duration.MIN_1_TO_10: "1–10 min",
    Duration.OVER_10_MIN: "over 10 min",
    Duration.STILL_GOING: "still going when reported",
}
_DAY_LETTERS = "MTWTFSS"
_NOTHING_LOGGED = (
    "Nothing logged this week{so_far}, and that's okay. Whenever a cramp strikes or you "
    "drink a cup, a quick tap keeps your diary going, and next week's summary will have "
    "more to show."
)
_K = TypeVar("_K", Place, SpasmKind)


def week_title(start: date, end: date) -> str:
    """E.g. "📊 Your week, 16–22 Nov" or "📊 Your week, 26 Oct – 1 Nov"."""
    if (start.year, start.month) == (end.year, end.month):
        span = f"{start.day}–{end.day} {end:%b}"
    elif start.year == end.year:
        span = f"{start.day} {start:%b} – {end.day} {end:%b}"
    else:
        span = f"{start.day} {start:%b} {start.year} – {end.day} {end:%b} {end.year}"
    return f"📊 Your week, {span}"


def _units(text: str) -> int:
    # Telegram counts UTF-16 code units; never fewer than Python's characters.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _clip(text: str, limit: int) -> str:
    """`text` escaped for HTML, cut with "…" so the escaped result has at most `limit` chars."""
    whole = escape(text)
    if len(whole) <= limit:
        return whole
    out: list[str] = []
    used = 0
    for char in text:
        piece = escape(char)
        if used + len(piece) > limit - 1:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out) + "…"


def _versus(now: int, before: int, previous: WeekTotals) -> str:
    # A week with nothing logged is no baseline: "up from 0" would only mean "started logging".
    if is_empty(previous):
        return " (nothing logged last week)"
    if now == before:
        return " (= same as last week)"
    return f" ({'↑' if now > before else '↓'} from {before} last week)"


def _so_far(this: WeekTotals) -> str:
    return " so far" if this.days_passed < (this.end - this.start).days + 1 else ""


def _counts(counts: Mapping[_K, int], words: Mapping[_K, str]) -> str:
    """The four most frequent, e.g. "calf 3, foot / toes 1, +2 more"."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])  # stable: enum order on ties
    shown = ", ".join(f"{words[key]} {n}" for key, n in ranked[:4])
    more = len(ranked) - 4
    return shown + (f", +{more} more" if more > 0 else "")


def _cramp_lines(this: WeekTotals, previous: WeekTotals) -> list[str]:
    versus = _versus(this.cramps, previous.cramps, previous)
    if this.cramps <= 0:
        return [f"🦵 <b>No cramps logged{_so_far(this)}</b>{versus}"]
    lines = [
        f"🦵 <b>Cramps: {this.cramps}</b>{versus}",
        f"🌙 At night: {this.night_cramps} · ☀️ By day: {this.day_cramps}",
    ]
    if this.avg_severity is not None:
        highest = f", highest {this.max_severity}" if this.max_severity is not None else ""
        lines.append(f"Severity: {this.avg_severity:.1f} on average{highest} (out of 10)")
    if this.longest is not None:
        lines.append(f"Longest: {_DURATION_WORDS[this.longest]}")
    if this.by_place:
        lines.append(f"Where: {_counts(this.by_place, _PLACE_WORDS)}")
    if this.by_kind:
        lines.append(f"Type: {_counts(this.by_kind, _KIND_WORDS)}")
    return lines


def _chart(this: WeekTotals, days: Sequence[DayRecord]) -> list[str]:
    """Cramps and cups per day as sparklines under the days' initials, monospaced."""
    series = daily_series(days, this.start, this.end)
    if not 1 <= len(series) <= 14:  # a line per day stops being readable past two weeks
        return []
    passed = series[: max(this.days_passed, 0)]
    goal = max((d.goal for d in passed), default=8)
    # The goal joins the scale so that a full block means "goal reached", not "best day".
    cups = sparkline([d.cups for d in passed] + [goal])[:-1]
    cramps = sparkline([d.cramps for d in passed])
    future = "·" * (len(series) - len(passed))  # days still ahead

    def row(blocks: str) -> str:
        return " ".join(blocks + future)

    letters = " ".join(_DAY_LETTERS[d.day.weekday()] for d in series)
    return [
        f"<code>       {letters}\nCramps {row(cramps)}\nCups   {row(cups)}</code>",
    ]


def _habit_lines(this: WeekTotals, previous: WeekTotals) -> list[str]:
    so_far = _so_far(this)
    lines = [
        f"💧 Water goal met on {this.days_goal_met} of {this.days_passed} days{so_far}"
        f"{_versus(this.days_goal_met, previous.days_goal_met, previous)}; "
        f"{this.avg_cups:.1f} cups a day on average",
    ]
    if this.movement_sent > 0:
        lines.append(
            f"🚶 Movement reminders acted on: {this.movement_done} of {this.movement_sent}"
        )
    lines.append(
        f"🧘 Bedtime stretch done on {this.stretch_nights} of {this.days_passed} nights{so_far}"
    )
    return lines


def _flag_rules(flag_rule_ids: Sequence[int]) -> list[Rule]:
    rules: list[Rule] = []
    for rule_id in dict.fromkeys(flag_rule_ids):  # each once, in the order given
        try:
            rules.append(rule(rule_id))
        except KeyError:  # a retired rule: nothing left to say about it
            continue
    return rules


def _flag_lines(rules: Sequence[Rule], shown: int, detailed: bool) -> list[str]:
    if not rules:
        return []
    lines = ["🚩 <b>Worth raising with a doctor</b>"]
    for r in rules[:shown]:
        advice = f": {escape(RULE_ACTIONS[r.id])}" if detailed else ""
        lines.append(f"• <b>{escape(RULE_TITLES[r.id])}</b>{advice}")
    if shown <= 0:
        lines.append(f"{len(rules)} this week; /flags lists them all.")
    elif len(rules) > shown:
        lines.append(f"…and {len(rules) - shown} more; /flags lists them all.")
    lines.append(f"<i>{escape(FLAG_DISCLAIMER)}</i>")
    return lines


def _insight_lines(shown: Sequence[Insight]) -> list[str]:
    if not shown:
        return []
    return [
        "🔎 <b>Patterns</b>",
        *(f"• {_clip(i.text, 300)}" for i in shown),
        f"<i>{PATTERN_NOTE}</i>",
    ]


def _join(sections: Sequence[Sequence[str]]) -> str:
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def summary_text(
    this: WeekTotals,
    previous: WeekTotals,
    days: Sequence[DayRecord],
    flag_rule_ids: Sequence[int],
    insights: Sequence[Insight],
    nudge: str,
    title: str,
) -> str:
    """The weekly message (HTML), at most MAX_SUMMARY_CHARS whatever the inputs.

    When it would be longer, the nudge goes first, then insights, then the advice under
    each red flag, then red flags beyond those that fit (pointing to /flags).
    """
    head = [f"<b>{_clip(title, 120)}</b>"]
    rules = _flag_rules(flag_rule_ids)
    if is_empty(this):
        core: list[list[str]] = [head, [_NOTHING_LOGGED.format(so_far=_so_far(this))]]
        shown_insights: Sequence[Insight] = ()
        tip: list[str] = []
    else:
        core = [
            head,
            _cramp_lines(this, previous),
            _chart(this, days),
            _habit_lines(this, previous),
        ]
        shown_insights = insights[:_MAX_INSIGHTS]
        tip = ["<b>For next week</b>", _clip(nudge, 300)] if nudge.strip() else []

    # Richest first; each step gives up a little more.
    attempts: list[tuple[int, bool, bool, int]] = [(len(shown_insights), True, True, len(rules))]
    attempts += [(n, False, True, len(rules)) for n in range(len(shown_insights), -1, -1)]
    attempts += [(0, False, False, n) for n in range(len(rules), -1, -1)]
    for n_insights, with_tip, detailed, n_flags in attempts:
        text = _join(
            [
                *core,
                _flag_lines(rules, n_flags, detailed),
                _insight_lines(shown_insights[:n_insights]),
                tip if with_tip else [],
            ]
        )
        if _units(text) <= MAX_SUMMARY_CHARS:
            return text
    # Only absurd figures get here: keep whole lines (never a cut tag) from the top.
    lines = [line for section in core for line in section]
    while len(lines) > 1 and _units("\n".join(lines)) > MAX_SUMMARY_CHARS:
        lines.pop()
    return "\n".join(lines)
