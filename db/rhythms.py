"""Reminder rhythms (reminder_rhythms): what the handlers change of a kind's rhythm; the
dispatcher judges ignored reminders itself, in its claim (scheduler/rhythm.py has the rules).

Functions here never commit: the caller owns the transaction.
"""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ReminderRhythm
from scheduler.planning import Kind


async def restore_rhythm(session: AsyncSession, user_id: int, kind: Kind) -> None:
    """They answered a reminder of the kind: no longer counted as letting it pass, nor
    backing off ("Fewer", their own choice, stays). Writes only a row that changes."""
    await session.execute(
        update(ReminderRhythm)
        .where(
            ReminderRhythm.user_id == user_id,
            ReminderRhythm.kind == kind.value,
            (ReminderRhythm.ignored > 0) | ReminderRhythm.backoff_until.is_not(None),
        )
        .values(ignored=0, backoff_until=None)
    )


async def rhythm_of(session: AsyncSession, user_id: int, kind: Kind) -> ReminderRhythm | None:
    """The user's rhythm row for a kind, locked until the transaction ends; None: usual."""
    return await session.get(ReminderRhythm, (user_id, kind.value), with_for_update=True)


async def lighter_kinds(session: AsyncSession, user_id: int) -> set[Kind]:
    """The kinds the user chose to get fewer of."""
    rows = await session.scalars(
        select(ReminderRhythm.kind).where(ReminderRhythm.user_id == user_id, ReminderRhythm.lighter)
    )
    return {Kind(kind) for kind in rows}
