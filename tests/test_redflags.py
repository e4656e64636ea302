"""Red-flag rules at their boundaries, and how evaluate() combines and quiets them."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.texts.medical import FLAG_DISCLAIMER as DISCLAIMER
from bot.texts.medical import RULE_ACTIONS, RULE_CONCERNS, RULE_TITLES, RULE_WATCHES
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
from core.redflags import RULES, Flag, Level, PastFlag, clearly_worse, evaluate, rule

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def rep(
    id_: int,
    ago: timedelta = HOUR,
    *,
    kind: SpasmKind = SpasmKind.CRAMP,
    places: Iterable[Place] = (),
    severity: int | None = None,
    duration: Duration | None = None,
    seconds: int | None = None,
    context: Context | None = None,
    symptoms: Iterable[Symptom] = (),
    at_night: bool | None = None,
) -> Report:
    """A report that happened `ago` before NOW."""
    return Report(
        id=id_,
        occurred_at=NOW - ago,
        kind=kind,
        places=frozenset(places),
        severity=severity,
        duration=duration,
        duration_seconds=seconds,
        context=context,
        symptoms=frozenset(symptoms),
        day=(NOW - ago).date(),
        at_night=at_night,
    )


def fires(rule_id: int, reports: list[Report], profile: Profile | None = None) -> tuple[int, ...]:
    return rule(rule_id).check(reports, profile or Profile(), NOW)


def ids(flags: list[Flag]) -> list[int]:
    return [f.rule.id for f in flags]


# Rule 1: a spasm lasting over 10 minutes.


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (rep(1, seconds=600), ()),
        (rep(1, seconds=601), (1,)),
        (rep(1, duration=Duration.OVER_10_MIN), (1,)),
        (rep(1, duration=Duration.MIN_1_TO_10), ()),
        (rep(1, 8 * DAY, duration=Duration.OVER_10_MIN), ()),
        (rep(1, 7 * DAY, seconds=601), ()),
        (rep(1, 7 * DAY - SECOND, seconds=601), (1,)),
    ],
)
def test_a_spasm_over_ten_minutes_in_the_last_week_fires(
    report: Report, expected: tuple[int, ...]
) -> None:
    assert fires(1, [report]) == expected


# Rule 2: night cramps disrupting sleep.


def test_two_night_cramps_in_a_week_are_not_yet_a_pattern() -> None:
    assert fires(2, [rep(i, i * DAY, context=Context.NIGHT) for i in (1, 2)]) == ()


def test_three_night_cramps_in_a_week_fire() -> None:
    assert fires(2, [rep(i, i * DAY, context=Context.NIGHT) for i in (1, 2, 3)]) == (1, 2, 3)


def test_a_night_cramp_just_over_a_week_ago_does_not_count() -> None:
    reports = [rep(1, DAY, context=Context.NIGHT), rep(2, 2 * DAY, context=Context.NIGHT)]
    reports.append(rep(3, 7 * DAY + SECOND, context=Context.NIGHT))
    assert fires(2, reports) == ()


def test_cramps_at_other_times_do_not_count_as_night_cramps() -> None:
    reports = [rep(1, DAY, context=Context.NIGHT), rep(2, 2 * DAY, context=Context.NIGHT)]
    reports.append(rep(3, 3 * DAY, context=Context.EXERCISE, at_night=False))
    assert fires(2, reports) == ()


def test_cramps_between_bedtime_and_wake_up_are_night_cramps_whatever_was_tapped() -> None:
    tapped = (Context.JUST_NOW, None, Context.EXERCISE)
    reports = [rep(i, i * DAY, context=c, at_night=True) for i, c in enumerate(tapped, 1)]
    assert fires(2, reports) == (1, 2, 3)


def test_three_cramps_in_one_night_are_one_night_not_a_pattern() -> None:
    assert fires(2, [rep(i, i * HOUR, at_night=True) for i in (1, 2, 3)]) == ()


# Rule 3: weakness with a cramp.


def test_weakness_in_the_last_week_fires() -> None:
    assert fires(3, [rep(1, 6 * DAY, symptoms=[Symptom.WEAKNESS]), rep(2)]) == (1,)


def test_weakness_over_a_week_ago_or_other_symptoms_do_not_fire() -> None:
    reports = [rep(1, 8 * DAY, symptoms=[Symptom.WEAKNESS]), rep(2, symptoms=[Symptom.NUMBNESS])]
    assert fires(3, reports) == ()


# Rule 4: swelling, redness or warmth.


def test_swelling_in_the_last_two_days_is_urgent() -> None:
    assert fires(4, [rep(1, 47 * HOUR, symptoms=[Symptom.SWELLING])]) == (1,)
    assert rule(4).level is Level.URGENT


def test_swelling_more_than_two_days_ago_does_not_fire() -> None:
    assert fires(4, [rep(1, 49 * HOUR, symptoms=[Symptom.SWELLING])]) == ()


# Rule 5: kidney or liver disease.


@pytest.mark.parametrize("condition", [Condition.KIDNEY, Condition.LIVER])
def test_kidney_or_liver_disease_with_a_recent_cramp_asks_to_monitor(
    condition: Condition,
) -> None:
    profile = Profile(conditions=frozenset({condition}))
    assert fires(5, [rep(2, 3 * DAY), rep(1, 8 * DAY)], profile) == (2,)
    assert rule(5).level is Level.MONITOR


def test_kidney_disease_without_a_cramp_this_week_does_not_fire() -> None:
    profile = Profile(conditions=frozenset({Condition.KIDNEY}))
    assert fires(5, [rep(1, 8 * DAY)], profile) == ()


def test_other_conditions_do_not_fire_the_kidney_or_liver_rule() -> None:
    assert fires(5, [rep(1)], Profile(conditions=frozenset({Condition.DIABETES}))) == ()
    assert fires(5, [rep(1)]) == ()


# Rule 6: spreading to several muscle groups.


def test_three_muscle_groups_in_two_weeks_fire() -> None:
    reports = [rep(1, places=[Place.CALF]), rep(2, 13 * DAY, places=[Place.BACK])]
    reports.append(rep(3, 5 * DAY, places=[Place.NECK, Place.CALF]))
    assert fires(6, reports) == (1, 2, 3)


def test_three_muscle_groups_in_one_report_fire() -> None:
    assert fires(6, [rep(1, places=[Place.CALF, Place.FOOT, Place.ARM])]) == (1,)


def test_other_is_not_counted_as_a_muscle_group() -> None:
    reports = [rep(1, places=[Place.CALF]), rep(2, places=[Place.BACK])]
    reports.append(rep(3, places=[Place.OTHER]))
    assert fires(6, reports) == ()


def test_a_muscle_group_more_than_two_weeks_ago_does_not_count() -> None:
    reports = [rep(1, places=[Place.CALF]), rep(2, places=[Place.BACK])]
    reports.append(rep(3, 14 * DAY + SECOND, places=[Place.NECK]))
    assert fires(6, reports) == ()


# Rule 7: progressive weakness.


def test_weakness_a_week_apart_is_progressive() -> None:
    reports = [
        rep(1, 8 * DAY, symptoms=[Symptom.WEAKNESS]),
        rep(2, DAY, symptoms=[Symptom.WEAKNESS]),
    ]
    assert fires(7, reports) == (1, 2)


def test_weakness_just_under_a_week_apart_is_not_yet_progressive() -> None:
    reports = [
        rep(1, DAY + 6 * DAY + 23 * HOUR, symptoms=[Symptom.WEAKNESS]),
        rep(2, DAY, symptoms=[Symptom.WEAKNESS]),
    ]
    assert fires(7, reports) == ()


def test_weakness_over_sixty_days_ago_does_not_count_towards_progression() -> None:
    reports = [rep(1, 61 * DAY, symptoms=[Symptom.WEAKNESS]), rep(2, symptoms=[Symptom.WEAKNESS])]
    assert fires(7, reports) == ()


# Rule 8: difficulty walking or holding objects.


def test_trouble_walking_this_week_fires() -> None:
    assert fires(8, [rep(1, symptoms=[Symptom.WALKING]), rep(2)]) == (1,)
    assert fires(8, [rep(1, 8 * DAY, symptoms=[Symptom.WALKING])]) == ()


# Rule 9: unexplained weight loss alongside spasms.


def test_weight_loss_with_a_spasm_this_month_fires() -> None:
    profile = Profile(weight_loss=True)
    assert fires(9, [rep(1, 29 * DAY), rep(2, 31 * DAY)], profile) == (1,)


def test_weight_loss_without_a_recent_spasm_or_spasms_without_weight_loss_do_not_fire() -> None:
    assert fires(9, [rep(1, 31 * DAY)], Profile(weight_loss=True)) == ()
    assert fires(9, [rep(1)]) == ()


# Rule 10: frequency rising week on week.


def weekly(counts: tuple[int, int, int, int], *, diary_since: int | None = 40) -> list[Report]:
    """`counts` reports in each of the four weeks before NOW, oldest week first, after a
    first report `diary_since` days ago (None: the diary starts with these)."""
    reports = [] if diary_since is None else [rep(100, diary_since * DAY)]
    for week, count in enumerate(counts):
        weeks_back = 3 - week
        for n in range(count):
            reports.append(rep(len(reports) + 1, weeks_back * 7 * DAY + (n + 1) * HOUR))
    return reports


@pytest.mark.parametrize(
    ("counts", "rising"),
    [
        ((1, 2, 3, 4), True),
        ((2, 3, 4, 5), True),
        ((3, 4, 5, 6), True),  # twice the first week, and 4 or more: a rise
        ((4, 5, 6, 7), False),  # more each week, but not twice as many
        ((0, 1, 2, 3), False),  # fewer than 4 in the latest week
        ((1, 2, 2, 3), False),
        ((4, 3, 2, 1), False),
    ],
)
def test_counts_rising_week_on_week_to_twice_as_many_fire(
    counts: tuple[int, int, int, int], rising: bool
) -> None:
    reports = weekly(counts)
    expected = tuple(sorted(r.id for r in reports if r.id != 100)) if rising else ()
    assert fires(10, reports) == expected


def test_weeks_before_someone_started_the_diary_do_not_count_as_empty() -> None:
    # A newcomer logging 1, 2, 3 in their first weeks, or 2, 3, 4 after a first report.
    assert fires(10, weekly((0, 1, 2, 3), diary_since=None)) == ()
    assert fires(10, weekly((0, 2, 3, 5), diary_since=None)) == ()
    # Three weeks of diary are enough to see a rise.
    assert fires(10, weekly((0, 2, 3, 5), diary_since=22)) != ()


def test_a_report_exactly_a_week_ago_belongs_to_the_week_before() -> None:
    reports = weekly((1, 2, 3, 4))
    moved = reports[-1].id
    reports[-1] = rep(moved, 7 * DAY - SECOND)  # still this week: 1, 2, 3, 4
    assert moved in fires(10, reports)
    reports[-1] = rep(moved, 7 * DAY)  # last week now: 1, 2, 4, 3
    assert fires(10, reports) == ()


def test_reports_four_weeks_ago_or_more_are_left_out() -> None:
    reports = [*weekly((1, 2, 3, 4)), rep(99, 28 * DAY)]
    assert 99 not in fires(10, reports)
    assert fires(13, reports) == ()


# Rule 11: a medication that can cause cramps.


@pytest.mark.parametrize("medication", list(Medication))
def test_recurrent_cramps_on_a_cramping_medication_fire(medication: Medication) -> None:
    profile = Profile(medications=frozenset({medication}))
    assert fires(11, [rep(1), rep(2, 6 * DAY)], profile) == (1, 2)


def test_one_cramp_on_a_medication_or_cramps_without_one_do_not_fire() -> None:
    profile = Profile(medications=frozenset({Medication.STATIN}))
    assert fires(11, [rep(1), rep(2, 8 * DAY)], profile) == ()
    assert fires(11, [rep(1), rep(2)]) == ()


# Rule 12: frequent or severe.


def test_three_reports_in_a_week_are_not_frequent_but_four_are() -> None:
    assert fires(12, [rep(i, i * DAY) for i in (1, 2, 3)]) == ()
    assert fires(12, [rep(i, i * DAY) for i in (1, 2, 3, 4)]) == (1, 2, 3, 4)


def test_two_severe_reports_in_a_week_fire_but_one_does_not() -> None:
    assert fires(12, [rep(1, severity=8), rep(2, severity=7)]) == ()
    assert fires(12, [rep(1, severity=8), rep(2, severity=7), rep(3, severity=10)]) == (1, 3)
    assert fires(12, [rep(1, severity=8), rep(2, 8 * DAY, severity=9)]) == ()


# Rule 13: twitches that persist or spread, with weakness.


def test_persistent_twitches_with_weakness_fire() -> None:
    reports = [
        rep(1, kind=SpasmKind.TWITCH, places=[Place.CALF], symptoms=[Symptom.WEAKNESS]),
        rep(2, 10 * DAY, kind=SpasmKind.TWITCH, places=[Place.CALF]),
    ]
    assert fires(13, reports) == (1, 2)


def test_a_twitch_spreading_to_two_places_with_weakness_fires() -> None:
    twitch = rep(1, kind=SpasmKind.TWITCH, places=[Place.CALF, Place.ARM])
    weak_cramp = rep(2, 3 * DAY, symptoms=[Symptom.WEAKNESS])
    assert fires(13, [twitch, weak_cramp]) == (1, 2)


def test_twitches_without_weakness_do_not_fire() -> None:
    reports = [
        rep(1, kind=SpasmKind.TWITCH, places=[Place.CALF, Place.ARM]),
        rep(2, kind=SpasmKind.TWITCH),
        rep(3, kind=SpasmKind.CRAMP, symptoms=[Symptom.NUMBNESS]),
    ]
    assert fires(13, reports) == ()


def test_a_single_twitch_in_one_place_with_weakness_does_not_fire() -> None:
    assert fires(13, [rep(1, kind=SpasmKind.TWITCH, symptoms=[Symptom.WEAKNESS])]) == ()
    other = rep(1, kind=SpasmKind.TWITCH, places=[Place.CALF, Place.OTHER])
    assert fires(13, [other, rep(2, symptoms=[Symptom.WEAKNESS])]) == ()


def test_twitches_older_than_two_weeks_do_not_count() -> None:
    reports = [
        rep(1, kind=SpasmKind.TWITCH, symptoms=[Symptom.WEAKNESS]),
        rep(2, 14 * DAY + SECOND, kind=SpasmKind.TWITCH),
    ]
    assert fires(13, reports) == ()


# Rule 14: twitches that persist or spread, without weakness; 15: cramps interrupting daily
# activity; 16: cramps without a clear reason.


def test_persistent_or_spreading_twitches_are_worth_a_check_without_weakness_too() -> None:
    persistent = [rep(1, kind=SpasmKind.TWITCH), rep(2, DAY, kind=SpasmKind.TWITCH)]
    spreading = [rep(1, kind=SpasmKind.TWITCH, places=[Place.CALF, Place.NECK])]
    assert fires(14, persistent) == (1, 2) and fires(14, spreading) == (1,)
    assert fires(14, [rep(1, kind=SpasmKind.TWITCH, places=[Place.CALF])]) == ()
    with_weakness = [*persistent, rep(3, symptoms=[Symptom.WEAKNESS])]
    assert fires(14, with_weakness) == ()  # rule 13 says it, with its own words
    assert fires(13, with_weakness) == (1, 2, 3)


@pytest.mark.parametrize(
    ("rule_id", "symptom", "days"), [(15, Symptom.INTERRUPTED, 7), (16, Symptom.NO_REASON, 14)]
)
def test_cramps_that_keep_stopping_you_or_come_without_a_reason_fire_on_the_third(
    rule_id: int, symptom: Symptom, days: int
) -> None:
    two = [rep(i, i * DAY, symptoms=[symptom]) for i in (1, 2)]
    assert fires(rule_id, two) == ()
    assert fires(rule_id, [*two, rep(3, days * DAY - SECOND, symptoms=[symptom])]) == (1, 2, 3)
    assert fires(rule_id, [*two, rep(3, days * DAY, symptoms=[symptom])]) == ()


# evaluate()


LONG = rep(1, DAY, duration=Duration.OVER_10_MIN)


def test_the_same_report_does_not_raise_a_per_report_rule_twice_within_its_window() -> None:
    covered = [PastFlag(1, NOW - 6 * DAY, frozenset({1}))]
    assert ids(evaluate([LONG], Profile(), NOW, covered)) == []
    assert ids(evaluate([LONG], Profile(), NOW, [PastFlag(1, NOW - 7 * DAY, frozenset({1}))])) == [
        1
    ]


def test_each_new_report_with_the_sign_raises_its_warning_again() -> None:
    # A spasm over 10 minutes three days after an earlier one: its own warning.
    later = rep(2, HOUR, duration=Duration.OVER_10_MIN)
    past = [PastFlag(1, NOW - 3 * DAY, frozenset({1}))]
    [flag] = evaluate([rep(1, 3 * DAY, duration=Duration.OVER_10_MIN), later], Profile(), NOW, past)
    assert (flag.rule.id, flag.report_ids) == (1, (2,))
    for symptom, rule_id in ((Symptom.WEAKNESS, 3), (Symptom.WALKING, 8), (Symptom.SWELLING, 4)):
        old, new = rep(1, 20 * HOUR, symptoms=[symptom]), rep(2, HOUR, symptoms=[symptom])
        raised = evaluate(
            [old, new], Profile(), NOW, [PastFlag(rule_id, NOW - 20 * HOUR, frozenset({1}))]
        )
        assert [(f.rule.id, f.report_ids) for f in raised if f.rule.id == rule_id] == [
            (rule_id, (2,))
        ]


def test_a_clot_sign_still_in_the_diary_the_next_day_is_said_again() -> None:
    swollen = rep(1, 30 * HOUR, symptoms=[Symptom.SWELLING])
    raised = evaluate(
        [swollen, rep(2, HOUR)], Profile(), NOW, [PastFlag(4, NOW - 30 * HOUR, frozenset({1}))]
    )
    assert [(f.rule.id, f.report_ids) for f in raised] == [(4, (1,))]


FREQUENT = [rep(i, i * HOUR) for i in range(1, 5)]  # 4 in a week: rule 12


def test_a_pattern_raised_within_its_window_stays_quiet_until_it_grows_clearly_worse() -> None:
    past = [PastFlag(12, NOW - 2 * DAY, frozenset({1, 2, 3, 4}))]
    five = [*FREQUENT, rep(5, 5 * HOUR)]
    assert ids(evaluate(five, Profile(), NOW, past)) == []  # one more: not clearly worse
    six = [*five, rep(6, 6 * HOUR)]
    [flag] = evaluate(six, Profile(), NOW, past)
    assert (flag.rule.id, flag.earlier) == (12, 4)


def test_a_past_flag_of_another_rule_does_not_quiet_this_one() -> None:
    assert ids(evaluate([LONG], Profile(), NOW, [PastFlag(2, NOW - HOUR)])) == [1]


def test_urgent_flags_come_first_then_by_rule_id() -> None:
    reports = [
        rep(1, duration=Duration.OVER_10_MIN),
        rep(2, symptoms=[Symptom.SWELLING, Symptom.WEAKNESS]),
    ]
    profile = Profile(conditions=frozenset({Condition.LIVER}))
    flags = evaluate(reports, profile, NOW)
    assert ids(flags) == [4, 1, 3, 5]
    assert flags[0] == Flag(rule(4), (2,))


def test_reports_after_now_are_ignored() -> None:
    future = [
        rep(i, -HOUR * i, symptoms=[Symptom.SWELLING], duration=Duration.OVER_10_MIN)
        for i in (1, 2, 3, 4)
    ]
    assert evaluate(future, Profile(weight_loss=True), NOW) == []


def test_report_ids_come_back_sorted() -> None:
    reports = [rep(i, i * DAY - HOUR, context=Context.NIGHT) for i in (6, 3, 5, 1)]
    assert [f.report_ids for f in evaluate(reports, Profile(), NOW)] == [(1, 3, 5, 6)] * 2


def test_an_empty_diary_raises_no_flags() -> None:
    assert evaluate([], Profile(weight_loss=True), NOW) == []


# The rules themselves.


def test_rules_are_numbered_one_to_sixteen_in_order() -> None:
    assert [r.id for r in RULES] == list(range(1, 17))
    assert all(rule(r.id) is r for r in RULES)
    with pytest.raises(KeyError):
        rule(17)


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_every_rule_names_a_section_its_source_really_has() -> None:
    for r in RULES:
        article = (SEEDS / r.source.file).read_text(encoding="utf-8")
        heading = r.source.section.removeprefix("FAQ: ")
        assert heading in article, (r.id, r.source)


def test_every_rule_explains_itself_and_has_a_window() -> None:
    for r in RULES:
        words = (RULE_TITLES[r.id], RULE_WATCHES[r.id], RULE_CONCERNS[r.id], RULE_ACTIONS[r.id])
        assert all(text.strip() for text in words), r.id
        assert r.window > timedelta(0)
    assert DISCLAIMER.strip()


# Random diaries.

reports_strategy = st.lists(
    st.builds(
        Report,
        id=st.integers(1, 10_000),
        occurred_at=st.integers(-3 * 86_400, 90 * 86_400).map(lambda s: NOW - timedelta(seconds=s)),
        kind=st.sampled_from(SpasmKind),
        places=st.frozensets(st.sampled_from(Place)),
        severity=st.none() | st.integers(1, 10),
        duration=st.none() | st.sampled_from(Duration),
        duration_seconds=st.none() | st.integers(0, 3 * 3600),
        context=st.none() | st.sampled_from(Context),
        symptoms=st.frozensets(st.sampled_from(Symptom)),
    ),
    max_size=40,
    unique_by=lambda r: r.id,
)
profiles = st.builds(
    Profile,
    conditions=st.frozensets(st.sampled_from(Condition)),
    medications=st.frozensets(st.sampled_from(Medication)),
    weight_loss=st.booleans(),
)
past_flags = st.lists(
    st.builds(
        PastFlag,
        rule_id=st.integers(0, 18),
        raised_at=st.integers(-86_400, 60 * 86_400).map(lambda s: NOW - timedelta(seconds=s)),
        report_ids=st.frozensets(st.integers(1, 10_000), max_size=8),
    ),
    max_size=5,
)


@given(reports_strategy, profiles, past_flags)
def test_evaluate_only_points_at_reports_it_was_given(
    reports: list[Report], profile: Profile, past: list[PastFlag]
) -> None:
    flags = evaluate(reports, profile, NOW, past)
    happened = {r.id for r in reports if r.occurred_at <= NOW}
    for flag in flags:
        assert flag.report_ids
        assert set(flag.report_ids) <= happened
        assert list(flag.report_ids) == sorted(set(flag.report_ids))
        within = [
            p for p in past if p.rule_id == flag.rule.id and NOW - p.raised_at < flag.rule.window
        ]
        if flag.rule.per_report:  # only reports no flag within the window covered
            assert not set(flag.report_ids) & set().union(*(p.report_ids for p in within))
        elif within:  # a pattern again within its window: only grown clearly worse
            assert flag.earlier == max(len(p.report_ids) for p in within)
            assert clearly_worse(len(flag.report_ids), flag.earlier)
    keys = [(f.rule.level != Level.URGENT, f.rule.id) for f in flags]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
