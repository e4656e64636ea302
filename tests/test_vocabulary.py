"""The /cramp vocabularies: each language fills the same table, and the parser reads a
line in each language as it reads English."""

import re

import pytest

from bot import texts
from bot.i18n import use_language
from core.cramp_parser import ParsedCramp, parse_cramp_words
from core.diary import Context, Duration, Place, SpasmKind, Symptom
from core.vocabulary import LANGUAGES, MEANINGS, vocabulary


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_fills_the_same_table(language: str) -> None:
    words = vocabulary(language)
    assert set(words.words) == set(MEANINGS)
    assert all(words.words[meaning] for meaning in MEANINGS), "a meaning without words"
    seen: dict[str, object] = {}
    for meaning, spellings in words.words.items():
        for spelling in spellings:
            key = words.key(spelling)
            assert seen.setdefault(key, meaning) == meaning, f"{spelling!r} means two things"
    for phrase, joined in words.phrases.items():
        assert len(phrase) >= 2 and words.key(joined) in words.meaning, phrase
    for word in words.ambiguous:
        assert words.key(word) not in words.meaning, f"{word!r} is ambiguous and not"
    assert set(words.units.values()) == {1, 60, 3600}
    assert not words.filler_keys & set(words.meaning)


# The issue's examples, and one of each kind of word, in each language.
LINES = {
    "en": "calf 7 3m night",
    "ru": "икра 7 3м ночь",
    "es": "gemelo 7 3min noche",
    "de": "Wade 7 3min nachts",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_issues_line_reads_the_same_in_every_language(language: str) -> None:
    result = parse_cramp_words(f"/cramp {LINES[language]}", vocabulary(language))
    assert result.report == ParsedCramp(
        places=frozenset({Place.CALF}),
        severity=7,
        duration_seconds=180,
        duration=Duration.MIN_1_TO_10,
        context=Context.NIGHT,
    ), result


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_meanings_first_word_is_read_as_it(language: str) -> None:
    words = vocabulary(language)
    for meaning in MEANINGS:
        word = words.words[meaning][0]
        result = parse_cramp_words(word, words)
        assert result.report is not None, (meaning, word, result)
        report = result.report
        got = {
            SpasmKind: report.kind,
            Place: next(iter(report.places), None),
            Context: report.context,
            Symptom: next(iter(report.symptoms), None),
            Duration: report.duration,
        }[type(meaning)]
        assert got == meaning, (word, report)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_word_unknown_in_the_language_is_said_back(language: str) -> None:
    words = vocabulary(language)
    result = parse_cramp_words(f"{words.words[Place.CALF][0]} 7 blorp", words)
    assert result.report is None and result.unknown == ("blorp",)


@pytest.mark.parametrize("language", LANGUAGES)
def test_durations_with_the_languages_units(language: str) -> None:
    words = vocabulary(language)
    for unit, seconds in words.units.items():
        for line in (f"2{unit}", f"2 {unit}"):
            result = parse_cramp_words(line, words)
            assert result.report is not None, (line, result)
            assert result.report.duration_seconds == 2 * seconds, line


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_examples_the_help_gives_are_understood(language: str) -> None:
    """The /cramp examples in the help and the command menu, as translated, parse in the
    language's vocabulary."""
    with use_language(language):
        said = [texts.ACCEPTED_HELP, dict(texts.COMMANDS)["cramp"]]
    examples = [m for text in said for m in re.findall(r"/cramp ([^\n)]+)", text)]
    assert len(examples) >= 2
    for example in examples:
        result = parse_cramp_words(example, vocabulary(language))
        assert result.report is not None, (example, result)
