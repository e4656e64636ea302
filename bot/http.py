"""The Bot API transport: python-telegram-bot's BaseRequest on aiohttp.

PTB's default transport (httpx) spent most of a reminder burst's CPU in its connection
pool, whose bookkeeping grows with pool size and queue length; aiohttp's client sends
the same requests at several times the rate (measured with bench scenario 1). Long polling uses
an instance of its own with one connection: it is one request at a time.

aiohttp times phases differently from PTB's four timeouts: waiting for a pooled connection
and opening one share its `connect` timeout, and its read timer starts only once the body
is written, so a stalled upload would wait forever. The write budget therefore bounds the
whole request: it may take at most pool + connect + write + read.
"""

import asyncio
import time
from typing import Any, cast

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
        pool_timeout: float | None = 10.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout: after it, a request's fate is unknown (see AMBIGUOUS_TIMEOUTS)."""
        return self._read_timeout

    @read_timeout.setter
    def read_timeout(self, seconds: float) -> None:
        # Settable so that a test can provoke a read timeout without waiting 10 s.
        self._read_timeout = seconds

    @property
    def closed(self) -> bool:
        """Whether no session is open (never initialized, or shut down)."""
        return self._session is None or self._session.closed

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

    @staticmethod
    def _timeout(
        read: float | None, write: float | None, connect: float | None, pool: float | None
    ) -> aiohttp.ClientTimeout:
        """PTB's four timeouts in aiohttp's terms (see the module's docstring)."""
        acquire = None if pool is None or connect is None else pool + connect
        phases = (acquire, write, read)
        total = None if None in phases else sum(p for p in phases if p is not None)
        return aiohttp.ClientTimeout(
            total=total, connect=acquire, sock_connect=connect, sock_read=read
        )

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
        timeout = self._timeout(
            _given(read_timeout, self._read_timeout),
            _given(write_timeout, self._media_write_timeout if files else self._write_timeout),
            _given(connect_timeout, self._connect_timeout),
            _given(pool_timeout, self._pool_timeout),
        )
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
            # Not chained: aiohttp's connect timeouts are TimeoutErrors too, and a cause among
            # AMBIGUOUS_TIMEOUTS would make the sender give up a request that never left.
            # Its text holds the URL, so the token: only its type is kept.
            raise TimedOut(
                f"Connect timed out; the request was not sent ({type(error).__name__})"
            ) from None
        except AMBIGUOUS_TIMEOUTS as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            timings.since(started, timings.HTTP)


def _given(value: Any, default: float | None) -> float | None:
    """A timeout passed for one request, else the instance's default."""
    return default if isinstance(value, DefaultValue) else cast(float | None, value)
