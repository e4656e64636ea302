"""The floor of scenario 4: what python-telegram-bot, aiohttp and asyncio alone spend on
its flows on the machine at hand.

A bot with the bot's transport (bot/http.py), per-user processor and report form
screens (`form_screen`), and nothing else: no database, no update log, no send limiter,
no error handling. Each form's state is a dict entry; Save leaves the form's last text
without buttons (the bot shows the saved report with an Undo button). Scenario 4 runs it
on the same flows as the bot and divides the bot's CPU per update by this one's: the
cost of our own code in units of the machine's, where the p99 alone follows the
machine's speed. `python -m bench.floor_bot`, with the environment of `python -m bot`
(bench/startup.py's bot_env); it says "Ready as" on stderr once started.
"""

import logging
import sys

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes, Defaults

from bot.callbacks import Draft, FormAction, FormTap
from bot.handlers.common import answer_and_edit, pressed
from bot.handlers.cramps import after_tap, form_screen
from bot.http import AiohttpRequest
from bot.settings import load_settings
from bot.update_processor import PerUserUpdateProcessor

# Each form's state, by (user, message): what the bot keeps in report_drafts.
_forms: dict[tuple[int, int], Draft] = {}


async def show_form(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cramp: a fresh report form, as the bot draws it."""
    assert update.effective_message is not None
    view = form_screen(Draft())
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on the form: its next screen; Save shows what it holds, without buttons."""
    query, data = pressed(update, FormTap)
    assert query.message is not None
    key = (query.from_user.id, query.message.message_id)
    draft = _forms.get(key, Draft())
    if data.action is FormAction.SAVE:
        _forms.pop(key, None)
        await answer_and_edit(query, form_screen(draft).text)
        return
    _forms[key] = after_tap(draft, data)
    view = form_screen(_forms[key])
    await answer_and_edit(query, view.text, view.markup)


def build() -> Application:  # type: ignore[type-arg]
    """The floor bot, on the Bot API the environment names."""
    telegram = load_settings().telegram
    application = (
        ApplicationBuilder()
        .token(telegram.bot_token.get_secret_value())
        .base_url(telegram.api_base_url)
        .base_file_url(telegram.api_base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))  # as the bot's
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .concurrent_updates(PerUserUpdateProcessor())
        .build()
    )
    application.add_handler(CommandHandler("cramp", show_form))
    application.add_handler(FormTap.handler(tap))
    return application


async def _announce(_application: Application) -> None:  # type: ignore[type-arg]
    print("Ready as the floor bot", file=sys.stderr, flush=True)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    application = build()
    application.post_init = _announce
    application.run_polling(timeout=10)


if __name__ == "__main__":
    main()
