"""SQLite through aiosqlite, one trip to the driver's thread per transaction.

aiosqlite runs each sqlite3 call on a thread of its own, and SQLAlchemy's adapter makes
four such calls per statement (open a cursor, execute, fetch, close). Each is a hand-off
to that thread and back through the event loop, which costs more than the statement:
a primary-key SELECT took 400 µs of CPU through SQLAlchemy against 80 µs through
aiosqlite's own execute_fetchall (py-spy, bench scenario 4). Every SQLite write takes the
one write lock, so that time is also the time all other writers wait.

The cursor here does all four in one call, and a transaction's BEGIN goes with its first
statement. Only COMMIT (which writes to the disk) is a trip to the thread: the
statements run on the event loop's thread. A trip costs two turns of the event loop, a
busy loop's turn takes milliseconds, and with one connection every other writer waited
through the turns of its holder (bench scenario 4); a transaction is now one trip
whatever its length. Statements wait for nothing there: BEGIN IMMEDIATE takes the write
lock only if it is free at once (else it waits on the thread, up to the busy timeout),
and the statements after it, holding the lock, work in SQLite's page cache.
Everything else (the pool, transactions, the events in db.session) is SQLAlchemy's
aiosqlite dialect unchanged.
It uses aiosqlite's Connection._execute (run a function on the connection's thread), in
aiosqlite since 0.17; pyproject pins the versions this was tested with (0.22, SQLAlchemy 2.1).
`unmet_assumption` checks those versions and every private name used here: when one does
not hold, db.session starts on the stock dialect instead (slower, with a warning).
"""

import collections
import sqlite3
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import aiosqlite
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util.concurrency import await_

DRIVER = "aiosqlite_onetrip"

# The releases (major.minor) this was tested with: another may move the internals below.
TESTED_VERSIONS = {"aiosqlite": "0.22", "SQLAlchemy": "2.1"}
# The private names this module relies on, on each class it uses them from.
ASSUMED: tuple[tuple[type, tuple[str, ...]], ...] = (
    (aiosqlite.Connection, ("_execute", "_conn")),
    (
        AsyncAdapt_aiosqlite_cursor,
        (
            "_make_new_cursor",
            "_aenter_cursor",
            "_execute_async",
            "_executemany_async",
            "_async_soft_close",
            "_adapt_connection",
            "_connection",
            "_rows",
        ),
    ),
    (AsyncAdapt_aiosqlite_connection, ("_cursor_cls", "_execute_mutex", "_connection")),
)


def unmet_assumption() -> str | None:
    """Why this driver cannot be trusted with the installed packages, or None when it can."""
    for package, tested in TESTED_VERSIONS.items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            return f"{package} has no version information"
        if installed.split(".")[:2] != tested.split("."):
            return f"{package} {installed} is installed; this driver was tested with {tested}"
    for owner, names in ASSUMED:
        missing = [name for name in names if not hasattr(owner, name)]
        if missing:
            return f"{owner.__module__}.{owner.__qualname__} has no {', '.join(missing)}"
    return None


_Outcome = tuple[Any, int, int | None, list[Any] | None, bool]


def _run(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """On the driver's thread: begin (if asked), execute, fetch and close; what the cursor
    then reports, and whether a transaction is open."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else None
        return (
            cursor.description,
            cursor.rowcount,
            cursor.lastrowid,
            rows,
            connection.in_transaction,
        )
    finally:
        cursor.close()


def _begin_at_once(connection: sqlite3.Connection, begin: str) -> bool:
    """Begin if the write lock is free now, without waiting: whether it began."""
    (timeout,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute("PRAGMA busy_timeout=0")
    try:
        connection.execute(begin)
        return True
    except sqlite3.OperationalError:  # another process writes: wait for it on the thread
        return False
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(timeout)}")


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that holds a statement's outcome; no sqlite3 cursor stays open."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def _make_new_cursor(self, connection: Any) -> Any:
        # The base __init__ asks for the driver's cursor here: none is made, the outcome
        # of the next statement starts empty.
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        return None

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    async def _trip(self, operation: Any, parameters: Any, many: bool) -> None:
        connection = self._adapt_connection
        async with connection._execute_mutex:
            driver, begin = self._connection, connection.begin_pending  # type: ignore[attr-defined]
            connection.begin_pending = None  # type: ignore[attr-defined]
            outcome: _Outcome
            here = driver._conn
            try:
                if (begin is None and here.in_transaction) or (
                    begin is not None and _begin_at_once(here, begin)
                ):  # the write lock is held: nothing to wait for
                    outcome = _run(here, None, operation, parameters, many)
                else:
                    outcome = await driver._execute(
                        _run, driver._conn, begin, operation, parameters, many
                    )
            except BaseException:
                # The statement failed, perhaps after its BEGIN ran: let the rollback that
                # follows reach the driver (a no-op when nothing is open).
                connection._in_transaction = True  # type: ignore[attr-defined]
                raise
        self._description, self._rowcount, self._lastrowid, rows, open_ = outcome
        self._rows = collections.deque(rows or ())
        self._adapt_connection._in_transaction = open_  # type: ignore[attr-defined]

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._trip(operation, seq_of_parameters, many=True)

    async def _async_soft_close(self) -> None:
        """Nothing is open on the driver's side."""

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """Knows whether a transaction is open (each statement's trip reports it), so the
    pool's rollback of every connection handed back costs no trip when none is; and
    holds the BEGIN of a transaction until its first statement (`begin_pending`)."""

    __slots__ = ("_in_transaction", "begin_pending")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._in_transaction = True  # unknown until the first statement: assume open
        self.begin_pending: str | None = None  # set by db.session's begin event

    def commit(self) -> None:
        if self.begin_pending is not None:  # nothing ran: nothing began
            self.begin_pending = None
            return
        super().commit()
        self._in_transaction = False

    def rollback(self) -> None:
        self.begin_pending = None
        if self._in_transaction:
            super().rollback()
            self._in_transaction = False


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's own dialect makes it
        return OneTripConnection(self, await_(connection))


class OneTripSQLiteDialect(SQLiteDialect_aiosqlite):
    """SQLAlchemy's aiosqlite dialect with the one-trip cursor."""

    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> OneTripDbapi:
        return OneTripDbapi(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "OneTripSQLiteDialect")
