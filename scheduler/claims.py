"""The claim's decision for one due schedule row: pure, no Telegram and no database.

The dispatcher loads the due rows with their users and hydration counts, asks
`decide_claim` about each, then applies the answers (scheduler/dispatcher.py).
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from scheduler.planning import (
    DEFAULT_CUPS,
    GRACE,
    KINDS,
    Kind,
    Prefs,
    day_of,
    due_is_fresh,
    hydration_reminder_needed,
    hydration_slot_index,
    is_paused,
    next_slot,
)
from scheduler.rhythm import Rhythm, holds_back


@dataclass(frozen=True)
class Recipient:
    """What the claim needs to know of a user."""

    prefs: Prefs
    wanted: Collection[Kind]  # the reminder kinds they get (scheduler.schedules.wanted_kinds)
    paused_until: datetime | None = None
    # Kinds not on their usual rhythm (scheduler/rhythm.py); empty with adapt off.
    rhythm: Mapping[Kind, Rhythm] = field(default_factory=dict)


@dataclass(frozen=True)
class Water:
    """A user's cups logged and hydration goals by day; a day not listed has none and
    DEFAULT_CUPS."""

    cups: Mapping[date, int] = field(default_factory=dict)
    goals: Mapping[date, int] = field(default_factory=dict)

    def cups_on(self, day: date) -> int:
        """Cups logged on `day`."""
        return self.cups.get(day, 0)

    def goal_on(self, day: date) -> int:
        """The hydration goal of `day` (more on a hot day)."""
        return self.goals.get(day, DEFAULT_CUPS)


NO_WATER = Water()


@dataclass(frozen=True)
class ClaimDecision:
    """What the claim does with one due row."""

    send: bool  # record the slot as a delivery, to be sent
    next_due_at: datetime | None  # the row's next slot; None: the row is deleted
    # False: the user is gone or turned the kind off, so not counted as skipped.
    wanted: bool = True

    @property
    def skipped(self) -> bool:
        """A slot the user wants but that is held back (stale, paused, on pace)."""
        return self.wanted and not self.send


UNWANTED = ClaimDecision(send=False, next_due_at=None, wanted=False)

# decide_claim's shape, for a dispatcher given another (bench/messages.py's baseline).
Decide = Callable[[Kind, datetime, Recipient | None, datetime, bool, Water], ClaimDecision]


def decide_claim(
    kind: Kind,
    slot: datetime,
    user: Recipient | None,
    now: datetime,
    snooze: bool = False,
    water: Water = NO_WATER,
) -> ClaimDecision:
    """Whether to send a row's due `slot` at `now`, and when the row is due next.

    `user` is None when they are gone; `snooze` marks a one-off row (a snoozed reminder)
    that goes away once claimed; `water` only matters for hydration.
    """
    if user is None or kind not in user.wanted:
        return UNWANTED
    send = worth_sending(kind, slot, user, now, snooze, water)
    if snooze:
        return ClaimDecision(send, next_due_at=None)  # the series has a row of its own
    after = max(slot, now - GRACE[kind])  # missed slots past their grace: skip them
    return ClaimDecision(send, next_slot(kind, user.prefs, after, water.goal_on))


def worth_sending(
    kind: Kind, slot: datetime, user: Recipient, now: datetime, snooze: bool, water: Water
) -> bool:
    """Whether a slot the user wants is still worth a message at `now`."""
    if not due_is_fresh(kind, slot, now):
        return False
    if not KINDS[kind].pausable:
        return True  # a pause is for reminders; the summary and follow-ups still come
    if is_paused(user.paused_until, now):
        return False
    if not snooze and _held_back(kind, slot, user, water):
        return False
    if kind is not Kind.HYDRATION:
        return True
    day = day_of(user.prefs, slot)
    cups, goal = water.cups_on(day), water.goal_on(day)
    if snooze:
        return cups < goal
    index = hydration_slot_index(user.prefs, slot, goal)
    return index is not None and hydration_reminder_needed(cups, index, goal)


def _held_back(kind: Kind, slot: datetime, user: Recipient, water: Water) -> bool:
    """Whether the kind's rhythm (someone who kept letting it pass) holds this slot back."""
    rhythm = user.rhythm.get(kind)
    if rhythm is None:
        return False
    goal = water.goal_on(day_of(user.prefs, slot))
    return holds_back(kind, rhythm, user.prefs, slot, goal)
