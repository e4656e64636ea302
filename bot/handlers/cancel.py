"""/cancel: drop whatever the bot is waiting for (the rest of setup, a typed answer it asked
for, the report forms being filled in) and say what was dropped.

Setup is closed the way any other command closes it (issue 19): what was set is kept, the
steps left open take their defaults, reminders start, and its notice says what was assumed.
"""

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler

from bot import keyboards, texts
from bot.context import CoachContext
from bot.handlers.common import UserGone, user_transaction

logger = logging.getLogger(__name__)

# Open forms whose messages are redrawn as cancelled (newest first); older ones are closed
# all the same, and a tap on them says so.
MAX_FORM_EDITS = 5


async def cancel(update: Update, context: CoachContext) -> None:
    """Drop the open setup, the typed answer asked for and every open report form."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    dropped: list[str] = []
    forms: list[int] = []
    try:
        # Part of setup for the transaction: this handler closes it, so it can say so.
        async with user_transaction(update, context, create=False, in_setup=True) as tx:
            user = tx.user
            if user.setup_step is not None:
                await tx.close_open_setup()
                dropped.append(texts.CANCELLED_SETUP)
            elif user.awaiting is not None:
                dropped.append(texts.CANCELLED_ANSWERS.get(user.awaiting, texts.CANCELLED_ANSWER))
            user.awaiting = None
            forms = await context.forms.close_all(tx.session, user.id, tx.now)
    except UserGone:  # never started, or forgotten: nothing can be pending
        pass
    if forms:
        one = len(forms) == 1
        dropped.append(
            texts.CANCELLED_FORM if one else texts.CANCELLED_FORMS.format(count=len(forms))
        )
    reply = texts.cancelled(dropped) if dropped else texts.NOTHING_TO_CANCEL
    await message.reply_text(reply, reply_markup=keyboards.main_menu())
    for message_id in forms[:MAX_FORM_EDITS]:
        try:
            await context.bot.edit_message_text(
                texts.REPORT_CANCELLED, chat_id=chat.id, message_id=message_id
            )
        except TelegramError as error:  # too old or deleted: it is closed all the same
            logger.info("Cancelled form %s not redrawn: %s", message_id, error)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [CommandHandler("cancel", cancel)]
