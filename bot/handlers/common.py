"""What every handler module uses: the user's transaction, the pressed button, and
editing the pressed message."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from types import UnionType
from typing import TypeVar, cast, overload

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot import i18n, texts
from bot.callbacks import CallbackData, parse_callback_data
from bot.context import CoachContext
from bot.reminder_messages import SETUP_KINDS
from core.timezones import local_now
from db.models import CrampReport, User, WaterLog
from db.users import get_or_create_user, get_user
from scheduler.planning import Kind, is_paused
from scheduler.schedules import is_on, schedule_inputs, sync_user_schedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class View:
    """A message to show: text and its inline keyboard."""

    text: str
    markup: InlineKeyboardMarkup | None = None


class UserGone(Exception):
    """The sender has no user row (after /forget), and the handler asked not to make one."""


def _row(user: User) -> dict[str, object]:
    return {column.key: getattr(user, column.key) for column in User.__table__.columns}


@dataclass
class UserTransaction:
    """The sender's user row in an open transaction; see `user_transaction`."""

    session: AsyncSession
    user: User
    now: datetime
    _row_before: dict[str, object] = field(init=False)
    _inputs_synced: tuple[object, ...] = field(init=False)
    _reschedule: bool = False
    _setup_closed: bool = False

    def __post_init__(self) -> None:
        self._row_before = _row(self.user)
        self._inputs_synced = schedule_inputs(self.user)

    async def close_open_setup(self) -> None:
        """End a setup the user went on without finishing: what they set is kept, every
        step left open at its default, and reminders start. The row is locked (PostgreSQL,
        user_transaction), so of two updates racing on two instances only one closes it
        and the user is told once."""
        if self.user.setup_step is None:
            return
        if self.user.awaiting == self.user.setup_step:  # a typed answer to it: not any more
            self.user.awaiting = None
        self.user.setup_step = None
        self._setup_closed = True

    def reschedule(self) -> None:
        """Say that something the schedule depends on changed outside the user row (a
        day's water goal was raised)."""
        self._reschedule = True

    async def sync_schedule(self) -> None:
        """Bring the user's reminder schedule up to date now, if anything it depends on
        changed. The end of the transaction does this anyway; call it first only to read
        the new schedule (the next due times) in the same transaction."""
        inputs = schedule_inputs(self.user)
        if self._reschedule or inputs != self._inputs_synced:
            await sync_user_schedule(self.session, self.user, self.now)
            self._inputs_synced, self._reschedule = inputs, False

    async def finish(self) -> str | None:
        """Stamp `updated_at` if the row changed, and sync the schedule if needed; the
        notice of a setup closed here, with the settings as the handler left them."""
        if _row(self.user) != self._row_before:
            self.user.updated_at = self.now
        await self.sync_schedule()
        if not self._setup_closed or not self.user.is_active:
            return None
        local = local_now(self.user.timezone, self.now)
        return texts.setup_assumed(self.user, local, setup_switches(self.user))


def setup_switches(user: User) -> list[tuple[Kind, bool]]:
    """The reminders setup offers, each with whether the user has it on."""
    return [(kind, is_on(user, kind)) for kind in SETUP_KINDS]


# Whether an update is part of setup, leaving an open setup step open; a test of the user
# row where that depends on it.
InSetup = bool | Callable[[User], bool]


@asynccontextmanager
async def user_transaction(
    update: Update, context: CoachContext, *, create: bool = True, in_setup: InSetup = False
) -> AsyncIterator[UserTransaction]:
    """One database transaction for the sender, with their user row, locked on PostgreSQL
    (SELECT ... FOR UPDATE) until it ends: updates of one user go one after the other,
    even on different instances.

    The row is created with default settings if they have none (unless `create` is
    False: then UserGone is raised). On the way out, still inside the transaction: if
    the row changed its `updated_at` is stamped, and if anything the reminder schedule
    depends on changed (a setting, or `reschedule()` was called) the schedule is synced,
    so a handler never syncs it by hand. Repositories never commit; this commits once,
    at the end, or rolls everything back on an error.

    Reminders never wait on a setup message: an update that is not part of setup
    (`in_setup`) closes a setup left open before the handler runs, and once committed
    the user is told what was assumed.
    """
    tg_user, chat = update.effective_user, update.effective_chat
    if tg_user is None or chat is None:
        raise RuntimeError("update has no user or chat")
    async with context.db.begin() as session:
        now = context.now()
        # Locked: two taps of one user may be handled by two instances at once; the second
        # waits here for the first's commit and then reads what it wrote.
        if create:
            user, _ = await get_or_create_user(session, tg_user.id, chat.id, now, lock=True)
        elif (found := await get_user(session, tg_user.id, lock=True)) is not None:
            user = found
        else:
            raise UserGone
        transaction = UserTransaction(session, user, now)
        if user.language is None and tg_user.language_code:
            # Never chosen (a new user, or one from before languages): their app's is
            # stored, so that reminders, which come with no update to read it from,
            # speak it too.
            user.language = i18n.choose(None, tg_user.language_code)
        # Speak what the user chose, from here on in this update's handling.
        i18n.speak_for(user.id, user.language, tg_user.language_code)
        part_of_setup = in_setup(user) if callable(in_setup) else in_setup
        if user.setup_step is not None and not part_of_setup:
            await transaction.close_open_setup()
        yield transaction
        notice = await transaction.finish()
    if notice is not None:
        try:
            await context.bot.send_message(chat.id, notice)
        except TelegramError as error:  # the handler's own reply matters more: go on
            logger.warning("Could not send the setup notice: %s", error)


def local_when(user: User, instant: datetime, now: datetime) -> str:
    """An instant as the user reads it, in their zone: its time, with its day if not today."""
    return texts.when(local_now(user.timezone, instant), local_now(user.timezone, now).date())


def pause_end(user: User, now: datetime) -> str | None:
    """When the user's pause of reminders ends, as they read it; None if not paused."""
    if user.paused_until is None or not is_paused(user.paused_until, now):
        return None
    return local_when(user, user.paused_until, now)


T = TypeVar("T")


@overload
def pressed(update: Update, kind: type[T]) -> tuple[CallbackQuery, T]: ...


@overload
def pressed(update: Update, kind: UnionType) -> tuple[CallbackQuery, CallbackData]: ...


def pressed(update: Update, kind: type[T] | UnionType) -> tuple[CallbackQuery, T | CallbackData]:
    """The pressed button's query and its parsed data, of the type the handler's pattern
    already matched (for a union of formats, narrow it with isinstance)."""
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


_UNEDITABLE = ("message is not modified", "message can't be edited", "message to edit not found")


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
