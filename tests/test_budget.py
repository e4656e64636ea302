"""Several instances on one database (SQLite, and PostgreSQL when configured): the
registry (register, heartbeat, stale, deregister, forgotten), the shared send budget's
shares as instances come and go, the limiter's rate changed at run time, and the users
partitioned among the live instances in the dispatcher's claim."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.seed import seed_due, user_rows
from bot.budget import HEADROOM, SharedBudget, fair_share
from bot.ratelimit import SendLimiter
from db import instances
from db.instances import FORGET_AFTER, STALE_AFTER, Member, Membership, Partition
from db.models import Delivery, Instance, ReminderSchedule, User
from scheduler.dispatcher import Dispatcher, Outgoing, PassStats
from tests.conftest import FakeClock
from tests.test_dispatcher import RecordingSender
from tests.test_ratelimit import Endpoint, send

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TOTAL = 30.0


def share(live: int) -> float:
    """One instance's rate when `live` instances share TOTAL."""
    return TOTAL * HEADROOM / live


# -- the registry --------------------------------------------------------------------------


async def test_registered_instances_are_live_until_they_stop_beating_or_deregister(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = await instances.register(session, "a:1", NOW)
        second = await instances.register(session, "b:2", NOW)
    assert first < second

    async with sessions.begin() as session:
        assert [m.id for m in await instances.members(session, NOW)] == [first, second]
        assert await instances.beat(session, first, NOW + STALE_AFTER, 15.0)
    later = NOW + STALE_AFTER + timedelta(seconds=1)
    async with sessions.begin() as session:
        # The second has not beaten for longer than STALE_AFTER: dead; the first is live.
        assert await instances.members(session, later, lock=True) == [Member(first, 15.0)]
        # ... unless it asks about itself (its own beat is late, not it).
        live = await instances.members(session, later, including=second)
        assert [m.id for m in live] == [first, second]
        await instances.deregister(session, first)
    async with sessions.begin() as session:
        assert await instances.members(session, later) == []
        assert not await instances.beat(session, first, later, 0.0)  # gone: register anew
        assert await instances.forget_dead(session, NOW + FORGET_AFTER) == 0
        assert await instances.forget_dead(session, NOW + FORGET_AFTER + timedelta(1)) == 1
        assert await session.scalar(select(func.count()).select_from(Instance)) == 0


def test_partitions_split_the_users_among_the_live_instances() -> None:
    live = [Member(4, 0.0), Member(9, 0.0), Member(12, 0.0)]
    partitions = [instances.partition_among(live, member.id) for member in live]
    assert partitions == [Partition(0, 3), Partition(1, 3), Partition(2, 3)]
    owners = Counter(
        index for user in range(1, 301) for index, p in enumerate(partitions) if p and p.owns(user)
    )
    assert owners == {0: 100, 1: 100, 2: 100}  # every user to exactly one instance
    assert instances.partition_among(live, 5) is None  # not live: claims nothing


def test_a_share_is_equal_but_never_more_than_the_others_left() -> None:
    assert fair_share(TOTAL, 1, [Member(1, 0.0)]) == share(1)
    # A newcomer while the first still sends at the whole budget: nothing yet.
    assert fair_share(TOTAL, 2, [Member(1, TOTAL), Member(2, 0.0)]) == 0.0
    # The first gives half back; then the newcomer takes it.
    assert fair_share(TOTAL, 1, [Member(1, TOTAL), Member(2, 0.0)]) == share(2)
    assert fair_share(TOTAL, 2, [Member(1, share(2)), Member(2, 0.0)]) == share(2)
    # Me not (yet) among the live ones still counts.
    assert fair_share(TOTAL, 3, [Member(1, share(3)), Member(2, share(3))]) == pytest.approx(
        share(3)
    )


# -- the shared budget ---------------------------------------------------------------------


def budget(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, changes: list[float | None]
) -> SharedBudget:
    return SharedBudget(
        sessions, SendLimiter(TOTAL), TOTAL, on_change=changes.append, clock=clock,
        heartbeat_seconds=3600,  # the test beats by hand
    )  # fmt: skip


async def published(sessions: async_sessionmaker[AsyncSession]) -> dict[int, float]:
    async with sessions() as session:
        rows = await session.execute(select(Instance.id, Instance.send_rate))
        return {row.id: row.send_rate for row in rows}


async def test_instances_share_one_budget_as_they_come_and_go(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    changes: list[float | None] = []
    a, b, c = (budget(sessions, clock, changes) for _ in range(3))
    await a.start()
    assert a.limiter.rate == share(1)  # alone: the whole budget, less the headroom
    await b.start()
    assert b.limiter.rate == 0.0  # a still has it all
    await a.beat()
    await b.beat()
    assert (a.limiter.rate, b.limiter.rate) == (share(2), share(2))
    await c.start()
    for member in (a, b, c, c):
        await member.beat()
        rates = await published(sessions)
        assert sum(rates.values()) <= TOTAL + 1e-9  # never more than the total, at any beat
    assert [x.limiter.rate for x in (a, b, c)] == [share(3)] * 3

    # c stops beating (killed): counted until STALE_AFTER, then its share goes back.
    clock.advance(seconds=STALE_AFTER.total_seconds() - 1)
    for member in (a, b):
        await member.beat()
    assert a.limiter.rate == share(3)
    clock.advance(seconds=2)
    for member in (a, b):
        await member.beat()
    assert (a.limiter.rate, b.limiter.rate) == (share(2), share(2))
    assert b.membership.instance_id is not None

    # b stops cleanly: deregistered at once, a takes the whole budget at its next beat.
    await b.stop()
    await a.beat()
    assert a.limiter.rate == share(1) and a.live == 1
    await a.stop()
    assert set(await published(sessions)) == {c.instance_id}  # dead; forgotten in time
    assert changes[:2] == [0.0, share(1)]


async def test_an_instance_forgotten_after_a_long_stall_registers_anew(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    changes: list[float | None] = []
    a, b = budget(sessions, clock, changes), budget(sessions, clock, changes)
    await a.start()
    first_id = a.instance_id
    clock.advance(seconds=FORGET_AFTER.total_seconds() + 1)
    await b.start()  # b's beat forgets a's row
    await a.beat()  # a finds its row gone: it sends nothing until it is back
    assert (a.membership.instance_id, a.limiter.rate) == (None, 0.0)
    await b.beat()
    await a.beat()
    await b.beat()
    await a.beat()
    assert a.instance_id not in (None, first_id)
    assert (a.limiter.rate, b.limiter.rate) == (share(2), share(2))


# -- the limiter's rate at run time --------------------------------------------------------


async def test_the_limiter_holds_messages_at_rate_0_and_sends_once_given_a_rate() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=TOTAL), Endpoint()
    limiter.set_rate(0.0)
    assert limiter.rate == 0.0
    waiting = asyncio.create_task(send(limiter, endpoint, 1))
    answer = asyncio.create_task(send(limiter, endpoint, 2, background=False))
    await asyncio.sleep(0.2)
    assert endpoint.calls == []  # replies wait too: every message counts
    limiter.set_rate(10.0)
    await asyncio.wait_for(asyncio.gather(waiting, answer), timeout=5)
    assert len(endpoint.calls) == 2 and limiter.rate == 10.0
    limiter.set_rate(None)
    assert limiter.rate is None


async def test_a_lower_rate_caps_the_next_second_at_once() -> None:
    limiter, endpoint = SendLimiter(overall_per_second=1000), Endpoint()
    await asyncio.gather(*(send(limiter, endpoint, chat) for chat in range(20)))
    limiter.set_rate(10.0)
    before = len(endpoint.calls)
    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(send(limiter, endpoint, chat) for chat in range(20, 25)))
    later = [t for t, _ in endpoint.calls[before:]]
    # The last second already held 20 messages, over the new rate of 10: the next ones
    # wait until the window has room, then go on the new grid.
    assert min(later) >= endpoint.calls[10][0] + 1.0 - 0.002
    assert all(t >= started for t in later)


# -- partitions in the claim ---------------------------------------------------------------


async def members_of(sessions: async_sessionmaker[AsyncSession], count: int) -> list[Membership]:
    memberships = []
    for index in range(count):
        membership = Membership(clock=lambda: NOW)
        async with sessions.begin() as session:
            membership.instance_id = await instances.register(session, f"i:{index}", NOW)
        memberships.append(membership)
    return memberships


async def assert_each_delivery_sent_once(
    engine: AsyncEngine, senders: list[RecordingSender]
) -> None:
    """(A user's next hourly slot may fall due too, on the fixed clock: another delivery.)"""
    sent = Counter(o.delivery_id for sender in senders for o in sender.sent)
    assert set(sent.values()) == {1}
    async with engine.connect() as connection:
        assert set(sent) == set((await connection.execute(select(Delivery.id))).scalars())


@pytest.mark.parametrize("database_url", ["postgresql", "sqlite"], indirect=True)
async def test_each_instance_claims_only_its_own_users_and_each_slot_goes_once(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_due(engine, 90, NOW)
    clock = FakeClock(NOW)
    a, b, c = await members_of(sessions, 3)
    senders = [RecordingSender() for _ in range(3)]
    dispatchers = [
        Dispatcher(sessions, sender, clock, batch_size=7, membership=membership)
        for sender, membership in zip(senders, (a, b, c), strict=True)
    ]
    # Passes at once on every instance, until there is nothing left to claim.
    while any(s.claimed for s in await asyncio.gather(*(d.run_once() for d in dispatchers))):
        pass
    for index, sender in enumerate(senders):
        users = {o.user_id for o in sender.messages}
        assert users == {u for u in range(1, 91) if u % 3 == index}
    await assert_each_delivery_sent_once(engine, senders)


async def test_a_dead_instances_users_move_to_the_live_ones(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_due(engine, 40, NOW)
    clock = FakeClock(NOW)
    a, _ = await members_of(sessions, 2)
    sender = RecordingSender()
    dispatcher = Dispatcher(sessions, sender, clock, membership=a)
    await dispatcher.run_once()
    assert {o.user_id for o in sender.messages} == set(range(2, 41, 2))  # a's half
    next_due = await dispatcher.next_due_at()
    assert next_due is not None and next_due > NOW  # a's half is done; b's is not a's

    # b stops beating; once stale its users are a's (a beat on, by the clock it reads).
    a.clock = lambda: NOW + STALE_AFTER + timedelta(seconds=1)
    async with sessions.begin() as session:
        await instances.beat(session, a.instance_id or 0, a.clock(), TOTAL)
    assert await dispatcher.next_due_at() is not None
    await dispatcher.run_once()
    assert {o.user_id for o in sender.messages} == set(range(1, 41))
    await assert_each_delivery_sent_once(engine, [sender])

    # Not live itself (its own beat is late): it claims nothing at all.
    a.clock = lambda: NOW + 3 * STALE_AFTER
    await seed_due_more(engine)
    assert await dispatcher.next_due_at() is None
    assert (await dispatcher.run_once()).claimed == 0
    dispatcher.membership = None  # the only instance: everyone's
    assert (await dispatcher.run_once()).claimed == 1


async def seed_due_more(engine: AsyncEngine) -> None:
    """One more user with a reminder due (id 41)."""
    async with engine.begin() as connection:
        await connection.execute(insert(User), list(user_rows(1, NOW, start_id=41)))
        await connection.execute(
            insert(ReminderSchedule),
            [{"user_id": 41, "kind": "movement", "is_snooze": False, "next_due_at": NOW}],
        )


async def test_an_instance_without_a_share_claims_nothing(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_due(engine, 5, NOW)
    (alone,) = await members_of(sessions, 1)
    dispatcher = Dispatcher(
        sessions, RecordingSender(), FakeClock(NOW), send_rate=0.0, membership=alone
    )
    assert (await dispatcher.run_once()).claimed == 0
    assert await dispatcher.next_due_at() is None
    dispatcher.send_rate = 10.0
    assert (await dispatcher.run_once()).claimed == 5


# -- follow-on claims (the dispatcher's loop) ------------------------------------------------


async def test_follow_on_claims_send_a_backlog_of_several_batches_each_once(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_due(engine, 30, NOW)
    sender = RecordingSender()
    dispatcher = Dispatcher(sessions, sender, FakeClock(NOW), batch_size=7, chunk_size=4)
    stats = await dispatcher.run_once(follow_on=True)  # one pass: every batch in turn
    assert {o.user_id for o in sender.messages} == set(range(1, 31))
    assert stats.claimed == len(sender.messages) == 30
    await assert_each_delivery_sent_once(engine, [sender])


async def test_a_failed_follow_on_claim_ends_the_pass_and_the_next_pass_goes_on(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await seed_due(engine, 20, NOW)
    sender = RecordingSender()
    dispatcher = Dispatcher(sessions, sender, FakeClock(NOW), batch_size=7, chunk_size=4)
    claim, calls = dispatcher.claim, 0

    async def failing_second(stats: PassStats | None = None) -> list[Outgoing]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("connection refused")  # the database went away meanwhile
        return await claim(stats)

    dispatcher.claim = failing_second  # type: ignore[method-assign]
    await dispatcher.run_once(follow_on=True)
    assert len(sender.messages) == 7 and "Dispatcher pass failed" in caplog.text
    await dispatcher.run_once(follow_on=True)
    assert {o.user_id for o in sender.messages} == set(range(1, 21))
    await assert_each_delivery_sent_once(engine, [sender])
