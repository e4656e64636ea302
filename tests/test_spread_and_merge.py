"""Quiet by design, without a database: each user's stable spread offset, and how a claim
groups, orders and trims what it sends (scheduler.claims.plan_messages)."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from scheduler.claims import Candidate, Message, Recipient, Water, decide_claim, plan_messages
from scheduler.planning import (
    GRACE,
    SPREAD_MINUTES,
    Kind,
    Prefs,
    hydration_slots,
    movement_slots,
    next_slot,
    spread_minutes,
    stretch_slot,
    summary_slot,
    tip_slot,
)

MONDAY = date(2026, 11, 23)
UTC_DAY = Prefs("UTC", wake=time(7), bed=time(23))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PINNED = [23, 37, 31]  # spread_minutes of users 1, 2 and 3


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


# --- Spread ----------------------------------------------------------------------------------


def test_a_users_offset_is_stable_and_within_the_bound() -> None:
    # Pinned: the same on every start, every instance and every Python (crc32, not hash).
    assert [spread_minutes(user_id) for user_id in (1, 2, 3)] == PINNED
    assert {spread_minutes(user_id) for user_id in range(10_000)} == set(range(SPREAD_MINUTES + 1))


def test_offsets_spread_a_crowd_evenly_over_the_minutes() -> None:
    crowd = Counter(spread_minutes(user_id) for user_id in range(100_000))
    # 60 minutes: each holds about 1/60 (1.7 %) of the crowd, none more than 2 %.
    assert max(crowd.values()) / 100_000 < 0.02


def test_drinks_moves_tips_and_the_summary_move_by_the_offset_the_stretch_barely() -> None:
    spread = Prefs("UTC", wake=time(7), bed=time(23), offset_minutes=7, summary_weekday=0)
    tuesday = MONDAY + timedelta(days=1)
    later = timedelta(minutes=7)
    assert hydration_slots(spread, MONDAY) == [s + later for s in hydration_slots(UTC_DAY, MONDAY)]
    # Movement stays inside wake + 1 h .. bed - 1 h: 22:00 + 7 min would pass it.
    moved = [s + later for s in movement_slots(UTC_DAY, MONDAY)]
    assert movement_slots(spread, MONDAY) == moved[:-1]
    assert tip_slot(spread, tuesday) == tip_slot(UTC_DAY, tuesday) + later  # type: ignore[operator]
    assert summary_slot(spread, MONDAY) == at(18, 7)
    assert stretch_slot(spread, MONDAY) == at(22, 29)  # a quarter of the offset earlier
    latest = Prefs("UTC", wake=time(7), bed=time(23), offset_minutes=59)
    assert stretch_slot(latest, MONDAY) == at(22, 16)  # never more than 14 min before 22:30


def test_the_offset_follows_the_wall_clock_across_spring_forward() -> None:
    # Berlin, 29 March 2026: 02:00-03:00 does not exist. A night-shift movement slot at
    # 02:00 + 5 min falls in the gap and goes out at the first valid minute, 03:00 CEST.
    night = Prefs("Europe/Berlin", wake=time(1), bed=time(9), offset_minutes=5)
    slots = movement_slots(night, date(2026, 3, 29))
    assert slots[0] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert slots[1] == datetime(2026, 3, 29, 1, 5, tzinfo=UTC)  # 03:05 CEST


def test_a_spread_slot_never_passes_bedtime() -> None:
    short = Prefs("UTC", wake=time(7), bed=time(7, 10), offset_minutes=14)
    assert all(slot <= at(7, 10) for slot in hydration_slots(short, MONDAY))


def test_next_slot_returns_the_spread_times() -> None:
    spread = Prefs("UTC", wake=time(7), bed=time(23), offset_minutes=7)
    assert next_slot(Kind.MOVEMENT, spread, at(8)) == at(8, 7)
    assert next_slot(Kind.HYDRATION, spread, at(8, 7)) == at(10, 7)


# --- Stale slots are dropped, not skipped --------------------------------------------------


def test_a_slot_found_past_its_grace_is_recorded_as_dropped() -> None:
    user = Recipient(UTC_DAY, frozenset(Kind))
    late = decide_claim(Kind.MOVEMENT, at(8), user, at(8) + GRACE[Kind.MOVEMENT])
    assert not late.send and late.dropped


def test_a_slot_held_back_on_purpose_is_not_a_drop() -> None:
    on_pace = Water(cups={MONDAY: 8})
    user = Recipient(UTC_DAY, frozenset(Kind))
    late = decide_claim(Kind.HYDRATION, at(8), user, at(9), water=on_pace)
    paused = Recipient(UTC_DAY, frozenset(Kind), paused_until=at(12))
    assert not late.dropped
    assert not decide_claim(Kind.MOVEMENT, at(8), paused, at(9)).dropped


# --- plan_messages ---------------------------------------------------------------------------


def slot(
    key: int, user_id: int, kind: Kind, when: datetime = NOW, ahead: bool = False
) -> Candidate:
    return Candidate(key, user_id, kind, when, ahead)


def test_a_users_reminders_due_together_go_as_one_message_due_ones_first() -> None:
    plan = plan_messages(
        [
            slot(1, 7, Kind.MOVEMENT),
            slot(2, 7, Kind.HYDRATION),
            slot(3, 7, Kind.TIP, NOW + timedelta(minutes=12), ahead=True),
            slot(4, 8, Kind.MOVEMENT),
        ],
        NOW,
    )
    assert [[p.key for p in m.parts] for m in plan.messages] == [[2, 1, 3], [4]]
    assert plan.dropped == []


def test_the_summary_and_follow_ups_always_go_alone() -> None:
    plan = plan_messages(
        [slot(1, 7, Kind.HYDRATION), slot(2, 7, Kind.SUMMARY), slot(3, 7, Kind.FOLLOW_UP)], NOW
    )
    assert [[p.key for p in m.parts] for m in plan.messages] == [[3], [2], [1]]


def test_slots_riding_along_alone_are_not_sent() -> None:
    ahead = slot(1, 7, Kind.MOVEMENT, NOW + timedelta(minutes=5), ahead=True)
    assert plan_messages([ahead, slot(2, 8, Kind.SUMMARY)], NOW).messages == [
        Message((slot(2, 8, Kind.SUMMARY),))
    ]


def test_without_merging_every_slot_is_its_own_message() -> None:
    plan = plan_messages([slot(1, 7, Kind.MOVEMENT), slot(2, 7, Kind.HYDRATION)], NOW, merge=False)
    assert [[p.key for p in m.parts] for m in plan.messages] == [[2], [1]]


def test_a_backlog_goes_by_priority_and_drops_what_cannot_leave_within_its_grace() -> None:
    # One a minute: 10 minutes of grace let ten drink or move nudges out; the stretch
    # (60 min) and the summary (12 h) go first whatever was due before them.
    nudges = [slot(n, 100 + n, Kind.MOVEMENT, NOW - timedelta(minutes=1)) for n in range(20)]
    firsts = [slot(50, 50, Kind.SUMMARY), slot(51, 51, Kind.STRETCH)]
    plan = plan_messages(nudges + firsts, NOW, send_rate=1 / 60)
    order = [m.parts[0].key for m in plan.messages]
    assert order[:2] == [50, 51]
    # Leaving at NOW + k minutes: those leaving later than 10 min after their slot are out.
    assert len(plan.messages) == 2 + 7 and {c.kind for c in plan.dropped} == {Kind.MOVEMENT}
    assert len(plan.dropped) == 20 - 7


def test_drink_nudges_behind_pace_go_before_movement_and_tips() -> None:
    due = [slot(1, 1, Kind.TIP), slot(2, 2, Kind.MOVEMENT), slot(3, 3, Kind.HYDRATION)]
    plan = plan_messages(due, NOW, send_rate=1.0)
    assert [m.parts[0].kind for m in plan.messages] == [Kind.HYDRATION, Kind.MOVEMENT, Kind.TIP]


def test_paid_broadcast_sends_what_the_free_rate_would_drop() -> None:
    nudges = [slot(n, n, Kind.MOVEMENT) for n in range(100)]
    plan = plan_messages(nudges, NOW, send_rate=0.1, paid_rate=1000)
    free = [m for m in plan.messages if not m.paid]
    assert plan.dropped == [] and len(plan.messages) == 100
    assert len(free) == 60  # 10 minutes at 0.1 a second; the other 40 go paid
