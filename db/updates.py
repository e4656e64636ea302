"""Which Telegram updates were already taken in (see models.ProcessedUpdate)."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import upsert
from db.models import ProcessedUpdate


async def first_sight(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record the update; False if it was recorded before (by this or another instance)."""
    statement = (
        upsert(session, ProcessedUpdate)
        .values(update_id=update_id, received_at=now)
        .on_conflict_do_nothing(index_elements=[ProcessedUpdate.update_id])
        .returning(ProcessedUpdate.update_id)
    )
    return (await session.execute(statement)).first() is not None


async def forget_updates_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop records older than `cutoff`; how many went."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff)
    )
    return int(getattr(result, "rowcount", 0) or 0)
