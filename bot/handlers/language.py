"""/language: the language the bot speaks with each user, and speaking it from the start
of each of their updates (bot/i18n.py)."""

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler

from bot import i18n, keyboards, texts
from bot.callbacks import ChooseLanguage, OpenScreen, Screen
from bot.context import CoachContext
from bot.handlers.common import View, answer_and_edit, pressed, user_transaction
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Language
from bot.keyboards import button, rows
from db.models import User


async def speak_their_language(update: object, _context: CoachContext) -> None:
    """Before any handler: the sender's language, as last stored here, else their app's
    (a handler that loads the user's row then follows what is stored)."""
    if isinstance(update, Update) and (sender := update.effective_user) is not None:
        i18n.speak_as_last_seen(sender.id, sender.language_code)


def language_view() -> View:
    """Every language, in itself, the one spoken now ticked; back to /settings."""
    current = i18n.current()
    choices = [
        button(texts.tick(code == current, LANGUAGE_NAMES[code]), ChooseLanguage(Language(code)))
        for code in LANGUAGES
    ]
    markup = InlineKeyboardMarkup(
        [*rows(choices, 2), [button(texts.BACK, OpenScreen(Screen.MENU))]]
    )
    return View(texts.LANGUAGE_QUESTION.format(language=LANGUAGE_NAMES[current]), markup)


def settings_view(_user: User, _flow: object, _now: datetime) -> View:
    """The language screen of /settings (the language spoken is the user's already)."""
    return language_view()


async def language_command(update: Update, context: CoachContext) -> None:
    """Show the languages to choose from."""
    assert update.effective_message is not None
    # Part of setup if it is open: someone whose app speaks another language switches
    # first, then finishes setup.
    async with user_transaction(update, context, in_setup=True):
        view = language_view()  # in the user's language, which the transaction speaks
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def choose_language(update: Update, context: CoachContext) -> None:
    """A language button: speak it from now on, and redraw the keyboard under the message
    box in it (Telegram keeps a reply keyboard until a message brings another)."""
    query, data = pressed(update, ChooseLanguage)
    async with user_transaction(update, context, in_setup=True) as tx:
        tx.user.language = data.language.value
        i18n.speak_for(tx.user.id, tx.user.language, None)
        view = language_view()
    await answer_and_edit(query, view.text, view.markup)
    if isinstance(query.message, Message):
        done = texts.LANGUAGE_SET.format(language=LANGUAGE_NAMES[data.language.value])
        await query.message.reply_text(done, reply_markup=keyboards.main_menu())


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("language", language_command),
    ChooseLanguage.handler(choose_language),
]
