"""The record of updates taken in: first sight wins once, across sessions, and old
records are pruned."""

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import ProcessedUpdate
from db.updates import first_sight, forget_updates_before

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


async def test_an_update_is_new_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        assert await first_sight(session, 500, NOW)
        assert not await first_sight(session, 500, NOW)
        assert await first_sight(session, 501, NOW)
    async with sessions.begin() as session:
        assert not await first_sight(session, 500, NOW + timedelta(hours=1))


async def test_two_instances_taking_the_same_update_at_once_agree_on_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def take() -> bool:
        async with sessions.begin() as session:
            return await first_sight(session, 777, NOW)

    outcomes = await asyncio.gather(*(take() for _ in range(5)))
    assert sorted(outcomes) == [False, False, False, False, True]


async def test_records_past_the_window_are_pruned(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for hours, update_id in ((72, 1), (49, 2), (1, 3)):
            await first_sight(session, update_id, NOW - timedelta(hours=hours))
    async with sessions.begin() as session:
        assert await forget_updates_before(session, NOW - timedelta(hours=48)) == 2
    async with sessions() as session:
        left = await session.scalars(select(ProcessedUpdate.update_id))
        assert list(left) == [3]
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1
