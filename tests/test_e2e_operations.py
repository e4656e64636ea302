"""Operating the bot: `python -m bot` against any Bot API server, clean stops, no token in
logs, and faults on the way to Telegram that lose nothing."""

import asyncio
import io
import os
import signal
import sys
from pathlib import Path

import pytest

from bot import texts
from bot.logs import REDACTED
from tests.conftest import TOKEN, RunningBot
from tests.e2e import set_up, settings_of, start, tap
from tests.fake_bot_api import FakeBotApi

REPO = Path(__file__).resolve().parent.parent


async def test_no_log_line_holds_the_token(
    captured_logs: io.StringIO, running_bot: RunningBot
) -> None:
    ona = await set_up(running_bot.user(41, "Ona"))
    running_bot.api.fail("sendMessage", error_code=400, description="Bad Request: chat not found")
    await ona.send("/help")  # an error with a traceback in the log
    await ona.next_message()
    await running_bot.stop()

    output = captured_logs.getvalue()
    assert f"/bot{REDACTED}" in output  # PTB logs its API URL, token included, at DEBUG...
    assert "Calling Bot API endpoint `sendMessage`" in output
    assert TOKEN not in output  # ...but the token never shows
    assert TOKEN.split(":")[1] not in output
    assert REDACTED in output
    assert "Traceback" in output


async def test_a_flood_limit_on_a_reply_is_waited_out_not_dropped(running_bot: RunningBot) -> None:
    pia = running_bot.user(42, "Pia")
    running_bot.api.fail(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    await pia.send("/help")
    reply = await pia.next_message(timeout=10)
    assert "What I can do" in (reply.text or "")
    sends = running_bot.api.calls_to("sendMessage")
    assert [call.status for call in sends] == [429, 200]
    assert sends[1].at - sends[0].at >= 1.0  # retry_after was honoured


async def test_an_error_is_logged_and_the_user_told(
    captured_logs: io.StringIO, running_bot: RunningBot
) -> None:
    rue = running_bot.user(43, "Rue")
    running_bot.api.fail("sendMessage", error_code=400, description="Bad Request: chat not found")
    reply = await rue.ask("/help")
    assert reply.text == texts.ERROR_REPLY
    await running_bot.stop()
    assert "Unhandled error while handling an update" in captured_logs.getvalue()


async def test_a_duplicated_update_changes_nothing_twice(running_bot: RunningBot) -> None:
    sam = running_bot.user(44, "Sam")
    _, setup = await start(sam)
    await tap(sam, setup, "Berlin")
    update_id = await sam.send("/timezone Asia/Tokyo")  # not the open step: setup closes
    assert "You're set up" in ((await sam.next_message()).text or "")
    await sam.next_message()
    await sam.send("/timezone UTC")
    await sam.next_message()

    before = len(sam.messages)
    await sam.resend(update_id)  # a copy of an earlier update arrives again
    assert "/cramp" in ((await sam.ask("/help")).text or "")
    assert len(sam.messages) == before + 1  # only /help was answered: the copy was dropped
    row = await settings_of(running_bot.db, 44)
    assert row["timezone"] == "UTC"  # not set back to Tokyo by the copy
    assert row["setup_step"] is None
    assert sum("You're set up" in (m.text or "") for m in sam.messages) == 1  # told once


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_python_m_bot_onboards_a_user_and_stops_cleanly_on_a_signal(
    api: FakeBotApi, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))},
        "PYTHONPATH": str(REPO),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_BASE_FILE_URL": api.base_file_url,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "DEBUG",
    }
    # stderr goes to a file: a DEBUG log fills a pipe nobody reads and blocks the bot.
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env, stdout=log_file, stderr=log_file
        )
        try:
            await api.wait_for(lambda: bool(api.calls_to("setMyCommands")), timeout=30)
            uma = api.user(45, "Uma")
            await uma.send("/start")
            assert "Uma" in ((await uma.next_message(timeout=10)).text or "")
            setup = await uma.next_message(timeout=10)
            await tap(uma, setup, "Skip the rest")
            assert "All set" in (setup.text or "")
        finally:
            process.send_signal(stop_signal)
            await asyncio.wait_for(process.wait(), timeout=30)
    log = log_path.read_text()
    assert process.returncode == 0, log[-3000:]
    assert "Stopping" in log
    assert TOKEN not in log
    assert (tmp_path / "data" / "cramp_coach.sqlite3").exists()
