"""Run the application, by long polling or by webhook, until asked to stop.

The same sequence as Application.run_polling, written out so that it runs inside an
event loop we own: `python -m bot` and the end-to-end tests share it. In webhook mode
the Updater is not used: bot/web.py puts Telegram's posts on the update queue.
"""

import asyncio
import logging
from datetime import timedelta

from telegram.error import NetworkError

from bot.app import ALLOWED_UPDATES
from bot.context import CoachApplication
from bot.settings import ServerSettings
from bot.web import WebServer

logger = logging.getLogger(__name__)

STARTUP_RETRY_SECONDS = (1, 2, 5, 10, 30)


async def _initialize(application: CoachApplication, stop: asyncio.Event) -> bool:
    """Initialize, retrying while the Bot API cannot be reached; False if stopped meanwhile."""
    attempt = 0
    while True:
        try:
            await application.initialize()
            return True
        except NetworkError as error:
            delay = STARTUP_RETRY_SECONDS[min(attempt, len(STARTUP_RETRY_SECONDS) - 1)]
            logger.warning("Bot API not reachable (%s); retrying in %ss", error, delay)
            attempt += 1
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
                return False
            except TimeoutError:
                continue


async def run(
    application: CoachApplication,
    stop: asyncio.Event,
    server: ServerSettings | None = None,
    *,
    poll_timeout: float = 10.0,
) -> None:
    """Start (webhook mode when `server` has a webhook URL, else long polling; an HTTP
    server when `server` names a port), run until `stop` is set, then shut down cleanly."""
    if not await _initialize(application, stop):
        return
    web = WebServer(application, server) if server is not None and server.port is not None else None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        if web is not None:
            # Listening before Telegram is told where to post: nothing sent is refused.
            await web.start()
        if server is not None and server.webhook_url:
            assert server.webhook_secret is not None
            # Every instance sets the same webhook: idempotent, and no instance removes
            # it on stop, so the others keep receiving while one restarts.
            await application.bot.set_webhook(
                server.webhook_url,
                secret_token=server.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
                max_connections=100,
            )
        else:
            assert application.updater is not None
            await application.updater.start_polling(
                timeout=timedelta(seconds=poll_timeout),
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=-1,
            )
        await application.start()
        await stop.wait()
        logger.info("Stopping")
    finally:
        if web is not None:
            await web.stop()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
