"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
a controllable clock, and the end-to-end harness that runs the real bot against the fake
Bot API server over loopback HTTP."""

import asyncio
import gc
import io
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_application
from bot.context import CoachApplication
from bot.logs import configure_logging
from bot.runner import run
from bot.settings import (
    AppSettings,
    DispatchSettings,
    SendingSettings,
    ServerSettings,
    Settings,
    TelegramSettings,
)
from db.database_settings import DatabaseSettings
from db.migrate import upgrade_database
from db.session import create_engine, create_session_factory
from scheduler.dispatcher import PassStats
from tests.fake_bot_api import FakeBotApi, FakeUser

TOKEN = "123456789:TEST-token_abcdefghijklmnopqrstuvwxyz01"
BACKENDS = ["sqlite", "postgresql"]


class FakeClock:
    """A clock the test moves by hand; starts at a fixed instant."""

    def __init__(self, start: datetime = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def _plain_pg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def no_gc_pauses() -> Iterator[None]:
    """No garbage collection in this process during the test: the fake Bot API stamps a
    request when its loop handles it, so a long collection here would bunch the stamps
    and a rate measured from them would read higher than what the bot sent."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A private database for this test run on the TEST_DATABASE_URL server, or None."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"cramp_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_plain_pg_dsn(base))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    yield (
        make_url(base)
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False)
    )
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str | None
) -> str:
    """An empty database: a fresh SQLite file, or a wiped schema on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    if postgres_url is None:
        pytest.skip("TEST_DATABASE_URL is not set")
    connection = await asyncpg.connect(_plain_pg_dsn(postgres_url))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    return postgres_url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated database."""
    engine = create_engine(database_url)
    await upgrade_database(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
def unspread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every user's spread offset 0: for tests about other things that name exact times
    (tests/test_planning.py covers the spread)."""
    monkeypatch.setattr("scheduler.planning.SPREAD_MINUTES", 0)


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG through the bot's own logging set-up."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("DEBUG", (TOKEN,), stream)
    yield stream
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_settings(api: FakeBotApi, database_url: str, log_level: str = "INFO") -> Settings:
    return Settings(
        telegram=TelegramSettings(
            bot_token=SecretStr(TOKEN),
            api_base_url=api.base_url,
            api_base_file_url=api.base_file_url,
        ),
        database=DatabaseSettings(database_url=database_url),
        app=AppSettings(log_level=log_level, admin_user_ids=()),
        # Shorter waits than in production keep the suite quick; test_ratelimit checks them.
        sending=SendingSettings(chat_interval_seconds=0.1),
        dispatch=DispatchSettings(retry_backoff_seconds=0.05),
    )


class RunningBot:
    """The real application, polling the fake Bot API, in a background task."""

    def __init__(
        self,
        api: FakeBotApi,
        database_url: str,
        clock: FakeClock,
        server: ServerSettings | None = None,
    ) -> None:
        self.api = api
        self.server = server
        self.database_url = database_url
        self.clock = clock
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.engine: AsyncEngine | None = None
        self.application: CoachApplication | None = None

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        """Sessions on the bot's database, for checking what it stored."""
        assert self.engine is not None
        return create_session_factory(self.engine)

    def user(self, user_id: int, first_name: str = "Test") -> FakeUser:
        return self.api.user(user_id, first_name)

    async def dispatch(self) -> PassStats:
        """One dispatcher pass now (the bot's own loop may run passes too: that is safe)."""
        assert self.application is not None
        dispatcher = self.application.bot_data.dispatcher
        assert dispatcher is not None
        return await dispatcher.run_once()

    async def start(self) -> None:
        application = build_application(
            make_settings(self.api, self.database_url), clock=self.clock
        )
        self.application = application
        self._stop = asyncio.Event()
        # The last call of a start: setWebhook in webhook mode, else setMyCommands.
        started_by = "setWebhook" if self.server and self.server.webhook_url else "setMyCommands"
        calls_before = len(self.api.calls_to(started_by))
        self._task = asyncio.create_task(run(application, self._stop, self.server, poll_timeout=1))
        await self.api.wait_for(
            lambda: (
                len(self.api.calls_to(started_by)) > calls_before
                or (self._task is not None and self._task.done())
            ),
            timeout=20,
        )
        while not application.running and not self._task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)  # the last steps of a start make no API call
        if self._task.done():
            self._task.result()
        self.engine = self.engine or create_engine(self.database_url)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=20)
            self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def close(self) -> None:
        await self.stop()
        if self.engine is not None:
            await self.engine.dispose()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as fake:
        yield fake


@pytest.fixture
async def running_bot(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """The bot running end to end against the fake Bot API, on a fresh database."""
    bot = RunningBot(api, database_url, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.close()
