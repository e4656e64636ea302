"""`python -m bot`: run Cramp Coach (long polling, or webhook when WEBHOOK_URL is set)
until SIGINT or SIGTERM. `python -m bot demo`: the demo, no Telegram (bot/demo/)."""

import asyncio
import gc
import logging
import signal
import sys

from bot.app import build_application
from bot.demo.server import main as demo_main
from bot.logs import configure_logging
from bot.runner import run
from bot.settings import ConfigError, load_settings

logger = logging.getLogger("bot")


def settle_heap() -> None:
    """Move what start-up built (modules, mappers, the application: some 150,000 objects)
    out of the garbage collector's sight, as gc.freeze() is meant for. None of it becomes
    garbage, yet every full collection walked all of it: a pause of 50 ms and more, in
    which every update in flight waited (the tail of bench scenario 4)."""
    gc.collect()
    gc.freeze()


async def _serve() -> None:
    settings = load_settings()
    configure_logging(settings.app.log_level, settings.secrets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    mode = "webhook" if settings.server.webhook_url else "long polling"
    logger.info("Starting (%s); database %s", mode, settings.database.url.split("@")[-1])
    await run(build_application(settings), stop, settings.server, on_ready=settle_heap)


def main() -> None:
    """Entry point: one clear line and exit code 2 for a configuration problem."""
    if sys.argv[1:2] == ["demo"]:
        demo_main()
        return
    try:
        asyncio.run(_serve())
    except ConfigError as error:
        print(f"cramp-coach: configuration error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
