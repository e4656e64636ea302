"""Engine and session factory."""

import importlib
import logging
import time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from core import timings

SQLITE_BUSY_TIMEOUT_MS = 5_000
STOCK_SQLITE_DRIVER = "aiosqlite"  # SQLAlchemy's own, the fallback

logger = logging.getLogger(__name__)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while a writer commits; the busy timeout makes a second
    # writer wait instead of failing at once with "database is locked".
    # The driver's own BEGIN is switched off: _begin_immediate below takes its place.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# A deferred transaction that reads, then writes after another connection committed,
# fails at once with SQLITE_BUSY (the busy timeout does not apply). Taking the write
# lock at BEGIN makes concurrent transactions queue instead; SQLite has one writer anyway.
def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_immediate_with_first_statement(connection: Any) -> None:
    # The one-trip driver sends it with the transaction's first statement.
    connection.connection.dbapi_connection.begin_pending = "BEGIN IMMEDIATE"


@cache
def choose_sqlite_driver() -> str:
    """The one-trip driver (db/sqlite_driver.py) when its assumptions about aiosqlite's and
    SQLAlchemy's internals hold, else SQLAlchemy's stock one, with one warning a process."""
    try:
        module = importlib.import_module("db.sqlite_driver")
        problem: str | None = module.unmet_assumption()
        driver: str = module.DRIVER
    except (ImportError, AttributeError) as error:  # it could not even be defined
        problem = f"{type(error).__name__}: {error}"
    if problem is None:
        return driver
    logger.warning(
        "SQLite runs on SQLAlchemy's stock aiosqlite dialect, slower than db/sqlite_driver.py, "
        "which cannot be used here: %s. Install the versions in requirements.lock to get it back.",
        problem,
    )
    return STOCK_SQLITE_DRIVER


class _TimedPool(AsyncAdaptedQueuePool):
    """The async engines' default pool, timing the wait for a connection (core.timings)."""

    def _do_get(self) -> ConnectionPoolEntry:
        with timings.phase(timings.DB_WAIT):
            return super()._do_get()


def _checked_out(_dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    record.info["timings_out"] = time.perf_counter()


def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    if (out := record.info.pop("timings_out", None)) is not None:
        timings.since(out, timings.TRANSACTION)


def _timed(engine: AsyncEngine) -> AsyncEngine:
    """With core.timings on, time how long each connection is held."""
    if timings.is_enabled():
        event.listen(engine.sync_engine, "checkout", _checked_out)
        event.listen(engine.sync_engine, "checkin", _checked_in)
    return engine


def create_engine(url: str) -> AsyncEngine:
    """Create the async engine; for a SQLite file, create its folder and tune the connection."""
    parsed = make_url(url)
    pool: dict[str, Any] = {"poolclass": _TimedPool} if timings.is_enabled() else {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if parsed.drivername == f"sqlite+{STOCK_SQLITE_DRIVER}":
            parsed = parsed.set(drivername=f"sqlite+{choose_sqlite_driver()}")
        # One connection: SQLite has one writer, and every transaction here writes
        # (BEGIN IMMEDIATE), so more connections would only wait in SQLite's busy loop,
        # which sleeps in steps of up to 100 ms; here they queue for the connection instead.
        engine = create_async_engine(parsed, pool_size=1, max_overflow=0, **pool)
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        one_trip = engine.dialect.driver != STOCK_SQLITE_DRIVER
        begin = _begin_immediate_with_first_statement if one_trip else _begin_immediate
        event.listen(engine.sync_engine, "begin", begin)
        return _timed(engine)
    return _timed(create_async_engine(url, pool_pre_ping=True, **pool))


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
