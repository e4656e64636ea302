"""`python -m bot`: run Cramp Coach by long polling until SIGINT or SIGTERM."""

import asyncio
import logging
import signal
import sys

from bot.app import build_application
from bot.logs import configure_logging
from bot.runner import run_polling
from bot.settings import ConfigError, load_settings

logger = logging.getLogger("bot")


async def _serve() -> None:
    settings = load_settings()
    configure_logging(settings.app.log_level, (settings.telegram.bot_token.get_secret_value(),))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    logger.info("Starting; database %s", settings.database.url.split("@")[-1])
    await run_polling(build_application(settings), stop)


def main() -> None:
    """Entry point: one clear line and exit code 2 for a configuration problem."""
    try:
        asyncio.run(_serve())
    except ConfigError as error:
        print(f"cramp-coach: configuration error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
