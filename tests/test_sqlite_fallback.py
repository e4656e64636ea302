"""When the one-trip SQLite driver's assumptions about aiosqlite's and SQLAlchemy's
internals do not hold (a private name gone, a release it was not tested with, the module
failing to import), the bot starts on SQLAlchemy's stock aiosqlite dialect, slower but
working, with one warning, instead of failing."""

import logging
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import sqlite_driver
from db.migrate import upgrade_database
from db.session import STOCK_SQLITE_DRIVER, choose_sqlite_driver, create_engine
from tests.conftest import FakeClock, RunningBot
from tests.e2e import new_report, reports, set_up, tap
from tests.fake_bot_api import FakeBotApi

WARNING_START = "SQLite runs on SQLAlchemy's stock aiosqlite dialect"


@pytest.fixture(autouse=True)
def chosen_afresh() -> Iterator[None]:
    """The choice is made once a process: made again for each test, and after the last."""
    choose_sqlite_driver.cache_clear()
    yield
    choose_sqlite_driver.cache_clear()


def fallback_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.get_records("setup") + caplog.get_records("call")
        if record.levelno == logging.WARNING and record.getMessage().startswith(WARNING_START)
    ]


def _name_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    # As a release that renamed Connection._execute looks to the check.
    assumed = dict(sqlite_driver.ASSUMED)
    assumed[aiosqlite.Connection] = (*assumed[aiosqlite.Connection], "_execute_renamed")
    monkeypatch.setattr(sqlite_driver, "ASSUMED", tuple(assumed.items()))


def _untested_aiosqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    tested = {**sqlite_driver.TESTED_VERSIONS, "aiosqlite": "0.21"}
    monkeypatch.setattr(sqlite_driver, "TESTED_VERSIONS", tested)


def _module_fails_to_import(monkeypatch: pytest.MonkeyPatch) -> None:
    # As when SQLAlchemy no longer has a class the driver subclasses.
    monkeypatch.setitem(sys.modules, "db.sqlite_driver", None)


BREAKS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "a private name gone": _name_gone,
    "an untested release": _untested_aiosqlite,
    "the module fails to import": _module_fails_to_import,
}


async def works(engine: AsyncEngine) -> None:
    """Migrations, writes, a rolled-back transaction and a constraint all behave."""
    await upgrade_database(engine)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
        await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))

    async def insert_b_then_a_again() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('b')"))
            await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))

    with pytest.raises(IntegrityError):
        await insert_b_then_a_again()
    async with engine.connect() as connection:
        values = (await connection.execute(text("SELECT v FROM t"))).scalars().all()
    assert values == ["a"]


@pytest.mark.parametrize("break_it", BREAKS.values(), ids=BREAKS.keys())
async def test_an_assumption_that_does_not_hold_falls_back_with_one_warning(
    break_it: Callable[[pytest.MonkeyPatch], None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    break_it(monkeypatch)
    url = f"sqlite+aiosqlite:///{tmp_path / 'fallback.sqlite3'}"
    engines = [create_engine(url), create_engine(url)]  # the bot and its migrations, say
    try:
        assert [engine.dialect.driver for engine in engines] == [STOCK_SQLITE_DRIVER] * 2
        await works(engines[0])
    finally:
        for engine in engines:
            await engine.dispose()
    [warning] = fallback_warnings(caplog)  # one a process, not one an engine
    assert "requirements.lock" in warning


async def test_a_hidden_attribute_is_seen_and_the_stock_dialect_works(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # aiosqlite's own methods need _execute too, so it is hidden only while the engine is
    # chosen: as a release that renamed it would look, where aiosqlite itself still works.
    with monkeypatch.context() as hidden:
        hidden.delattr(aiosqlite.Connection, "_execute")
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hidden.sqlite3'}")
    try:
        assert engine.dialect.driver == STOCK_SQLITE_DRIVER
        [warning] = fallback_warnings(caplog)
        assert "aiosqlite.core.Connection has no _execute" in warning
        await works(engine)
    finally:
        await engine.dispose()


async def test_with_its_assumptions_holding_the_one_trip_driver_is_used_silently(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    assert sqlite_driver.unmet_assumption() is None
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'fine.sqlite3'}")
    await engine.dispose()
    assert engine.dialect.driver == sqlite_driver.DRIVER
    assert fallback_warnings(caplog) == []


@pytest.fixture
async def bot_on_stock_sqlite(
    api: FakeBotApi, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningBot]:
    """The whole bot, end to end, on the stock dialect (an untested aiosqlite release)."""
    _untested_aiosqlite(monkeypatch)
    bot = RunningBot(api, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.close()


async def test_the_bot_runs_end_to_end_on_the_stock_dialect(
    bot_on_stock_sqlite: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = bot_on_stock_sqlite
    assert bot.engine is not None and bot.engine.dialect.driver == STOCK_SQLITE_DRIVER
    kim = await set_up(bot.user(31, "Kim"))
    form = await new_report(kim)
    for button in ("Cramp", "Calf", "7", "1–10 min", "Save"):
        await tap(kim, form, button)
    assert "Saved: cramp · calf · 7/10 · 1–10 min" in (form.text or "")
    [row] = await reports(bot, 31)
    assert (row.kind, row.severity) == ("cramp", 7)
    assert len(fallback_warnings(caplog)) == 1
