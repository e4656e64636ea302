"""The Bot API transport: python-telegram-bot's BaseRequest on aiohttp.

PTB's default transport (httpx) spent most of a reminder burst's CPU in its connection
pool, whose bookkeeping grows with pool size and queue length; aiohttp's client sends
the same requests at several times the rate (measured with bench scenario 1). Long polling uses
an instance of its own with one connection: it is one request at a time.
"""

import asyncio
import time
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from core import timings

# A read that timed out may have been processed by Telegram; a connect that did not.
AMBIGUOUS_TIMEOUTS: tuple[type[BaseException], ...] = (
    aiohttp.SocketTimeoutError,
    asyncio.TimeoutError,
)

JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """Sends Bot API requests with one pooled aiohttp session."""

    def __init__(
        self,
        connection_pool_size: int = 64,
        read_timeout: float = 10.0,
        write_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        media_write_timeout: float = 30.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout: after it, a request's fate is unknown (see AMBIGUOUS_TIMEOUTS)."""
        return self._read_timeout

    @read_timeout.setter
    def read_timeout(self, seconds: float) -> None:
        # Settable so that a test can provoke a read timeout without waiting 10 s.
        self._read_timeout = seconds

    async def initialize(self) -> None:
        """Open the session (inside the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; map transport failures to PTB's errors."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = (
            request_data.multipart_data if request_data and request_data.contains_files else None
        )
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)
        data: Any = None
        headers = None
        if files:
            data = aiohttp.FormData(request_data.json_parameters if request_data else {})
            for name, (filename, content, mime) in files.items():
                data.add_field(name, content, filename=filename, content_type=mime)
        elif request_data is not None:
            # A JSON body, as the Bot API accepts: cheaper to build than a form.
            data, headers = request_data.json_payload, JSON_HEADERS
        started = time.perf_counter()
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise TimedOut("Connect timed out; the request was not sent") from error
        except AMBIGUOUS_TIMEOUTS as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            timings.since(started, timings.HTTP)
