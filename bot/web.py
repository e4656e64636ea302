"""The bot's HTTP side: Telegram's webhook and a health check, served with aiohttp.

- ``POST <path of WEBHOOK_URL>``: an update from Telegram. Without the right
  ``X-Telegram-Bot-Api-Secret-Token`` header the answer is 403 and nothing is processed.
  A good update is queued and answered 200 at once; the application processes it, and
  the database's update_id record makes a redelivered one a no-op.
- ``GET /healthz``: JSON, 200 when the database answers and the dispatcher runs, else
  503; it says how far behind the dispatcher is (seconds since the oldest due slot not
  yet claimed) whenever the database answers, and how many reminders this instance has
  dropped since it started, by kind (``dropped``: past their grace under a backlog).
- ``GET /metrics``: Prometheus metrics (bot/metrics.py); the dispatcher's lag as above.
"""

import asyncio
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import text
from telegram import Update

from bot.context import BotData, CoachApplication
from bot.metrics import metrics_handler
from bot.settings import ServerSettings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
HEALTH_TIMEOUT_SECONDS = 3.0
# Telegram's updates are small; anything larger is not from Telegram.
MAX_UPDATE_BYTES = 1 << 20


def build_web_app(application: CoachApplication, server: ServerSettings) -> web.Application:
    """The aiohttp app: the webhook route (in webhook mode), /healthz and /metrics."""
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_get(HEALTH_PATH, _health_handler(application))
    app.router.add_get(METRICS_PATH, _metrics_handler(application))
    if server.webhook_url and server.webhook_secret is not None:
        secret = server.webhook_secret.get_secret_value().encode()
        app.router.add_post(server.webhook_path, _webhook_handler(application, secret))
    return app


def _webhook_handler(application: CoachApplication, secret: bytes) -> Any:
    async def receive(request: web.Request) -> web.Response:
        """Check the secret, then queue the update for the application."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            logger.warning("Webhook request without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            return web.Response(status=400, text="not an update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    return receive


def _health_handler(application: CoachApplication) -> Any:
    async def health(_request: web.Request) -> web.Response:
        """Database reachable? Dispatcher running, and how far behind?"""
        data = application.bot_data
        body: dict[str, Any] = {"database": "down", "dispatcher": "stopped"}
        task = data.dispatcher_task
        if task is not None and not task.done():
            body["dispatcher"] = "running"
        if data.dispatcher is not None:
            body["dropped"] = dict(sorted(data.dispatcher.dropped.items()))
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                if data.sessions is None or data.dispatcher is None:
                    raise RuntimeError("not started")
                async with data.sessions() as session:
                    await session.execute(text("SELECT 1"))
                body["database"] = "ok"
                lag = await _dispatcher_lag(data)
            body["dispatcher_lag_seconds"] = round(lag, 1)
        except Exception as error:  # any failure means "unhealthy", and says which
            body["error"] = type(error).__name__
        healthy = body["database"] == "ok" and body["dispatcher"] == "running"
        status = {"status": "ok" if healthy else "unavailable"}
        return web.json_response(status | body, status=200 if healthy else 503)

    return health


async def _dispatcher_lag(data: BotData) -> float:
    """Seconds since the oldest due schedule row fell due (0 when none is due)."""
    if data.dispatcher is None:
        raise RuntimeError("not started")
    due = await data.dispatcher.next_due_at()
    return max(0.0, (data.clock() - due).total_seconds()) if due is not None else 0.0


def _metrics_handler(application: CoachApplication) -> Any:
    data = application.bot_data

    def dropped() -> dict[str, int]:
        return dict(data.dispatcher.dropped) if data.dispatcher is not None else {}

    async def lag() -> float | None:
        """The dispatcher's lag; None (left out of the scrape) when it cannot be read."""
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                return await _dispatcher_lag(data)
        except Exception as error:  # the database is down or slow: the rest still serves
            logger.warning("Metrics: dispatcher lag not read (%s)", type(error).__name__)
            return None

    return metrics_handler(dropped, lag)


class WebServer:
    """The aiohttp listener, started and stopped with the bot."""

    def __init__(self, application: CoachApplication, server: ServerSettings) -> None:
        self._app = build_web_app(application, server)
        self._address, self._port = server.listen_address, server.port or 0
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when 0 asked for any free one)."""
        assert self._runner is not None
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        """Bind and serve."""
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._address, self._port).start()
        logger.info("HTTP server on %s:%s", self._address, self.port)

    async def stop(self) -> None:
        """Finish requests in flight, then close."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
