"""Storage on SQLite and PostgreSQL: migrations, UTC timestamps, users created once."""

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, func, insert, inspect, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.base import Base
from db.migrate import alembic_config, upgrade_database
from db.models import CrampReport, User
from db.session import create_engine, create_session_factory
from db.users import get_or_create_user, get_user
from scheduler.planning import movement_slots
from scheduler.schedules import prefs_of

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


async def test_migrations_create_every_table_and_are_idempotent(engine: AsyncEngine) -> None:
    await upgrade_database(engine)  # a second start changes nothing
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        version = (
            await connection.execute(text("select version_num from alembic_version"))
        ).scalar()
    assert {"users", "cramp_reports", "reminder_schedules", "deliveries"} <= tables
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_new_user_gets_the_defaults(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        user, created = await get_or_create_user(session, 42, 42, NOW)
    assert created
    assert (user.timezone, user.wake_time, user.bed_time) == ("UTC", time(7), time(23))
    assert user.hydration_on and user.movement_on and user.stretch_on
    assert user.setup_step == "timezone"
    assert user.is_active
    # Movement while sitting: weekdays 09:00-17:00 until they say otherwise.
    assert (user.sitting_from, user.sitting_to, user.movement_days) == (
        time(9), time(17), 0b0011111,
    )  # fmt: skip


async def test_get_or_create_twice_and_concurrently_makes_one_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def create() -> bool:
        async with sessions.begin() as session:
            return (await get_or_create_user(session, 7, 7, NOW))[1]

    results = await asyncio.gather(create(), create(), create())
    assert results.count(True) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1


async def test_timestamps_come_back_as_aware_utc(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    berlin_time = datetime(2026, 3, 29, 3, 30, tzinfo=UTC).astimezone()
    async with sessions.begin() as session:
        await get_or_create_user(session, 1, 1, NOW)
        session.add(
            CrampReport(
                user_id=1, occurred_at=berlin_time, reported_at=NOW, day=NOW.date(), source="button"
            )
        )
    async with sessions() as session:
        report = (await session.execute(select(CrampReport))).scalar_one()
        user = await get_user(session, 1)
    assert report.occurred_at == berlin_time
    assert report.occurred_at.tzinfo == UTC
    assert user is not None and user.created_at == NOW


async def test_naive_datetimes_are_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with sessions.begin() as session:
            await get_or_create_user(session, 1, 1, datetime(2026, 1, 1))


async def test_deleting_a_user_deletes_their_reports(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await get_or_create_user(session, 5, 5, NOW)
        session.add(
            CrampReport(
                user_id=5, occurred_at=NOW, reported_at=NOW, day=NOW.date(), source="command"
            )
        )
    async with sessions.begin() as session:
        await session.delete(await get_user(session, 5))
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(CrampReport)) == 0


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_migration_0010_keeps_existing_users_reminders(database_url: str) -> None:
    """Users from before sitting hours keep hourly movement over all their waking hours,
    on their own days: nothing changes unless they ask."""
    engine = create_engine(database_url)
    try:
        await upgrade_database(engine, "0009")
        row = {c.key: c.default.arg for c in User.__table__.columns if c.default is not None}
        row |= {"id": 5, "chat_id": 5, "created_at": NOW, "updated_at": NOW,
                "setup_step": None, "movement_days": 0b0100101}  # fmt: skip
        before_0010 = table("users", *(column(c.key, c.type) for c in User.__table__.columns
                                       if c.key not in {"sitting_from", "sitting_to"}))  # fmt: skip
        async with engine.begin() as connection:
            await connection.execute(
                insert(before_0010), [{k: v for k, v in row.items() if not k.startswith("sitting")}]
            )
        await upgrade_database(engine)
        async with create_session_factory(engine)() as session:
            user = await get_user(session, 5)
        assert user is not None
        assert (user.sitting_from, user.sitting_to, user.movement_days) == (None, None, 0b0100101)
        prefs = prefs_of(user)
        for day in (date(2026, 11, 23), date(2026, 11, 25)):  # a Monday, a Wednesday
            assert movement_slots(prefs, day) == movement_slots(replace(prefs, sit_from=None), day)
            # Hourly from 08:00 to 22:00, the user's spread later (one fewer past 22:00).
            assert len(movement_slots(replace(prefs, offset_minutes=0), day)) == 15
    finally:
        await engine.dispose()
