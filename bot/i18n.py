"""The user's language: gettext catalogs, and which one the code running now speaks.

The language is a context variable, set at the start of each update's handling and
around each message rendered for a user outside an update (reminders, summaries), so the
texts (bot/texts/) read it without being passed it. English is the source: its msgids are
the English words, and it has no catalog.

The catalogs are the .po files in bot/locales/, read once per process into memory when a
language is first used (`make messages` extracts and updates them). No compiled .mo files:
nothing generated to forget to rebuild or to go stale after a translator's commit, for a
fraction of a second of start-up (README, Languages).
"""

import gettext as _gettext
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from babel import Locale
from babel.dates import format_date as _format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _format_decimal

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT = "en"
# Every language the bot speaks, English first; each but English has a catalog.
LANGUAGES = ("en", "ru", "es", "de")
# Each language's name in itself: the /language buttons.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "es": "Español", "de": "Deutsch"}


class Language(StrEnum):
    """A language the bot speaks (the /language buttons carry it)."""

    EN = "en"
    RU = "ru"
    ES = "es"
    DE = "de"


_language: ContextVar[str] = ContextVar("language", default=DEFAULT)
# Each user's stored choice as this process last read it (None: their Telegram app's
# language), so an update that never loads the user's row still speaks their language.
_chosen: dict[int, str | None] = {}

T = TypeVar("T")


def supported(code: str | None) -> str | None:
    """The language of a Telegram language_code ("ru", "de-AT", "pt-br"), if we speak it."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def choose(stored: str | None, telegram_code: str | None = None) -> str:
    """The stored choice, else the Telegram app's language if we speak it, else English."""
    return supported(stored) or supported(telegram_code) or DEFAULT


def current() -> str:
    """The language of the code running now."""
    return _language.get()


def set_language(code: str | None) -> Token[str]:
    """Speak `code` (a language we speak, else English) from now on in this context."""
    return _language.set(supported(code) or DEFAULT)


def reset_language(token: Token[str]) -> None:
    _language.reset(token)


def forget_choices() -> None:
    """Read every user's choice afresh (a new application: its database may differ)."""
    _chosen.clear()


def forget_choice(user_id: int) -> None:
    """Drop this user's choice as last read here (/forget deleted it with their data): until
    they choose again, their Telegram app's language."""
    _chosen.pop(user_id, None)


def speak_for(user_id: int, stored: str | None, telegram_code: str | None) -> str:
    """Speak this user's language from now on in this context (the rest of the update's
    handling): `stored`, else `telegram_code`'s, else English."""
    _chosen[user_id] = stored
    code = choose(stored, telegram_code)
    _language.set(code)
    return code


def speak_as_last_seen(user_id: int, telegram_code: str | None) -> str:
    """At the start of an update: the user's choice as last read here, else the app's."""
    code = choose(_chosen.get(user_id), telegram_code)
    _language.set(code)
    return code


@contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """Speak `code` inside the block (the language of one user's message); None (a user
    who never chose) keeps the language spoken now."""
    token = set_language(code or current())
    try:
        yield current()
    finally:
        _language.reset(token)


# --- Catalogs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    """One language's translations: only entries translated and not fuzzy."""

    singular: Mapping[str, str] = field(default_factory=dict)
    plural: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = lambda n: int(n != 1)


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"


@cache
def catalog(language: str) -> Catalog:
    """The language's catalog, read from its .po file (English, or no file: empty)."""
    path = po_path(language)
    if language == DEFAULT or not path.exists():
        return Catalog()
    with path.open("rb") as po:
        entries = read_po(po, locale=language)
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in entries:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (tuple, list)):
            forms = tuple(message.string or ())
            if forms and all(forms):
                plural[str(message.id[0])] = tuple(str(form) for form in forms)
        elif isinstance(message.string, str) and message.string:
            singular[message.id] = message.string
    index = _gettext.c2py(entries.plural_expr)
    return Catalog(singular, plural, index)


def gettext(message: str) -> str:
    """`message` (English) in the current language."""
    return catalog(current()).singular.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` (English) for `n`, in the current language."""
    forms = catalog(current()).plural.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    index = catalog(current()).plural_index(n)
    return forms[index] if 0 <= index < len(forms) else forms[-1]


def in_every_language(message: str) -> list[str]:
    """`message` in each language, each once (a reply-keyboard label to recognise,
    whichever language the keyboard was drawn in)."""
    return list(dict.fromkeys(catalog(code).singular.get(message, message) for code in LANGUAGES))


def N_(message: str) -> str:
    """Marks `message` for extraction; it is translated where it is read (see install)."""
    return message


_ = gettext


class PluralText(str):
    """A text constant with plural forms, chosen by one of its fields when formatted:
    `texts.X.format(count=3)` keeps working for callers, in every language."""

    singular: str
    plural: str
    field: str

    def __new__(cls, singular: str, plural: str, field: str = "count") -> "PluralText":
        text = super().__new__(cls, plural)
        text.singular, text.plural, text.field = singular, plural, field
        return text

    def format(self, *args: object, **kwargs: Any) -> str:
        n = int(kwargs[self.field])
        return ngettext(self.singular, self.plural, n).format(*args, **kwargs)


def NP_(singular: str, plural: str, field: str = "count") -> str:
    """Marks a constant with plural forms, chosen by `field` when it is formatted."""
    return PluralText(singular, plural, field)


def translate(value: T) -> T:
    """`value` in the current language: a string, or every string in a tuple, list or dict's
    values (keys stay: they are enums, ids and codes)."""
    translated: T = _translate(value, catalog(current()).singular)
    return translated


def _translate(value: Any, words: Mapping[str, str]) -> Any:
    if isinstance(value, PluralText):  # translated when formatted
        return value
    if isinstance(value, str):
        return words.get(value, value)
    if isinstance(value, tuple):
        return tuple(_translate(item, words) for item in value)
    if isinstance(value, list):
        return [_translate(item, words) for item in value]
    if isinstance(value, dict):
        return {key: _translate(item, words) for key, item in value.items()}
    return value


class _TranslatedModule(ModuleType):
    """A texts module whose upper-case constants read in the current language.

    `texts.X` (and `from bot.texts import X`, at the time it runs) give X translated; code
    inside the module reads its own globals in English and translates with `_()`.
    """

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name[:1] == "_" or not name.isupper():
            return value
        computed: Mapping[str, Callable[[], Any]] = super().__getattribute__("_i18n_computed")
        if name in computed:
            return computed[name]()
        language = current()
        if language == DEFAULT:
            return value
        cached: dict[tuple[str, str], Any] = super().__getattribute__("_i18n_cache")
        key = (language, name)
        if key not in cached:
            cached[key] = translate(value)
        return cached[key]


def install(module_name: str, computed: Mapping[str, Callable[[], Any]] | None = None) -> None:
    """Make `module_name`'s constants read in the current language. `computed`: constants
    built from others (or from Babel) when read, by name."""
    module = sys.modules[module_name]
    module._i18n_computed = dict(computed or {})  # type: ignore[attr-defined]
    module._i18n_cache = {}  # type: ignore[attr-defined]
    module.__class__ = _TranslatedModule


# --- Dates and numbers ------------------------------------------------------------------


def locale() -> Locale:
    return _locale(current())


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def format_date(day: date | datetime, pattern: str) -> str:
    """A date in the current language, with a CLDR pattern ("EEE d MMM")."""
    return _format_date(day, pattern, locale=locale())


def format_decimal(number: float, pattern: str = "0.0") -> str:
    """A number in the current language: 2.5 is "2,5" in Russian, Spanish and German."""
    return _format_decimal(number, pattern, locale=locale())


def weekday_names(width: str = "wide") -> tuple[str, ...]:
    """Monday first, in the current language ("wide": Monday, "abbreviated": Mon)."""
    names = locale().days["format"][width]
    return tuple(str(names[day]) for day in range(7))


def catalog_statistics(language: str) -> str:
    """A line for `make compile`: how much of the language's catalog is usable."""
    with po_path(language).open("rb") as po:
        entries = read_po(po, locale=language)
    total = sum(1 for message in entries if message.id)
    usable = len(catalog(language).singular) + len(catalog(language).plural)
    fuzzy = sum(1 for message in entries if message.id and message.fuzzy)
    return f"{language}: {usable} of {total} translated, {fuzzy} fuzzy"


if __name__ == "__main__":
    for code in LANGUAGES[1:]:
        print(catalog_statistics(code))
