"""The one-trip SQLite driver (db/sqlite_driver.py): what SQLAlchemy reads from a cursor
is right, a transaction is one trip to the driver's thread (its COMMIT) however many
statements it runs, a writer of another process is waited for on that thread, and a
connection handed back with a transaction open is still rolled back."""

import asyncio
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import sqlite_driver
from db.session import create_engine


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Calls run on aiosqlite's thread, by function name."""
    counted: Counter[str] = Counter()
    run: Callable[..., Any] = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any) -> Any:
        counted[getattr(fn, "__name__", "?")] += 1
        return await run(self, fn, *args)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return counted


async def test_the_engine_uses_the_one_trip_driver(sqlite: AsyncEngine) -> None:
    assert sqlite.dialect.driver == sqlite_driver.DRIVER


async def test_rows_rowcount_and_lastrowid_come_back(sqlite: AsyncEngine) -> None:
    async with sqlite.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert inserted.lastrowid == 1
        await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
        updated = await connection.execute(text("UPDATE t SET v = v || '!' WHERE id > 1"))
        assert updated.rowcount == 2
        rows = await connection.execute(text("SELECT id, v FROM t ORDER BY id"))
        assert list(rows.keys()) == ["id", "v"]
        assert [tuple(row) for row in rows] == [(1, "a"), (2, "b!"), (3, "c!")]


async def test_a_statement_is_no_trip_and_a_clean_hand_back_none(
    sqlite: AsyncEngine, trips: Counter[str]
) -> None:
    async with sqlite.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's first connect, then BEGIN
        await connection.commit()
        trips.clear()
        await connection.execute(text("SELECT 1"))  # BEGIN IMMEDIATE goes with the SELECT
        await connection.commit()
    assert trips == Counter({"commit": 1})  # no cursor trips, no reset rollback


async def test_a_transaction_is_one_trip_however_long(
    sqlite: AsyncEngine, trips: Counter[str]
) -> None:
    async with sqlite.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's first connect
        await connection.commit()
        trips.clear()
        async with connection.begin():  # BEGIN goes with the first statement
            for v in "xyz":
                await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": v})
            assert await connection.scalar(text("SELECT count(*) FROM t")) == 3
    assert trips == Counter({"commit": 1})
    async with sqlite.connect() as connection:  # committed, seen by the next transaction
        assert await connection.scalar(text("SELECT count(*) FROM t")) == 3


async def test_a_transaction_that_ran_nothing_costs_no_trip(
    sqlite: AsyncEngine, trips: Counter[str]
) -> None:
    async with sqlite.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's first connect
        await connection.commit()
        trips.clear()
        await connection.begin()
        await connection.commit()
        await connection.begin()
        await connection.rollback()
    assert trips == Counter()
    async with sqlite.begin() as connection:  # and the next one begins as usual
        await connection.execute(text("INSERT INTO t (v) VALUES ('after')"))
    async with sqlite.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM t")) == 1


async def test_a_connection_handed_back_mid_transaction_is_rolled_back(
    sqlite: AsyncEngine,
) -> None:
    async with sqlite.connect() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('lost')"))
        # closed without a commit
    async with sqlite.begin() as connection:  # a new transaction can begin
        count = await connection.scalar(text("SELECT count(*) FROM t"))
    assert count == 0


async def test_a_failed_statement_leaves_the_connection_usable(sqlite: AsyncEngine) -> None:
    async with sqlite.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('x')"))

    async def insert_y_then_x_again() -> None:
        async with sqlite.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('y')"))
            await connection.execute(text("INSERT INTO t (v) VALUES ('x')"))

    with pytest.raises(IntegrityError):
        await insert_y_then_x_again()
    async with sqlite.begin() as connection:
        values = (await connection.execute(text("SELECT v FROM t"))).scalars().all()
    assert values == ["x"]  # 'y' went with its transaction


async def test_a_transaction_whose_first_statement_fails_is_rolled_back(
    sqlite: AsyncEngine,
) -> None:
    async with sqlite.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('x')"))

    async def insert_x_again() -> None:
        async with sqlite.begin() as connection:  # its BEGIN rides with the failing INSERT
            await connection.execute(text("INSERT INTO t (v) VALUES ('x')"))

    for _ in range(2):  # the pooled connection is clean afterwards, every time
        with pytest.raises(IntegrityError):
            await insert_x_again()
    async with sqlite.begin() as connection:
        values = (await connection.execute(text("SELECT v FROM t"))).scalars().all()
    assert values == ["x"]


async def test_a_writer_of_another_process_is_waited_for_on_the_thread(
    sqlite: AsyncEngine, tmp_path: Path, trips: Counter[str]
) -> None:
    """Its lock is waited for (up to the busy timeout) on the driver's thread, so the
    event loop goes on meanwhile; then the transaction runs as usual."""
    async with sqlite.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's first connect
        await connection.commit()
    other = sqlite3.connect(tmp_path / "driver.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (v) VALUES ('other')")
    trips.clear()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def release() -> None:
        await asyncio.sleep(0.3)
        other.execute("COMMIT")

    ticker, releaser = asyncio.create_task(tick()), asyncio.create_task(release())
    async with sqlite.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('ours')"))
        await connection.execute(text("INSERT INTO t (v) VALUES ('ours too')"))
    ticker.cancel()
    await releaser
    other.close()
    assert ticks >= 10  # the loop ran while the lock was waited for
    assert trips == Counter({"_run": 1, "commit": 1})  # BEGIN and the first statement waited
    async with sqlite.connect() as connection:
        values = (await connection.execute(text("SELECT v FROM t ORDER BY id"))).scalars()
        assert list(values) == ["other", "ours", "ours too"]
