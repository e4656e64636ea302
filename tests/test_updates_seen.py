"""The record of updates taken in: first sight wins once, across sessions, updates that
arrive together are written together, and old records are pruned."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.models import ProcessedUpdate
from db.session import create_engine
from db.update_log import UpdateLog, first_sights, forget_updates_before

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


async def test_an_update_is_new_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        assert await first_sights(session, [500], NOW) == {500}
        assert await first_sights(session, [500], NOW) == set()
        assert await first_sights(session, [501], NOW) == {501}
    async with sessions.begin() as session:
        assert await first_sights(session, [500], NOW + timedelta(hours=1)) == set()


async def test_two_instances_taking_the_same_update_at_once_agree_on_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def take() -> bool:
        async with sessions.begin() as session:
            return 777 in await first_sights(session, [777], NOW)

    outcomes = await asyncio.gather(*(take() for _ in range(5)))
    assert sorted(outcomes) == [False, False, False, False, True]


async def test_records_past_the_window_are_pruned(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for hours, update_id in ((72, 1), (49, 2), (1, 3)):
            await first_sights(session, [update_id], NOW - timedelta(hours=hours))
    async with sessions.begin() as session:
        assert await forget_updates_before(session, NOW - timedelta(hours=48)) == 2
    async with sessions() as session:
        left = await session.scalars(select(ProcessedUpdate.update_id))
        assert list(left) == [3]
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1


async def test_updates_arriving_together_are_recorded_in_few_writes(engine: AsyncEngine) -> None:
    writes: list[object] = []
    event.listen(engine.sync_engine, "begin", writes.append)
    log = UpdateLog(engine, lambda: NOW)
    assert await log.first_sight(1)  # a quiet bot: one write, at once
    assert len(writes) == 1
    outcomes = await asyncio.gather(*(log.first_sight(update_id) for update_id in range(2, 52)))
    assert all(outcomes)
    assert len(writes) <= 3  # the first id's write, then the rest together
    assert not await log.first_sight(30)


async def test_the_same_update_twice_in_one_write_is_new_once(engine: AsyncEngine) -> None:
    log = UpdateLog(engine, lambda: NOW)
    assert list(await asyncio.gather(log.first_sight(7), log.first_sight(7))) == [True, False]


async def test_a_failed_write_reaches_every_waiter(tmp_path: Path) -> None:
    unmigrated = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    log = UpdateLog(unmigrated, lambda: NOW)
    outcomes = await asyncio.gather(log.first_sight(1), log.first_sight(2), return_exceptions=True)
    assert all(isinstance(outcome, OperationalError) for outcome in outcomes)
    await unmigrated.dispose()
