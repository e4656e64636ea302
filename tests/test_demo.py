"""`make demo` without a browser: its JSON endpoints drive the real bot on the local Bot API,
its clock makes reminders fall due, and `python -m bot demo` starts with no token.

The demo keeps its own SQLite file by design, so these run on SQLite only."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.request import urlopen

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.demo.clock import DemoClock
from bot.demo.server import DEMO_FILE_NAME, Demo
from bot.demo.settings import DemoSettings, load_demo_settings
from bot.settings import ConfigError
from db.models import Delivery, User, WaterLog
from tests.demo_page import ANN, BEN, JSON, START, Page, has_text, labels, last, served
from tests.e2e import REPO, free_port


@pytest.fixture
async def page(tmp_path: Path) -> AsyncIterator[Page]:
    async with served(tmp_path / "data") as page:
        yield page


async def set_up(page: Page, user: int = ANN) -> JSON:
    """/start, then Skip the rest (UTC, 07:00-23:00, every reminder on)."""
    await page.send("/start", user)
    state = await page.until(has_text("Step 1 of 4"), user)
    await page.press(last(state), "Skip the rest", user)
    return await page.until(has_text("All set"), user)


async def count(demo: Demo, model: type, **where: object) -> int:
    sessions = demo.application.bot_data.sessions if demo.application else None
    assert sessions is not None
    async with sessions() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


async def test_a_chat_by_the_endpoints_setup_reminder_location_and_export(page: Page) -> None:
    state = await set_up(page)
    welcome, setup = state["messages"][1], state["messages"][2]
    mine = state["messages"][0]
    assert (mine["id"], mine["from"], mine["text"]) == (1, "user", "/start")
    assert 0 <= mine["date"] - START.timestamp() < 60  # the demo's clock, not the real one
    assert "<b>Hi Ann" in welcome["text"] and setup["edited"] and not setup["buttons"]
    assert state["keyboard"]["rows"][0] == ["🦵 Report cramp", "💧 Drank a cup"]
    assert any(c["command"] == "start" for c in state["commands"])  # the command menu
    assert state["zone"] == "UTC" and state["next_due"] is not None

    # Jump to Ann's next reminder: the clock lands on it and the real dispatcher sends it.
    clock = await page.post("/api/clock", {"user": ANN, "jump": "next"})
    assert clock["now"] >= state["next_due"]
    state = await page.until(lambda s: "💧 Drank a cup" in labels(last(s)))
    reminder = last(state)
    await page.press(reminder, "Drank a cup")
    state = await page.until(lambda s: "1/8" in (last(s)["text"] or ""))
    assert last(state)["edited"] and await count(page.demo, WaterLog, user_id=ANN) == 1

    # Ben sees none of it.
    assert (await page.state(BEN))["messages"] == []

    # The location button: a city stands for a shared location.
    sent = await page.post("/api/location", {"user": ANN, "city": "Berlin"})
    assert sent["location"] == {"city": "Berlin", "latitude": 52.52, "longitude": 13.405}
    state = await page.until(has_text("Europe/Berlin"))
    await page.press(last(state), "Use")  # the offer of that zone
    await page.until(lambda s: s["zone"] == "Europe/Berlin")
    # A time without an offset is on Ann's wall clock, as the page's Jump field shows it.
    clock = await page.post("/api/clock", {"user": ANN, "to": "2026-11-22T18:00"})
    assert clock["now"].startswith("2026-11-22T17:00:00")

    # /export: a CSV and a PDF, each downloadable from the page.
    await page.send("/export")
    state = await page.until(lambda s: sum("document" in m for m in s["messages"]) == 2)
    documents = [m["document"] for m in state["messages"] if "document" in m]
    pdf = next(d for d in documents if d["name"].endswith(".pdf"))
    async with page.session.get(pdf["url"]) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{pdf["name"]}"'
        assert (await response.read()).startswith(b"%PDF")
    assert page.demo.database.name == DEMO_FILE_NAME


async def test_a_press_answered_with_text_shows_as_a_toast(page: Page) -> None:
    await set_up(page)
    await page.post("/api/clock", {"user": ANN, "jump": "next"})
    state = await page.until(lambda s: "🔥 Hot day / exercise" in labels(last(s)))
    query = await page.press(last(state), "Hot day")
    state = await page.until(lambda s: bool(s["toasts"]))
    assert state["toasts"] == [
        {"id": f"1:{query['query_id']}", "text": texts.GOAL_RAISED.format(goal=10), "alert": False}
    ]
    assert (await page.state(BEN))["toasts"] == []  # only the presser sees it


async def test_fast_forward_sends_reminders_on_time(page: Page) -> None:
    """At x600 the pacer wakes the dispatcher as soon as a slot falls due: a reminder goes
    out minutes (virtual) after its slot, inside the grace, never skipped."""
    await set_up(page)
    await page.post("/api/clock", {"speed": 600})
    state = await page.until(lambda s: "💧 Drank a cup" in labels(last(s)), timeout=30)
    assert state["clock"]["speed"] == 600
    sessions = page.demo.application.bot_data.sessions if page.demo.application else None
    assert sessions is not None
    async with sessions() as session:
        sent = (await session.scalars(select(Delivery).filter_by(user_id=ANN))).all()
    assert sent and all(d.status == "sent" for d in sent)
    assert all(d.sent_at is not None and d.sent_at - d.slot_at < timedelta(minutes=5) for d in sent)


async def test_bad_input_gets_one_line_and_changes_nothing(page: Page) -> None:
    await page.send("/start")
    state = await page.until(has_text("Step 1 of 4"))
    setup = last(state)
    before = len(page.demo.api.calls) if page.demo.api else 0
    refused = [
        ("/api/send", {"user": ANN, "text": "   "}, 400),
        ("/api/send", {"user": 7, "text": "hi"}, 404),
        ("/api/send", {"user": ANN, "text": "x" * 4097}, 400),
        ("/api/press", {"user": ANN, "message_id": setup["id"], "data": "rd:c:1"}, 409),
        ("/api/press", {"user": ANN, "message_id": 999, "data": "x"}, 404),
        ("/api/press", {"user": BEN, "message_id": setup["id"], "data": "su:skip"}, 404),
        ("/api/location", {"user": ANN, "city": "Atlantis"}, 400),
        ("/api/clock", {"speed": 7}, 400),
        ("/api/clock", {"user": ANN, "jump": "next"}, 409),  # nothing planned before setup
        ("/api/clock", {"to": "2026-01-01T00:00:00+00:00"}, 409),  # the past
        ("/api/clock", {"to": "Sunday"}, 400),
        ("/api/clock", {}, 400),
    ]
    for path, body, status in refused:
        answer = await page.post(path, body, status)
        assert answer["error"] and "\n" not in answer["error"], (path, body)
    async with page.session.post("/api/reset", data="{}") as response:  # not sent as JSON
        assert response.status == 415
    async with page.session.get("/", headers={"Host": "demo.example.org"}) as response:
        assert response.status == 403  # a rebound name cannot drive the demo
    async with page.session.get("/api/file/1001/2") as response:
        assert response.status == 404  # a text message has no file
    await asyncio.sleep(0.3)
    assert page.demo.clock() < START + timedelta(minutes=1)
    calls = page.demo.api.calls[before:] if page.demo.api else []
    assert [c.method for c in calls if c.method != "getUpdates"] == []
    assert len((await page.state())["messages"]) == len(state["messages"])


async def test_reset_starts_over_with_an_empty_database(page: Page) -> None:
    await set_up(page)
    await page.post("/api/clock", {"speed": 60})
    assert await count(page.demo, User) == 1
    answer = await page.post("/api/reset", {})
    assert answer["clock"]["speed"] == 1 and answer["clock"]["now"] < "2026-11-21T09:01"
    state = await page.state()
    assert state["messages"] == [] and state["keyboard"] is None
    assert await count(page.demo, User) == 0
    await set_up(page)  # and it works again


async def test_the_page_is_served_and_the_side_by_side_view_is_in_it(page: Page) -> None:
    async with page.session.get("/") as response:
        assert response.status == 200 and response.content_type == "text/html"
        html = await response.text()
    assert "Cramp Coach" in html and "view=side" in html


def test_the_clock_runs_at_its_speed_and_only_forward() -> None:
    real = [100.0]
    clock = DemoClock(START, monotonic=lambda: real[0])
    real[0] += 10
    assert clock() == START + timedelta(seconds=10)
    clock.set_speed(600)
    real[0] += 6
    assert clock() == START + timedelta(seconds=10 + 3600)
    sunday = datetime(2026, 11, 22, 18, tzinfo=UTC)
    assert clock.jump_to(sunday) and clock() == sunday
    assert not clock.jump_to(START) and clock() == sunday
    with pytest.raises(ValueError, match="speed"):
        clock.set_speed(2)


def test_python_m_bot_demo_starts_with_no_token(tmp_path: Path) -> None:
    """The entry point: no TELEGRAM_* settings at all, its own file in DATA_DIR (what an
    earlier run left is replaced), the page answers, Ctrl-C stops it cleanly."""
    (tmp_path / DEMO_FILE_NAME).write_bytes(b"left by an earlier run")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DEMO_", "LOG_"))}
    env |= {"PYTHONPATH": str(REPO), "DEMO_PORT": str(port), "DATA_DIR": str(tmp_path)}
    started = time.monotonic()
    log = (tmp_path / "stderr.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,  # no .env here
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"open http://127.0.0.1:{port}" in line, (tmp_path / "stderr.log").read_text()
        ready_after = time.monotonic() - started
        with urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
        assert (tmp_path / DEMO_FILE_NAME).read_bytes().startswith(b"SQLite format 3")
        assert not (tmp_path / "cramp_coach.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        log.close()
    print(f"python -m bot demo: page ready after {ready_after:.2f} s")


def test_demo_settings_are_documented_and_a_bad_one_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in DemoSettings.model_fields:
        setting = f"DEMO_{name.upper()}"
        assert f"{setting}=" in (REPO / ".env.example").read_text()
        assert f"| `{setting}` |" in (REPO / "README.md").read_text()
    monkeypatch.setenv("DEMO_PORT", "80808")
    with pytest.raises(ConfigError, match=r"^DEMO_PORT is not valid$"):
        load_demo_settings()
    monkeypatch.setenv("DEMO_PORT", "8088")
    monkeypatch.setenv("DEMO_ADDRESS", "my laptop")
    with pytest.raises(ConfigError, match=r"^DEMO_ADDRESS is not valid$"):
        load_demo_settings()


def test_a_port_in_use_stops_the_demo_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DEMO_", "LOG_"))}
        env |= {"PYTHONPATH": str(REPO), "DEMO_PORT": str(port), "DATA_DIR": str(tmp_path)}
        result = subprocess.run(
            [sys.executable, "-m", "bot", "demo"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.startswith("cramp-coach demo: cannot listen:")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
