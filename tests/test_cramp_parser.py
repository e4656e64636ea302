"""Reading one-line cramp reports: vocabulary, word order, contradictions, bounds, fuzzing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.texts import ACCEPTED_HELP, problem_text
from core.cramp_parser import ParsedCramp, ParseResult, parse_cramp_words
from core.diary import Context, Duration, Place, SpasmKind, Symptom, duration_bucket

# How these tests print what the parser understood (the bot says it in its own words).
_PLACE_LABELS = dict(zip(Place, ("calf", "foot or toes", "hamstring", "thigh", "back", "neck",
                                 "hand or arm", "belly", "other"), strict=True))  # fmt: skip
_CONTEXT_LABELS = dict(zip(Context, ("just now", "at night", "during exercise", "at rest",
                                     "earlier today"), strict=True))  # fmt: skip
_SYMPTOM_LABELS = dict(zip(Symptom, ("swelling", "weakness", "numbness", "trouble walking",
                                     "stopped me", "no clear reason"), strict=True))  # fmt: skip
_BUCKET_LABELS = dict(zip(Duration, ("under 1 min", "1 to 10 min", "over 10 min", "still going"),
                          strict=True))  # fmt: skip


def _format_seconds(seconds: int) -> str:
    """3 min, 2 h 30 min, 45 s."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((hours, "h"), (minutes, "min"), (secs, "s")) if n]
    return " ".join(parts) or "0 s"


def describe(report: ParsedCramp) -> str:
    """One line of what was understood, e.g. ``cramp · calf · 7/10 · 3 min · at night``."""
    parts = [report.kind.value]
    if report.places:
        parts.append(", ".join(_PLACE_LABELS[p] for p in Place if p in report.places))
    if report.severity is not None:
        parts.append(f"{report.severity}/10")
    if report.duration_seconds is not None:
        length = _format_seconds(report.duration_seconds)
        if report.duration is Duration.STILL_GOING:
            length += ", still going"
        parts.append(length)
    elif report.duration is not None:
        parts.append(_BUCKET_LABELS[report.duration])
    if report.context is not None:
        parts.append(_CONTEXT_LABELS[report.context])
    if report.symptoms:
        parts.append(", ".join(_SYMPTOM_LABELS[s] for s in Symptom if s in report.symptoms))
    return " · ".join(parts)


def in_words(result: ParseResult) -> tuple[ParsedCramp | None, tuple[str, ...], tuple[str, ...]]:
    """The result with its problems as the bot words them."""
    return result.report, result.unknown, tuple(problem_text(p) for p in result.problems)


# The brief's vocabulary, written out independently of the parser's own tables.
KIND_WORDS = {
    SpasmKind.CRAMP: ["cramp", "cramps", "spasm"],
    SpasmKind.TWITCH: ["twitch", "twitches", "twitching", "fasciculation"],
    SpasmKind.STIFFNESS: ["stiffness", "stiff"],
}
PLACE_WORDS = {
    Place.CALF: ["calf", "calves"],
    Place.FOOT: ["foot", "feet", "toe", "toes"],
    Place.HAMSTRING: ["hamstring", "hamstrings"],
    Place.QUADRICEPS: ["quad", "quads", "quadriceps", "thigh"],
    Place.BACK: ["back"],
    Place.NECK: ["neck"],
    Place.ARM: ["hand", "hands", "arm", "arms", "finger", "fingers"],
    Place.ABDOMEN: ["abdomen", "belly", "stomach", "abs"],
    Place.OTHER: ["other"],
}
CONTEXT_WORDS = {
    Context.JUST_NOW: ["now", "just-now", "just now"],
    Context.NIGHT: ["night", "nocturnal", "bed", "asleep", "sleep"],
    Context.EXERCISE: [
        "exercise",
        "workout",
        "running",
        "run",
        "sport",
        "training",
        "gym",
        "while walking",
        "warm-up",
        "after a warm-up",
        "at the gym",
    ],
    Context.REST: ["rest", "resting", "sitting", "sofa"],
    Context.EARLIER: ["earlier", "today", "morning", "afternoon"],
}
SYMPTOM_WORDS = {
    Symptom.SWELLING: ["swelling", "swollen", "red", "redness", "warmth", "warm to the touch"],
    Symptom.WEAKNESS: ["weak", "weakness"],
    Symptom.NUMBNESS: ["numb", "numbness", "tingling", "tingle", "pins"],
    Symptom.WALKING: [
        "trouble walking",
        "can't walk",
        "can’t walk",
        "hard to walk",
        "can't grip",
        "trouble holding",
        "limping",
    ],
    Symptom.INTERRUPTED: ["stopped me", "had to stop", "interrupted"],
    Symptom.NO_REASON: ["no reason", "no clear reason", "unexplained"],
}
DURATION_WORDS: list[tuple[str, int]] = [
    ("30s", 30),
    ("3m", 180),
    ("15min", 900),
    ("1h", 3600),
    ("2h30m", 9000),
    ("90sec", 90),
    ("3 min", 180),
    ("10 minutes", 600),
    ("1h30", 5400),
    ("1h 30m", 5400),
    ("1 hour and 30 minutes", 5400),
    ("45 seconds", 45),
    ("2 hrs", 7200),
    ("an hour", 3600),
]
STILL_GOING_WORDS = ["ongoing", "still", "still-going", "still going"]
FILLER = ["in", "my", "the", "a", "an", "at", "and", "left", "right", "both", "of", "for", "with"]
FILLER += ["-", "during"]
ALL_WORDS = [
    word
    for table in (KIND_WORDS, PLACE_WORDS, CONTEXT_WORDS, SYMPTOM_WORDS)
    for words in table.values()
    for word in words
]
ALL_WORDS += [word for word, _ in DURATION_WORDS] + STILL_GOING_WORDS + FILLER


def report_of(text: str) -> ParsedCramp:
    result = parse_cramp_words(text)
    assert result.report is not None, result
    assert result.unknown == ()
    assert result.problems == ()
    return result.report


def reply_for(result: ParseResult) -> str:
    """What the bot would send back for a report it could not read."""
    lines = [f"I didn't understand: {', '.join(result.unknown)}"] if result.unknown else []
    return "\n".join([*lines, *in_words(result)[2], "", ACCEPTED_HELP])


def test_the_example_from_the_brief() -> None:
    report = report_of("/cramp calf 7 3m night")
    assert report == ParsedCramp(
        kind=SpasmKind.CRAMP,
        places=frozenset({Place.CALF}),
        severity=7,
        duration_seconds=180,
        duration=Duration.MIN_1_TO_10,
        context=Context.NIGHT,
    )
    assert describe(report) == "cramp · calf · 7/10 · 3 min · at night"


@pytest.mark.parametrize(
    "text", ["calf 7 3m night", "night 3m 7 calf", "3m calf night 7", "7 night calf 3m"]
)
def test_word_order_does_not_matter(text: str) -> None:
    assert report_of(text) == report_of("/cramp calf 7 3m night")


def test_case_punctuation_and_filler_are_ignored() -> None:
    report = report_of("In my LEFT Calf, at night; 7/10! (3 min) - with swelling.")
    assert report.places == {Place.CALF}
    assert report.severity == 7
    assert report.duration_seconds == 180
    assert report.context is Context.NIGHT
    assert report.symptoms == {Symptom.SWELLING}


def test_the_command_with_a_bot_name_is_dropped() -> None:
    assert report_of("/cramp@CrampCoachBot twitch neck").kind is SpasmKind.TWITCH


def test_an_empty_text_is_an_empty_report() -> None:
    assert parse_cramp_words("") == ParseResult(ParsedCramp(), (), ())
    assert report_of("   ") == ParsedCramp()
    assert report_of("/cramp") == ParsedCramp()
    assert describe(ParsedCramp()) == "cramp"


@pytest.mark.parametrize(
    ("word", "kind"), [(w, kind) for kind, words in KIND_WORDS.items() for w in words]
)
def test_kinds(word: str, kind: SpasmKind) -> None:
    assert report_of(word).kind is kind


def test_the_kind_defaults_to_cramp_and_repeating_it_is_fine() -> None:
    assert report_of("calf").kind is SpasmKind.CRAMP
    assert report_of("twitch twitching fasciculation").kind is SpasmKind.TWITCH


@pytest.mark.parametrize(
    ("word", "place"), [(w, place) for place, words in PLACE_WORDS.items() for w in words]
)
def test_places(word: str, place: Place) -> None:
    assert report_of(word).places == {place}


def test_several_places() -> None:
    report = report_of("both calves and feet, hamstring")
    assert report.places == {Place.CALF, Place.FOOT, Place.HAMSTRING}
    assert describe(report) == "cramp · calf, foot or toes, hamstring"


@pytest.mark.parametrize(
    ("word", "context"), [(w, c) for c, words in CONTEXT_WORDS.items() for w in words]
)
def test_contexts(word: str, context: Context) -> None:
    assert report_of(word).context is context


@pytest.mark.parametrize(
    ("word", "symptom"), [(w, s) for s, words in SYMPTOM_WORDS.items() for w in words]
)
def test_symptoms(word: str, symptom: Symptom) -> None:
    assert report_of(word).symptoms == {symptom}


def test_several_symptoms() -> None:
    report = report_of("swollen and red, weak, pins and needles, can't grip")
    assert report.symptoms == set(Symptom) - {Symptom.INTERRUPTED, Symptom.NO_REASON}
    assert describe(report) == "cramp · swelling, weakness, numbness, trouble walking"
    both = report_of("stopped me, no clear reason")
    assert describe(both) == "cramp · stopped me, no clear reason"


@pytest.mark.parametrize(("text", "severity"), [("1", 1), ("7", 7), ("10", 10), ("7/10", 7)])
def test_severity(text: str, severity: int) -> None:
    assert report_of(text).severity == severity


def test_severity_out_of_ten_in_words() -> None:
    assert report_of("calf 8 out of 10").severity == 8


def test_still_next_to_now_is_two_words() -> None:
    report = report_of("still now")
    assert (report.duration, report.context) == (Duration.STILL_GOING, Context.JUST_NOW)


@pytest.mark.parametrize(("text", "seconds"), DURATION_WORDS)
def test_durations(text: str, seconds: int) -> None:
    report = report_of(text)
    assert report.duration_seconds == seconds
    assert report.duration is duration_bucket(seconds)
    assert report.severity is None  # a number before a unit word is a duration


@pytest.mark.parametrize(
    ("text", "seconds", "severity"),
    [("3 min 7", 180, 7), ("7 3 min", 180, 7), ("10 minutes 10", 600, 10), ("1h30m 8", 5400, 8)],
)
def test_numbers_next_to_durations(text: str, seconds: int, severity: int) -> None:
    report = report_of(text)
    assert (report.duration_seconds, report.severity) == (seconds, severity)


@pytest.mark.parametrize("word", STILL_GOING_WORDS)
def test_still_going(word: str) -> None:
    report = report_of(f"calf {word}")
    assert report.duration is Duration.STILL_GOING
    assert report.duration_seconds is None
    assert describe(report) == "cramp · calf · still going"


def test_still_going_with_the_time_so_far() -> None:
    report = report_of("still going 20 min")
    assert (report.duration, report.duration_seconds) == (Duration.STILL_GOING, 1200)
    assert describe(report) == "cramp · 20 min, still going"


def test_describe_everything() -> None:
    report = report_of("stiff neck back 4 2h30m resting numb weak")
    assert describe(report) == (
        "stiffness · back, neck · 4/10 · 2 h 30 min · at rest · weakness, numbness"
    )


def test_describe_a_bucket_without_seconds() -> None:
    assert describe(ParsedCramp(duration=Duration.OVER_10_MIN)) == "cramp · over 10 min"


def test_unknown_words_are_listed_and_nothing_is_returned() -> None:
    result = parse_cramp_words("calf 7 ouch Ouch OUCH, argh!")
    assert result.report is None
    assert result.unknown == ("ouch", "argh")
    assert result.problems == ()


def test_a_negation_is_not_ignored() -> None:
    result = parse_cramp_words("calf no swelling")
    assert result.report is None
    assert result.unknown == ("no",)


def test_unknown_words_are_capped_and_cut() -> None:
    words = [f"word{i}" for i in range(20)] + ["x" * 100]
    result = parse_cramp_words(" ".join(["x" * 100, *words]))
    assert result.report is None
    assert len(result.unknown) == 10
    assert result.unknown[0] == "x" * 30
    assert all(len(word) <= 30 for word in result.unknown)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("calf 7 9", "two severities (7 and 9)"),
        ("7 7/10", None),
        ("3m 5 min", "two durations (3m and 5 min)"),
        ("3m 180s", None),
        ("cramp twitch", "two kinds (cramp and twitch)"),
        ("cramp spasm", None),
        ("night gym", "two contexts (night and exercise)"),
        ("night bed", None),
    ],
)
def test_contradictions(text: str, problem: str | None) -> None:
    result = parse_cramp_words(text)
    if problem is None:
        assert result.report is not None
    else:
        assert in_words(result) == (None, (), (problem,))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0", "severity must be 1 to 10 (got 0)"),
        ("11", "severity must be 1 to 10 (got 11)"),
        ("12/10", "severity must be 1 to 10 (got 12/10)"),
        ("0s", "a duration can't be zero (got 0s)"),
        ("0 minutes", "a duration can't be zero (got 0 minutes)"),
        ("25h", "a duration can be 24 hours at most (got 25h)"),
        ("24h1s", "a duration can be 24 hours at most (got 24h1s)"),
        ("9" * 5000 + "h", f"a duration can be 24 hours at most (got {'9' * 30})"),
    ],
)
def test_out_of_bounds(text: str, problem: str) -> None:
    assert in_words(parse_cramp_words(f"calf {text}")) == (None, (), (problem,))


def test_bounds_that_are_fine() -> None:
    assert report_of("10").severity == 10
    assert report_of("1").severity == 1
    assert report_of("24h").duration_seconds == 24 * 3600
    assert report_of("1s").duration_seconds == 1


def test_problems_and_unknown_words_together() -> None:
    result = parse_cramp_words("calf 7 9 12 huh")
    assert result.report is None
    assert result.unknown == ("huh",)
    assert in_words(result)[2] == ("two severities (7 and 9)", "severity must be 1 to 10 (got 12)")


def test_accepted_help_is_plain_text_with_an_example() -> None:
    assert "/cramp calf 7 3m night" in ACCEPTED_HELP
    assert not {"<", ">", "&"} & set(ACCEPTED_HELP)
    for word in ("calf", "7/10", "30s", "night", "swelling", "twitch", "stiffness"):
        assert word in ACCEPTED_HELP


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    check_invariants(parse_cramp_words(text))


JUNK = ["ouch", "7.5", "-3", "1:30", "3/5", "m", "h30", "30x", "/10", "½", "٣", "²", "😖", "a"]
VOCABULARY_AND_JUNK = st.lists(
    st.sampled_from(ALL_WORDS + JUNK) | st.text(max_size=40) | st.integers().map(str),
    max_size=40,
)


@given(VOCABULARY_AND_JUNK)
def test_never_raises_on_vocabulary_mixed_with_junk(words: list[str]) -> None:
    check_invariants(parse_cramp_words(" ".join(words)))


def check_invariants(result: ParseResult) -> None:
    assert (result.report is None) == bool(result.unknown or result.problems)
    assert len(result.unknown) <= 10
    assert all(0 < len(word) <= 30 for word in result.unknown)
    assert len({word.lower() for word in result.unknown}) == len(result.unknown)
    assert len(ACCEPTED_HELP) + sum(map(len, result.unknown)) < 3000
    assert len(reply_for(result)) < 3000
    if result.report is not None:
        assert len(describe(result.report)) < 200
        if result.report.severity is not None:
            assert 1 <= result.report.severity <= 10
        seconds = result.report.duration_seconds
        if seconds is not None:
            assert 0 < seconds <= 24 * 3600


@st.composite
def chosen_reports(draw: st.DrawFn) -> tuple[ParsedCramp, str]:
    """A report, and a line saying it with random synonyms, order, case and filler."""
    kind = draw(st.none() | st.sampled_from(SpasmKind))
    places = draw(st.frozensets(st.sampled_from(Place)))
    severity = draw(st.none() | st.integers(1, 10))
    durations = [*DURATION_WORDS, *((word, 0) for word in STILL_GOING_WORDS)]  # 0: still going
    duration = draw(st.none() | st.sampled_from(durations))
    context = draw(st.none() | st.sampled_from(Context))
    symptoms = draw(st.frozensets(st.sampled_from(Symptom)))

    groups = [draw(st.sampled_from(PLACE_WORDS[p])) for p in places]
    groups += [draw(st.sampled_from(SYMPTOM_WORDS[s])) for s in symptoms]
    if kind is not None:
        groups.append(draw(st.sampled_from(KIND_WORDS[kind])))
    if severity is not None:
        groups.append(draw(st.sampled_from([str(severity), f"{severity}/10"])))
    if duration is not None:
        groups.append(duration[0])
    if context is not None:
        groups.append(draw(st.sampled_from(CONTEXT_WORDS[context])))
    groups += draw(st.lists(st.sampled_from(FILLER), max_size=5))
    groups = draw(st.permutations(groups))
    text = " ".join(
        draw(st.sampled_from([group, group.upper(), group.title(), f"{group},", f"({group})"]))
        for group in groups
    )

    seconds = duration[1] if duration else None
    report = ParsedCramp(
        kind=kind or SpasmKind.CRAMP,
        places=places,
        severity=severity,
        duration_seconds=seconds or None,
        duration=(
            None
            if duration is None
            else (duration_bucket(seconds) if seconds else Duration.STILL_GOING)
        ),
        context=context,
        symptoms=symptoms,
    )
    return report, text


@given(chosen_reports())
def test_round_trip(case: tuple[ParsedCramp, str]) -> None:
    report, text = case
    assert parse_cramp_words(text) == ParseResult(report, (), ())


# What someone was doing is context; a symptom needs symptom words (issue 12, item 6).


@pytest.mark.parametrize(
    "line", ["calf 5 1m while walking", "calf after a warm-up", "calf 4 at the gym", "running calf"]
)
def test_activity_words_are_context_and_raise_no_symptom(line: str) -> None:
    report = report_of(line)
    assert report.context is Context.EXERCISE
    assert report.symptoms == frozenset()


@pytest.mark.parametrize(
    ("line", "symptom"),
    [
        ("calf trouble walking", Symptom.WALKING),
        ("calf can't walk", Symptom.WALKING),
        ("hand can't grip", Symptom.WALKING),
        ("calf swollen", Symptom.SWELLING),
        ("calf red", Symptom.SWELLING),
        ("calf warm to the touch", Symptom.SWELLING),
    ],
)
def test_symptoms_need_symptom_phrases(line: str, symptom: Symptom) -> None:
    assert report_of(line).symptoms == {symptom}


@pytest.mark.parametrize(
    ("line", "word"),
    [("calf 5 walking", "walking"), ("calf warm", "warm"), ("hand grip 4", "grip")],
)
def test_a_word_that_could_mean_either_is_asked_about_and_nothing_is_read(
    line: str, word: str
) -> None:
    result = parse_cramp_words(line)
    assert result.report is None
    [asked] = in_words(result)[2]
    assert asked.startswith(f"“{word}” could mean two things")
