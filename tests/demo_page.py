"""The demo served for a test, and what its page does over HTTP (tests/test_demo*.py)."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bot.demo.server import Demo, serve
from bot.demo.settings import DemoSettings

# A Saturday morning, as in the other end-to-end tests.
START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ANN, BEN = 1001, 1002
JSON = dict[str, Any]


class Page:
    """What the page does, over HTTP: the same calls its script makes."""

    def __init__(self, demo: Demo, session: aiohttp.ClientSession) -> None:
        self.demo, self.session, self.version = demo, session, ""

    async def post(self, path: str, body: JSON, status: int = 200) -> JSON:
        async with self.session.post(path, json=body) as response:
            answer: JSON = await response.json()
            assert response.status == status, answer
            return answer

    async def state(self, user: int = ANN) -> JSON:
        async with self.session.get("/api/state", params={"user": user, "since": "now"}) as r:
            assert r.status == 200
            answer: JSON = await r.json()
            return answer

    async def until(
        self,
        check: Callable[[JSON], bool],
        user: int = ANN,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> JSON:
        """Long-poll the user's state until `check` holds (as the page's loop does)."""
        deadline, since = time.monotonic() + timeout, ""
        while time.monotonic() < deadline:
            params = {"user": str(user), "since": since}
            async with self.session.get("/api/state", params=params) as response:
                state: JSON = await response.json()
            if check(state):
                return state
            since = state["version"]
        texts_seen = [m.get("text") for m in state["messages"]]
        raise AssertionError(f"timed out; last messages: {texts_seen}")

    async def send(self, text: str, user: int = ANN) -> JSON:
        return await self.post("/api/send", {"user": user, "text": text})

    async def press(self, message: JSON, label: str, user: int = ANN) -> JSON:
        data = next(b["data"] for row in message["buttons"] for b in row if label in b["text"])
        return await self.post(
            "/api/press", {"user": user, "message_id": message["id"], "data": data}
        )


def last(state: JSON) -> JSON:
    message: JSON = state["messages"][-1]
    return message


def labels(message: JSON) -> list[str]:
    return [b["text"] for row in message["buttons"] for b in row]


def has_text(part: str) -> Callable[[JSON], bool]:
    return lambda state: any(part in (m.get("text") or "") for m in state["messages"])


@asynccontextmanager
async def served(data_dir: Path) -> AsyncIterator[Page]:
    """The demo serving its page on a free port, from a data folder of the test's own."""
    demo = Demo(data_dir, start=START)
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(serve(demo, DemoSettings(port=0), stop, ready))
    await asyncio.wait(
        [serving, asyncio.create_task(ready.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    if serving.done():
        serving.result()
    try:
        async with aiohttp.ClientSession(base_url=demo.page_url) as session:
            yield Page(demo, session)
    finally:
        stop.set()
        await serving
