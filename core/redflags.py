"""Red flags: patterns in someone's reports that are worth showing a doctor.

The rules come from seed 000 (the "When to Seek Medical Help" table, "Red Flags Not to
Ignore" and the FAQ on twitches) and seed 003 ("When to See a Healthcare Provider"). The
facts are theirs; the sentences are ours.

Each rule looks back a fixed number of days ending at `now`, i.e. at reports with
`now - days < occurred_at <= now`, so reports dated after `now` never count. A rule fires
at most once per its `window`: the window is at least as long as the look-back wherever
that is kind, so the same few reports do not raise the same warning day after day.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from core.diary import (
    Condition,
    Context,
    Duration,
    Medication,
    Place,
    Profile,
    Report,
    SpasmKind,
    Symptom,
)


class Level(StrEnum):
    """How soon to act."""

    URGENT = "urgent"  # act now
    SEE_DOCTOR = "see_doctor"  # book an appointment
    MONITOR = "monitor"  # keep an eye on it / manage the underlying condition


Check = Callable[[Sequence[Report], Profile, datetime], tuple[int, ...]]


@dataclass(frozen=True)
class Rule:
    """One pattern to watch for, with what the seeds say it may mean and what to do."""

    id: int  # 1..13, stable: stored in the database
    title: str
    watches: str
    concern: str
    action: str
    level: Level
    window: timedelta  # fires at most once per window
    check: Check  # ids of the reports that make it fire, sorted; () if it does not


@dataclass(frozen=True)
class Flag:
    """A rule that fired, and the reports that made it fire."""

    rule: Rule
    report_ids: tuple[int, ...]


@dataclass(frozen=True)
class PastFlag:
    """A flag raised before, as stored."""

    rule_id: int
    raised_at: datetime


DISCLAIMER = (
    "This is not a diagnosis. Cramp Coach only spots patterns in your diary; "
    "a healthcare professional can tell you what is really going on."
)

_LONG_SPASM_SECONDS = 600
_SEVERE = 8
# Seed 000 names these three as medications that list cramps as a side effect.
_CRAMPING_MEDICATIONS = frozenset({Medication.DIURETIC, Medication.STATIN, Medication.ASTHMA})
_METABOLIC_CONDITIONS = frozenset({Condition.KIDNEY, Condition.LIVER})


def _between(reports: Iterable[Report], start: datetime, end: datetime) -> list[Report]:
    """Reports with start < occurred_at <= end."""
    return [r for r in reports if start < r.occurred_at <= end]


def _recent(reports: Iterable[Report], now: datetime, days: int) -> list[Report]:
    """Reports in the last `days` days; later ones have not happened yet."""
    return _between(reports, now - timedelta(days=days), now)


def _with(symptom: Symptom, reports: Iterable[Report]) -> list[Report]:
    return [r for r in reports if symptom in r.symptoms]


def _ids(reports: Iterable[Report]) -> tuple[int, ...]:
    return tuple(sorted({r.id for r in reports}))


def _muscle_groups(reports: Iterable[Report]) -> set[Place]:
    # "Other" may be any muscle, even one already named, so it cannot prove a spread.
    return {p for r in reports for p in r.places if p != Place.OTHER}


def _long_spasm(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(
        r
        for r in _recent(reports, now, 7)
        if r.duration == Duration.OVER_10_MIN
        or (r.duration_seconds is not None and r.duration_seconds > _LONG_SPASM_SECONDS)
    )


def _night_cramps(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    nights = [r for r in _recent(reports, now, 7) if r.context == Context.NIGHT]
    return _ids(nights) if len(nights) >= 3 else ()


def _weakness(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.WEAKNESS, _recent(reports, now, 7)))


def _swelling(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.SWELLING, _recent(reports, now, 2)))


def _kidney_or_liver(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    if not profile.conditions & _METABOLIC_CONDITIONS:
        return ()
    return _ids(_recent(reports, now, 7))


def _spreading(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    counted = [r for r in _recent(reports, now, 14) if _muscle_groups([r])]
    return _ids(counted) if len(_muscle_groups(counted)) >= 3 else ()


def _progressive_weakness(
    reports: Sequence[Report], _profile: Profile, now: datetime
) -> tuple[int, ...]:
    weak = _with(Symptom.WEAKNESS, _recent(reports, now, 60))
    times = [r.occurred_at for r in weak]
    # Weakness a week or more after weakness: it is lasting, not a one-off.
    if len(weak) >= 2 and max(times) - min(times) >= timedelta(days=7):
        return _ids(weak)
    return ()


def _walking(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.WALKING, _recent(reports, now, 7)))


def _weight_loss(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_recent(reports, now, 30)) if profile.weight_loss else ()


def _rising(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    week = timedelta(days=7)
    # Oldest first: (now-28d, now-21d], ..., (now-7d, now].
    weeks = [_between(reports, now - (k + 1) * week, now - k * week) for k in range(3, -1, -1)]
    if all(len(a) < len(b) for a, b in pairwise(weeks)):
        return _ids(r for w in weeks for r in w)
    return ()


def _medication(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    if not profile.medications & _CRAMPING_MEDICATIONS:
        return ()
    recent = _recent(reports, now, 7)
    return _ids(recent) if len(recent) >= 2 else ()


def _frequent_or_severe(
    reports: Sequence[Report], _profile: Profile, now: datetime
) -> tuple[int, ...]:
    recent = _recent(reports, now, 7)
    if len(recent) >= 4:
        return _ids(recent)
    severe = [r for r in recent if r.severity is not None and r.severity >= _SEVERE]
    return _ids(severe) if len(severe) >= 2 else ()


def _twitches(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    recent = _recent(reports, now, 14)
    twitches = [r for r in recent if r.kind == SpasmKind.TWITCH]
    persist_or_spread = len(twitches) >= 2 or len(_muscle_groups(twitches)) >= 2
    weak = _with(Symptom.WEAKNESS, recent)
    return _ids(twitches + weak) if persist_or_spread and weak else ()


# Seed 000 gives no "may indicate" for its red-flag list, only "see a healthcare provider
# promptly", so rules 6 to 10 share this wording.
_RED_FLAG = "a problem worth having checked, especially when it builds up over weeks"
_SEE_PROVIDER = "Please see a healthcare provider soon."

RULES: tuple[Rule, ...] = (
    Rule(
        id=1,
        title="A spasm lasting over 10 minutes",
        watches="a report lasting more than 10 minutes, in the last 7 days",
        concern="nerve damage or a severe deficiency",
        action="Please see a doctor and tell them how long it lasted.",
        level=Level.SEE_DOCTOR,
        window=timedelta(days=7),
        check=_long_spasm,
    ),
    Rule(
        id=2,
        title="Cramps that keep disturbing your sleep",
        watches="3 or more night-time reports in 7 days",
        concern="an electrolyte imbalance or a circulation problem",
        action="Ask your doctor about blood tests.",
        level=Level.SEE_DOCTOR,
        window=timedelta(days=7),
        check=_night_cramps,
    ),
    Rule(
        id=3,
        title="Weakness with a cramp",
        watches="a report with weakness or loss of function, in the last 7 days",
        concern="a nerve condition, such as ALS or MS",
        action="Ask your doctor about a referral to a neurologist.",
        level=Level.SEE_DOCTOR,
        # Longer than the look-back: one weak episode should not be raised twice.
        window=timedelta(days=14),
        check=_weakness,
    ),
    Rule(
        id=4,
        title="Swelling, redness or warmth",
        watches="a report with swelling, redness or warmth in the area, in the last 2 days",
        concern="a blood clot in a deep vein (DVT)",
        action="Please get medical help now, rather than waiting for an appointment.",
        level=Level.URGENT,
        # Urgent: if it is still in the diary tomorrow, saying it again is worth it.
        window=timedelta(days=1),
        check=_swelling,
    ),
    Rule(
        id=5,
        title="Cramps with kidney or liver disease",
        watches="any report in the last 7 days, when your profile lists kidney or liver disease",
        concern="a metabolic problem linked to that condition",
        action="Keep your doctor informed and keep managing the condition together.",
        level=Level.MONITOR,
        # The condition is long-term; a monthly nudge is enough.
        window=timedelta(days=30),
        check=_kidney_or_liver,
    ),
    Rule(
        id=6,
        title="Spasms spreading to several muscles",
        watches="3 or more different muscle groups in 14 days",
        concern=_RED_FLAG,
        action=_SEE_PROVIDER,
        level=Level.SEE_DOCTOR,
        window=timedelta(days=14),
        check=_spreading,
    ),
    Rule(
        id=7,
        title="Weakness that keeps coming back",
        watches="weakness in reports at least 7 days apart, within 60 days",
        concern=_RED_FLAG,
        action=_SEE_PROVIDER,
        level=Level.SEE_DOCTOR,
        # The look-back is 60 days; a month keeps it from repeating on the same reports
        # too often while still catching weakness that goes on.
        window=timedelta(days=30),
        check=_progressive_weakness,
    ),
    Rule(
        id=8,
        title="Trouble walking or holding things",
        watches="a report with trouble walking or holding things, in the last 7 days",
        concern=_RED_FLAG,
        action=_SEE_PROVIDER,
        level=Level.SEE_DOCTOR,
        window=timedelta(days=7),
        check=_walking,
    ),
    Rule(
        id=9,
        title="Weight loss alongside spasms",
        watches="any report in the last 30 days, when your profile notes unexplained weight loss",
        concern=_RED_FLAG,
        action=_SEE_PROVIDER,
        level=Level.SEE_DOCTOR,
        window=timedelta(days=30),
        check=_weight_loss,
    ),
    Rule(
        id=10,
        title="Spasms getting more frequent",
        watches="more reports each week than the week before, 3 weeks in a row",
        concern=_RED_FLAG,
        action=_SEE_PROVIDER,
        level=Level.SEE_DOCTOR,
        # A rise that goes on next week is new information, so only a week's rest.
        window=timedelta(days=7),
        check=_rising,
    ),
    Rule(
        id=11,
        title="Cramps while taking a medication that can cause them",
        watches="2 or more reports in 7 days, when your profile lists a diuretic, "
        "a statin or an asthma medication",
        concern="a side effect of the medication",
        action="Ask your doctor whether the dose or timing should change. "
        "Please don't stop taking it on your own.",
        level=Level.SEE_DOCTOR,
        window=timedelta(days=14),
        check=_medication,
    ),
    Rule(
        id=12,
        title="Frequent or severe cramps",
        watches="4 or more reports in 7 days, or 2 with severity 8 or more",
        concern="an underlying cause, such as a pinched nerve, a circulation problem "
        "or low minerals",
        action="Talk it over with your healthcare provider.",
        level=Level.SEE_DOCTOR,
        window=timedelta(days=7),
        check=_frequent_or_severe,
    ),
    Rule(
        id=13,
        title="Twitches that persist or spread, with weakness",
        watches="2 or more twitches, or twitches in 2 or more places, in 14 days, with weakness",
        concern="a nerve condition",
        action="Ask your doctor for a neurological check-up.",
        level=Level.SEE_DOCTOR,
        window=timedelta(days=14),
        check=_twitches,
    ),
)

_BY_ID = {r.id: r for r in RULES}


def rule(rule_id: int) -> Rule:
    """The rule with this id; KeyError if there is none (e.g. a retired id)."""
    return _BY_ID[rule_id]


def evaluate(
    reports: Sequence[Report],
    profile: Profile,
    now: datetime,
    past: Sequence[PastFlag] = (),
) -> list[Flag]:
    """Rules that fire now and were not raised within their window; urgent first, then by id."""
    flags = []
    for r in RULES:
        if any(p.rule_id == r.id and now - p.raised_at < r.window for p in past):
            continue
        report_ids = r.check(reports, profile, now)
        if report_ids:
            flags.append(Flag(r, report_ids))
    flags.sort(key=lambda f: (f.rule.level != Level.URGENT, f.rule.id))
    return flags
