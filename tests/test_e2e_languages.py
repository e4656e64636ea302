"""Languages end to end: a Russian speaker goes through setup, reports cramps in Russian
words, gets a reminder, warnings and the weekly summary, all in Russian; /language switches;
the command menu is published per language.

Expected words come from the catalogs through the texts themselves (rendered with
use_language), never typed here, so the tests follow the translators' words.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from typing import TypeVar

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from bot import texts
from bot.i18n import LANGUAGES, _, catalog, use_language
from bot.texts import doctor_report, medical
from core.diary import Context, Place, Symptom
from core.vocabulary import vocabulary
from db.models import ReminderSchedule, User
from tests.conftest import RunningBot
from tests.e2e import load_user, press_data, set_up, settings_of, tap
from tests.fake_bot_api import FakeUser, SentMessage

pytestmark = pytest.mark.usefixtures("unspread")
T = TypeVar("T")


def ru(make: Callable[[], T]) -> T:
    with use_language("ru"):
        return make()


def head(msgid: str) -> str:
    """A text's Russian words up to its first placeholder."""
    return ru(lambda: _(msgid)).split("{")[0]


def english_left_in(text: str) -> list[str]:
    """English sentences of the catalog that Russian translates, found in `text`."""
    found = []
    for english, russian in catalog("ru").singular.items():
        if russian == english:
            continue
        for piece in re.split(r"\{[^}]*\}|<[^>]+>|\n", english):
            if len(piece.strip()) >= 16 and piece.strip() in text:
                found.append(piece.strip())
    return found


def everything_said(user: FakeUser) -> str:
    return "\n".join(
        [m.text or "" for m in user.messages] + [b for m in user.messages for b in m.button_texts()]
    )


async def wait_for_text(bot: RunningBot, user: FakeUser, before: int, piece: str) -> SentMessage:
    await bot.api.wait_for(
        lambda: any(piece in (m.text or "") for m in user.messages[before:]),
        timeout=10,
        description=piece,
    )
    return next(m for m in user.messages[before:] if piece in (m.text or ""))


async def set_up_in_russian(user: FakeUser) -> None:
    """/start, then skip the rest of setup, tapping the Russian button."""
    await user.send("/start")
    await user.next_message()
    await tap(user, await user.next_message(), ru(lambda: texts.SKIP_SETUP))


async def next_hydration_reminder(bot: RunningBot, user: FakeUser) -> SentMessage:
    """Move the clock to the user's next hydration reminder and let the dispatcher send it."""
    async with bot.db() as session:
        due = await session.scalar(
            select(ReminderSchedule.next_due_at).filter_by(user_id=user.id, kind="hydration")
        )
    assert due is not None
    bot.clock.now = due
    before = len(user.messages)
    await bot.dispatch()
    return await wait_for_text(bot, user, before, "💧")


async def test_a_russian_speaker_goes_through_it_all_in_russian(running_bot: RunningBot) -> None:
    words = vocabulary("ru").words
    anna = running_bot.api.user(501, "Анна", language_code="ru")

    # Setup: the welcome and every step in Russian; the choice is stored.
    await anna.send("/start")
    welcome, setup = await anna.next_message(), await anna.next_message()
    assert welcome.text == ru(lambda: texts.welcome("Анна"))
    assert ru(lambda: texts.SETUP_INTRO) in (setup.text or "")
    assert ru(lambda: texts.step_timezone("UTC")) in (setup.text or "")
    await tap(anna, setup, ru(lambda: texts.SKIP_SETUP))
    stored = await load_user(running_bot.db, 501)
    assert stored is not None and stored.language == "ru"
    menu = welcome.reply_markup or {}
    labels = [b["text"] for row in menu.get("keyboard", []) for b in row]
    assert labels == ru(
        lambda: [
            texts.BUTTON_REPORT_CRAMP,
            texts.BUTTON_WATER,
            texts.BUTTON_SETTINGS,
            texts.BUTTON_HELP,
        ]
    )

    # A report in Russian words: place, severity, a duration with a Russian unit, night.
    minute = next(unit for unit, seconds in vocabulary("ru").units.items() if seconds == 60)
    line = f"/cramp {words[Place.CALF][0]} 7 3{minute} {words[Context.NIGHT][0]}"
    saved = await anna.ask(line)
    said = saved.text or ""
    assert head("✅ Saved: {summary} ({time}).") in said
    assert ru(lambda: texts.PLACE_WORDS[Place.CALF]) in said
    assert ru(lambda: texts.CONTEXT_LABELS[Context.NIGHT]) in said
    # A word it does not know gets the same clear reply, in Russian.
    unknown = await anna.ask(f"/cramp {words[Place.CALF][0]} ёжик")
    assert head("I didn't understand: {words}") in (unknown.text or "")
    assert ru(lambda: _(texts.ACCEPTED_HELP)).splitlines()[0] in (unknown.text or "")

    # A warning: swelling is urgent, in the confirmation itself, in Russian.
    urgent = await anna.ask(f"/cramp {words[Place.CALF][0]} 6 {words[Symptom.SWELLING][0]}")
    assert (urgent.text or "").startswith(ru(lambda: medical.URGENT_SWELLING).split("</b>")[0])
    # Weakness raises a warning of its own, its title and disclaimer in Russian.
    before = len(anna.messages)
    await anna.send(f"/cramp {words[Place.CALF][0]} 5 {words[Symptom.WEAKNESS][0]}")
    warning = await wait_for_text(running_bot, anna, before, ru(lambda: medical.RULE_TITLES[3]))
    assert ru(lambda: medical.FLAG_DISCLAIMER) in (warning.text or "")

    # A reminder, sent by the dispatcher, in Russian.
    reminder = await next_hydration_reminder(running_bot, anna)
    assert ru(lambda: texts.hydration_reminder(0, 8)) in (reminder.text or "")
    assert ru(lambda: medical.HYDRATION_WHY) in (reminder.text or "")

    # The weekly summary at its time (Sunday 18:00), and its chart.
    running_bot.clock.now = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    before = len(anna.messages)
    await running_bot.dispatch()
    summary = await wait_for_text(running_bot, anna, before, head("Your week, {start} – {end}"))
    assert head("Cramps: {count}") in (summary.text or "")
    await running_bot.api.wait_for(lambda: any(m.photo for m in anna.messages[before:]))

    # The doctor's PDF, in Russian (its font draws Cyrillic).
    before = len(anna.messages)
    await anna.send("/export")
    await running_bot.api.wait_for(
        lambda: any(m.document and m.document[0].endswith(".pdf") for m in anna.messages[before:]),
        timeout=20,
    )
    pdf = next(m for m in anna.messages[before:] if m.document and m.document[0].endswith(".pdf"))
    assert pdf.document is not None
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.document[1])).pages)
    assert ru(lambda: doctor_report.TITLE_FOR.format(name="Анна")) in text

    # /help and the settings, and nothing the Russian catalog translates left in English.
    await anna.ask("/help")
    await anna.ask("/settings")
    assert english_left_in(everything_said(anna)) == []


async def test_language_switches_with_a_tap_and_the_old_keyboard_still_works(
    running_bot: RunningBot,
) -> None:
    ben = await set_up(running_bot.api.user(502, "Ben", language_code="en"))

    menu = await ben.ask("/language")
    assert menu.text == texts.LANGUAGE_QUESTION.format(language="English")
    assert "✅ English" in menu.button_texts()
    await tap(ben, menu, "Deutsch")
    done = await ben.next_message()
    with use_language("de"):
        assert done.text == texts.LANGUAGE_SET.format(language="Deutsch")
        german_help = texts.help_text()
        german_button = texts.BUTTON_HELP
    stored = await load_user(running_bot.db, 502)
    assert stored is not None and stored.language == "de"
    assert "✅ Deutsch" in menu.button_texts()

    # The keyboard under the message box is redrawn in German; the English one still works.
    labels = [b["text"] for row in (done.reply_markup or {}).get("keyboard", []) for b in row]
    assert german_button in labels
    assert (await ben.ask(german_button)).text == german_help
    assert (await ben.ask("❓ Help")).text == german_help
    assert (await ben.ask("/help")).text == german_help

    # And from /settings: its Language screen, then back to English.
    settings = await ben.ask("/settings")
    await tap(ben, settings, with_de(lambda: texts.SETTINGS_LANGUAGE))
    await tap(ben, settings, "English")
    assert (await ben.next_message()).text == texts.LANGUAGE_SET.format(language="English")
    assert (await ben.ask("/help")).text == texts.help_text()


def with_de(make: Callable[[], str]) -> str:
    with use_language("de"):
        return make()


async def test_a_telegram_app_language_is_spoken_until_start_stores_it(
    running_bot: RunningBot,
) -> None:
    eva = running_bot.api.user(503, "Eva", language_code="es-MX")
    with use_language("es"):
        spanish_help = texts.help_text()
    assert (await eva.ask("/help")).text == spanish_help
    fin = running_bot.api.user(504, "Fin", language_code="fi")
    assert (await fin.ask("/help")).text == texts.help_text()  # no Finnish: English


async def test_the_command_menu_is_published_in_every_language(running_bot: RunningBot) -> None:
    for language in LANGUAGES:
        with use_language(language):
            expected = [{"command": c, "description": d} for c, d in texts.COMMANDS]
        code = "" if language == "en" else language
        assert running_bot.api.commands_in(code) == expected
    assert any(c["command"] == "language" for c in running_bot.api.commands)


@pytest.mark.parametrize("data", ["lg:fr", "lg:", "lg:RU", "lg:ru:x"])
async def test_a_forged_language_button_is_refused_and_changes_nothing(
    running_bot: RunningBot, data: str
) -> None:
    gus = running_bot.api.user(505, "Gus", language_code="ru")
    await set_up_in_russian(gus)
    menu = await gus.ask("/language")
    before = await settings_of(running_bot.db, 505)
    answer = await press_data(running_bot.api, gus, menu, data)
    assert answer.params["text"] == ru(lambda: texts.STALE_BUTTON)  # in their language
    assert await settings_of(running_bot.db, 505) == before


async def test_after_forget_the_app_language_is_spoken_again(running_bot: RunningBot) -> None:
    # Hal's app speaks English and he chose German; /forget deletes the choice with the
    # rest of his data, so the next update, which makes no row, speaks English again.
    hal = await set_up(running_bot.api.user(506, "Hal", language_code="en"))
    await tap(hal, await hal.ask("/language"), "Deutsch")
    await hal.next_message()
    question = await hal.ask("/forget")
    await tap(hal, question, with_de(lambda: texts.DELETE_EVERYTHING))
    assert question.text == with_de(lambda: texts.FORGET_DONE)  # still German: its update began so
    assert await load_user(running_bot.db, 506) is None
    assert (await hal.ask("/cancel")).text == texts.NOTHING_TO_CANCEL


async def test_the_report_form_is_drawn_in_each_users_language(running_bot: RunningBot) -> None:
    # The form's keyboards are cached per screen: Ben opening it in English first must not
    # hand Anna his English buttons.
    ben = await set_up(running_bot.api.user(507, "Ben", language_code="en"))
    anna = running_bot.api.user(508, "Анна", language_code="ru")
    await set_up_in_russian(anna)
    english = await ben.ask("/cramp")
    russian = await anna.ask("/cramp")
    assert english.button_texts()[:3] == list(texts.KIND_LABELS.values())
    assert russian.button_texts()[:3] == ru(lambda: list(texts.KIND_LABELS.values()))
    assert russian.button_texts() != english.button_texts()


async def test_someone_who_never_chose_gets_reminders_in_their_apps_language(
    running_bot: RunningBot,
) -> None:
    # Kim's row predates languages (none stored). Reminders have no update to read her
    # app's language from, so her next message stores it, as /start would have.
    kim = running_bot.api.user(509, "Ким", language_code="ru")
    await set_up_in_russian(kim)
    async with running_bot.db.begin() as session:
        await session.execute(update(User).where(User.id == 509).values(language=None))
    await kim.ask("/settings")
    stored = await load_user(running_bot.db, 509)
    assert stored is not None and stored.language == "ru"
    reminder = await next_hydration_reminder(running_bot, kim)
    assert ru(lambda: texts.hydration_reminder(0, 8)) in (reminder.text or "")


async def test_an_app_that_sends_no_language_leaves_the_choice_open(
    running_bot: RunningBot,
) -> None:
    # Nothing to go on: English is spoken and nothing stored, so a later update from an
    # app that does send its language still decides.
    lea = await set_up(running_bot.api.user(510, "Lea", language_code=""))
    assert (await lea.ask("/help")).text == texts.help_text()
    stored = await load_user(running_bot.db, 510)
    assert stored is not None and stored.language is None
    lea.language_code = "de"
    await lea.ask("/settings")
    stored = await load_user(running_bot.db, 510)
    assert stored is not None and stored.language == "de"


async def test_a_time_that_does_not_parse_is_answered_in_the_users_language(
    running_bot: RunningBot,
) -> None:
    ivan = running_bot.api.user(511, "Иван", language_code="ru")
    await set_up_in_russian(ivan)
    before = await settings_of(running_bot.db, 511)
    reply = await ivan.ask("/waketime 25:99")
    assert reply.text == ru(lambda: texts.BAD_TIME.format(text="25:99"))
    assert reply.text != texts.BAD_TIME.format(text="25:99")
    assert await settings_of(running_bot.db, 511) == before
