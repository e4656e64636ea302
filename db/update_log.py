"""Which Telegram updates were already taken in (see models.ProcessedUpdate)."""

import asyncio
import contextvars
from collections.abc import Callable, Collection
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from core import timings
from db.dialect import insert_or_skip
from db.models import ProcessedUpdate


async def first_sights(
    connection: AsyncConnection | AsyncSession, update_ids: Collection[int], now: datetime
) -> set[int]:
    """Record the updates; those not recorded before (by this or another instance)."""
    if not update_ids:
        return set()
    statement = insert_or_skip(connection, ProcessedUpdate, ("update_id",), "update_id")
    rows = [{"update_id": update_id, "received_at": now} for update_id in update_ids]
    return set((await connection.execute(statement, rows)).scalars())


class UpdateLog:
    """Records updates as they come in, many in one transaction ("group commit").

    Every update is recorded before it is handled, and on SQLite every record takes the
    one write lock: one transaction each would cost a busy bot about a sixth of its time.
    Ids that arrive while a write is under way wait and go together in the next one, so
    a quiet bot still records each at once, and a busy one in a few writes a second.
    """

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock
        self._waiting: dict[int, list[asyncio.Future[bool]]] = {}
        self._writer: asyncio.Task[None] | None = None

    async def first_sight(self, update_id: int) -> bool:
        """Record the update; False if it was recorded before. Raises what the write
        raised (the database is down, say): the update is then not recorded."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(update_id, []).append(future)
        if self._writer is None or self._writer.done():
            # A context of its own: the writer works for every update in its batches.
            self._writer = asyncio.create_task(self._write(), context=contextvars.Context())
        with timings.phase(timings.UPDATE_LOG):
            return await future

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, {}
            try:
                async with self._engine.begin() as connection:
                    new = await first_sights(connection, list(batch), self._clock())
            except Exception as error:  # handed to every waiter
                for futures in batch.values():
                    for future in futures:
                        if not future.done():
                            future.set_exception(error)
                continue
            for update_id, futures in batch.items():
                # The same update twice in one batch (a quick webhook retry): the first wins.
                for index, future in enumerate(futures):
                    if not future.done():
                        future.set_result(index == 0 and update_id in new)


async def forget_updates_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop records older than `cutoff`; how many went."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff)
    )
    return int(getattr(result, "rowcount", 0) or 0)
