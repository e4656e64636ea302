"""Red flags: patterns in someone's reports that are worth showing a doctor.

Each rule is a pure function over the reports, declared with `@red_flag(id, level,
window, source=...)`; the source names the article in ../shared/seeds/ (000: "Muscle
Spasms Common Causes And When To Seek Help"; 003: "Muscle Spasms and Cramps: Common
Triggers and Causes") and the section the rule comes from. What a rule says to the user
is in bot/texts/medical.py, by the same id.

Each rule looks back a fixed number of days ending at `now`, i.e. at reports with
`now - days < occurred_at <= now`, so reports dated after `now` never count. Two kinds:

* a per-report rule (a sign in one report: a spasm over 10 minutes, weakness, swelling,
  trouble walking) is raised by every report that shows the sign; its window only keeps
  the same reports from raising it twice within it;
* a pattern rule (several reports together) is raised at most once per window, unless
  within it the pattern grows clearly worse (half as many reports again, and at least
  two more, than when it was raised): then it is raised again, saying so.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from core.diary import (
    CRAMPING_MEDICATIONS,
    METABOLIC_CONDITIONS,
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
    """One pattern to watch for: how soon to act, how often to say so, and where it
    comes from."""

    id: int  # stable: stored in the database, and the key of the rule's words
    level: Level
    window: timedelta  # see the module docstring
    check: Check  # ids of the reports that make it fire, sorted; () if it does not
    source: "Source"
    per_report: bool  # raised by each new report that shows it (else: a pattern)


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: the article in ../shared/seeds/ and its section heading."""

    file: str
    section: str

    def __str__(self) -> str:
        return f"{self.file[:3]} · {self.section}"


@dataclass(frozen=True)
class Flag:
    """A rule that fired, and the reports that made it fire."""

    rule: Rule
    report_ids: tuple[int, ...]
    # A pattern raised again because it grew worse: how many reports it had then.
    earlier: int | None = None


@dataclass(frozen=True)
class PastFlag:
    """A flag raised before, as stored, with the reports that raised it."""

    rule_id: int
    raised_at: datetime
    report_ids: frozenset[int] = frozenset()


_RULES: dict[int, Rule] = {}
# The sections the rules come from.
_000, _003 = "000_b7912700f50def44.txt", "003_af87dcd8d3c20c92.txt"
SEEK_HELP = Source(_000, "When to Seek Medical Help")
RED_FLAGS = Source(_000, "Red Flags Not to Ignore")
MEDICATIONS = Source(_000, "5. Medications and Medical Conditions")
TWITCH_FAQ = Source(_000, "FAQ: Are muscle twitches a sign of something serious?")
SEE_PROVIDER = Source(_003, "When to See a Healthcare Provider")


def red_flag(
    rule_id: int, level: Level, window_days: int, *, source: Source, per_report: bool = False
) -> Callable[[Check], Check]:
    """Declare the decorated check as rule `rule_id`."""

    def declare(check: Check) -> Check:
        if rule_id in _RULES:
            raise ValueError(f"red-flag rule {rule_id} is declared twice")
        window = timedelta(days=window_days)
        _RULES[rule_id] = Rule(rule_id, level, window, check, source, per_report)
        return check

    return declare


_LONG_SPASM_SECONDS = 600
_SEVERE = 8
# Our threshold for "keeps happening" where the sources give none: 3 in a week, as for
# sleep; twice as many reports in the latest week as three weeks before, and 4 at least,
# for "getting more frequent".
_RECURRING = 3
_RISE_FACTOR, _RISE_MIN = 2, 4


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


def _night_of(report: Report) -> date:
    """The night a night-time report belongs to: its user's day (whose night it is)."""
    return report.day or report.occurred_at.date()


@red_flag(1, Level.SEE_DOCTOR, 7, source=SEEK_HELP, per_report=True)
def _long_spasm(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(
        r
        for r in _recent(reports, now, 7)
        if r.duration == Duration.OVER_10_MIN
        or (r.duration_seconds is not None and r.duration_seconds > _LONG_SPASM_SECONDS)
    )


# Night-time by the clock (between bedtime and wake-up) or as tapped; nights, not reports:
# three cramps in one bad night are not yet "frequent cramps disrupting sleep".
@red_flag(2, Level.SEE_DOCTOR, 7, source=SEEK_HELP)
def _night_cramps(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    nights = [r for r in _recent(reports, now, 7) if r.night_time]
    return _ids(nights) if len({_night_of(r) for r in nights}) >= _RECURRING else ()


@red_flag(3, Level.SEE_DOCTOR, 14, source=SEEK_HELP, per_report=True)
def _weakness(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.WEAKNESS, _recent(reports, now, 7)))


# How long a report's clot sign (swelling, redness or warmth: rule 4) counts: rule 4 says
# it again with a report made in that time, and the move and stretch reminders are held
# through it (scheduler/claims.py, HELD_BY_CLOT_SIGN).
CLOT_SIGN_DAYS = 2


# A day's window with a two-day look-back: a clot sign still in the diary tomorrow is
# said again (with a report made then), and each new one is said at once.
@red_flag(4, Level.URGENT, 1, source=SEEK_HELP, per_report=True)
def _swelling(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.SWELLING, _recent(reports, now, CLOT_SIGN_DAYS)))


# The condition is long-term; a monthly nudge is enough.
@red_flag(5, Level.MONITOR, 30, source=SEEK_HELP)
def _kidney_or_liver(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    if not profile.conditions & METABOLIC_CONDITIONS:
        return ()
    return _ids(_recent(reports, now, 7))


@red_flag(6, Level.SEE_DOCTOR, 14, source=RED_FLAGS)
def _spreading(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    counted = [r for r in _recent(reports, now, 14) if _muscle_groups([r])]
    return _ids(counted) if len(_muscle_groups(counted)) >= 3 else ()


# The look-back is 60 days; a month keeps it from repeating on the same reports too
# often while still catching weakness that goes on.
@red_flag(7, Level.SEE_DOCTOR, 30, source=RED_FLAGS)
def _progressive_weakness(
    reports: Sequence[Report], _profile: Profile, now: datetime
) -> tuple[int, ...]:
    weak = _with(Symptom.WEAKNESS, _recent(reports, now, 60))
    times = [r.occurred_at for r in weak]
    # Weakness a week or more after weakness: it is lasting, not a one-off.
    if len(weak) >= 2 and max(times) - min(times) >= timedelta(days=7):
        return _ids(weak)
    return ()


@red_flag(8, Level.SEE_DOCTOR, 7, source=RED_FLAGS, per_report=True)
def _walking(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_with(Symptom.WALKING, _recent(reports, now, 7)))


@red_flag(9, Level.SEE_DOCTOR, 30, source=RED_FLAGS)
def _weight_loss(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    return _ids(_recent(reports, now, 30)) if profile.weight_loss else ()


# "Especially if they develop gradually over weeks": only weeks the diary covers count
# (a week before someone's first report is empty for want of a diary, not of cramps).
@red_flag(10, Level.SEE_DOCTOR, 7, source=RED_FLAGS)
def _rising(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    kept = [r.occurred_at for r in reports if r.occurred_at <= now]
    if not kept:
        return ()
    first, week = min(kept), timedelta(days=7)
    # Oldest first: (now-28d, now-21d], ..., (now-7d, now]; a week counts from its start.
    starts = [now - (k + 1) * week for k in range(3, -1, -1)]
    weeks = [_between(reports, start, start + week) for start in starts if start >= first]
    counts = [len(w) for w in weeks]
    rising = len(counts) >= 3 and all(a < b for a, b in pairwise(counts))
    if rising and counts[-1] >= max(_RISE_MIN, _RISE_FACTOR * counts[0]):
        return _ids(r for w in weeks for r in w)
    return ()


@red_flag(11, Level.SEE_DOCTOR, 14, source=MEDICATIONS)
def _medication(reports: Sequence[Report], profile: Profile, now: datetime) -> tuple[int, ...]:
    if not profile.medications & CRAMPING_MEDICATIONS:
        return ()
    recent = _recent(reports, now, 7)
    return _ids(recent) if len(recent) >= 2 else ()


@red_flag(12, Level.SEE_DOCTOR, 7, source=SEE_PROVIDER)
def _frequent_or_severe(
    reports: Sequence[Report], _profile: Profile, now: datetime
) -> tuple[int, ...]:
    recent = _recent(reports, now, 7)
    if len(recent) >= 4:
        return _ids(recent)
    severe = [r for r in recent if r.severity is not None and r.severity >= _SEVERE]
    return _ids(severe) if len(severe) >= 2 else ()


def _persistent_or_spreading_twitches(recent: Sequence[Report]) -> list[Report]:
    """The twitches, if they keep coming (two or more) or spread (two places or more)."""
    twitches = [r for r in recent if r.kind == SpasmKind.TWITCH]
    return twitches if len(twitches) >= 2 or len(_muscle_groups(twitches)) >= 2 else []


@red_flag(13, Level.SEE_DOCTOR, 14, source=TWITCH_FAQ)
def _twitches(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    recent = _recent(reports, now, 14)
    twitches, weak = _persistent_or_spreading_twitches(recent), _with(Symptom.WEAKNESS, recent)
    return _ids(twitches + weak) if twitches and weak else ()


# The same twitches without weakness: worth a check on their own (rule 13 says it when
# weakness comes with them).
@red_flag(14, Level.SEE_DOCTOR, 14, source=TWITCH_FAQ)
def _twitches_alone(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    recent = _recent(reports, now, 14)
    twitches = _persistent_or_spreading_twitches(recent)
    return _ids(twitches) if twitches and not _with(Symptom.WEAKNESS, recent) else ()


@red_flag(15, Level.SEE_DOCTOR, 7, source=SEE_PROVIDER)
def _interrupting(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    stopped = _with(Symptom.INTERRUPTED, _recent(reports, now, 7))
    return _ids(stopped) if len(stopped) >= _RECURRING else ()


@red_flag(16, Level.SEE_DOCTOR, 14, source=SEE_PROVIDER)
def _no_reason(reports: Sequence[Report], _profile: Profile, now: datetime) -> tuple[int, ...]:
    unexplained = _with(Symptom.NO_REASON, _recent(reports, now, 14))
    return _ids(unexplained) if len(unexplained) >= _RECURRING else ()


RULES: tuple[Rule, ...] = tuple(sorted(_RULES.values(), key=lambda r: r.id))


def rule(rule_id: int) -> Rule:
    """The rule with this id; KeyError if there is none (e.g. a retired id)."""
    return _RULES[rule_id]


def clearly_worse(count: int, earlier: int) -> bool:
    """A pattern of `count` reports against `earlier` when it was raised: half as many
    again, and at least two more."""
    return count >= earlier + max(2, -(-earlier // 2))


def evaluate(
    reports: Sequence[Report],
    profile: Profile,
    now: datetime,
    past: Sequence[PastFlag] = (),
) -> list[Flag]:
    """Rules that fire now and are news (see the module docstring); urgent first, then
    by id."""
    flags = []
    for r in RULES:
        found = r.check(reports, profile, now)
        if not found:
            continue
        within = [p for p in past if p.rule_id == r.id and now - p.raised_at < r.window]
        if r.per_report:
            covered = frozenset().union(*(p.report_ids for p in within))
            new = tuple(i for i in found if i not in covered)
            if new:
                flags.append(Flag(r, new))
        elif not within:
            flags.append(Flag(r, found))
        elif clearly_worse(len(found), then := max(len(p.report_ids) for p in within)):
            flags.append(Flag(r, found, earlier=then))
    flags.sort(key=lambda f: (f.rule.level != Level.URGENT, f.rule.id))
    return flags
