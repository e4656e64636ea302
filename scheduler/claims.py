"""The claim's decisions: pure, no Telegram and no database.

The dispatcher loads the due rows with their users and hydration counts, asks
`decide_claim` about each, groups and orders what is to be sent with `plan_messages`
(merging, priority, what the send rate cannot get out in time), then applies the answers
(scheduler/dispatcher.py).
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.redflags import CLOT_SIGN_DAYS
from scheduler.planning import (
    DEFAULT_CUPS,
    GRACE,
    KINDS,
    MERGE_AHEAD,
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
    # Their latest report with swelling, redness or warmth within CLOT_SIGN_DAYS, if any.
    clot_sign_at: datetime | None = None


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
    # Would have been sent at its time, but is past its grace now: recorded as dropped.
    dropped: bool = False

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
    # Too late to send, but wanted at its time: a drop to record, not a silent skip.
    dropped = not send and not due_is_fresh(kind, slot, now)
    dropped = dropped and worth_sending(kind, slot, user, slot, snooze, water)
    if snooze:
        return ClaimDecision(send, next_due_at=None, dropped=dropped)  # a one-off row
    after = max(slot, now - GRACE[kind])  # missed slots past their grace: skip them
    return ClaimDecision(send, next_slot(kind, user.prefs, after, water.goal_on), dropped=dropped)


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
    if kind in HELD_BY_CLOT_SIGN and clot_sign_holds(user.clot_sign_at, now):
        return False
    if kind is not Kind.HYDRATION:
        return True
    day = day_of(user.prefs, slot)
    cups, goal = water.cups_on(day), water.goal_on(day)
    if snooze:
        return cups < goal
    index = hydration_slot_index(user.prefs, slot, goal)
    return index is not None and hydration_reminder_needed(cups, index, goal)


# 000 · When to Seek Medical Help: swelling, redness or warmth in the area may mean a
# blood clot (deep vein thrombosis), which needs immediate medical attention. A possible
# clot is never answered with exercise: while one is in the diary (red flag 4's window)
# the reminders that say walk or stretch are held. Drinks, tips, the weekly summary and
# follow-ups still come.
HELD_BY_CLOT_SIGN = frozenset({Kind.MOVEMENT, Kind.STRETCH})
CLOT_SIGN_HOLD = timedelta(days=CLOT_SIGN_DAYS)


def clot_sign_holds(clot_sign_at: datetime | None, now: datetime) -> bool:
    """Whether a report's clot sign at `clot_sign_at` still holds the move and stretch
    reminders at `now`."""
    return clot_sign_at is not None and now - CLOT_SIGN_HOLD < clot_sign_at <= now


# A snooze is the one reminder of its kind near the time it was asked for: a slot of the
# kind's series this close to it, before or after, is skipped. Without this a move nudge
# snoozed late came 5 minutes before the next hourly one, or both came in one message.
SNOOZE_STANDS_IN = MERGE_AHEAD


def stood_in_for(slot: datetime, snoozes: Iterable[datetime]) -> bool:
    """Whether a series slot is skipped for a snooze of its kind due at one of `snoozes`
    (being sent now, or still to come)."""
    return any(abs(slot - at) <= SNOOZE_STANDS_IN for at in snoozes)


def _held_back(kind: Kind, slot: datetime, user: Recipient, water: Water) -> bool:
    """Whether the kind's rhythm (someone who kept letting it pass) holds this slot back."""
    rhythm = user.rhythm.get(kind)
    if rhythm is None:
        return False
    goal = water.goal_on(day_of(user.prefs, slot))
    return holds_back(kind, rhythm, user.prefs, slot, goal)


@dataclass(frozen=True)
class Candidate:
    """A slot the claim would send: `key` is the caller's handle on it; `ahead` marks a
    slot not due yet, which goes only inside a message that is going anyway."""

    key: int
    user_id: int
    kind: Kind
    slot: datetime
    ahead: bool = False


@dataclass(frozen=True)
class Message:
    """One message to send: its parts (the first leads), and whether it goes as a paid
    broadcast (past what the free rate can send in time)."""

    parts: tuple[Candidate, ...]
    paid: bool = False


@dataclass(frozen=True)
class MessagePlan:
    """What a claim sends, in the order to send it, and what it drops."""

    messages: list[Message]
    dropped: list[Candidate]


def plan_messages(
    candidates: Sequence[Candidate],
    now: datetime,
    *,
    merge: bool = True,
    send_rate: float | None = None,
    paid_rate: float | None = None,
) -> MessagePlan:
    """Group, order and trim what a claim sends.

    A user's mergeable slots (KindPlan.merges) become one message. Messages go by the
    priority of their best part, then by slot. With a `send_rate` (messages a second this
    sender can count on), each message is given the time it would leave at that rate
    from `now`; a part that would leave past its grace is dropped (the rest of its
    message still goes), unless a `paid_rate` (paid broadcast) gets it out in time.
    Slots not due yet (`ahead`) only ride along: a message of them alone is not sent,
    and they are never dropped (they come due on their own).
    """
    messages = _group(candidates, merge)
    messages.sort(key=lambda parts: (min(KINDS[p.kind].priority for p in parts), parts[0].slot))
    planned: list[Message] = []
    dropped: list[Candidate] = []
    free = paid = 0  # messages planned so far on each lane
    for parts in messages:
        if all(part.ahead for part in parts):
            continue
        on_time = _on_time(parts, _leaves(now, free, send_rate))
        if len(on_time) < len(parts) and paid_rate is not None:
            on_paid = _on_time(parts, _leaves(now, paid, paid_rate))
            if len(on_paid) > len(on_time):
                planned.append(Message(on_paid, paid=True))
                paid += 1
                dropped += [p for p in parts if p not in on_paid and not p.ahead]
                continue
        dropped += [p for p in parts if p not in on_time and not p.ahead]
        if any(not part.ahead for part in on_time):
            planned.append(Message(on_time))
            free += 1
    return MessagePlan(planned, dropped)


def _group(candidates: Sequence[Candidate], merge: bool) -> list[tuple[Candidate, ...]]:
    """Each user's mergeable slots together (earliest first), every other slot alone."""
    together: defaultdict[int, list[Candidate]] = defaultdict(list)
    alone: list[tuple[Candidate, ...]] = []
    for candidate in candidates:
        if merge and KINDS[candidate.kind].merges:
            together[candidate.user_id].append(candidate)
        else:
            alone.append((candidate,))
    grouped = [tuple(sorted(parts, key=_part_order)) for parts in together.values()]
    return grouped + alone


def _part_order(candidate: Candidate) -> tuple[bool, int, datetime]:
    """Due parts before those riding along (the lead is due), then by priority."""
    return candidate.ahead, KINDS[candidate.kind].priority, candidate.slot


def _leaves(now: datetime, position: int, rate: float | None) -> datetime:
    return now if rate is None else now + timedelta(seconds=position / rate)


def _on_time(parts: tuple[Candidate, ...], leaves: datetime) -> tuple[Candidate, ...]:
    """The parts still within their grace when the message leaves (those riding along
    are not due yet, so they are on time), kept only if a due part is among them."""
    kept = tuple(p for p in parts if p.ahead or leaves - p.slot < GRACE[p.kind])
    return kept if any(not p.ahead for p in kept) else ()
