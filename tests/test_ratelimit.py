"""The shared send budget: even spacing overall, one background message per chat per
interval, replies never held back by a chat's interval, and 429s waited out and retried.

Only lower bounds on waiting are asserted (the limiter must never send too early); how
fast things go is the benchmarks' business."""

import asyncio
import itertools
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import BACKGROUND, PAID_BROADCAST, SendLimiter


class Endpoint:
    """Records when each call reached 'Telegram'; fails with 429 when told to."""

    def __init__(self, flood_once: bool = False) -> None:
        self.calls: list[tuple[float, Any]] = []
        self.flood_once = flood_once

    async def __call__(self, chat_id: Any) -> dict[str, Any]:
        self.calls.append((asyncio.get_running_loop().time(), chat_id))
        if self.flood_once:
            self.flood_once = False
            raise RetryAfter(1)
        return {"ok": True}


async def send(
    limiter: SendLimiter,
    endpoint: Endpoint,
    chat_id: int,
    background: bool = True,
    method: str = "sendMessage",
) -> None:
    await limiter.process_request(
        endpoint, (chat_id,), {}, method, {"chat_id": chat_id}, BACKGROUND if background else None
    )


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


async def test_messages_are_spaced_to_the_overall_rate() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=20), Endpoint()
    await asyncio.gather(*(send(limiter, endpoint, chat) for chat in range(10)))
    assert len(endpoint.calls) == 10
    times = sorted(t for t, _ in endpoint.calls)
    # Never ahead of an even grid from the first: at most k + 1 messages in k intervals.
    assert all(at >= times[0] + index * 0.05 - 0.002 for index, at in enumerate(times))


async def test_a_sender_woken_late_does_not_slow_the_rest_down() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=20), Endpoint()

    async def busy_loop() -> None:
        await asyncio.sleep(0.12)
        time.sleep(0.1)  # noqa: ASYNC251  (blocks the loop on purpose: senders wake late)

    await asyncio.gather(busy_loop(), *(send(limiter, endpoint, chat) for chat in range(10)))
    times = sorted(t for t, _ in endpoint.calls)
    assert times[-1] - times[0] < 9 * 0.05 + 0.03  # the grid held: no time lost overall
    assert all(at >= times[0] + index * 0.05 - 0.002 for index, at in enumerate(times))


async def test_background_messages_to_one_chat_keep_the_chat_interval() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=None, per_chat_interval=0.2), Endpoint()
    await asyncio.gather(
        *(send(limiter, endpoint, 7) for _ in range(3)), send(limiter, endpoint, 8)
    )
    chat_7 = [t for t, chat in endpoint.calls if chat == 7]
    assert min(gaps(chat_7)) >= 0.2 - 0.002
    assert endpoint.calls[0][1] in (7, 8) and len(endpoint.calls) == 4


async def test_replies_are_not_held_back_by_the_chat_interval_but_count_for_it() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=None, per_chat_interval=60), Endpoint()
    await asyncio.wait_for(send(limiter, endpoint, 7, background=False), timeout=5)
    await asyncio.wait_for(send(limiter, endpoint, 7, background=False), timeout=5)
    reminder = asyncio.create_task(send(limiter, endpoint, 7))
    await asyncio.sleep(0.1)
    assert not reminder.done()  # a reminder waits its turn after the replies
    reminder.cancel()


async def test_a_429_pauses_all_sending_and_retries_the_same_request() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=None), Endpoint(flood_once=True)
    await asyncio.gather(send(limiter, endpoint, 1), send(limiter, endpoint, 2))
    times = [t for t, _ in endpoint.calls]
    assert [chat for _, chat in endpoint.calls].count(1) == 2  # the refused one, sent again
    assert times[-1] - times[0] >= 1.0


async def test_gives_up_after_max_retries_with_the_429() -> None:
    class AlwaysFlooded(Endpoint):
        async def __call__(self, chat_id: Any) -> dict[str, Any]:
            self.calls.append((0.0, chat_id))
            raise RetryAfter(0)

    limiter, endpoint = SendLimiter(overall_per_second=None, max_retries=2), AlwaysFlooded()
    with pytest.raises(RetryAfter):
        await send(limiter, endpoint, 1)
    assert len(endpoint.calls) == 3


async def test_non_message_calls_are_not_limited() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=0.001), Endpoint()
    for _ in range(3):
        await asyncio.wait_for(send(limiter, endpoint, 1, method="answerCallbackQuery"), timeout=5)
    assert len(endpoint.calls) == 3


async def test_senders_woken_late_together_never_exceed_the_budget_in_a_second() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=20), Endpoint()

    async def stall() -> None:
        await asyncio.sleep(0.3)
        time.sleep(0.6)  # noqa: ASYNC251  (a stalled loop: a dozen senders wake at once)

    await asyncio.gather(stall(), *(send(limiter, endpoint, chat) for chat in range(45)))
    times = sorted(t for t, _ in endpoint.calls)
    assert len(times) == 45
    assert max(sum(1 for t in times if start <= t < start + 1.0 - 1e-3) for start in times) <= 20


async def test_paid_broadcasts_go_on_their_own_lane_not_the_free_budget() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=2), Endpoint()

    async def paid(chat_id: int) -> None:
        await limiter.process_request(
            endpoint, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, PAID_BROADCAST
        )

    await asyncio.gather(*(paid(chat) for chat in range(40)))
    times = sorted(t for t, _ in endpoint.calls)
    assert times[-1] - times[0] < 0.5  # 40 at 1,000 a second, not 20 s at 2 a second
    assert times[-1] - times[0] >= 39 * 0.001 - 0.002  # still spaced, at the paid rate


async def test_a_chats_next_reminder_is_spaced_from_the_answer_to_the_one_before() -> None:
    """A request slow on its way (a busy loop, a wait for a connection) must not reach
    Telegram less than the interval before the chat's next one (0.998 s apart was seen in
    tests/test_instances.py on a loaded machine, and refused with a 429)."""

    class SlowFirst(Endpoint):
        async def __call__(self, chat_id: Any) -> dict[str, Any]:
            if not self.calls:
                await asyncio.sleep(0.15)  # the first request arrives late
            return await super().__call__(chat_id)

    limiter, endpoint = SendLimiter(overall_per_second=None, per_chat_interval=0.2), SlowFirst()
    await asyncio.gather(send(limiter, endpoint, 7), send(limiter, endpoint, 7))
    assert min(gaps([t for t, _ in endpoint.calls])) >= 0.2 - 0.002


async def test_a_reminder_waits_for_a_chat_that_keeps_getting_replies_only_so_long() -> None:
    """Someone tapping on gets a reply every fraction of a second: their reminder waits for
    a quiet moment, but not for ever (it held a whole dispatcher pass, in CI, for minutes)."""
    limiter = SendLimiter(overall_per_second=None, per_chat_interval=0.2, busy_chat_wait=0.5)
    endpoint = Endpoint()
    tapping = True

    async def tap_on() -> None:
        while tapping:
            await send(limiter, endpoint, 7, background=False)
            await asyncio.sleep(0.05)

    taps = asyncio.create_task(tap_on())
    await asyncio.sleep(0.1)
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(send(limiter, endpoint, 7), timeout=5)
    waited = asyncio.get_running_loop().time() - started
    tapping = False
    await taps
    assert 0.5 - 0.002 <= waited < 2
