"""Small helpers every handler module uses."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.callbacks import CallbackData, parse_callback_data
from bot.context import CoachContext
from db.models import User
from db.users import get_or_create_user
from scheduler.schedules import schedule_inputs_changed, sync_user_schedule


@dataclass(frozen=True)
class View:
    """A message to show: text and its inline keyboard."""

    text: str
    markup: InlineKeyboardMarkup | None


@asynccontextmanager
async def user_transaction(
    update: Update, context: CoachContext
) -> AsyncIterator[tuple[AsyncSession, User]]:
    """One transaction with the sender's user row, created with defaults if new."""
    tg_user, chat = update.effective_user, update.effective_chat
    if tg_user is None or chat is None:
        raise RuntimeError("update has no user or chat")
    async with context.db.begin() as session:
        now = context.now()
        user, _ = await get_or_create_user(session, tg_user.id, chat.id, now)
        yield session, user
        if session.is_modified(user):
            user.updated_at = now
        if schedule_inputs_changed(user):
            await sync_user_schedule(session, user, now)


def button_data(update: Update) -> CallbackData | None:
    """The parsed data of the pressed button (None if it does not parse)."""
    query = update.callback_query
    return parse_callback_data(query.data) if query else None


async def edit_screen(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message in place; a repeat tap that changes nothing is fine."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "message is not modified" not in error.message.lower():
            raise


async def remove_buttons(query: CallbackQuery) -> None:
    """Take the keyboard off a message whose buttons are stale (best effort)."""
    with suppress(BadRequest):
        await query.edit_message_reply_markup(None)
