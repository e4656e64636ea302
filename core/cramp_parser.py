"""Reading a one-line cramp report such as ``/cramp calf 7 3m night``.

Words may come in any order: places, a severity from 1 to 10, a duration, a context word,
symptom words and a kind. Anything not understood, or two answers to the same question,
means no report: the caller shows what was wrong and ``ACCEPTED_HELP``.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeAlias

from core.diary import Context, Duration, Place, SpasmKind, Symptom, duration_bucket

MAX_UNKNOWN = 10  # unknown words kept in a ParseResult
MAX_WORD_LENGTH = 30  # each unknown word, and each word quoted in a problem, is cut to this
MAX_DURATION_SECONDS = 24 * 3600

_Word: TypeAlias = SpasmKind | Place | Context | Symptom | Duration

_SYNONYMS: dict[_Word, tuple[str, ...]] = {
    SpasmKind.CRAMP: ("cramp", "cramps", "cramping", "spasm", "spasms"),
    SpasmKind.TWITCH: (
        "twitch",
        "twitches",
        "twitching",
        "twitchy",
        "fasciculation",
        "fasciculations",
    ),
    SpasmKind.STIFFNESS: ("stiffness", "stiff"),
    Place.CALF: ("calf", "calves"),
    Place.FOOT: ("foot", "feet", "toe", "toes"),
    Place.HAMSTRING: ("hamstring", "hamstrings"),
    Place.QUADRICEPS: ("quad", "quads", "quadricep", "quadriceps", "thigh", "thighs"),
    Place.BACK: ("back",),
    Place.NECK: ("neck",),
    Place.ARM: (
        "hand",
        "hands",
        "arm",
        "arms",
        "finger",
        "fingers",
        "wrist",
        "wrists",
        "forearm",
        "forearms",
    ),
    Place.ABDOMEN: ("abdomen", "belly", "stomach", "abs", "tummy", "abdominal", "abdominals"),
    Place.OTHER: ("other",),
    Duration.STILL_GOING: ("ongoing", "still", "still-going"),
    Context.JUST_NOW: ("now", "just-now"),
    Context.NIGHT: ("night", "nocturnal", "bed", "asleep", "sleep", "sleeping", "overnight"),
    Context.EXERCISE: (
        "exercise",
        "exercising",
        "workout",
        "running",
        "run",
        "sport",
        "sports",
        "training",
        "gym",
    ),
    Context.REST: ("rest", "resting", "sitting", "sofa", "couch"),
    Context.EARLIER: ("earlier", "today", "morning", "afternoon", "evening"),
    Symptom.SWELLING: ("swelling", "swollen", "red", "redness", "warm", "warmth"),
    Symptom.WEAKNESS: ("weak", "weakness"),
    Symptom.NUMBNESS: (
        "numb",
        "numbness",
        "tingling",
        "tingle",
        "tingly",
        "pins",
        "needles",
        "pins-and-needles",
    ),
    Symptom.WALKING: ("walking", "walk", "holding", "hold", "grip", "gripping"),
}
_WORDS: dict[str, _Word] = {word: value for value, words in _SYNONYMS.items() for word in words}

_FILLER = frozenset(
    (
        "in", "my", "the", "a", "an", "at", "and", "left", "right", "both", "of", "for", "with",
        "-", "during", "on", "this", "lower", "upper", "while",
    )
)  # fmt: skip

_UNIT_SECONDS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
}
_ONE_UNIT = frozenset(("sec", "second", "min", "minute", "hr", "hour"))  # "a minute", "an hour"
_SMALLER_UNIT = {3600: 60, 60: 1}  # "1h30" is 1 h 30 min, "2m30" is 2 min 30 s

_SPLIT_RE = re.compile(r"[\s,;]+")
_STRIP = ".,;:!?\"'`()[]{}<>*_~/-–—…“”‘’«»"
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SEVERITY_RE = re.compile(r"([0-9]+)(?:/10)?")
_DURATION_PART_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([a-z]*)")

_PLACE_LABELS = {
    Place.CALF: "calf",
    Place.FOOT: "foot or toes",
    Place.HAMSTRING: "hamstring",
    Place.QUADRICEPS: "thigh",
    Place.BACK: "back",
    Place.NECK: "neck",
    Place.ARM: "hand or arm",
    Place.ABDOMEN: "belly",
    Place.OTHER: "other",
}
_CONTEXT_LABELS = {
    Context.JUST_NOW: "just now",
    Context.NIGHT: "at night",
    Context.EXERCISE: "during exercise",
    Context.REST: "at rest",
    Context.EARLIER: "earlier today",
}
_SYMPTOM_LABELS = {
    Symptom.SWELLING: "swelling",
    Symptom.WEAKNESS: "weakness",
    Symptom.NUMBNESS: "numbness",
    Symptom.WALKING: "trouble walking",
}
_BUCKET_LABELS = {
    Duration.UNDER_1_MIN: "under 1 min",
    Duration.MIN_1_TO_10: "1 to 10 min",
    Duration.OVER_10_MIN: "over 10 min",
    Duration.STILL_GOING: "still going",
}

ACCEPTED_HELP = """\
Tell me in one line, words in any order. For example:
/cramp calf 7 3m night

Where: calf, foot or toes, hamstring, thigh (quads), back, neck, hand or arm, belly, other
How bad: a number from 1 to 10, like 7 or 7/10
How long: 30s, 3m, 15 min, 1h30m, 10 minutes, or still going
When: now, night (or bed), exercise (or gym, running), rest (or sitting), earlier (or today)
Anything else: swelling (or red, warm), weakness, numbness (or tingling), \
walking or grip (if walking or holding things is hard)
Kind: cramp (the usual), twitch, stiffness"""


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


@dataclass(frozen=True)
class ParseResult:
    """The report, or None with the words not understood and the other problems."""

    report: ParsedCramp | None
    unknown: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def parse_cramp_words(text: str) -> ParseResult:
    """Read the words of a ``/cramp`` line (the command itself may be included)."""
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
    unknown: dict[str, str] = {}

    for key, original in _join_durations(_join_phrases(_tokens(text))):
        word = _WORDS.get(key)
        if key in _FILLER:
            continue
        if isinstance(word, SpasmKind):
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
        elif (total := _duration(key)) is not None:
            if total == 0:
                zero_durations[_cut(original)] = None
            elif total > MAX_DURATION_SECONDS:
                long_durations[_cut(original)] = None
            else:
                durations.setdefault(max(1, round(total)), _cut(original))
        else:
            unknown.setdefault(key, _cut(original))

    problems = [
        *_several("kinds", kinds),
        *_several("contexts", contexts),
        *_several("severities", map(str, severities)),
        *_several("durations", durations.values()),
    ]
    for rule, got in (
        ("severity must be 1 to 10", bad_severities),
        ("a duration can't be zero", zero_durations),
        ("a duration can be 24 hours at most", long_durations),
    ):
        if got:
            problems.append(f"{rule} (got {_listing(list(got))})")

    words = tuple(unknown.values())[:MAX_UNKNOWN]
    if words or problems:
        return ParseResult(None, words, tuple(problems))
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


def _tokens(text: str) -> list[tuple[str, str]]:
    """(lower-case key, original spelling) of each word, punctuation stripped, command dropped."""
    raw = _SPLIT_RE.split(text.strip())
    if raw and raw[0].startswith("/"):
        raw = raw[1:]
    tokens = []
    for piece in raw:
        original = piece.strip(_STRIP)
        if original:
            tokens.append((original.lower(), original))
    return tokens


def _join_phrases(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join "3 min", "an hour", "7 out of 10", "just now" and "still going" into one word."""
    joined: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        key = tokens[i][0]
        keys = [k for k, _ in tokens[i + 1 : i + 4]]
        span, new_key = 1, key
        if keys[:1] and keys[0] in _UNIT_SECONDS and _NUMBER_RE.fullmatch(key):
            span, new_key = 2, key + keys[0]
        elif keys[:1] and keys[0] in _ONE_UNIT and key in ("a", "an"):
            span, new_key = 2, "1" + keys[0]
        elif keys == ["out", "of", "10"] and key.isascii() and key.isdecimal():
            span, new_key = 4, key + "/10"
        elif [key, *keys[:1]] in (["just", "now"], ["still", "going"]):
            span, new_key = 2, f"{key}-{keys[0]}"
        joined.append((new_key, " ".join(o for _, o in tokens[i : i + span])))
        i += span
    return joined


def _join_durations(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join "1h 30m" and "1 hour and 30 minutes" into one duration."""
    joined: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        key, original = tokens[i]
        if joined and _duration(joined[-1][0]) is not None:
            last_key, last_original = joined[-1]
            if key == "and" and i + 1 < len(tokens):
                after_key, after_original = tokens[i + 1]
                if _duration(after_key) is not None and _duration(last_key + after_key) is not None:
                    joined[-1] = (last_key + after_key, f"{last_original} and {after_original}")
                    i += 2
                    continue
            elif _duration(key) is not None and _duration(last_key + key) is not None:
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


def _duration(key: str) -> Fraction | None:
    """The seconds of "30s", "3min", "1h30m", "1h30", "1.5h", or None for other words."""
    parts = _DURATION_PART_RE.findall(key)
    if not parts or not parts[0][1] or "".join(n + u for n, u in parts) != key:
        return None
    total = Fraction(0)
    previous: int | None = None
    for number, unit in parts:
        # a bare number after the last unit means the next smaller unit: "1h30", "2m30"
        seconds = _UNIT_SECONDS.get(unit) if unit else _SMALLER_UNIT.get(previous or 0)
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


def _format_seconds(seconds: int) -> str:
    """3 min, 2 h 30 min, 45 s."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((hours, "h"), (minutes, "min"), (secs, "s")) if n]
    return " ".join(parts) or "0 s"


def _several(what: str, values: Iterable[str]) -> list[str]:
    """A problem when there is more than one answer, e.g. "two severities (7 and 9)"."""
    items = [str(v) for v in values]
    if len(items) < 2:
        return []
    count = {2: "two", 3: "three"}.get(len(items), str(len(items)))
    return [f"{count} {what} ({_listing(items)})"]


def _listing(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c and 4 more"."""
    if len(items) > 3:
        return f"{', '.join(items[:3])} and {len(items) - 3} more"
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _cut(word: str) -> str:
    return word[:MAX_WORD_LENGTH]
