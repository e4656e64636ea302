"""Run the application, by long polling or by webhook, until asked to stop.

python-telegram-bot's own lifecycle, as its custom-webhook example uses it: `async with
application` initializes and shuts down; `start()` / `stop()` run the handlers in
between. Around it, what `run_polling` would add: the post_init / post_stop /
post_shutdown hooks. What is ours: start-up waits for the Bot API instead of failing,
and the choice of polling or webhook (bot/web.py puts Telegram's posts on the update
queue; the Updater is not used then). `python -m bot` and the end-to-end tests share it.
"""

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta

from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES
from bot.context import CoachApplication
from bot.settings import ConfigError, ServerSettings
from bot.web import WebServer

logger = logging.getLogger(__name__)

STARTUP_RETRY_SECONDS = (1, 2, 5, 10, 30)


async def _reach_bot_api(application: CoachApplication, stop: asyncio.Event) -> bool:
    """Initialize, retrying while the Bot API cannot be reached; False if stopped meanwhile.
    (Initializing twice is a no-op, so `async with application` may follow.) A token the
    Bot API rejects is a ConfigError: retrying would not help."""
    for attempt in itertools.count():
        try:
            await application.initialize()
            return True
        except InvalidToken:
            # PTB's message quotes the token: neither chained nor logged.
            await application.bot.shutdown()  # the connections the first try opened
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN was rejected by the Bot API; copy it again from @BotFather"
            ) from None
        except NetworkError as error:
            delay = STARTUP_RETRY_SECONDS[min(attempt, len(STARTUP_RETRY_SECONDS) - 1)]
            logger.warning("Bot API not reachable (%s); retrying in %ss", error, delay)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                continue
            await application.bot.shutdown()
            return False
    raise AssertionError("unreachable")


@asynccontextmanager
async def _resources(application: CoachApplication) -> AsyncIterator[None]:
    """post_init on the way in, post_shutdown on the way out (the database)."""
    if application.post_init is not None:
        await application.post_init(application)
    try:
        yield
    finally:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


@asynccontextmanager
async def _receiving(
    application: CoachApplication, server: ServerSettings | None, poll_timeout: float
) -> AsyncIterator[None]:
    """Updates flow in while inside: from our web server's webhook, or by long polling."""
    async with AsyncExitStack() as stack:
        if server is not None and server.port is not None:
            web = WebServer(application, server)
            # Listening before Telegram is told where to post: nothing sent is refused.
            await web.start()
            stack.push_async_callback(web.stop)
        if server is not None and server.webhook_url:
            assert server.webhook_secret is not None
            # Every instance sets the same webhook: idempotent, and no instance removes it
            # on stop, so the others keep receiving while one restarts.
            await application.bot.set_webhook(
                server.webhook_url,
                secret_token=server.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
                max_connections=100,
            )
        else:
            updater = application.updater
            assert updater is not None
            await updater.start_polling(
                timeout=timedelta(seconds=poll_timeout),
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=-1,
            )
            stack.push_async_callback(updater.stop)
        yield


@asynccontextmanager
async def _stopping(application: CoachApplication) -> AsyncIterator[None]:
    """On the way out, stop the handlers if they were started, then post_stop (the
    dispatcher finishes what it is sending)."""
    try:
        yield
    finally:
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)


async def run(
    application: CoachApplication,
    stop: asyncio.Event,
    server: ServerSettings | None = None,
    *,
    poll_timeout: float = 10.0,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Start (webhook mode when `server` has a webhook URL, else long polling; an HTTP
    server when `server` names a port), run until `stop` is set, then shut down cleanly:
    updates stop coming in, the handlers and the dispatcher finish, the database closes.
    `on_ready` is called once everything has started."""
    if not await _reach_bot_api(application, stop):
        return
    # Left in reverse order: updates stop coming in before the handlers stop, so none that
    # was taken in (a polled update, a webhook post answered 200) is dropped unhandled.
    async with (
        application,
        _resources(application),
        _stopping(application),
        _receiving(application, server, poll_timeout),
    ):
        await application.start()
        if on_ready is not None:
            on_ready()
        await stop.wait()
        logger.info("Stopping")
