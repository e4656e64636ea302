"""What every benchmark scenario shares: the fake Bot API in a child process, scratch
databases, settings for the real application, medians and result rows."""

import asyncio
import os
import statistics
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import AppSettings, SendingSettings, Settings, TelegramSettings
from db.database_settings import DatabaseSettings
from db.migrate import upgrade_database
from db.session import create_engine

TOKEN = "123456789:BENCH-token_abcdefghijklmnopqrstuvwxyz01"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One line of the results table (and of the JSON): a measured figure against its goal."""

    scenario: str
    figure: str
    goal: str = ""
    met: bool | None = None  # None: no goal, a figure to report
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FakeApi:
    """A running fake Bot API process."""

    base_url: str
    pid: int

    @property
    def control_url(self) -> str:
        return self.base_url.removesuffix("/bot") + "/_bench"

    async def calls(self) -> list[tuple[str, int | None, int, float]]:
        """Every API call so far: (method, chat_id, HTTP status, monotonic time received)."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{self.control_url}/calls") as response,
        ):
            return [tuple(row) for row in await response.json()]


@contextmanager
def fake_bot_api(
    users: int = 0, rate: float | None = None, per_chat: float | None = None
) -> Iterator[FakeApi]:
    """The fake Bot API in a child process (its own core), knowing chats 1..users."""
    command = [sys.executable, "-m", "bench.fake_server", "--token", TOKEN, "--users", str(users)]
    if rate:
        command += ["--rate", str(rate)]
    if per_chat:
        command += ["--per-chat", str(per_chat)]
    process = subprocess.Popen(
        command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield FakeApi(process.stdout.readline().strip(), process.pid)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def bench_settings(url: str, base_url: str, **sending: Any) -> Settings:
    """Settings for the real application against the fake API and `url`."""
    return Settings(
        telegram=TelegramSettings(
            bot_token=SecretStr(TOKEN), api_base_url=base_url, api_base_file_url=base_url
        ),
        database=DatabaseSettings(database_url=url),
        app=AppSettings(),
        sending=SendingSettings(**sending),
    )


async def _postgres_admin(sql: str) -> None:
    engine = create_engine(os.environ["TEST_DATABASE_URL"])
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.exec_driver_sql(sql)
    await engine.dispose()


@asynccontextmanager
async def database_urls(folder: Path, name: str, *, postgres: bool = True) -> Any:
    """[(backend, url)]: SQLite in `folder`; and, with TEST_DATABASE_URL, a scratch
    PostgreSQL database (created here and dropped afterwards: nothing of the server's own
    is touched)."""
    urls = [("SQLite", f"sqlite+aiosqlite:///{folder / (name + '.sqlite3')}")]
    base = os.environ.get("TEST_DATABASE_URL") if postgres else None
    scratch = f"cramp_bench_{os.getpid()}_{name}"
    if base:
        await _postgres_admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await _postgres_admin(f'CREATE DATABASE "{scratch}"')
        urls.append(("PostgreSQL", make_url(base).set(database=scratch).render_as_string(False)))
    try:
        yield urls
    finally:
        if base:
            await _postgres_admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


@asynccontextmanager
async def api_and_databases(folder: Path, name: str, users: int) -> Any:
    """(the fake Bot API knowing `users` chats, [(backend, url)]): what most scenarios
    run against, on each database."""
    with fake_bot_api(users=users) as api:
        async with database_urls(folder, name) as urls:
            yield api, urls


async def fresh_database(url: str) -> AsyncEngine:
    """Engine on an empty, migrated database."""
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
    elif engine.url.database:
        await asyncio.to_thread(Path(engine.url.database).unlink, missing_ok=True)
    await upgrade_database(engine)
    return engine


def median_of(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """Key by key median of several runs' figures."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


async def repeat(times: int, make: Callable[[], Awaitable[dict[str, float]]]) -> dict[str, float]:
    """Run a measurement `times` times; the medians."""
    return median_of([await make() for _ in range(times)])


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]
