"""The Bot API transport (bot/http.py) applies all four of PTB's timeouts, against real
servers on loopback: a request that waits for a pooled connection gives up after the pool
timeout (as "not sent"), and a body that cannot be written gives up after the write
budget instead of waiting forever."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram.error import TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.http import AMBIGUOUS_TIMEOUTS, AiohttpRequest

# How long a test waits for a request that should have timed out long before: a liveness
# bound that turns a hang into a failure, not a measure of speed.
HANG = 15.0


@pytest.fixture
async def held() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """An HTTP server whose answers wait until the event is set; its URL and the event."""
    release = asyncio.Event()

    async def answer(_request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{method}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", release
    release.set()
    await runner.cleanup()


@pytest.fixture
async def deaf() -> AsyncIterator[str]:
    """A TCP server that accepts connections and never reads from them: a body larger than
    the sockets' buffers cannot be written to it."""
    stop = asyncio.Event()
    writers: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await stop.wait()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    stop.set()
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_request_waiting_for_a_pooled_connection_gives_up_as_not_sent(
    held: tuple[str, asyncio.Event],
) -> None:
    url, release = held
    request = AiohttpRequest(connection_pool_size=1, connect_timeout=0.3, pool_timeout=0.2)
    await request.initialize()
    try:
        first = asyncio.create_task(request.do_request(f"{url}/getMe", "POST"))
        await asyncio.sleep(0.1)  # the first request holds the only connection
        with pytest.raises(TimedOut, match="not sent") as raised:
            await asyncio.wait_for(request.do_request(f"{url}/getMe", "POST"), HANG)
        # Not taken for a read timeout: the sender retries it rather than writing it off.
        assert not isinstance(raised.value.__cause__, AMBIGUOUS_TIMEOUTS)
        release.set()
        assert (await first)[0] == 200
    finally:
        await request.shutdown()


async def test_a_pool_timeout_given_for_one_request_wins_over_the_default(
    held: tuple[str, asyncio.Event],
) -> None:
    url, release = held
    # By default wait as long as it takes.
    request = AiohttpRequest(connection_pool_size=1, connect_timeout=0.3, pool_timeout=None)
    await request.initialize()
    try:
        first = asyncio.create_task(request.do_request(f"{url}/getMe", "POST"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut, match="not sent"):
            await asyncio.wait_for(
                request.do_request(f"{url}/getMe", "POST", pool_timeout=0.2), HANG
            )
        release.set()
        await first
    finally:
        await request.shutdown()


def _large_body() -> RequestData:
    return RequestData([RequestParameter("text", "x" * 32_000_000, None)])


async def test_a_body_that_cannot_be_written_times_out(deaf: str) -> None:
    # aiohttp starts its read timer only after the body is written: without the write
    # budget this request would wait forever.
    request = AiohttpRequest(
        read_timeout=0.2, write_timeout=0.3, connect_timeout=0.3, pool_timeout=0.2
    )
    await request.initialize()
    try:
        with pytest.raises(TimedOut) as raised:
            await asyncio.wait_for(
                request.do_request(f"{deaf}/sendMessage", "POST", _large_body()), HANG
            )
        # Part of it may have reached Telegram: its fate is unknown, never sent again.
        assert isinstance(raised.value.__cause__, AMBIGUOUS_TIMEOUTS)
    finally:
        await request.shutdown()


async def test_a_write_timeout_given_for_one_request_wins_over_the_default(deaf: str) -> None:
    request = AiohttpRequest(
        read_timeout=0.2, write_timeout=3600.0, connect_timeout=0.3, pool_timeout=0.2
    )
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await asyncio.wait_for(
                request.do_request(f"{deaf}/sendMessage", "POST", _large_body(), write_timeout=0.3),
                HANG,
            )
    finally:
        await request.shutdown()


def test_each_timeout_maps_to_aiohttps_terms() -> None:
    timeout = AiohttpRequest._timeout(read=10.0, write=30.0, connect=5.0, pool=2.0)
    assert (timeout.sock_read, timeout.sock_connect, timeout.connect) == (10.0, 5.0, 7.0)
    assert timeout.total == 47.0  # pool + connect + write + read
    unbounded = AiohttpRequest._timeout(read=None, write=30.0, connect=5.0, pool=2.0)
    assert unbounded.total is None  # a long poll may wait as long as it was told
