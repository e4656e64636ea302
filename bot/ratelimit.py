"""One send budget for everything the bot sends: replies and reminders alike.

Telegram allows a bot about 30 messages a second overall and about one a second in
one chat. Every outgoing message (send*, edit*, copy, forward) takes a slot from the
overall budget, spaced evenly. Background messages (reminders) also keep one second
between messages to the same chat, counted from the answer to the one before; replies
to a user's tap do not wait for that, but they count, so a reminder waits for a quiet
second after a reply (for BUSY_CHAT_WAIT_SECONDS at most, while someone taps on).
A 429 pauses all sending for its retry_after and the same request is tried again.
Paid broadcasts (allow_paid_broadcast, SEND_PAID_BROADCAST) do not take from the free
budget: they are spaced on a lane of their own at Telegram's paid rate, 1,000 a second.
Several instances share the overall budget (bot/budget.py): each changes its own rate at
run time with `set_rate`, and a rate of 0 holds its messages until it has a share.
"""

import asyncio
import contextlib
import logging
import math
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot import metrics
from core import timings

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
RateLimitArgs = dict[str, Any]
BACKGROUND: RateLimitArgs = {"background": True}
PAID_BROADCAST: RateLimitArgs = {"background": True, "paid": True}
# Chats not written to for this long are forgotten, to bound memory.
_CHAT_MEMORY_SECONDS = 60.0
_ANY_TURN = contextlib.nullcontext()  # a reply or a call that is not a message: no chat's turn
# A background message waits at most this long for a chat to fall quiet (replies to someone
# tapping on keep coming); then it goes all the same. Waiting on would hold it, and the
# dispatcher's pass that waits for it, for as long as they tap; Telegram's per-chat limit
# takes a short burst.
BUSY_CHAT_WAIT_SECONDS = 5.0


def _is_message(endpoint: str) -> bool:
    name = endpoint.lower()
    return name.startswith(("send", "edit", "copymessage", "forwardmessage")) and (
        name != "sendchataction"
    )


class SendLimiter(BaseRateLimiter[RateLimitArgs]):
    """Spaces messages to stay under Telegram's limits and waits out 429s."""

    def __init__(
        self,
        overall_per_second: float | None = 30.0,
        per_chat_interval: float = 1.0,
        max_retries: int = 5,
        busy_chat_wait: float = BUSY_CHAT_WAIT_SECONDS,
    ) -> None:
        self.overall_interval = 1.0 / overall_per_second if overall_per_second else 0.0
        # Cleared while this instance's share of a shared budget is 0 (set_rate).
        self._has_budget = asyncio.Event()
        self._has_budget.set()
        self.per_chat_interval = per_chat_interval
        self.busy_chat_wait = max(busy_chat_wait, per_chat_interval)
        self.max_retries = max_retries
        self._next_overall = 0.0
        self._next_paid = 0.0
        self.paid_interval = 1.0 / FloodLimit.PAID_MESSAGES_PER_SECOND
        # When the last second's worth of messages went: a burst after a stalled loop
        # (senders waking late, all at once) never puts more than the budget in a second.
        self._recent: deque[float] = deque(
            maxlen=max(1, math.floor(overall_per_second)) if overall_per_second else 1
        )
        # When each chat was last sent to; background messages to one chat go one at a
        # time (its lock, held until answered) and each waits out the interval since the
        # one before was answered.
        self._last_in_chat: dict[int | str, float] = {}
        self._chat_locks: dict[int | str, asyncio.Lock] = {}
        self._resume_at = 0.0
        self._last_cleanup = 0.0

    def set_rate(self, overall_per_second: float | None) -> None:
        """Change the overall budget from now on (None: no limit; 0: hold every message
        until a later call gives some). Slots already handed out keep their times; the
        one-second window caps the next second at the new rate."""
        if overall_per_second is not None and overall_per_second <= 0:
            self._has_budget.clear()
            return
        self.overall_interval = 1.0 / overall_per_second if overall_per_second else 0.0
        size = max(1, math.floor(overall_per_second)) if overall_per_second else 1
        if size != self._recent.maxlen:
            self._recent = deque(self._recent, maxlen=size)
        self._has_budget.set()

    @property
    def rate(self) -> float | None:
        """Messages a second this limiter sends at most now (None: no limit; 0: held)."""
        if not self._has_budget.is_set():
            return 0.0
        return 1.0 / self.overall_interval if self.overall_interval else None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _clock(self) -> float:
        return asyncio.get_running_loop().time()

    async def _wait_for_turn(
        self, chat_id: int | str | None, background: bool, paid: bool = False
    ) -> None:
        if chat_id is None or not background:
            await self._wait_overall()
            if chat_id is not None:
                self._last_in_chat[chat_id] = self._clock()  # a reply counts for its chat
            return
        # Re-read after each sleep: a reply to this chat meanwhile counts too, up to a point.
        latest = self._clock() + self.busy_chat_wait
        while (wait := min(self._chat_free_at(chat_id), latest) - self._clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        # The overall slot is taken only once the chat is ready, so one waiting chat
        # never holds up everyone else's messages. (The chat's time is set on the answer.)
        await (self._wait_paid() if paid else self._wait_overall())

    def _chat_turn(self, chat_id: int | str | None) -> contextlib.AbstractAsyncContextManager[Any]:
        """Background messages to one chat go one at a time, each until it is answered."""
        if chat_id is None:
            return _ANY_TURN
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    def _chat_free_at(self, chat_id: int | str) -> float:
        return self._last_in_chat.get(chat_id, float("-inf")) + self.per_chat_interval

    async def _wait_overall(self) -> None:
        """Wait for the next free slot of the overall budget, and out of any 429 pause.

        Slots are a fixed grid (interval apart from the last one handed out), so a sender
        woken late by a busy loop does not push everyone after it back: over any stretch
        of time the rate stays at the budget, and never above it by more than one message.
        Senders woken late together would go out at once, so a one-second window caps
        them: never more than the budget in any second.
        """
        while True:
            await self._has_budget.wait()
            now = self._clock()
            slot = max(now, self._next_overall, self._resume_at)
            self._next_overall = slot + self.overall_interval
            if slot > now:
                await asyncio.sleep(slot - now)
            if self.overall_interval:
                await self._wait_for_window()
            if self._resume_at <= self._clock():
                self._recent.append(self._clock())
                return
            # A 429 arrived while this sender slept: take a fresh slot after the pause, so
            # the senders waiting go out spaced, not all at once when it ends.

    async def _wait_paid(self) -> None:
        """The next slot of the paid lane (and out of any 429 pause)."""
        now = self._clock()
        slot = max(now, self._next_paid, self._resume_at)
        self._next_paid = slot + self.paid_interval
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _wait_for_window(self) -> None:
        """Wait until fewer than a second's budget of messages went in the last second."""
        recent = self._recent
        while len(recent) == recent.maxlen:
            wait = recent[0] + 1.0 - self._clock()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def _forget_quiet_chats(self, now: float) -> None:
        if now - self._last_cleanup < _CHAT_MEMORY_SECONDS:
            return
        self._last_cleanup = now
        horizon = now - _CHAT_MEMORY_SECONDS
        self._last_in_chat = {c: t for c, t in self._last_in_chat.items() if t > horizon}
        self._chat_locks = {
            c: lock
            for c, lock in self._chat_locks.items()
            if lock.locked() or c in self._last_in_chat
        }

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a free slot, send, and on a 429 wait and send the same request again.

        Other calls (answerCallbackQuery, setMyCommands, ...) are neither spaced nor held
        by a pause, but a 429 of their own is waited out and retried all the same."""
        message = _is_message(endpoint)
        chat_id = data.get("chat_id")
        background = bool(rate_limit_args and rate_limit_args.get("background"))
        paid = bool(rate_limit_args and rate_limit_args.get("paid"))
        for attempt in range(self.max_retries + 1):
            # A background message holds its chat until answered, so that the chat's next
            # one is spaced from the answer: spaced only from this one's slot, a slow
            # request (a busy loop, a wait for a connection) would reach Telegram less
            # than the interval before the next.
            async with self._chat_turn(chat_id if message and background else None):
                if message:
                    with timings.phase(timings.LIMITER):
                        await self._wait_for_turn(chat_id, background, paid)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as error:
                    metrics.TELEGRAM_429.inc()
                    if attempt == self.max_retries:
                        raise
                    delay = _seconds(error) + 0.1
                    if message:
                        logger.warning("Flood limit hit; pausing all sending for %.1fs", delay)
                        self._resume_at = max(self._resume_at, self._clock() + delay)
                    else:
                        logger.warning("Flood limit hit on %s; retrying in %.1fs", endpoint, delay)
                        await asyncio.sleep(delay)
                finally:
                    if message and background and chat_id is not None:
                        self._last_in_chat[chat_id] = self._clock()
                        self._forget_quiet_chats(self._clock())
        raise AssertionError("unreachable")


def _seconds(error: RetryAfter) -> float:
    """How long Telegram asks to wait. `retry_after` is a timedelta with PTB_TIMEDELTA set
    and an int (deprecated since PTB 22.2, with a warning on each read) without it; both
    mean the same wait, so the warning tells an operator nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
