"""Small helpers every handler module uses."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from types import UnionType
from typing import TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import texts
from bot.callbacks import ReminderKind, parse_callback_data
from bot.context import CoachContext
from db.models import CrampReport, User, WaterLog
from db.users import get_or_create_user
from scheduler.schedules import schedule_inputs_changed, sync_user_schedule

# The User column behind each reminder switch.
SWITCHES = {
    ReminderKind.HYDRATION: "hydration_on",
    ReminderKind.MOVEMENT: "movement_on",
    ReminderKind.STRETCH: "stretch_on",
    ReminderKind.TIP: "tips_on",
}


def toggle_switch(user: User, kind: ReminderKind) -> None:
    """Turn one kind of reminder on or off."""
    setattr(user, SWITCHES[kind], not getattr(user, SWITCHES[kind]))


@dataclass(frozen=True)
class View:
    """A message to show: text and its inline keyboard."""

    text: str
    markup: InlineKeyboardMarkup | None


T = TypeVar("T")

_UNEDITABLE = ("message is not modified", "message can't be edited", "message to edit not found")


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


def pressed(update: Update, kind: type[T] | UnionType) -> tuple[CallbackQuery, T]:
    """The pressed button's query and its parsed data, of the type the handler's pattern
    already matched (see bot.app)."""
    query = update.callback_query
    data = parse_callback_data(query.data) if query else None
    if query is None or not isinstance(data, kind):
        raise TypeError(f"handler for {kind} got {data!r}")
    return query, data


async def undo_own_row(
    update: Update,
    context: CoachContext,
    model: type[CrampReport] | type[WaterLog],
    row_id: int,
    gone: str,
    done: str,
) -> None:
    """Delete a row the presser made (a report, a cup), once; anything else changes nothing."""
    query = update.callback_query
    assert query is not None
    async with context.db.begin() as session:
        row = cast(CrampReport | WaterLog | None, await session.get(model, row_id))
        if row is None:
            answer: str | None = gone
        elif row.user_id != query.from_user.id:
            answer = texts.NOT_YOURS
        else:
            await session.delete(row)
            answer = None
    await query.answer(answer)
    if answer is None:
        await edit_screen(query, done)


async def answer_and_edit(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer the press and edit its message at the same time: the new screen shows one
    Bot API round trip sooner than answering first, then editing."""
    await asyncio.gather(query.answer(), edit_screen(query, text, markup))


async def edit_screen(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message in place; a repeat tap that changes nothing is fine."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        # Not modified: a repeated tap. Can't be edited / not found: the message is too old
        # or deleted; what the tap did is stored all the same.
        reason = error.message.lower()
        if not any(ok in reason for ok in _UNEDITABLE):
            raise


async def remove_buttons(query: CallbackQuery) -> None:
    """Take the keyboard off a message whose buttons are stale (best effort)."""
    with suppress(BadRequest):
        await query.edit_message_reply_markup(None)
