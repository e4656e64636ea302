"""Reading a one-line cramp report such as ``/cramp calf 7 3m night``.

Words may come in any order: places, a severity from 1 to 10, a duration, a context word,
symptom words and a kind. Anything not understood, or two answers to the same question,
means no report: the caller says what was wrong (the words are in bot/texts).
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from core.diary import Context, Duration, Place, SpasmKind, Symptom, duration_bucket
from core.vocabulary import Ambiguity as Ambiguity  # where it was declared first
from core.vocabulary import Vocabulary, vocabulary

MAX_UNKNOWN = 10  # unknown words kept in a ParseResult
MAX_WORD_LENGTH = 30  # each unknown word, and each word quoted in a problem, is cut to this
MAX_DURATION_SECONDS = 24 * 3600

ENGLISH = vocabulary("en")
# English words that could mean two things (each language's: Vocabulary.ambiguous).
AMBIGUOUS = ENGLISH.ambiguous_keys

_SMALLER_UNIT = {3600: 60, 60: 1}  # "1h30" is 1 h 30 min, "2m30" is 2 min 30 s

_SPLIT_RE = re.compile(r"[\s,;]+")
_STRIP = ".,;:!?\"'`()[]{}<>*_~/-–—…“”‘’«»"
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SEVERITY_RE = re.compile(r"([0-9]+)(?:/10)?")
_DURATION_PART_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([^\W\d_]*)")


@dataclass(frozen=True)
class ParsedCramp:
    """What a one-line report said; ``duration`` is the bucket of ``duration_seconds``,
    or STILL_GOING when the words say so (then ``duration_seconds`` is the time so far, if given).
    """

    kind: SpasmKind = SpasmKind.CRAMP
    places: frozenset[Place] = field(default_factory=frozenset)
    severity: int | None = None
    duration_seconds: int | None = None
    duration: Duration | None = None
    context: Context | None = None
    symptoms: frozenset[Symptom] = field(default_factory=frozenset)


class Trouble(StrEnum):
    """What can be wrong with a line besides unknown words."""

    KINDS = "kinds"  # two kinds, or more
    CONTEXTS = "contexts"
    SEVERITIES = "severities"
    DURATIONS = "durations"
    SEVERITY_RANGE = "severity_range"  # not 1 to 10
    ZERO_DURATION = "zero_duration"
    LONG_DURATION = "long_duration"  # over 24 hours
    AMBIGUOUS = "ambiguous"  # a word that could mean two things (see AMBIGUOUS)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a line, with the words (or values) it is about, in order."""

    trouble: Trouble
    got: tuple[str, ...]


@dataclass(frozen=True)
class ParseResult:
    """The report, or None with the words not understood and the other problems."""

    report: ParsedCramp | None
    unknown: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def parse_cramp_words(text: str, words: Vocabulary = ENGLISH) -> ParseResult:
    """Read the words of a ``/cramp`` line (the command itself may be included), in the
    language of `words`."""
    kinds: dict[SpasmKind, None] = {}
    places: set[Place] = set()
    contexts: dict[Context, None] = {}
    symptoms: set[Symptom] = set()
    still_going = False
    severities: dict[int, None] = {}
    bad_severities: dict[str, None] = {}
    durations: dict[int, str] = {}
    zero_durations: dict[str, None] = {}
    long_durations: dict[str, None] = {}
    ambiguous: dict[str, None] = {}
    unknown: dict[str, str] = {}

    for key, original in _join_durations(_join_phrases(_tokens(text, words), words), words):
        word = words.meaning.get(key)
        if key in words.filler_keys:
            continue
        if key in words.ambiguous_keys:
            ambiguous[_cut(original)] = None
        elif isinstance(word, SpasmKind):
            kinds[word] = None
        elif isinstance(word, Place):
            places.add(word)
        elif isinstance(word, Context):
            contexts[word] = None
        elif isinstance(word, Symptom):
            symptoms.add(word)
        elif isinstance(word, Duration):
            still_going = True
        elif (severity := _severity(key)) is not None:
            if 1 <= severity <= 10:
                severities[severity] = None
            else:
                bad_severities[_cut(original)] = None
        elif (total := _duration(key, words)) is not None:
            if total == 0:
                zero_durations[_cut(original)] = None
            elif total > MAX_DURATION_SECONDS:
                long_durations[_cut(original)] = None
            else:
                durations.setdefault(max(1, round(total)), _cut(original))
        else:
            unknown.setdefault(key, _cut(original))

    several = (
        (Trouble.KINDS, kinds),
        (Trouble.CONTEXTS, contexts),
        (Trouble.SEVERITIES, map(str, severities)),
        (Trouble.DURATIONS, durations.values()),
    )
    problems = [
        Problem(trouble, got) for trouble, values in several if len(got := tuple(values)) > 1
    ]
    for trouble, wrong in (
        (Trouble.SEVERITY_RANGE, bad_severities),
        (Trouble.ZERO_DURATION, zero_durations),
        (Trouble.LONG_DURATION, long_durations),
        (Trouble.AMBIGUOUS, ambiguous),
    ):
        if wrong:
            problems.append(Problem(trouble, tuple(wrong)))

    not_understood = tuple(unknown.values())[:MAX_UNKNOWN]
    if not_understood or problems:
        return ParseResult(None, not_understood, tuple(problems))
    seconds = next(iter(durations), None)
    duration = Duration.STILL_GOING if still_going else None
    if duration is None and seconds is not None:
        duration = duration_bucket(seconds)
    report = ParsedCramp(
        kind=next(iter(kinds), SpasmKind.CRAMP),
        places=frozenset(places),
        severity=next(iter(severities), None),
        duration_seconds=seconds,
        duration=duration,
        context=next(iter(contexts), None),
        symptoms=frozenset(symptoms),
    )
    return ParseResult(report)


def _tokens(text: str, words: Vocabulary) -> list[tuple[str, str]]:
    """(lower-case key, original spelling) of each word, punctuation stripped, command dropped."""
    raw = _SPLIT_RE.split(text.strip())
    if raw and raw[0].startswith("/"):
        raw = raw[1:]
    tokens = []
    for piece in raw:
        original = piece.strip(_STRIP)
        if original:
            tokens.append((words.key(original), original))
    return tokens


def _join_phrases(tokens: list[tuple[str, str]], words: Vocabulary) -> list[tuple[str, str]]:
    """Join "3 min", "an hour", "7 out of 10" and the vocabulary's phrases into one word."""
    joined: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        key = tokens[i][0]
        keys = [k for k, _ in tokens[i + 1 : i + 4]]
        span, new_key = 1, key
        out_of = [*words.out_of, "10"]
        if keys[:1] and keys[0] in words.unit_seconds and _NUMBER_RE.fullmatch(key):
            span, new_key = 2, key + keys[0]
        elif keys[:1] and keys[0] in words.one_units and key in words.articles:
            span, new_key = 2, "1" + keys[0]
        elif (
            words.out_of
            and tokens[i + 1 : i + 1 + len(out_of)]
            and [k for k, _ in tokens[i + 1 : i + 1 + len(out_of)]] == out_of
            and key.isascii()
            and key.isdecimal()
        ):
            span, new_key = 1 + len(out_of), key + "/10"
        else:
            for length in range(words.longest_phrase, 1, -1):
                phrase = tuple(k for k, _ in tokens[i : i + length])
                if phrase in words.phrase_keys:
                    span, new_key = length, words.phrase_keys[phrase]
                    break
        joined.append((new_key, " ".join(o for _, o in tokens[i : i + span])))
        i += span
    return joined


def _join_durations(tokens: list[tuple[str, str]], words: Vocabulary) -> list[tuple[str, str]]:
    """Join "1h 30m" and "1 hour and 30 minutes" into one duration."""

    def duration(key: str) -> Fraction | None:
        return _duration(key, words)

    joined: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        key, original = tokens[i]
        if joined and duration(joined[-1][0]) is not None:
            last_key, last_original = joined[-1]
            if key in words.and_words and i + 1 < len(tokens):
                after_key, after_original = tokens[i + 1]
                if duration(after_key) is not None and duration(last_key + after_key) is not None:
                    joined[-1] = (
                        last_key + after_key,
                        f"{last_original} {original} {after_original}",
                    )
                    i += 2
                    continue
            elif duration(key) is not None and duration(last_key + key) is not None:
                joined[-1] = (last_key + key, f"{last_original} {original}")
                i += 1
                continue
        joined.append((key, original))
        i += 1
    return joined


def _severity(key: str) -> int | None:
    """The number of "7" or "7/10" (any size), or None for other words."""
    match = _SEVERITY_RE.fullmatch(key)
    if match is None:
        return None
    digits = match[1].lstrip("0")
    return int(digits or "0") if len(digits) <= 6 else 10**6


def _duration(key: str, words: Vocabulary) -> Fraction | None:
    """The seconds of "30s", "3min", "1h30m", "1h30", "1.5h", or None for other words."""
    parts = _DURATION_PART_RE.findall(key)
    if not parts or not parts[0][1] or "".join(n + u for n, u in parts) != key:
        return None
    total = Fraction(0)
    previous: int | None = None
    for number, unit in parts:
        # a bare number after the last unit means the next smaller unit: "1h30", "2m30"
        seconds = words.unit_seconds.get(unit) if unit else _SMALLER_UNIT.get(previous or 0)
        if seconds is None or (previous is not None and seconds >= previous):
            return None
        total += _number(number) * seconds
        previous = seconds
    return total


def _number(text: str) -> Fraction:
    """A decimal number, capped at a billion (so huge inputs stay cheap)."""
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    if len(whole) > 9:
        return Fraction(10**9)
    return Fraction(f"{whole}.{fraction[:6] or '0'}")


def _cut(word: str) -> str:
    return word[:MAX_WORD_LENGTH]
