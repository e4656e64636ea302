"""The Bot API at start-up (bot/runner.py): down, it is retried until it answers; stopped
meanwhile, the bot ends at once and leaves no connection open; a token it rejects ends the
bot with one line naming the setting, never the token (PTB's own message quotes it)."""

import asyncio
import sys
from pathlib import Path

import pytest

from bot.app import build_application
from bot.http import AiohttpRequest
from bot.runner import run
from tests.conftest import TOKEN, FakeClock, RunningBot, make_settings
from tests.e2e import bot_env
from tests.fake_bot_api import FakeBotApi


async def test_a_bot_api_down_at_start_is_retried_until_it_answers(
    api: FakeBotApi, database_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail("getMe", error_code=502, description="Bad Gateway", times=2)  # 1 s, then 2 s
    bot = RunningBot(api, database_url, clock)
    await bot.start()
    try:
        ada = bot.user(71, "Ada")
        await ada.send("/start")
        assert "Ada" in ((await ada.next_message()).text or "")
    finally:
        await bot.close()
    retries = [r for r in caplog.records if r.getMessage().startswith("Bot API not reachable")]
    assert len(retries) == 2
    assert TOKEN not in caplog.text


async def test_stopped_while_the_bot_api_is_down_it_ends_at_once_with_nothing_left_open(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> None:
    api.fail("getMe", error_code=502, description="Bad Gateway", times=100)
    application = build_application(make_settings(api, database_url), clock=clock)
    stop = asyncio.Event()
    running = asyncio.create_task(run(application, stop))
    await api.wait_for(lambda: bool(api.calls_to("getMe")), timeout=10)
    stop.set()
    await asyncio.wait_for(running, timeout=2)
    transport = application.bot.request
    assert isinstance(transport, AiohttpRequest) and transport.closed
    assert not api.calls_to("setMyCommands")  # it never started


async def test_a_rejected_token_ends_the_bot_with_one_line_and_never_shows_it(
    api: FakeBotApi, tmp_path: Path
) -> None:
    api.fail("getMe", error_code=401, description="Unauthorized", times=10)
    env = bot_env(api, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    output = stderr.decode()
    assert process.returncode == 2  # a configuration error: systemd does not restart it
    assert "TELEGRAM_BOT_TOKEN was rejected by the Bot API" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    assert "Traceback" not in output and "Unclosed" not in output
    assert len(api.calls_to("getMe")) == 1  # not retried: it would not help
