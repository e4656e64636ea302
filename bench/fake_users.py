"""Simulated users that run inside the fake Bot API's process (bench/fake_server.py).

Timing is taken where an update is enqueued and where the bot's reply arrives, on this
process's ``time.monotonic()``, so neither the driver nor HTTP to the driver is in it.

Control route:

- ``POST /_bench/cramp_flows`` with JSON ``{"users": [ids], "think": s, "seconds": s,
  "spread": s, "timeout": s}``: every user reports cramps by buttons, over and over:
  /cramp, then Cramp, Calf, 7, 1–10 min, Save, each waiting for the bot's reply (the new
  message, then its edits). User i starts at ``i * spread / len(users)``; each step is
  sent ``think`` seconds after the user's previous one (at once if the reply came later),
  so all users are at the same step at about the same time; no step is sent after
  ``seconds``. Answers ``{"updates": [[step, enqueued_at, replied_at, status, update_id]],
  "saves": {user: n}, "timeouts": n}``.
"""

import asyncio
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fake_bot_api import ApiCall, FakeBotApi

STEPS = ("/cramp", "Cramp", "Calf", "7", "1–10 min", "Save")
Expect = Callable[[ApiCall], bool]


class _CallLog(list[ApiCall]):
    """The fake's call log, telling a listener about every call as it is recorded: one
    dict lookup per call, where the fake's own ``wait_for`` wakes every waiter."""

    def __init__(self, calls: list[ApiCall], listener: Callable[[ApiCall], None]) -> None:
        super().__init__(calls)
        self._listener = listener

    def append(self, call: ApiCall) -> None:
        super().append(call)
        self._listener(call)


class Replies:
    """Per chat, at most one awaited reply: the first call that matches resolves it."""

    def __init__(self, api: FakeBotApi) -> None:
        self._waiting: dict[int, tuple[Expect, asyncio.Future[ApiCall]]] = {}
        api.calls = _CallLog(api.calls, self._seen)

    def expect(self, chat_id: int, matches: Expect) -> "asyncio.Future[ApiCall]":
        future: asyncio.Future[ApiCall] = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = (matches, future)
        return future

    def _seen(self, call: ApiCall) -> None:
        chat_id = call.params.get("chat_id")
        waiting = self._waiting.get(chat_id) if isinstance(chat_id, int) else None
        if waiting is not None and waiting[0](call):
            del self._waiting[chat_id]  # type: ignore[arg-type]
            if not waiting[1].done():
                waiting[1].set_result(call)


def _is_form(call: ApiCall) -> bool:
    buttons = (call.response.get("result") or {}).get("reply_markup", {}).get("inline_keyboard")
    return call.method == "sendMessage" and any(
        button.get("text") == STEPS[1] for row in buttons or () for button in row
    )


def _edits(message_id: int) -> Expect:
    return lambda call: (
        call.method == "editMessageText" and call.params.get("message_id") == message_id
    )


@dataclass
class _Run:
    think: float
    deadline: float
    timeout: float
    updates: list[tuple[str, float, float, int, int]] = field(default_factory=list)
    saves: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0


async def _sleep_until(at: float) -> None:
    delay = at - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def _reporting_user(
    api: FakeBotApi, replies: Replies, user_id: int, start: float, run: _Run
) -> None:
    user = api.user(user_id)
    run.saves.setdefault(user_id, 0)
    step, form, due = 0, 0, start
    while due < run.deadline:
        await _sleep_until(due)
        expected = replies.expect(user_id, _is_form if step == 0 else _edits(form))
        enqueued = time.monotonic()
        if step == 0:
            update_id = await user.send(STEPS[0])
        else:
            await user.press(form, STEPS[step])
            update_id = api._last_update_id  # press() enqueues without a pause: it is its id
        try:
            reply = await asyncio.wait_for(expected, run.timeout)
        except TimeoutError:
            run.timeouts += 1
            return
        run.updates.append((STEPS[step], enqueued, reply.at, reply.status, update_id))
        if reply.status != 200:
            return
        if step == 0:
            form = int(reply.response["result"]["message_id"])
        elif STEPS[step] == "Save":
            run.saves[user_id] += 1
        step = (step + 1) % len(STEPS)
        due = max(due + run.think, time.monotonic())


async def cramp_flows(
    api: FakeBotApi,
    replies: Replies,
    users: list[int],
    *,
    think: float,
    seconds: float,
    spread: float,
    reply_timeout: float,
) -> dict[str, Any]:
    """Run the users (see the module docstring) and return what they measured."""
    # The fake keeps every call and update it has seen; out of the collector's sight, a
    # full collection of that history does not stall the users mid-run.
    gc.collect()
    gc.freeze()
    start = time.monotonic()
    run = _Run(think, start + seconds, reply_timeout)
    await asyncio.gather(
        *(
            _reporting_user(api, replies, user_id, start + spread * i / len(users), run)
            for i, user_id in enumerate(users)
        )
    )
    return {"updates": run.updates, "saves": run.saves, "timeouts": run.timeouts}


def routes(api: FakeBotApi) -> list[web.RouteDef]:
    """The simulated users' control route (see the module docstring)."""
    replies: list[Replies] = []

    async def flows(request: web.Request) -> web.Response:
        body = await request.json()
        if not replies:
            replies.append(Replies(api))
        result = await cramp_flows(
            api,
            replies[0],
            [int(user_id) for user_id in body["users"]],
            think=float(body["think"]),
            seconds=float(body["seconds"]),
            spread=float(body.get("spread", body["think"])),
            reply_timeout=float(body.get("timeout", 10.0)),
        )
        return web.json_response(result)

    return [web.post("/_bench/cramp_flows", flows)]
