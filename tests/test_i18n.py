"""Languages: the catalogs against the template, every text rendered in every language,
the current language's mechanics, and the command menu per language."""

import re
import string
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n, texts
from bot.callbacks import MAX_CALLBACK_BYTES, ChooseLanguage
from bot.i18n import LANGUAGES, Language, PluralText, ngettext, use_language
from bot.texts import doctor_report, medical, weekly_message
from core.cramp_parser import Problem, Trouble
from core.diary import Duration, Place, SpasmKind
from core.vocabulary import vocabulary
from core.weekly import WeekTotals
from db.models import User
from scheduler.planning import Kind

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "bot" / "locales" / "messages.pot"
TRANSLATED = LANGUAGES[1:]
TELEGRAM_LIMIT = 4096
_FIELD = re.compile(r"(?<!\{)\{([^{}:!]*)[^{}]*\}")
_TAG = re.compile(r"</?[a-z]+>")


def _catalog(language: str) -> Any:
    with i18n.po_path(language).open("rb") as po:
        return read_po(po, locale=language)


def _template_ids() -> set[str]:
    with TEMPLATE.open("rb") as pot:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}


def _fields(text: str) -> set[str]:
    list(string.Formatter().parse(text))  # raises on a stray brace
    return set(_FIELD.findall(text))


def _ends(text: str) -> tuple[bool, bool]:
    return text[:1].isspace(), text[-1:].isspace()


def test_the_template_holds_every_text_the_code_marks() -> None:
    """`make messages` was run after the last change of a text."""
    keywords = {"N_": None, "NP_": (1, 2), "_": None, "gettext": None, "ngettext": (1, 2)}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "bot"), [("**.py", "python")], keywords=keywords
        )
    }
    assert found == _template_ids()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_has_every_text_with_the_same_placeholders(language: str) -> None:
    catalog = _catalog(language)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert ids == _template_ids(), "run make messages"
    for message in catalog:
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        translations = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set().union(*(_fields(source) for source in sources))
        for translation in filter(None, translations):
            assert _fields(translation) <= wanted, (message.id, translation)
            if isinstance(message.id, str):  # a plural's singular may leave out its number
                assert _fields(translation) == wanted, (message.id, translation)
            assert sorted(_TAG.findall(translation)) == sorted(_TAG.findall(sources[-1])), (
                message.id,
                translation,
            )
            assert _ends(translation) == _ends(sources[0]), (message.id, translation)


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalog_has_an_empty_or_fuzzy_entry(language: str) -> None:
    untranslated = [
        m.id
        for m in _catalog(language)
        if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    ]
    assert untranslated == []


# --- Every text, rendered in every language ----------------------------------------------

NOW = datetime(2026, 11, 20, 7, 30)
SAMPLES: dict[str, Any] = {
    "time": NOW,
    "now": NOW,
    "count": 3,
    "goal": 8,
    "cups": 5,
    "minutes": 15,
    "days": "3 days",
}


class _Sample(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        return "sample"


def _formatted(text: str) -> str:
    return text.format_map(_Sample(SAMPLES)) if "{" in text else text


def _constants() -> list[str]:
    found: list[str] = []

    def add(value: object) -> None:
        if isinstance(value, PluralText):
            for n in (1, 2, 5):
                fields = {name: SAMPLES.get(name, "sample") for name in _fields(value.plural)}
                found.append(value.format(**{**fields, value.field: n}))
        elif isinstance(value, str):
            found.append(_formatted(value))
        elif isinstance(value, (tuple, list)):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)

    for module in (texts, medical, weekly_message, doctor_report):
        for name in dir(module):
            if name.isupper() and not name.startswith("_"):
                add(getattr(module, name))
    return found


def _user() -> User:
    return User(
        id=1,
        chat_id=1,
        timezone="Europe/Moscow",
        wake_time=time(7),
        bed_time=time(23),
        summary_weekday=6,
        summary_time=time(18),
    )


def _week(cramps: int) -> WeekTotals:
    return WeekTotals(
        start=date(2026, 11, 16),
        end=date(2026, 11, 22),
        days_with_data=5,
        cramps=cramps,
        night_cramps=cramps // 2,
        day_cramps=cramps - cramps // 2,
        avg_severity=6.5 if cramps else None,
        max_severity=9 if cramps else None,
        longest=Duration.OVER_10_MIN if cramps else None,
        by_place=dict.fromkeys(Place, 2) if cramps else {},
        by_kind={SpasmKind.CRAMP: cramps} if cramps else {},
        days_goal_met=3,
        avg_cups=6.25,
        stretch_nights=2,
        movement_sent=10,
        movement_done=4,
    )


def _functions() -> list[str]:
    switches = [(Kind.HYDRATION, True), (Kind.MOVEMENT, False)]
    user = _user()
    problems = [Problem(trouble, ("7", "9")) for trouble in Trouble if trouble != "ambiguous"]
    ambiguous = tuple(vocabulary(i18n.current()).ambiguous)[:3] or ("walking", "warm", "grip")
    problems.append(Problem(Trouble.AMBIGUOUS, ambiguous))
    week = _week(12)
    title = weekly_message.week_title(week.start, week.end)
    out = [
        texts.welcome("Анна"),
        texts.welcome_back("Анна"),
        texts.step_timezone("Europe/Moscow"),
        texts.step_wake("07:00"),
        texts.step_bed("23:00"),
        texts.step_reminders(),
        texts.settings_summary(user, NOW, switches, "18:00"),
        texts.setup_done(user, NOW, switches),
        texts.setup_assumed(user, NOW, switches),
        texts.choose_timezone("UTC"),
        texts.choose_reminders(switches),
        texts.help_text(),
        texts.cancelled(["a", "b", "c"]),
        texts.hydration_reminder(3, 8),
        texts.stretch_routine(),
        texts.water_progress(8, 8),
        texts.water_progress(1, 8),
        texts.reminders_overview(["x"], "18:00"),
        texts.reminder_line(Kind.HYDRATION, True, "14:00", " · 3/8"),
        texts.reminder_line(Kind.MOVEMENT, False, None, ""),
        texts.reminder_line(Kind.MOVEMENT, True, "10:00", "", held_until="Mon 09:00"),
        texts.movement_hours(0b11111, time(9), time(17)),
        texts.movement_hours(0b1010101, None, None),
        texts.sitting_screen("Mon–Fri 09:00–17:00", "Next"),
        texts.draft_screen("cramp · calf", "x"),
        texts.report_confirmation("cramp", NOW, urgent=[], relief=True),
        texts.bad_cramp_words(("ouch",), problems),
        texts.undo_question("cramp · calf", NOW),
        texts.history(["a", "b"]),
        texts.choose_summary(0, "18:00"),
        texts.lead_choice(30, True),
        texts.window_problem(next(iter(texts.WINDOW_PROBLEMS)), True, "07:00"),
        texts.when(NOW, date(2026, 11, 19)),
        *(texts.rhythm_question(kind) for kind in (Kind.HYDRATION, Kind.STRETCH)),
        weekly_message.summary_text(week, _week(3), [], [4, 12, 12], ["a pattern"], "tip", title),
        weekly_message.summary_text(_week(0), _week(0), [], [], [], "", title),
        doctor_report.period_span(date(2026, 8, 23), date(2026, 11, 21)),
        doctor_report.generated_at(NOW, "Europe/Moscow"),
        doctor_report.day_label(date(2026, 11, 16)),
    ]
    for rule_id in medical.RULE_TITLES:
        out.append(texts.flag_message(rule_id, [NOW] * 7, earlier=2))
        out.append(texts.urgent_message(rule_id, [NOW]))
        out.append(texts.flags_line(NOW, rule_id, urgent=False, new=True))
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_renders_in_every_language_within_telegram_limits(language: str) -> None:
    with use_language(language):
        rendered = _constants() + _functions()
    assert len(rendered) > 300
    for text in rendered:
        assert text.strip()
        assert len(text.encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT, text[:80]


@pytest.mark.parametrize("language", LANGUAGES)
def test_button_data_is_the_same_in_every_language(language: str) -> None:
    with use_language(language):
        view = _language_view()
    data = [b.callback_data for row in view.markup.inline_keyboard for b in row]
    assert data == ["lg:en", "lg:ru", "lg:es", "lg:de", "st:menu"]
    assert all(len(str(d).encode()) <= MAX_CALLBACK_BYTES for d in data)


def _language_view() -> Any:
    from bot.handlers.language import language_view

    return language_view()


# --- The mechanics -----------------------------------------------------------------------


def test_texts_read_in_the_language_of_the_code_running_now() -> None:
    catalog = i18n.catalog("ru").singular
    with use_language("ru"):
        help_label = texts.BUTTON_HELP
        labels = texts.PLACE_LABELS
    assert help_label == catalog.get("❓ Help", "❓ Help")
    assert labels == {
        place: catalog.get(label, label) for place, label in texts.PLACE_LABELS.items()
    }
    with use_language("ru"):
        assert texts.WEEKDAYS == ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
        assert i18n.format_decimal(6.25) == "6,2"
    assert texts.BUTTON_HELP == "❓ Help"
    assert texts.WEEKDAY_NAMES[0] == "Monday"


def test_plurals_follow_each_languages_rules() -> None:
    english = [ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 2, 5)]
    assert english == ["1 day", "2 days", "5 days"]
    russian = i18n.catalog("ru").plural.get("{n} day")
    if russian:  # three forms: 1 день, 2 дня, 5 дней
        with use_language("ru"):
            forms = [ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 2, 5, 21)]
        expected = [russian[index].format(n=n) for index, n in ((0, 1), (1, 2), (2, 5), (0, 21))]
        assert forms == expected
    assert texts.CANCELLED_FORMS.format(count=2) == (
        "the 2 cramp reports you were filling in (nothing saved)"
    )


@pytest.mark.parametrize(
    ("stored", "telegram", "spoken"),
    [
        ("de", "ru", "de"),
        (None, "ru-RU", "ru"),
        (None, "es", "es"),
        (None, "pt-br", "en"),
        (None, None, "en"),
        ("xx", "de", "de"),
    ],
)
def test_the_choice_then_the_app_then_english(
    stored: str | None, telegram: str | None, spoken: str
) -> None:
    assert i18n.choose(stored, telegram) == spoken


def test_a_choice_lasts_for_the_rest_of_its_context_only() -> None:
    with use_language("en"):
        i18n.speak_for(42, "de", "ru")
        assert i18n.current() == "de"
        assert i18n.speak_as_last_seen(42, "ru") == "de"  # the next update, before its row
        assert i18n.speak_as_last_seen(43, "es") == "es"
    assert i18n.current() == "en"


def test_a_forgotten_choice_gives_way_to_the_app_language() -> None:
    with use_language("en"):
        i18n.speak_for(44, "de", "ru")
        i18n.forget_choice(44)  # /forget deleted the user's row
        assert i18n.speak_as_last_seen(44, "ru") == "ru"
        i18n.forget_choice(44)  # twice, or for a user never seen: nothing to drop
        i18n.forget_choice(45)


def test_every_language_has_a_name_and_a_button() -> None:
    assert set(i18n.LANGUAGE_NAMES) == set(LANGUAGES) == {lang.value for lang in Language}
    for code in LANGUAGES:
        assert ChooseLanguage(Language(code)).encode() == f"lg:{code}"


def test_the_doctor_pdf_and_charts_draw_every_language() -> None:
    from bot.documents import MISSING_GLYPH, drawable
    from tests.test_documents import _our_words

    for language in LANGUAGES:
        with use_language(language):
            for text in _our_words():
                assert MISSING_GLYPH not in drawable(text), (language, text)
