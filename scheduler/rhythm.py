"""How often a kind of reminder goes out for someone who keeps letting it pass: pure rules,
no Telegram and no database.

A sent reminder nobody answered (no button, and for hydration no cup logged before the
next slot) is ignored. After IGNORED_IN_A_ROW of a kind in a row, hydration and movement
back off to every other slot until the end of the next day, and the next reminder of the
kind asks, once, whether to keep, have fewer or stop them. Each slot judges the one before
it, so while backing off a held slot judges the sent one before it: three more let pass
start the back-off again, and someone who keeps letting them pass keeps getting half.
The stretch never backs off on its own: it is only asked about. Answering a reminder of
the kind restores its rhythm; "Fewer" is a lasting every-other-slot rhythm, undone in
/reminders. Tips are left out: their one button turns them off, so a tip read and liked
looks ignored.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from scheduler.planning import DEFAULT_CUPS, Kind, Prefs, day_end, day_of, slots_on

IGNORED_IN_A_ROW = 3
# The kinds the rhythm looks at, and those of them that back off without asking first.
ADAPTIVE = frozenset({Kind.HYDRATION, Kind.MOVEMENT, Kind.STRETCH})
BACKS_OFF = frozenset({Kind.HYDRATION, Kind.MOVEMENT})
# How far back the slot before a slot is looked for (movement may run one weekday only).
_LOOK_BACK_DAYS = 8


@dataclass(frozen=True)
class Rhythm:
    """One user's rhythm for one kind (a reminder_rhythms row; a kind without one: NORMAL)."""

    ignored: int = 0  # sent reminders of the kind left unanswered in a row
    backoff_until: datetime | None = None  # every other slot until then
    lighter: bool = False  # they chose "Fewer": every other slot until they undo it
    asked: bool = False  # the question went out (it is asked once)

    def backing_off(self, at: datetime) -> bool:
        """Whether the kind is backing off (on its own) at `at`."""
        return self.backoff_until is not None and at < self.backoff_until

    def answered(self) -> "Rhythm":
        """After an answer to a reminder of the kind: its usual rhythm (or the lighter one
        they chose) again."""
        return replace(self, ignored=0, backoff_until=None)


NORMAL = Rhythm()


def after_previous(
    kind: Kind, rhythm: Rhythm, ignored: bool | None, prefs: Prefs, slot: datetime
) -> Rhythm:
    """The rhythm once the slot before `slot` is judged: `ignored` None when it was not
    sent (held back, paused, failed) and says nothing about the user."""
    if ignored is None or kind not in ADAPTIVE:
        return rhythm
    if not ignored:
        return rhythm.answered()
    count = min(rhythm.ignored + 1, IGNORED_IN_A_ROW)
    if count < IGNORED_IN_A_ROW or kind not in BACKS_OFF or rhythm.lighter:
        return replace(rhythm, ignored=count)
    # Backs off from this slot to the end of the next day; counting starts again after.
    until = day_end(prefs, day_of(prefs, slot) + timedelta(days=1))
    return replace(rhythm, ignored=0, backoff_until=until)


def wants_to_ask(kind: Kind, rhythm: Rhythm, at: datetime) -> bool:
    """Whether the next reminder of the kind sent at `at` carries the question."""
    if rhythm.asked or kind not in ADAPTIVE or rhythm.lighter:
        return False
    if kind in BACKS_OFF:
        return rhythm.backing_off(at)
    return rhythm.ignored >= IGNORED_IN_A_ROW  # the stretch: asked about, never backed off


def holds_back(kind: Kind, rhythm: Rhythm, prefs: Prefs, slot: datetime, goal: int) -> bool:
    """Whether the rhythm holds this series slot back: every other slot while backing off
    (hydration, movement) or while lighter by choice (any adaptive kind)."""
    lighter = rhythm.lighter and kind in ADAPTIVE
    if not (lighter or (kind in BACKS_OFF and rhythm.backing_off(slot))):
        return False
    return position(kind, prefs, slot, goal) % 2 == 1


def position(kind: Kind, prefs: Prefs, slot: datetime, goal: int = DEFAULT_CUPS) -> int:
    """Where a slot falls in its series, for "every other": its place in its day (the
    day's first always goes), or for a once-a-day kind the day itself."""
    day = day_of(prefs, slot)
    if kind is Kind.STRETCH:
        return day.toordinal()
    slots = slots_on(kind, prefs, day, goal)
    return slots.index(slot) if slot in slots else 0


def previous_slot(
    kind: Kind, prefs: Prefs, slot: datetime, goal_for: Callable[[date], int] | None = None
) -> datetime | None:
    """The series slot before `slot` (within about a week), whose answer is judged when
    `slot` is claimed; `goal_for(day)` gives a day's hydration goal."""
    today = day_of(prefs, slot)
    for back in range(_LOOK_BACK_DAYS + 1):
        day = today - timedelta(days=back)
        goal = goal_for(day) if goal_for is not None else DEFAULT_CUPS
        earlier = [s for s in slots_on(kind, prefs, day, goal) if s < slot]
        if earlier:
            return max(earlier)
    return None


def was_ignored(
    kind: Kind,
    sent_at: datetime | None,
    response: str | None,
    last_cup_at: datetime | None,
) -> bool | None:
    """Whether a reminder was ignored: sent, no button pressed, and for hydration no cup
    logged since it went out. None: it was not sent, so it says nothing."""
    if sent_at is None:
        return None
    if response is not None:
        return False
    return not (kind is Kind.HYDRATION and last_cup_at is not None and last_cup_at >= sent_at)
