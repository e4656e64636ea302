"""The rhythm's rules, pure: back-off after reminders let pass, the question asked once,
restored by an answer, the stretch never eased off without asking."""

from datetime import UTC, date, datetime, time, timedelta

from scheduler.planning import Kind, Prefs, movement_slots, slots_on, stretch_slot
from scheduler.rhythm import (
    IGNORED_IN_A_ROW,
    NORMAL,
    Rhythm,
    after_previous,
    holds_back,
    previous_slot,
    wants_to_ask,
    was_ignored,
)

PREFS = Prefs("UTC", time(7), time(23))
MONDAY = date(2026, 11, 23)
MOVEMENT = movement_slots(PREFS, MONDAY)  # 08:00 ... 22:00


def let_pass(kind: Kind, times: int, slot: datetime) -> Rhythm:
    rhythm = NORMAL
    for _ in range(times):
        rhythm = after_previous(kind, rhythm, True, PREFS, slot)
    return rhythm


def test_a_kind_backs_off_after_three_let_pass_until_the_end_of_the_next_day() -> None:
    assert let_pass(Kind.MOVEMENT, IGNORED_IN_A_ROW - 1, MOVEMENT[3]).backoff_until is None
    rhythm = let_pass(Kind.MOVEMENT, IGNORED_IN_A_ROW, MOVEMENT[3])
    assert rhythm.backoff_until == datetime(2026, 11, 24, 23, tzinfo=UTC)
    assert rhythm.ignored == 0  # counting starts again once it is over
    held = [holds_back(Kind.MOVEMENT, rhythm, PREFS, slot, 8) for slot in MOVEMENT]
    assert held == [i % 2 == 1 for i in range(len(MOVEMENT))]  # every other, the first goes
    wednesday = movement_slots(PREFS, MONDAY + timedelta(days=2))
    assert not any(holds_back(Kind.MOVEMENT, rhythm, PREFS, s, 8) for s in wednesday)


def test_an_answer_restores_the_usual_rhythm_but_fewer_by_choice_stays() -> None:
    rhythm = let_pass(Kind.HYDRATION, IGNORED_IN_A_ROW, MOVEMENT[3])
    restored = after_previous(Kind.HYDRATION, rhythm, False, PREFS, MOVEMENT[4])
    assert restored == NORMAL
    chosen = Rhythm(lighter=True, asked=True)
    assert after_previous(Kind.HYDRATION, chosen, False, PREFS, MOVEMENT[4]).lighter
    assert after_previous(Kind.HYDRATION, rhythm, None, PREFS, MOVEMENT[4]) == rhythm  # not sent


def test_the_question_is_asked_once_while_backing_off() -> None:
    rhythm = let_pass(Kind.HYDRATION, IGNORED_IN_A_ROW, MOVEMENT[3])
    assert wants_to_ask(Kind.HYDRATION, rhythm, MOVEMENT[4])
    assert not wants_to_ask(
        Kind.HYDRATION, Rhythm(asked=True, backoff_until=rhythm.backoff_until), MOVEMENT[4]
    )
    assert not wants_to_ask(Kind.HYDRATION, NORMAL, MOVEMENT[4])


def test_the_stretch_is_never_eased_off_without_asking() -> None:
    tonight = stretch_slot(PREFS, MONDAY)
    rhythm = let_pass(Kind.STRETCH, IGNORED_IN_A_ROW + 2, tonight)
    assert rhythm.backoff_until is None
    assert not any(
        holds_back(Kind.STRETCH, rhythm, PREFS, stretch_slot(PREFS, MONDAY + timedelta(days=d)), 8)
        for d in range(4)
    )
    assert wants_to_ask(Kind.STRETCH, rhythm, tonight)
    chosen = Rhythm(lighter=True, asked=True)  # "Fewer", by their own choice: every other evening
    evenings = [stretch_slot(PREFS, MONDAY + timedelta(days=d)) for d in range(4)]
    assert sum(holds_back(Kind.STRETCH, chosen, PREFS, s, 8) for s in evenings) == 2


def test_tips_summaries_and_follow_ups_never_change_rhythm() -> None:
    for kind in (Kind.TIP, Kind.SUMMARY, Kind.FOLLOW_UP):
        assert let_pass(kind, 10, MOVEMENT[3]) == NORMAL
        assert not holds_back(
            kind, Rhythm(lighter=True, backoff_until=MOVEMENT[-1]), PREFS, MOVEMENT[3], 8
        )


def test_the_slot_before_is_the_series_one_across_nights_and_days_off() -> None:
    assert previous_slot(Kind.MOVEMENT, PREFS, MOVEMENT[1]) == MOVEMENT[0]
    tuesday_first = movement_slots(PREFS, MONDAY + timedelta(days=1))[0]
    assert previous_slot(Kind.MOVEMENT, PREFS, tuesday_first) == MOVEMENT[-1]
    mondays_only = Prefs("UTC", time(7), time(23), movement_days=0b1)
    next_monday = movement_slots(mondays_only, MONDAY + timedelta(days=7))[0]
    assert previous_slot(Kind.MOVEMENT, mondays_only, next_monday) == MOVEMENT[-1]
    hot = slots_on(Kind.HYDRATION, PREFS, MONDAY, 10)
    assert previous_slot(Kind.HYDRATION, PREFS, hot[2], lambda _: 10) == hot[1]


def test_ignored_means_sent_unanswered_and_for_water_no_cup_since() -> None:
    sent = datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert was_ignored(Kind.MOVEMENT, None, None, None) is None  # never sent: says nothing
    assert was_ignored(Kind.MOVEMENT, sent, "s", None) is False  # Skip is an answer too
    assert was_ignored(Kind.MOVEMENT, sent, None, sent + timedelta(minutes=5)) is True
    assert was_ignored(Kind.HYDRATION, sent, None, sent + timedelta(minutes=5)) is False
    assert was_ignored(Kind.HYDRATION, sent, None, sent - timedelta(minutes=5)) is True
