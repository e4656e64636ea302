"""Processing updates: different users at once, each user's in arrival order, a bounded
number running, and one user's burst never holding up the others."""

import asyncio
import gc
import warnings
from datetime import UTC, datetime

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User

from bot.update_processor import PerUserUpdateProcessor, order_key

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def message_from(user_id: int, update_id: int, chat_id: int | None = None) -> Update:
    chat = Chat(chat_id or user_id, Chat.PRIVATE if chat_id is None else Chat.GROUP)
    user = User(user_id, "Test", False)
    return Update(update_id, message=Message(update_id, NOW, chat, from_user=user))


class Handlers:
    """Handler coroutines that record when they start and finish, and can be held."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []
        self.running = self.most_running = 0
        self.gates: dict[int, asyncio.Event] = {}

    def hold(self, update_id: int) -> asyncio.Event:
        self.gates[update_id] = asyncio.Event()
        return self.gates[update_id]

    async def handle(self, update: Update) -> None:
        self.events.append(("start", update.update_id))
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            if update.update_id in self.gates:
                await self.gates[update.update_id].wait()
            await asyncio.sleep(0)
        finally:
            self.running -= 1
            self.events.append(("end", update.update_id))

    def started(self) -> list[int]:
        return [update_id for kind, update_id in self.events if kind == "start"]

    def ended(self) -> list[int]:
        return [update_id for kind, update_id in self.events if kind == "end"]


def submit(
    processor: PerUserUpdateProcessor, handlers: Handlers, update: Update
) -> asyncio.Task[None]:
    """What PTB does with each update taken from its queue: a task per update."""
    return asyncio.create_task(processor.process_update(update, handlers.handle(update)))


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_users_updates_run_in_arrival_order_even_when_the_first_is_slow() -> None:
    processor, handlers = PerUserUpdateProcessor(), Handlers()
    gate = handlers.hold(1)
    tasks = [submit(processor, handlers, message_from(7, update_id)) for update_id in (1, 2, 3)]
    await settle()
    assert handlers.started() == [1]  # 2 and 3 wait for 1, though nothing else is running
    gate.set()
    await asyncio.gather(*tasks)
    assert handlers.events == [
        ("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)
    ]  # fmt: skip
    assert processor.waiting_users == 0


async def test_different_users_run_at_the_same_time() -> None:
    processor, handlers = PerUserUpdateProcessor(), Handlers()
    gate = handlers.hold(1)
    slow = submit(processor, handlers, message_from(7, 1))
    others = [submit(processor, handlers, message_from(user, user)) for user in (8, 9)]
    await asyncio.gather(*others)
    assert handlers.ended() == [8, 9] and not slow.done()
    gate.set()
    await slow


async def test_no_more_than_max_running_handlers_at_once() -> None:
    processor, handlers = PerUserUpdateProcessor(max_running=3), Handlers()
    gates = [handlers.hold(update_id) for update_id in range(1, 11)]
    tasks = [submit(processor, handlers, message_from(u, u)) for u in range(1, 11)]
    await settle()
    assert handlers.running == 3
    for gate in gates:
        gate.set()
    await asyncio.gather(*tasks)
    assert handlers.most_running == 3 and len(handlers.ended()) == 10


async def test_a_burst_from_one_user_does_not_take_the_running_slots() -> None:
    processor, handlers = PerUserUpdateProcessor(max_running=2, max_admitted=100), Handlers()
    gate = handlers.hold(1)
    burst = [submit(processor, handlers, message_from(7, update_id)) for update_id in range(1, 21)]
    other = submit(processor, handlers, message_from(8, 100))
    await asyncio.wait_for(other, 1)  # ran while user 7's 19 updates wait for their first
    assert handlers.started() == [1, 100]
    gate.set()
    await asyncio.gather(*burst)
    assert handlers.started() == [1, 100, *range(2, 21)]


async def test_a_failing_update_does_not_stop_the_users_next_one() -> None:
    processor = PerUserUpdateProcessor()
    done: list[int] = []

    async def fail() -> None:
        raise RuntimeError("handler bug")

    async def succeed() -> None:
        done.append(2)

    first = asyncio.create_task(processor.process_update(message_from(7, 1), fail()))
    second = asyncio.create_task(processor.process_update(message_from(7, 2), succeed()))
    with pytest.raises(RuntimeError):
        await first
    await second
    assert done == [2]


async def test_cancelling_a_waiting_update_leaves_the_others_alone() -> None:
    processor, handlers = PerUserUpdateProcessor(), Handlers()
    gate = handlers.hold(1)
    first, second, third = (
        submit(processor, handlers, message_from(7, update_id)) for update_id in (1, 2, 3)
    )
    await settle()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        second.cancel()
        await settle()
        assert second.cancelled() and not first.done()
        del second  # its traceback holds the handler's coroutine until then
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]
    gate.set()
    await asyncio.gather(first, third)
    assert handlers.started() == [1, 3]


async def test_updates_without_a_user_or_chat_run_at_once() -> None:
    processor = PerUserUpdateProcessor()
    ran: list[str] = []

    async def handle() -> None:
        ran.append("ran")

    await processor.process_update(object(), handle())
    await processor.process_update(Update(5), handle())
    assert ran == ["ran", "ran"] and processor.waiting_users == 0


def test_order_key_is_the_sender_then_the_chat() -> None:
    assert order_key(message_from(7, 1)) == 7
    assert order_key(message_from(7, 1, chat_id=-100)) == 7  # a group: still the sender's
    press = CallbackQuery("q", User(9, "B", False), "ci", data="x")
    assert order_key(Update(2, callback_query=press)) == 9
    channel_post = Message(3, NOW, Chat(-200, Chat.CHANNEL))
    assert order_key(Update(3, channel_post=channel_post)) == -200
    assert order_key(Update(4)) is None
    assert order_key("not an update") is None
