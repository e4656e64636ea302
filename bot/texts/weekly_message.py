"""What the weekly summary says: its title, pattern and tip sentences, and the message.

core.weekly decides what the week holds; this module words it and fits it into one
Telegram message (HTML parse mode).
"""

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import TypeVar

from bot.i18n import N_, _, format_date, format_decimal, install, ngettext, weekday_names
from bot.texts import DURATION_LABELS, KIND_WORDS, PLACE_WORDS
from bot.texts.medical import (
    FLAG_DISCLAIMER,
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
from core.diary import Duration, Place, SpasmKind
from core.weekly import (
    LOW_CUPS,
    DayRecord,
    Insight,
    InsightKind,
    Nudge,
    WeekTotals,
    before_start,
    counted_from,
    counted_to,
    daily_series,
    is_empty,
    sparkline,
)

MAX_SUMMARY_CHARS = 3500
_MAX_INSIGHTS = 3

CHART_CAPTION = N_("Daily cramps (bars) and cups of water (line), with your goal (dashed).")

PATTERN_NOTE = N_("These are patterns in your own diary, not proof of cause.")

_NUDGES = {
    Nudge.WATER: NUDGE_WATER,
    Nudge.STRETCH_NIGHTS: NUDGE_STRETCH_NIGHTS,
    Nudge.STRETCH: NUDGE_STRETCH,
    Nudge.MOVEMENT: NUDGE_MOVEMENT,
    Nudge.NIGHT: NUDGE_NIGHT,
    Nudge.FOOTWEAR: NUDGE_FOOTWEAR,
    Nudge.MAGNESIUM: NUDGE_MAGNESIUM,
    Nudge.POTASSIUM: NUDGE_POTASSIUM,
}

_DURATION_WORDS = {**DURATION_LABELS, Duration.STILL_GOING: N_("still going when reported")}
_NOTHING_LOGGED = N_(
    "Nothing logged {when}, and that's okay. Whenever a cramp strikes or you "
    "drink a cup, a quick tap keeps your diary going, and next week's summary will have "
    "more to show."
)
_SINCE_YOU_STARTED = N_("since you started on {day}")
# A first week counts only the days since the user started: say so once, under the title.
_FIRST_WEEK = N_("🌱 Counting the {days} since you started on {day}.")
_NOT_STARTED_YET = N_(
    "You started on {day}, after this week, so it has nothing of yours to sum up. "
    "/summary shows your week so far."
)
_K = TypeVar("_K", Place, SpasmKind)


def summary_title(start: date, end: date) -> str:
    """The chart's title, e.g. "Your week, 16 Nov – 22 Nov" (no icon: the chart's font
    has no emoji)."""
    return _("Your week, {start} – {end}").format(
        start=format_date(start, "dd MMM"), end=format_date(end, "dd MMM")
    )


def week_title(start: date, end: date) -> str:
    """E.g. "📊 Your week, 16–22 Nov" or "📊 Your week, 26 Oct – 1 Nov"."""
    if (start.year, start.month) == (end.year, end.month):
        span = f"{start.day}–{format_date(end, 'd MMM')}"
    elif start.year == end.year:
        span = f"{format_date(start, 'd MMM')} – {format_date(end, 'd MMM')}"
    else:
        span = f"{format_date(start, 'd MMM y')} – {format_date(end, 'd MMM y')}"
    return _("📊 Your week, {span}").format(span=span)


def insight_text(insight: Insight) -> str:
    """The insight as one plain-text sentence that states both groups' counts."""
    a, n = insight.hits_with, insight.days_with
    b, m = insight.hits_without, insight.days_without
    match insight.kind:
        case InsightKind.STRETCH:
            return ngettext(
                "Night cramps after an evening stretch: {a} of {n} night; without: {b} of {m}.",
                "Night cramps after an evening stretch: {a} of {n} nights; without: {b} of {m}.",
                n,
            ).format(a=a, n=n, b=b, m=m)
        case InsightKind.WATER:
            return _(
                "Days with a cramp that had fewer than {low} cups: {a} of {n}; "
                "days without a cramp: {b} of {m}."
            ).format(low=LOW_CUPS, a=a, n=n, b=b, m=m)
        case InsightKind.MOVEMENT:
            return _(
                "Days with a cramp: {a} of {n} when you moved for most reminders; "
                "{b} of {m} when you didn't."
            ).format(a=a, n=n, b=b, m=m)


def nudge_text(nudge: Nudge) -> str:
    """The tip for next week (plain text)."""
    return _(_NUDGES[nudge])


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


def _day(day: date) -> str:
    """E.g. "Sun 22 Nov"."""
    return format_date(day, "EEE d MMM")


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _nights(n: int) -> str:
    return ngettext("{n} night", "{n} nights", n).format(n=n)


def _versus(now: int, before: int, previous: WeekTotals) -> str:
    # Before the user started there is nothing to compare with, not "nothing logged".
    if previous.days_passed <= 0:
        return ""
    # A week with nothing logged is no baseline: "up from 0" would only mean "started logging".
    if is_empty(previous):
        return " " + _("(nothing logged last week)")
    # A first week's few days against a whole week would read as a trend: give its size.
    if previous.since is not None:
        return " " + _("(last week: {count} in your first {days})").format(
            count=before, days=_days(previous.days_passed)
        )
    if now == before:
        return " " + _("(= same as last week)")
    if now > before:
        return " " + _("(↑ from {count} last week)").format(count=before)
    return " " + _("(↓ from {count} last week)").format(count=before)


def _so_far(this: WeekTotals) -> str:
    return " " + _("so far") if counted_to(this) < this.end else ""


def _when(this: WeekTotals) -> str:
    """What the figures cover: "this week", "this week so far" or "since you started on …"."""
    if this.since is not None:
        return _(_SINCE_YOU_STARTED).format(day=_day(this.since))
    return _("this week so far") if _so_far(this) else _("this week")


def _counts(counts: Mapping[_K, int], words: Mapping[_K, str]) -> str:
    """The four most frequent, e.g. "calf 3, foot / toes 1, +2 more"."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])  # stable: enum order on ties
    shown = ", ".join(f"{_(words[key])} {n}" for key, n in ranked[:4])
    more = len(ranked) - 4
    return shown + (", " + _("+{count} more").format(count=more) if more > 0 else "")


def _cramp_lines(this: WeekTotals, previous: WeekTotals) -> list[str]:
    versus = _versus(this.cramps, previous.cramps, previous)
    if this.cramps <= 0:
        nothing = _("No cramps logged so far") if _so_far(this) else _("No cramps logged")
        return [f"🦵 <b>{escape(nothing)}</b>{versus}"]
    lines = [
        "🦵 <b>" + _("Cramps: {count}").format(count=this.cramps) + f"</b>{versus}",
        _("🌙 At night: {night} · ☀️ By day: {day}").format(
            night=this.night_cramps, day=this.day_cramps
        ),
    ]
    if this.avg_severity is not None:
        average = format_decimal(this.avg_severity)
        if this.max_severity is not None:
            severity = _("Severity: {average} on average, highest {highest} (out of 10)")
            lines.append(severity.format(average=average, highest=this.max_severity))
        else:
            lines.append(_("Severity: {average} on average (out of 10)").format(average=average))
    if this.longest is not None:
        lines.append(_("Longest: {duration}").format(duration=_(_DURATION_WORDS[this.longest])))
    if this.by_place:
        lines.append(_("Where: {places}").format(places=_counts(this.by_place, PLACE_WORDS)))
    if this.by_kind:
        lines.append(_("Type: {kinds}").format(kinds=_counts(this.by_kind, KIND_WORDS)))
    return lines


def _chart(this: WeekTotals, days: Sequence[DayRecord]) -> list[str]:
    """Cramps and cups per day as sparklines under the days' initials, monospaced."""
    series = daily_series(days, this.start, this.end)
    if not 1 <= len(series) <= 14:  # a line per day stops being readable past two weeks
        return []
    # Days before the user started and days still ahead are not counted: "·", not "▁".
    before = min((counted_from(this) - this.start).days, len(series))
    passed = series[before : before + max(this.days_passed, 0)]
    goal = max((d.goal for d in passed), default=8)
    # The goal joins the scale so that a full block means "goal reached", not "best day".
    cups = sparkline([d.cups for d in passed] + [goal])[:-1]
    cramps = sparkline([d.cramps for d in passed])
    earlier = "·" * before
    future = "·" * (len(series) - before - len(passed))

    def row(blocks: str) -> str:
        return " ".join(earlier + blocks + future)

    initials = weekday_names("narrow")
    letters = " ".join(initials[d.day.weekday()] for d in series)
    # The row names (the chart's own words) padded alike, so the columns line up.
    names = [_("Cramps"), _("Cups")]
    width = max(len(name) for name in names)
    cramps_name, cups_name = (escape(name.ljust(width)) for name in names)
    pad = " " * width
    return [
        f"<code>{pad} {letters}\n{cramps_name} {row(cramps)}\n{cups_name} {row(cups)}</code>",
    ]


def _habit_lines(this: WeekTotals, previous: WeekTotals) -> list[str]:
    so_far = _so_far(this)
    versus = _versus(this.days_goal_met, previous.days_goal_met, previous)
    water = _("💧 Water goal met on {met} of {days}{so_far}{versus}; {cups} cups a day on average")
    lines = [
        water.format(
            met=this.days_goal_met,
            days=_days(this.days_passed),
            so_far=so_far,
            versus=versus,
            cups=format_decimal(this.avg_cups),
        ),
    ]
    if this.movement_sent > 0:
        lines.append(
            _("🚶 Movement reminders acted on: {done} of {sent}").format(
                done=this.movement_done, sent=this.movement_sent
            )
        )
    lines.append(
        _("🧘 Bedtime stretch done on {done} of {nights}{so_far}").format(
            done=this.stretch_nights, nights=_nights(this.days_passed), so_far=so_far
        )
    )
    return lines


def _flag_rules(flag_rule_ids: Sequence[int]) -> list[int]:
    # Each once, in the order given; a retired rule has nothing left to say.
    return [rule_id for rule_id in dict.fromkeys(flag_rule_ids) if rule_id in RULE_TITLES]


def _times(count: int) -> str:
    if count <= 1:
        return ""
    return " " + ngettext("({count} time this week)", "({count} times this week)", count).format(
        count=count
    )


def _flag_lines(
    rules: Sequence[int], shown: int, detailed: bool, raised: Sequence[int] = ()
) -> list[str]:
    """The warnings of the week, each once, with how often it was raised (`raised`: every
    flag's rule id)."""
    if not rules:
        return []
    lines = ["🚩 <b>" + escape(_("Worth raising with a doctor")) + "</b>"]
    for rule_id in rules[:shown]:
        advice = f": {escape(_(RULE_ACTIONS[rule_id]))}" if detailed else ""
        times = _times(list(raised).count(rule_id))
        lines.append(f"• <b>{escape(_(RULE_TITLES[rule_id]))}</b>{advice}{times}")
    if shown <= 0:
        lines.append(
            ngettext(
                "{count} this week; /flags lists it.",
                "{count} this week; /flags lists them all.",
                len(rules),
            ).format(count=len(rules))
        )
    elif len(rules) > shown:
        more = len(rules) - shown
        lines.append(_("…and {count} more; /flags lists them all.").format(count=more))
    lines.append(f"<i>{escape(_(FLAG_DISCLAIMER))}</i>")
    return lines


def _pattern_lines(shown: Sequence[str]) -> list[str]:
    if not shown:
        return []
    return [
        "🔎 <b>" + escape(_("Patterns")) + "</b>",
        *(f"• {_clip(pattern, 300)}" for pattern in shown),
        f"<i>{escape(_(PATTERN_NOTE))}</i>",
    ]


def _join(sections: Sequence[Sequence[str]]) -> str:
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def summary_text(
    this: WeekTotals,
    previous: WeekTotals,
    days: Sequence[DayRecord],
    flag_rule_ids: Sequence[int],
    patterns: Sequence[str],
    tip: str,
    title: str,
) -> str:
    """The weekly message (HTML), at most MAX_SUMMARY_CHARS whatever the inputs.

    `patterns` are insight_text sentences, largest gap first, and `tip` a nudge_text
    (both plain text). When the message would be longer, the tip goes first, then
    patterns, then the advice under each red flag, then red flags beyond those that fit
    (pointing to /flags).
    """
    head = [f"<b>{_clip(title, 120)}</b>"]
    rules = _flag_rules(flag_rule_ids)
    if before_start(this) and this.since is not None:
        core: list[list[str]] = [head, [_(_NOT_STARTED_YET).format(day=_day(this.since))]]
        shown_patterns: Sequence[str] = ()
        tip_lines: list[str] = []
    elif is_empty(this):
        core = [head, [_(_NOTHING_LOGGED).format(when=_when(this))]]
        shown_patterns = ()
        tip_lines = []
    else:
        first_week = (
            [_(_FIRST_WEEK).format(days=_days(this.days_passed), day=_day(this.since))]
            if this.since is not None
            else []
        )
        core = [
            head + first_week,
            _cramp_lines(this, previous),
            _chart(this, days),
            _habit_lines(this, previous),
        ]
        shown_patterns = patterns[:_MAX_INSIGHTS]
        tip_lines = (
            ["<b>" + escape(_("For next week")) + "</b>", _clip(tip, 300)] if tip.strip() else []
        )

    # Richest first; each step gives up a little more.
    attempts: list[tuple[int, bool, bool, int]] = [(len(shown_patterns), True, True, len(rules))]
    attempts += [(n, False, True, len(rules)) for n in range(len(shown_patterns), -1, -1)]
    attempts += [(0, False, False, n) for n in range(len(rules), -1, -1)]
    for n_patterns, with_tip, detailed, n_flags in attempts:
        text = _join(
            [
                *core,
                _flag_lines(rules, n_flags, detailed, flag_rule_ids),
                _pattern_lines(shown_patterns[:n_patterns]),
                tip_lines if with_tip else [],
            ]
        )
        if _units(text) <= MAX_SUMMARY_CHARS:
            return text
    # Only absurd figures get here: keep whole lines (never a cut tag) from the top.
    lines = [line for section in core for line in section]
    while len(lines) > 1 and _units("\n".join(lines)) > MAX_SUMMARY_CHARS:
        lines.pop()
    return "\n".join(lines)


install(__name__)
