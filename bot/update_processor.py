"""How updates are processed: different users at the same time, each user's in order.

One at a time (PTB's default), every update waits for all earlier ones, each of which
waits on the Bot API and the database: 200 users tapping at once queue for seconds. Run
concurrently without order, two taps of one user could be handled out of order or race
on the same rows. So each user's updates form a queue of their own, and a bounded
number of handlers run at once across users.
"""

import asyncio
import inspect
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot import metrics
from core import timings

# Handlers running at once: about the database pool (5 + 10 overflow). More only queue for
# a connection and, on SQLite, for the write lock, whose waiters poll; in the benchmark
# (bench/updates.py) 16 did better than 8 (too little overlap) and than 64.
MAX_RUNNING = 16
# Updates admitted at once, running or waiting for their user's earlier ones; past this
# PTB keeps them queued. Larger than MAX_RUNNING so one user's burst of taps waits in
# its own queue without taking the running slots other users need.
MAX_ADMITTED = 1024


def order_key(update: object) -> int | None:
    """Whose updates must stay in order: the sender's (every handler works on the sender's
    own records and chat), else the chat's; None for anything else (runs at once)."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Processes different users' updates concurrently and each user's one after another,
    in the order they arrived; at most `max_running` handlers run at once."""

    def __init__(self, max_running: int = MAX_RUNNING, max_admitted: int = MAX_ADMITTED) -> None:
        super().__init__(max(max_admitted, max_running))
        self._running = asyncio.BoundedSemaphore(max_running)
        # The last admitted update of each user: done when it has been processed.
        self._last: dict[int, asyncio.Future[None]] = {}

    @property
    def waiting_users(self) -> int:
        """Users with an update admitted and not yet processed."""
        return len(self._last)

    @metrics.timed_update
    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the user's previous update, then for a running slot, then process."""
        key = order_key(update)
        # PTB runs each update in a task of its own: the record is this update's.
        timings.begin_update(update.update_id if isinstance(update, Update) else None)
        waiting = time.perf_counter()
        if key is None:
            async with self._running:
                timings.since(waiting, timings.QUEUE)
                await coroutine
            timings.end_update()
            return
        # Everything up to the first await runs in arrival order (PTB admits updates
        # first come, first served), so the chain is in arrival order too.
        previous = self._last.get(key)
        done = asyncio.get_running_loop().create_future()
        self._last[key] = done
        try:
            if previous is not None:
                # asyncio.wait: being cancelled here must not cancel the previous update.
                await asyncio.wait((previous,))
            async with self._running:
                timings.since(waiting, timings.QUEUE)
                await coroutine
        finally:
            timings.end_update()
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled before it ran: no "never awaited" warning
            done.set_result(None)
            if self._last.get(key) is done:
                del self._last[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB waits for the updates in progress before this."""
