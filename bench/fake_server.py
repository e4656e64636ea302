"""Run the tests' fake Bot API in its own process, so it does not share the bot's core.

Prints its base URL on one line, then serves until its standard input closes. Besides
the Bot API it serves control routes for the benchmark driver:

- ``GET /_bench/calls``: every API call so far as ``[method, chat_id, status, at]``,
  ``at`` being this process's ``time.monotonic()`` when the request arrived (on Linux
  the same clock as the driver's ``time.monotonic()``).
- ``POST /_bench/cramp_flows``: simulated users reporting cramps (see bench/fake_users.py).
"""

import argparse
import asyncio
import sys

from aiohttp import web

from bench import fake_users
from tests.fake_bot_api import FakeBotApi


def control_routes(api: FakeBotApi) -> list[web.RouteDef]:
    """The benchmark driver's routes (see the module docstring)."""

    async def calls(_request: web.Request) -> web.Response:
        rows = [[c.method, c.params.get("chat_id"), c.status, c.at] for c in api.calls]
        return web.json_response(rows)

    return [web.get("/_bench/calls", calls), *fake_users.routes(api)]


async def serve(token: str, users: int, rate: float | None, per_chat: float | None) -> None:
    api = FakeBotApi(token)
    for user_id in range(1, users + 1):
        api.user(user_id)
    if rate or per_chat:
        api.rate_limit(overall_per_second=rate, per_chat_per_second=per_chat)
    await api.start(control_routes(api))
    print(api.base_url, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes the pipe
    await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--users", type=int, default=0)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--per-chat", type=float, default=None)
    args = parser.parse_args()
    asyncio.run(serve(args.token, args.users, args.rate, args.per_chat))


if __name__ == "__main__":
    main()
