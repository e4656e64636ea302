"""The cramp diary's vocabulary: what a report can say, from the seeds' categories.

Seed 000 names three kinds of spasm (cramps, twitches, stiffness), the muscles they most
often hit (with seed 003: calf, hamstring, quadriceps, feet and toes, hands and arms,
abdomen, back, neck) and the symptoms that change what to do (swelling, redness or warmth;
weakness; numbness or tingling; trouble walking or holding things).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)


class SpasmKind(StrEnum):
    CRAMP = "cramp"
    TWITCH = "twitch"
    STIFFNESS = "stiffness"


class Place(StrEnum):
    CALF = "calf"
    FOOT = "foot"  # foot or toes
    HAMSTRING = "hamstring"
    QUADRICEPS = "quadriceps"
    BACK = "back"
    NECK = "neck"
    ARM = "arm"  # hand or arm
    ABDOMEN = "abdomen"
    OTHER = "other"


class Duration(StrEnum):
    """How long it lasted, as the quick replies ask."""

    UNDER_1_MIN = "lt1"
    MIN_1_TO_10 = "1to10"
    OVER_10_MIN = "gt10"
    STILL_GOING = "ongoing"


class Context(StrEnum):
    """When it happened."""

    JUST_NOW = "now"
    NIGHT = "night"  # in bed or at night
    EXERCISE = "exercise"
    REST = "rest"
    EARLIER = "earlier"  # earlier today


class Symptom(StrEnum):
    """Anything else a report says: signs that change what to do, and how it hit the day.
    Append only: a report stores them as bits in this order."""

    SWELLING = "swelling"  # swelling, redness or warmth in the area
    WEAKNESS = "weakness"
    NUMBNESS = "numbness"  # numbness or tingling
    WALKING = "walking"  # trouble walking or holding things
    INTERRUPTED = "interrupted"  # it stopped them doing something (seed 003)
    NO_REASON = "no_reason"  # no clear reason for it that they know of (seed 003)


class Condition(StrEnum):
    """Conditions seed 000 names as causes or aggravators of spasms."""

    DIABETES = "diabetes"
    KIDNEY = "kidney"
    LIVER = "liver"
    THYROID = "thyroid"
    PAD = "pad"  # peripheral artery disease
    SPINE = "spine"  # herniated disc or spinal stenosis


class Medication(StrEnum):
    """Medications seed 000 says list muscle cramps as a side effect."""

    DIURETIC = "diuretic"
    STATIN = "statin"
    ASTHMA = "asthma"


# Seed 000, "5. Medications and Medical Conditions": these list muscle cramps as a side
# effect; and "When to Seek Medical Help": kidney or liver disease, a metabolic cause.
CRAMPING_MEDICATIONS = frozenset({Medication.DIURETIC, Medication.STATIN, Medication.ASTHMA})
METABOLIC_CONDITIONS = frozenset({Condition.KIDNEY, Condition.LIVER})


def duration_bucket(seconds: int) -> Duration:
    """The quick-reply bucket of a duration given in seconds."""
    if seconds < 60:
        return Duration.UNDER_1_MIN
    if seconds <= 600:
        return Duration.MIN_1_TO_10
    return Duration.OVER_10_MIN


@dataclass(frozen=True)
class Report:
    """A saved report, as the red-flag rules see it."""

    id: int
    occurred_at: datetime  # aware UTC
    kind: SpasmKind = SpasmKind.CRAMP
    places: frozenset[Place] = field(default_factory=frozenset)
    severity: int | None = None  # 1-10
    duration: Duration | None = None
    duration_seconds: int | None = None
    context: Context | None = None
    symptoms: frozenset[Symptom] = field(default_factory=frozenset)
    # The user's day it belongs to (wake-up to wake-up), and whether it happened between
    # their bedtime and wake-up; None for reports kept before these were.
    day: date | None = None
    at_night: bool | None = None

    @property
    def night_time(self) -> bool:
        """In bed or at night: by the clock, or as the user said."""
        return bool(self.at_night) or self.context is Context.NIGHT

    @classmethod
    def stored(cls, row: Any) -> "Report":
        """A report as stored (a row with these fields' names; sets as bit masks, enums as
        their values)."""
        return cls(
            id=row.id,
            occurred_at=row.occurred_at,
            kind=SpasmKind(row.kind),
            places=from_mask(Place, row.places),
            severity=row.severity,
            duration=Duration(row.duration) if row.duration else None,
            duration_seconds=row.duration_seconds,
            context=Context(row.context) if row.context else None,
            symptoms=from_mask(Symptom, row.symptoms),
            day=row.day,
            at_night=row.at_night,
        )


@dataclass(frozen=True)
class Profile:
    """What the user told /profile; all optional."""

    conditions: frozenset[Condition] = field(default_factory=frozenset)
    medications: frozenset[Medication] = field(default_factory=frozenset)
    weight_loss: bool = False

    @classmethod
    def stored(cls, conditions: int, medications: int, weight_loss: bool) -> "Profile":
        """A profile as stored: conditions and medications as bit masks."""
        return cls(
            from_mask(Condition, conditions), from_mask(Medication, medications), weight_loss
        )


def to_mask(items: Iterable[StrEnum]) -> int:
    """Store a set of enum members as bits, in their declaration order (append-only enums)."""
    mask = 0
    for item in items:
        mask |= 1 << list(type(item)).index(item)
    return mask


@cache  # a few enums and masks, decoded for every report read
def from_mask(enum: type[E], mask: int) -> frozenset[E]:
    """The members of `enum` whose bits are set in `mask`."""
    return frozenset(member for bit, member in enumerate(enum) if mask >> bit & 1)
