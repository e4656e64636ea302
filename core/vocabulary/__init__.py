"""The words the one-line ``/cramp`` parser understands, one vocabulary per language.

Each language's file (en.py, ru.py, es.py, de.py) fills the same table: which words mean
each place, context, symptom and kind (core.diary's values), the phrases read as one word,
the words that could mean two things, the words to skip and the duration units. The
parser (core.cramp_parser) is the same for every language.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property
from importlib import import_module
from typing import TypeAlias

from core.diary import Context, Duration, Place, SpasmKind, Symptom

Word: TypeAlias = SpasmKind | Place | Context | Symptom | Duration

LANGUAGES = ("en", "ru", "es", "de")


class Ambiguity(StrEnum):
    """Two things a word could mean: a symptom, or what someone was doing."""

    WALK = "walk"  # trouble walking, or while walking
    WARM = "warm"  # warm to the touch, or a warm-up
    GRIP = "grip"  # trouble holding things, or holding something when it came


# Every meaning a vocabulary gives words to (Duration: only "still going").
MEANINGS: tuple[Word, ...] = (
    *SpasmKind,
    *Place,
    Duration.STILL_GOING,
    *Context,
    *Symptom,
)


@dataclass(frozen=True)
class Vocabulary:
    """One language's words for the parser. Words are lower case; a phrase is its words
    joined with "-" (the key `phrases` maps it to)."""

    # Each meaning's words (and phrase keys). Activity words are context, never a symptom:
    # "while walking" is when it came, "trouble walking" a red flag.
    words: Mapping[Word, tuple[str, ...]]
    # Phrases read as one word, as their words, to a key listed in `words`; the longest wins.
    phrases: Mapping[tuple[str, ...], str]
    # Words that could mean a symptom or an activity: asked about, never guessed.
    ambiguous: Mapping[str, Ambiguity]
    # Words skipped: articles, prepositions, "left", "right", ...
    filler: frozenset[str]
    # Duration units (after a number, joined or not: "3m", "3 min") in seconds.
    units: Mapping[str, int]
    # "a minute", "an hour": the articles, and the units they can stand before.
    articles: frozenset[str] = frozenset()
    one_units: frozenset[str] = frozenset()
    # "7 out of 10": the words between the number and 10.
    out_of: tuple[str, ...] = ()
    # "1 hour and 30 minutes": the words joining two parts of a duration.
    and_words: frozenset[str] = frozenset()
    # Match words with their accents removed too (people often leave them out).
    fold_accents: bool = False

    def key(self, word: str) -> str:
        """How a typed word is looked up: lower case, one apostrophe, ё as е, accents
        folded if the language says so."""
        key = word.lower().replace("’", "'").replace("ё", "е")
        if self.fold_accents:
            decomposed = unicodedata.normalize("NFD", key)
            key = "".join(c for c in decomposed if not unicodedata.combining(c))
        return key

    @cached_property
    def meaning(self) -> Mapping[str, Word]:
        """Each word's (and phrase key's) meaning."""
        return {self.key(word): value for value, words in self.words.items() for word in words}

    @cached_property
    def phrase_keys(self) -> Mapping[tuple[str, ...], str]:
        return {
            tuple(self.key(word) for word in phrase): self.key(joined)
            for phrase, joined in self.phrases.items()
        }

    @cached_property
    def longest_phrase(self) -> int:
        return max((len(phrase) for phrase in self.phrases), default=1)

    @cached_property
    def ambiguous_keys(self) -> Mapping[str, Ambiguity]:
        return {self.key(word): value for word, value in self.ambiguous.items()}

    @cached_property
    def filler_keys(self) -> frozenset[str]:
        return frozenset(self.key(word) for word in self.filler)

    @cached_property
    def unit_seconds(self) -> Mapping[str, int]:
        return {self.key(unit): seconds for unit, seconds in self.units.items()}


@cache
def vocabulary(language: str) -> Vocabulary:
    """The language's vocabulary (English for a language without one)."""
    code = language if language in LANGUAGES else "en"
    words: Vocabulary = import_module(f"core.vocabulary.{code}").VOCABULARY
    return words
