"""Help, the guards every update passes, whatever matches nothing else, membership changes
and the central error handler."""

import html
import logging
from contextlib import suppress
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import keyboards, texts
from bot.context import CoachContext
from bot.handlers.common import remove_buttons, user_transaction
from bot.i18n import in_every_language
from bot.logs import redact
from db.report_forms import forget_forms_before
from db.update_log import forget_updates_before

logger = logging.getLogger(__name__)

# Telegram redelivers an update for up to 24 hours; remember them a little longer.
UPDATE_MEMORY = timedelta(hours=48)
# A report form left untouched this long is dropped; a later tap on it says so.
FORM_MEMORY = timedelta(days=7)


async def help_command(update: Update, _context: CoachContext) -> None:
    """List every command, one line each."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.help_text(), reply_markup=keyboards.main_menu())


async def private_only(update: Update, _context: CoachContext) -> None:
    """Stop a message in a group: the bot works in private chats only, and says so to
    a command."""
    message = update.effective_message
    if message is not None and filters.COMMAND.check_update(update):
        await message.reply_text(texts.PRIVATE_ONLY)
    raise ApplicationHandlerStop


async def unexpected_message(update: Update, _context: CoachContext) -> None:
    """Anything the bot does not understand (stickers, photos, unknown commands)."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        texts.UNEXPECTED_TEXT, reply_markup=keyboards.main_menu()
    )


async def drop_seen_update(update: Update, context: CoachContext) -> None:
    """Stop an update taken in before: a webhook retry, or a redelivery after a crash.

    The record is written before the handlers run: an update lost to a crash between the
    two is not redone, as Telegram would not resend it anyway (polling had confirmed it,
    a webhook post had been answered)."""
    log = context.bot_data.update_log
    if log is None:
        raise RuntimeError("database is not initialised (post_init has not run)")
    try:
        seen = not await log.first_sight(update.update_id)
    except (SQLAlchemyError, OSError):
        # The database is down: every handler would fail on it. One apology, not two.
        logger.exception("Database unavailable; update %s not handled", update.update_id)
        if update.effective_chat is not None:
            with suppress(TelegramError):
                await update.effective_chat.send_message(texts.ERROR_REPLY)
        raise ApplicationHandlerStop from None
    if seen:
        logger.info("Update %s was already taken in; dropped", update.update_id)
        raise ApplicationHandlerStop


async def forget_old_updates(context: CoachContext) -> None:
    """JobQueue: prune update records past Telegram's redelivery window, and old forms."""
    async with context.db.begin() as session:
        await forget_updates_before(session, context.now() - UPDATE_MEMORY)
        await forget_forms_before(session, context.now() - FORM_MEMORY)


async def guard_button(update: Update, _context: CoachContext) -> None:
    """Stop any button press not made in the presser's own private chat with the bot.

    Every handler acts on the presser's own records and edits the pressed message, so a
    (forged) press on another chat's message must go no further.
    """
    query = update.callback_query
    assert query is not None
    if not query.data:  # PTB would match such a press to every handler's pattern
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        raise ApplicationHandlerStop
    if query.message is None or query.message.chat.id != query.from_user.id:
        await query.answer(texts.NOT_YOURS, show_alert=True)
        raise ApplicationHandlerStop


async def stale_button(update: Update, _context: CoachContext) -> None:
    """A button whose data no longer parses: say so and take the keyboard away."""
    query = update.callback_query
    assert query is not None
    await query.answer(texts.STALE_BUTTON, show_alert=True)
    await remove_buttons(query)


async def membership_changed(update: Update, context: CoachContext) -> None:
    """Track whether the user has blocked the bot, so nothing is sent to them in vain."""
    change = update.my_chat_member
    assert change is not None
    status = change.new_chat_member.status
    if change.chat.type != "private" or status not in (ChatMember.BANNED, ChatMember.MEMBER):
        return
    async with user_transaction(update, context, in_setup=True) as tx:  # nobody to tell
        tx.user.is_active = status == ChatMember.MEMBER


async def error_handler(update: object, context: CoachContext) -> None:
    """Log every unhandled error with its traceback, tell the user, and tell the admins."""
    logger.error("Unhandled error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, texts.ERROR_REPLY)
    error_text = redact(f"{type(context.error).__name__}: {context.error}", (context.bot.token,))
    summary = html.escape(error_text[:1000])
    update_id = update.update_id if isinstance(update, Update) else None
    for admin_id in context.bot_data.admin_user_ids:
        with suppress(TelegramError):
            await context.bot.send_message(
                admin_id, texts.ADMIN_ERROR.format(update_id=update_id, summary=summary)
            )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("help", help_command),
    MessageHandler(filters.Text(in_every_language(texts.BUTTON_HELP)), help_command),
    ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
]
# Tried after every other handler: what nothing else understood.
FALLBACKS: list[BaseHandler[Any, Any, Any]] = [
    MessageHandler(filters.ALL, unexpected_message),
    CallbackQueryHandler(stale_button),
]
