"""Report forms being filled in (report_drafts): each one's state, by its message.

A form gets its row when it is shown (`opened`), so /cancel finds it (a form shown by an
earlier version, or whose row was not stored, gets it at its first tap, from the fresh
state), and keeps its row, marked CLOSED, once saved or cancelled, so a late tap on it is
refused rather than starting it again. Rows untouched for a week are pruned.
"""

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from db.dialect import is_postgres
from db.models import ReportDraft

CLOSED = "-"
REMEMBERED = 10_000  # forms whose last state an instance keeps in memory

Key = tuple[int, int]  # (user id, message id)
Change = Callable[[str], str]

# Built once, on the table: a tap is one short transaction, and on SQLite every
# transaction takes the one connection.
_FORMS = cast(Table, ReportDraft.__table__)
_THIS_FORM = (_FORMS.c.user_id == bindparam("form_user")) & (
    _FORMS.c.message_id == bindparam("form_message")
)
# Locked on PostgreSQL: taps on one form go one at a time, whichever instance takes them.
_STATE = select(_FORMS.c.state).where(_THIS_FORM).with_for_update()
_SET_STATE = (
    update(_FORMS).where(_THIS_FORM).values(state=bindparam("after"), updated_at=bindparam("now"))
)
_SWAP_STATE = _SET_STATE.where(_FORMS.c.state == bindparam("before"))


@cache
def _new_form(postgres: bool) -> ReturningInsert[Any]:
    insert = pg_insert(_FORMS) if postgres else sqlite_insert(_FORMS)
    return insert.on_conflict_do_nothing().returning(_FORMS.c.message_id)


def _params(key: Key, now: datetime, **states: str) -> dict[str, object]:
    return {"form_user": key[0], "form_message": key[1], "now": now, **states}


async def _change_locked(
    on: AsyncConnection | AsyncSession, key: Key, change: Change, fresh: str | None, now: datetime
) -> tuple[str, str] | None:
    """Read the form's state, locked, and store what `change` makes of it."""
    while True:
        stored: str | None = await on.scalar(_STATE, _params(key, now))
        before = fresh if stored is None else stored
        if before is None or before == CLOSED:
            return None
        after = change(before)
        if stored is not None:
            await on.execute(_SET_STATE, _params(key, now, after=after))
            return before, after
        row = {"user_id": key[0], "message_id": key[1], "state": after, "updated_at": now}
        if await on.scalar(_new_form(is_postgres(on)), row) is not None:
            return before, after
        # Another instance stored its first tap meanwhile: apply this one after it.


class ReportForms:
    """The state of every report form being filled in, changed one tap at a time.

    A tap is one statement: "make the state `after` where it is still `before`", with
    `before` the state this instance last stored for that form, or, for a form it does not
    know, "insert it unless it exists" (a first tap). On PostgreSQL the statement runs
    without a transaction around it: one round trip, where BEGIN, SELECT ... FOR UPDATE,
    UPDATE and COMMIT took four. When it finds the form changed elsewhere (another
    instance, or before a restart), the form is read, locked, and changed in a
    transaction.
    """

    def __init__(self, engine: AsyncEngine, remembered: int = REMEMBERED) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._remembered = remembered
        self._known: OrderedDict[Key, str] = OrderedDict()

    async def change(
        self, user_id: int, message_id: int, change: Change, *, fresh: str | None, now: datetime
    ) -> tuple[str, str] | None:
        """Store the state `change` makes of the form's state (`fresh` if it was never
        tapped): the state before and after; None if the form is closed, or was never
        tapped and is not to start (`fresh` None)."""
        key = (user_id, message_id)
        changed: tuple[str, str] | None = None
        try:
            if (before := self._known.get(key, fresh)) is not None:
                after = change(before)
                if await self._store(key, before, after, now):
                    changed = before, after
            if changed is None:  # changed elsewhere: read it
                async with self._engine.begin() as connection:
                    changed = await _change_locked(connection, key, change, fresh, now)
        except IntegrityError:  # its user is gone (/forget), and their forms with them
            changed = None
        self._remember(key, CLOSED if changed is None else changed[1])
        return changed

    async def opened(self, user_id: int, message_id: int, state: str, now: datetime) -> None:
        """Store a form just shown, at `state`, so that it is found while it stays open."""
        key = (user_id, message_id)
        try:
            if await self._store(key, state, state, now):
                self._remember(key, state)
        except IntegrityError:  # its user is gone (/forget)
            pass

    async def close_all(self, session: AsyncSession, user_id: int, now: datetime) -> list[int]:
        """Close every open form of the user (/cancel) in the caller's transaction: their
        message ids, newest first."""
        closed = await session.scalars(
            update(_FORMS)
            .where(_FORMS.c.user_id == user_id, _FORMS.c.state != CLOSED)
            .values(state=CLOSED, updated_at=now)
            .returning(_FORMS.c.message_id)
        )
        message_ids = sorted(closed, reverse=True)
        for message_id in message_ids:
            self._known.pop((user_id, message_id), None)
        return message_ids

    async def close(
        self,
        session: AsyncSession,
        user_id: int,
        message_id: int,
        *,
        fresh: str | None,
        now: datetime,
    ) -> str | None:
        """Close the form (saved or cancelled) in the caller's transaction: the state it
        had (`fresh` if never tapped), or None if it was closed already."""
        key = (user_id, message_id)
        known = self._known.pop(key, None)
        if known is not None:
            swapped = await session.execute(
                _SWAP_STATE, _params(key, now, before=known, after=CLOSED)
            )
            if swapped.rowcount == 1:  # type: ignore[attr-defined]
                return known
        changed = await _change_locked(session, key, lambda _: CLOSED, fresh, now)
        return None if changed is None else changed[0]

    async def _store(self, key: Key, before: str, after: str, now: datetime) -> bool:
        """One statement: the form known here goes from `before` to `after`, or a form
        unknown here is stored with `after`; whether it did (else it changed elsewhere)."""
        known = key in self._known
        async with self._engine.connect() as connection:
            if self._postgres:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            if known:
                params = _params(key, now, before=before, after=after)
                stored = (await connection.execute(_SWAP_STATE, params)).rowcount == 1
            else:
                row = {"user_id": key[0], "message_id": key[1], "state": after, "updated_at": now}
                stored = await connection.scalar(_new_form(self._postgres), row) is not None
            await connection.commit()
        return stored

    def _remember(self, key: Key, state: str) -> None:
        if state == CLOSED:
            self._known.pop(key, None)
            return
        self._known[key] = state
        self._known.move_to_end(key)
        if len(self._known) > self._remembered:
            self._known.popitem(last=False)


async def forget_forms_before(session: AsyncSession, cutoff: datetime) -> None:
    """Drop forms (open or closed) left untouched since before `cutoff`."""
    await session.execute(delete(ReportDraft).where(ReportDraft.updated_at < cutoff))
