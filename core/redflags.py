"""Red flags: patterns in someone's reports that are worth showing a doctor.

The rules come from seed 000 (the "When to Seek Medical Help" table, "Red Flags Not to
Ignore" and the FAQ on twitches) and seed 003 ("When to See a Healthcare Provider").
Each rule is a pure function over the reports, declared with `@red_flag(id, level,
window)`; what it says to the user is in bot/texts/medical.py, by the same id.

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
    CRAMPING_MEDICATIONS,
    METABOLIC_CONDITIONS,
    Context,
    Duration,
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
    """One pattern to watch for: how soon to act, and how often to say so."""

    id: int  # stable: stored in the database, and the key of the rule's words
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


_RULES: dict[int, Rule] = {}


def red_flag(rule_id: int, level: Level, window_days: int) -> Callable[[Check], Check]:
    """Declare the decorated check as rule `rule_id`."""

    def declare(check: Check) -> Check:
        if rule_id in _RULES:
            raise ValueError(f"red-flag rule {rule_id} is declared twice")
        _RULES[rule_id] = Rule(rule_id, level, timedelta(days=window_days), check)
        return check

    return declare


_LONG_SPASM_SECONDS = 600
_SEVERE = 8


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


@red_flag(1, Level.SEE_DOCTOR, window_days=7)
def _long_spasm(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(
        r
        for r in _recent(reports, now, 7)
        if r.duration == Duration.OVER_10_MIN
        or (r.duration_seconds is not None and r.duration_seconds > _LONG_SPASM_SECONDS)
    )


@red_flag(2, Level.SEE_DOCTOR, window_days=7)
def _night_cramps(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    nights = [r for r in _recent(reports, now, 7) if r.context == Context.NIGHT]
    return _ids(nights) if len(nights) >= 3 else ()


# Longer than the look-back: one weak episode should not be raised twice.
@red_flag(3, Level.SEE_DOCTOR, window_days=14)
def _weakness(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.WEAKNESS, _recent(reports, now, 7)))


# Urgent: if it is still in the diary tomorrow, saying it again is worth it.
@red_flag(4, Level.URGENT, window_days=1)
def _swelling(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.SWELLING, _recent(reports, now, 2)))


# The condition is long-term; a monthly nudge is enough.
@red_flag(5, Level.MONITOR, window_days=30)
def _kidney_or_liver(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    if not profile.conditions & METABOLIC_CONDITIONS:
        return ()
    return _ids(_recent(reports, now, 7))


@red_flag(6, Level.SEE_DOCTOR, window_days=14)
def _spreading(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    counted = [r for r in _recent(reports, now, 14) if _muscle_groups([r])]
    return _ids(counted) if len(_muscle_groups(counted)) >= 3 else ()


# The look-back is 60 days; a month keeps it from repeating on the same reports too
# often while still catching weakness that goes on.
@red_flag(7, Level.SEE_DOCTOR, window_days=30)
def _progressive_weakness(
    reports: Sequence[Report], _profile: Profile, now: datetime
) -> tuple[int, ...]:
    weak = _with(Symptom.WEAKNESS, _recent(reports, now, 60))
    times = [r.occurred_at for r in weak]
    # Weakness a week or more after weakness: it is lasting, not a one-off.
    if len(weak) >= 2 and max(times) - min(times) >= timedelta(days=7):
        return _ids(weak)
    return ()


@red_flag(8, Level.SEE_DOCTOR, window_days=7)
def _walking(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.WALKING, _recent(reports, now, 7)))


@red_flag(9, Level.SEE_DOCTOR, window_days=30)
def _weight_loss(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_recent(reports, now, 30)) if profile.weight_loss else ()


# A rise that goes on next week is new information, so only a week's rest.
@red_flag(10, Level.SEE_DOCTOR, window_days=7)
def _rising(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    week = timedelta(days=7)
    # Oldest first: (now-28d, now-21d], ..., (now-7d, now].
    weeks = [_between(reports, now - (k + 1) * week, now - k * week) for k in range(3, -1, -1)]
    if all(len(a) < len(b) for a, b in pairwise(weeks)):
        return _ids(r for w in weeks for r in w)
    return ()


@red_flag(11, Level.SEE_DOCTOR, window_days=14)
def _medication(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    if not profile.medications & CRAMPING_MEDICATIONS:
        return ()
    recent = _recent(reports, now, 7)
    return _ids(recent) if len(recent) >= 2 else ()


@red_flag(12, Level.SEE_DOCTOR, window_days=7)
def _frequent_or_severe(
    reports: Sequence[Report], _profile: Profile, now: datetime
) -> tuple[int, ...]:
    recent = _recent(reports, now, 7)
    if len(recent) >= 4:
        return _ids(recent)
    severe = [r for r in recent if r.severity is not None and r.severity >= _SEVERE]
    return _ids(severe) if len(severe) >= 2 else ()


@red_flag(13, Level.SEE_DOCTOR, window_days=14)
def _twitches(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    recent = _recent(reports, now, 14)
    twitches = [r for r in recent if r.kind == SpasmKind.TWITCH]
    persist_or_spread = len(twitches) >= 2 or len(_muscle_groups(twitches)) >= 2
    weak = _with(Symptom.WEAKNESS, recent)
    return _ids(twitches + weak) if persist_or_spread and weak else ()


RULES: tuple[Rule, ...] = tuple(sorted(_RULES.values(), key=lambda r: r.id))


def rule(rule_id: int) -> Rule:
    """The rule with this id; KeyError if there is none (e.g. a retired id)."""
    return _RULES[rule_id]


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
