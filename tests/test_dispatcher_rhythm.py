"""The dispatcher's rhythm on a real database (SQLite, and PostgreSQL when configured):
a kind someone keeps letting pass backs off and its next reminder asks once; an answer
restores it; the stretch is asked about, never eased off; summaries and snoozes untouched."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Delivery, ReminderRhythm, WaterLog
from db.rhythms import restore_rhythm
from scheduler.dispatcher import Dispatcher
from scheduler.planning import Kind
from scheduler.schedules import snooze
from tests.conftest import FakeClock
from tests.test_dispatcher import MONDAY_7AM, RecordingSender, add_user, clock, sender

# Exact reminder times (test_spread_and_merge covers the spread).
pytestmark = pytest.mark.usefixtures("unspread")

__all__ = ["clock", "sender"]  # fixtures


def dispatcher_for(
    sessions: async_sessionmaker[AsyncSession],
    sender: RecordingSender,
    clock: FakeClock,
    adapt: bool = True,
) -> Dispatcher:
    return Dispatcher(sessions, sender, clock, batch_size=50, chunk_size=20, adapt=adapt)


async def hours(dispatcher: Dispatcher, clock: FakeClock, *hours: int, day: int = 0) -> None:
    """Dispatcher passes at each of these hours of Monday (plus `day` days): a second one
    claims a row the first moved past slots left behind (a day skipped)."""
    for hour in hours:
        clock.now = MONDAY_7AM.replace(hour=hour) + timedelta(days=day)
        await dispatcher.run_once()
        await dispatcher.run_once()


def sent_at(sender: RecordingSender, kind: Kind) -> list[str]:
    """When each reminder of a kind went out, "HH" (with "?" when it asked the question)."""
    return [f"{o.slot_at:%H}{'?' if o.ask else ''}" for o in sender.sent if o.kind is kind]


async def test_movement_let_pass_three_times_backs_off_and_asks_once(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, hydration_on=False, stretch_on=False)
    dispatcher = dispatcher_for(sessions, sender, clock)
    await hours(dispatcher, clock, *range(8, 23))
    # 08, 09, 10 let pass: from 11:00 every other slot; 12:00 asks, once.
    assert sent_at(sender, Kind.MOVEMENT) == ["08", "09", "10", "12?", "14", "16", "18", "20", "22"]
    async with sessions() as session:
        rhythm = await session.get(ReminderRhythm, (1, "movement"))
        asking = await session.scalar(select(Delivery.id).filter_by(kind="movement").where(
            Delivery.slot_at == MONDAY_7AM.replace(hour=12)))  # fmt: skip
    assert rhythm is not None and rhythm.asked_delivery_id == asking

    # Let pass while backing off, they count too: 13:00 (held) judged 12:00, 15:00 judged
    # 14:00, and 17:00 started it again, to the end of Tuesday.
    async with sessions() as session:
        assert rhythm.backoff_until == MONDAY_7AM.replace(hour=23) + timedelta(days=1)


async def test_a_back_off_ends_when_it_is_over(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, hydration_on=False, stretch_on=False)
    async with sessions.begin() as session:  # backing off since Sunday, to 10:30 (say)
        until = MONDAY_7AM.replace(hour=10, minute=30)
        session.add(ReminderRhythm(user_id=1, kind="movement", backoff_until=until))
    await hours(dispatcher_for(sessions, sender, clock), clock, *range(8, 13))
    assert sent_at(sender, Kind.MOVEMENT) == ["08?", "10", "11", "12"]  # 13:00 would be the 3rd


async def test_without_adapt_every_slot_goes_out(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, hydration_on=False, stretch_on=False)
    await hours(dispatcher_for(sessions, sender, clock, adapt=False), clock, *range(8, 15))
    assert sent_at(sender, Kind.MOVEMENT) == ["08", "09", "10", "11", "12", "13", "14"]
    async with sessions() as session:
        assert (await session.scalars(select(ReminderRhythm))).all() == []


async def test_an_answer_restores_the_usual_rhythm(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, hydration_on=False, stretch_on=False)
    dispatcher = dispatcher_for(sessions, sender, clock)
    await hours(dispatcher, clock, *range(8, 13))
    async with sessions.begin() as session:  # "Moved" under the 12:00 one, as the handler does
        await session.execute(
            update(Delivery)
            .where(Delivery.slot_at == MONDAY_7AM.replace(hour=12))
            .values(response="m", responded_at=clock.now)
        )
        await restore_rhythm(session, 1, Kind.MOVEMENT)
    await hours(dispatcher, clock, *range(13, 17))
    assert sent_at(sender, Kind.MOVEMENT) == ["08", "09", "10", "12?", "13", "14", "15", "16"]


async def test_a_cup_logged_after_a_drink_reminder_answers_it(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, movement_on=False, stretch_on=False)
    dispatcher = dispatcher_for(sessions, sender, clock)
    await hours(dispatcher, clock, 8, 10, 12)
    async with sessions.begin() as session:  # after the 12:00 reminder, a cup via /water
        logged = MONDAY_7AM.replace(hour=12, minute=30)
        session.add(WaterLog(user_id=1, logged_at=logged, day=logged.date(), source="command"))
    await hours(dispatcher, clock, 14, 16, 18, 20, 22)
    assert sent_at(sender, Kind.HYDRATION) == ["08", "10", "12", "14", "16", "18", "20?"]


async def test_the_stretch_is_asked_about_never_eased_off(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, hydration_on=False, movement_on=False)
    dispatcher = dispatcher_for(sessions, sender, clock)
    for day in range(6):
        clock.now = MONDAY_7AM.replace(hour=22, minute=30) + timedelta(days=day)
        await dispatcher.run_once()
    assert sent_at(sender, Kind.STRETCH) == ["22", "22", "22", "22?", "22", "22"]


async def test_snoozes_and_summaries_are_never_held_back(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, hydration_on=False, stretch_on=False,
                   summary_weekday=0, summary_time=MONDAY_7AM.replace(hour=13).time())  # fmt: skip
    dispatcher = dispatcher_for(sessions, sender, clock)
    await hours(dispatcher, clock, *range(8, 13))  # backing off from 11:00
    async with sessions.begin() as session:
        await snooze(session, 1, Kind.MOVEMENT, MONDAY_7AM.replace(hour=12, minute=45))
    clock.now = MONDAY_7AM.replace(hour=13)
    await dispatcher.run_once()
    # The snooze goes out at 13:00, a slot the back-off holds back; the summary too.
    assert sorted(f"{o.kind}@{o.slot_at:%H:%M}" for o in sender.sent[-2:]) == [
        "movement@13:00",
        "summary@13:00",
    ]
