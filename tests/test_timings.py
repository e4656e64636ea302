"""The phase timers of benchmark scenario 4 (core.timings): nothing when off; when on,
each update's record gets the time of every phase it met, including in tasks it started,
and the per-user processor and the database pool add theirs."""

import asyncio
import gc
import time
from collections.abc import Iterator

import pytest

from bot.update_processor import PerUserUpdateProcessor
from core import timings
from db.session import create_engine
from tests.test_update_processor import Handlers, message_from, submit


@pytest.fixture
def timers_on() -> Iterator[None]:
    timings.enable()
    try:
        yield
    finally:
        timings.disable()


def test_off_records_nothing() -> None:
    assert not timings.is_enabled()
    timings.begin_update(1)
    with timings.phase(timings.HTTP):
        pass
    timings.since(0.0, timings.QUEUE)
    timings.end_update()
    assert timings.phase(timings.HTTP) is timings.phase(timings.DB_WAIT)  # one shared no-op
    assert timings.collected() == {"updates": [], "gc_pauses": []}


async def test_a_record_per_update_with_its_phases(timers_on: None) -> None:
    async def update(update_id: int, seconds: float) -> None:
        timings.begin_update(update_id)
        with timings.phase(timings.HTTP):
            await asyncio.sleep(seconds)

        async def in_a_task() -> None:
            with timings.phase(timings.TRANSACTION):
                await asyncio.sleep(seconds)

        await asyncio.create_task(in_a_task())  # a task copies the context: same record
        timings.end_update()

    await asyncio.gather(update(1, 0.01), update(2, 0.03))
    by_id = {int(r["update_id"]): r for r in timings.updates}
    assert set(by_id) == {1, 2}
    for update_id, seconds in ((1, 0.01), (2, 0.03)):
        record = by_id[update_id]
        assert record[timings.HTTP] >= seconds
        assert record[timings.TRANSACTION] >= seconds
        assert record["total"] >= record[timings.HTTP] + record[timings.TRANSACTION]
    assert by_id[1]["total"] < by_id[2]["total"]


async def test_processor_times_the_queue(timers_on: None) -> None:
    processor, handlers = PerUserUpdateProcessor(max_running=1), Handlers()
    gate = handlers.hold(1)
    first = submit(processor, handlers, message_from(7, 1))
    second = submit(processor, handlers, message_from(7, 2))  # waits for the first
    await asyncio.sleep(0)  # both tasks start (their timers with them) before the gate's
    held = time.perf_counter()
    await asyncio.sleep(0.02)
    held = time.perf_counter() - held
    gate.set()
    await asyncio.gather(first, second)
    by_id = {int(r["update_id"]): r for r in timings.updates}
    assert by_id[2][timings.QUEUE] >= held > by_id[1][timings.QUEUE]
    assert by_id[1]["total"] >= held


async def test_pool_times_the_wait_and_the_hold(timers_on: None, tmp_path: object) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3")
    timings.begin_update(3)
    async with engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")
    timings.end_update()
    await engine.dispose()
    [record] = timings.updates
    assert record[timings.DB_WAIT] >= 0
    assert record[timings.TRANSACTION] > 0


async def test_gc_pauses_are_timed(timers_on: None) -> None:
    gc.collect()
    assert any(generation == 2 for _, generation, _ in timings.gc_pauses)
