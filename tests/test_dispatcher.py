"""The dispatcher on a real database (SQLite, and PostgreSQL when configured): claim,
advance, pace, crashes, two dispatchers at once, downtime grace, blocked users."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.delivery import DeliveryStatus, SendResult
from core.diary import Symptom, to_mask
from db.models import CrampReport, Delivery, ReminderSchedule, User, WaterLog
from db.users import get_or_create_user
from scheduler.dispatcher import LOST_AFTER, ORPHAN_AFTER, Dispatcher, Outgoing
from scheduler.planning import ALL_DAYS, Kind
from scheduler.schedules import snooze, sync_user_schedule
from tests.conftest import FakeClock

pytestmark = pytest.mark.usefixtures("unspread")  # exact planned times; see test_planning

MONDAY_7AM = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # users below live in UTC, 07:00-23:00


class RecordingSender:
    """Stands in for Telegram: records what would be sent and answers as told."""

    def __init__(self) -> None:
        self.messages: list[Outgoing] = []
        self.sent: list[Outgoing] = []  # every reminder, those sent in another's message too
        self.results: dict[int, list[SendResult]] = {}  # user id -> results to give, in order

    async def __call__(self, outgoing: Outgoing) -> tuple[SendResult, int | None]:
        self.messages.append(outgoing)
        self.sent += (outgoing, *outgoing.parts)
        queue = self.results.get(outgoing.user_id)
        result = queue.pop(0) if queue else SendResult.SENT
        return result, (len(self.sent) if result is SendResult.SENT else None)

    def kinds(self) -> list[tuple[int, Kind]]:
        return sorted((o.user_id, o.kind) for o in self.sent)


async def add_user(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    now: datetime,
    *,
    tips: bool = False,
    **settings: object,
) -> None:
    async with sessions.begin() as session:
        user, _ = await get_or_create_user(session, user_id, user_id, now)
        user.setup_step = None
        user.tips_on = tips
        # Hourly movement all day, every day (what users from before sitting hours keep):
        # these tests are about sending, not about when movement comes.
        user.sitting_from = user.sitting_to = None
        user.movement_days = ALL_DAYS
        for name, value in settings.items():
            setattr(user, name, value)
        await sync_user_schedule(session, user, now)


async def add_water_only_user(sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
    """User 1, set up, with hydration reminders only."""
    await add_user(sessions, 1, now, movement_on=False, stretch_on=False)


async def due_times(
    sessions: async_sessionmaker[AsyncSession], user_id: int
) -> dict[str, datetime]:
    async with sessions() as session:
        rows = await session.execute(
            select(ReminderSchedule.kind, ReminderSchedule.next_due_at).where(
                ReminderSchedule.user_id == user_id,
                ~ReminderSchedule.is_snooze,
                ReminderSchedule.kind != "summary",  # weekly; see test_e2e_summary
            )
        )
        return dict(rows.all())


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with sessions() as session:
        return Counter((await session.scalars(select(Delivery.status))).all())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_7AM)


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def dispatcher(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> Dispatcher:
    return Dispatcher(sessions, sender, clock, batch_size=50, chunk_size=20)


async def test_sends_due_slots_once_and_advances_the_series(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_user(sessions, 1, clock.now)
    assert await due_times(sessions, 1) == {
        "hydration": MONDAY_7AM.replace(hour=8),
        "movement": MONDAY_7AM.replace(hour=8),
        "stretch": MONDAY_7AM.replace(hour=22, minute=30),
    }
    await dispatcher.run_once()
    assert sender.sent == []  # nothing is due yet

    clock.now = MONDAY_7AM.replace(hour=8)
    stats = await dispatcher.run_once()
    assert sender.kinds() == [(1, Kind.HYDRATION), (1, Kind.MOVEMENT)]
    assert stats.sent == 1 and stats.merged == 1  # due together: one message says both
    assert sender.sent[0].cups == 0 and sender.sent[0].goal == 8
    assert await due_times(sessions, 1) == {
        "hydration": MONDAY_7AM.replace(hour=10),
        "movement": MONDAY_7AM.replace(hour=9),
        "stretch": MONDAY_7AM.replace(hour=22, minute=30),
    }
    await dispatcher.run_once()
    assert len(sender.sent) == 2  # the same slot never goes out twice
    assert await statuses(sessions) == Counter({"sent": 2})


async def test_no_hydration_reminder_while_on_pace(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_water_only_user(sessions, clock.now)
    async with sessions.begin() as session:
        session.add(WaterLog(user_id=1, logged_at=clock.now, day=clock.now.date(), source="button"))
    clock.now = MONDAY_7AM.replace(hour=8)
    stats = await dispatcher.run_once()
    assert sender.sent == [] and stats.skipped == 1  # 1 cup by the 1st slot: on pace
    clock.now = MONDAY_7AM.replace(hour=10)
    await dispatcher.run_once()
    assert [(o.kind, o.cups) for o in sender.sent] == [(Kind.HYDRATION, 1)]  # behind: 1 of 2


async def test_a_crash_after_claiming_sends_the_untried_slot_once_within_grace(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    claimed = await claim_8am_water(sessions, sender, clock)  # then the process dies
    assert len(claimed) == 1 and sender.sent == []

    restarted = Dispatcher(sessions, sender, clock)
    clock.advance(seconds=30)
    await restarted.run_once()
    assert sender.sent == []  # it might still be on its way from a live instance
    clock.now += ORPHAN_AFTER
    await restarted.run_once()
    await restarted.run_once()
    assert [o.delivery_id for o in sender.sent] == [claimed[0].delivery_id]
    assert await statuses(sessions) == Counter({"sent": 1})


async def claim_8am_water(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> list[Outgoing]:
    """A user with hydration reminders only; a pass claims their 08:00 slot (committed)
    and sends nothing yet."""
    await add_water_only_user(sessions, clock.now)
    clock.now = MONDAY_7AM.replace(hour=8)
    return await Dispatcher(sessions, sender, clock).claim()


async def test_an_untried_slot_found_after_its_grace_expires_is_not_sent(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await claim_8am_water(sessions, sender, clock)
    clock.advance(minutes=15)
    await Dispatcher(sessions, sender, clock).run_once()
    assert sender.sent == []
    assert await statuses(sessions) == Counter({"expired": 1})


async def test_a_crash_mid_send_never_sends_that_slot_again(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await claim_8am_water(sessions, sender, clock)
    async with sessions.begin() as session:  # marked "sending", then the process died
        await session.execute(update(Delivery).values(status=DeliveryStatus.SENDING))
    restarted = Dispatcher(sessions, sender, clock)
    clock.advance(minutes=2)
    await restarted.run_once()
    clock.now += LOST_AFTER
    await restarted.run_once()
    assert sender.sent == []  # Telegram may have it: at most once
    assert await statuses(sessions) == Counter({"unknown": 1})


async def test_two_dispatchers_at_once_send_each_slot_exactly_once(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    for user_id in range(1, 121):
        await add_user(sessions, user_id, clock.now, stretch_on=False)
    clock.now = MONDAY_7AM.replace(hour=8)
    first = Dispatcher(sessions, sender, clock, batch_size=25, chunk_size=10)
    second = Dispatcher(sessions, sender, clock, batch_size=25, chunk_size=10)

    async def drain(dispatcher: Dispatcher) -> None:
        while (await dispatcher.run_once()).rows:
            pass

    await asyncio.gather(drain(first), drain(second))
    sent = Counter((o.user_id, o.kind) for o in sender.sent)
    assert len(sent) == 240 and set(sent.values()) == {1}
    assert await statuses(sessions) == Counter({"sent": 240})


@pytest.mark.parametrize(
    ("down_until", "expected"),
    [
        (MONDAY_7AM.replace(hour=8, minute=5), [Kind.HYDRATION, Kind.MOVEMENT]),  # 5 min late
        (MONDAY_7AM.replace(hour=8, minute=10), []),  # exactly the grace: too late
        (MONDAY_7AM.replace(hour=12, minute=30), []),  # hours down: no burst
        (MONDAY_7AM.replace(hour=23, minute=15), [Kind.STRETCH]),  # stretch grace is 60 min
    ],
)
async def test_after_downtime_a_slot_goes_out_late_once_only_within_its_grace(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
    down_until: datetime,
    expected: list[Kind],
) -> None:
    await add_user(sessions, 1, clock.now)
    clock.now = down_until
    while (await dispatcher.run_once()).rows:
        pass
    assert sorted(o.kind for o in sender.sent) == expected
    due = await due_times(sessions, 1)
    assert all(at > down_until for at in due.values())  # the series continues from now


async def test_a_blocked_user_is_marked_inactive_and_their_reminders_stop(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    for user_id in (1, 2):
        await add_user(sessions, user_id, clock.now)
    sender.results[1] = [SendResult.BLOCKED, SendResult.BLOCKED]
    clock.now = MONDAY_7AM.replace(hour=8)
    await dispatcher.run_once()
    async with sessions() as session:
        user = await session.get(User, 1)
        assert user is not None and user.is_active is False
    assert await due_times(sessions, 1) == {}
    assert len(await due_times(sessions, 2)) == 3


async def test_a_slot_telegram_could_not_take_is_retried_later(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_water_only_user(sessions, clock.now)
    sender.results[1] = [SendResult.RETRY]
    clock.now = MONDAY_7AM.replace(hour=8)
    await dispatcher.run_once()
    assert await statuses(sessions) == Counter({"pending": 1})
    clock.now += ORPHAN_AFTER + timedelta(seconds=1)
    await dispatcher.run_once()
    assert len(sender.sent) == 2
    assert await statuses(sessions) == Counter({"sent": 1})


async def test_paused_reminders_are_skipped_not_queued(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_user(sessions, 1, clock.now, paused_until=MONDAY_7AM.replace(hour=9, minute=30))
    clock.now = MONDAY_7AM.replace(hour=8)
    await dispatcher.run_once()
    clock.now = MONDAY_7AM.replace(hour=9)
    await dispatcher.run_once()
    assert sender.sent == []
    clock.now = MONDAY_7AM.replace(hour=10)
    await dispatcher.run_once()
    assert sender.kinds() == [(1, Kind.HYDRATION), (1, Kind.MOVEMENT)]


async def snoozed_move_nudge(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    clock: FakeClock,
    tapped: int,
) -> datetime:
    """User 1 (movement only) gets the 08:00 nudge and snoozes it at 08:`tapped`; returns
    when the snooze is due."""
    await add_user(sessions, 1, clock.now, hydration_on=False, stretch_on=False)
    clock.now = MONDAY_7AM.replace(hour=8)
    await dispatcher.run_once()
    clock.now = MONDAY_7AM.replace(hour=8, minute=tapped)
    async with sessions.begin() as session:
        return await snooze(session, 1, Kind.MOVEMENT, clock.now)


async def test_a_snooze_is_a_one_off_that_leaves_the_series_alone(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    assert await snoozed_move_nudge(sessions, dispatcher, clock, 0) == MONDAY_7AM.replace(
        hour=8, minute=15
    )
    clock.advance(minutes=15)
    await dispatcher.run_once()
    clock.now = MONDAY_7AM.replace(hour=9)
    await dispatcher.run_once()
    assert [o.slot_at.strftime("%H:%M") for o in sender.sent] == ["08:00", "08:15", "09:00"]
    async with sessions() as session:
        snoozes = await session.scalar(select(func.count()).where(ReminderSchedule.is_snooze))
    assert snoozes == 0


async def test_settings_changes_move_the_schedule(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await add_user(
        sessions, 1, clock.now, timezone="Europe/Berlin", wake_time=time(6), bed_time=time(0, 30)
    )
    due = await due_times(sessions, 1)
    # 07:00 UTC is 08:00 in Berlin: the next hourly movement slot is 09:00 Berlin
    assert due["movement"] == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert due["stretch"] == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 00:00 Berlin, next day


# --- Quiet by design: one message for what is due together; drops recorded ---------------


async def deliveries(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Delivery]:
    """Each delivery, by kind (one user, one slot of each kind)."""
    async with sessions() as session:
        return {d.kind: d for d in (await session.scalars(select(Delivery))).all()}


async def test_reminders_due_together_go_as_one_message_and_share_its_outcome(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_user(sessions, 1, clock.now)
    clock.now = MONDAY_7AM.replace(hour=8)
    await dispatcher.run_once()
    assert len(sender.messages) == 1
    lead, part = sender.messages[0], sender.messages[0].parts[0]
    assert (lead.kind, part.kind) == (Kind.HYDRATION, Kind.MOVEMENT)
    rows = await deliveries(sessions)
    water, move = rows["hydration"], rows["movement"]
    assert (water.merged_into, move.merged_into) == (None, water.id)
    assert water.status == move.status == "sent"
    assert water.message_id == move.message_id is not None


async def test_a_reminder_due_within_twenty_minutes_rides_along_early(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    # 07:00-23:30: movement at 08:00, the first drink at 08:01 (16.5 h / 16 after waking).
    await add_user(sessions, 1, clock.now, bed_time=time(23, 30), stretch_on=False)
    clock.now = MONDAY_7AM.replace(hour=8)
    await dispatcher.run_once()
    assert [(m.kind, [p.kind for p in m.parts]) for m in sender.messages] == [
        (Kind.MOVEMENT, [Kind.HYDRATION])
    ]
    assert (await due_times(sessions, 1))["hydration"] == MONDAY_7AM.replace(hour=10, minute=5)
    clock.now = MONDAY_7AM.replace(hour=8, minute=1)
    await dispatcher.run_once()
    assert len(sender.sent) == 2  # the 08:01 drink is not sent again


async def test_a_merged_message_cut_off_before_sending_goes_out_whole_once(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    await add_user(sessions, 1, clock.now, stretch_on=False)
    clock.now = MONDAY_7AM.replace(hour=8)
    claimed = await Dispatcher(sessions, sender, clock).claim()  # then the process dies
    assert len(claimed) == 1 and len(claimed[0].parts) == 1
    clock.now += ORPHAN_AFTER + timedelta(seconds=1)
    restarted = Dispatcher(sessions, sender, clock)
    await restarted.run_once()
    await restarted.run_once()
    assert len(sender.messages) == 1 and len(sender.sent) == 2
    assert await statuses(sessions) == Counter({"sent": 2})


async def test_a_backlog_the_send_rate_cannot_clear_in_grace_is_dropped_and_counted(
    sessions: async_sessionmaker[AsyncSession], sender: RecordingSender, clock: FakeClock
) -> None:
    for user_id in range(1, 31):
        await add_user(sessions, user_id, clock.now, hydration_on=False, stretch_on=False)
    # 30 move nudges due at 08:00, claimed at 08:05, one a minute: those that would leave
    # 10 minutes or more after 08:00 are dropped, recorded, and counted by kind.
    clock.now = MONDAY_7AM.replace(hour=8, minute=5)
    slow = Dispatcher(sessions, sender, clock, batch_size=50, send_rate=1 / 60)
    stats = await slow.run_once()
    assert len(sender.messages) == 5
    assert stats.dropped == Counter({"movement": 25}) == slow.dropped
    assert await statuses(sessions) == Counter({"sent": 5, "dropped": 25})


async def test_a_slot_found_past_its_grace_is_recorded_as_dropped_not_skipped_silently(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_user(sessions, 1, clock.now, stretch_on=False)
    clock.now = MONDAY_7AM.replace(hour=8, minute=30)  # down from 07:59 to 08:30
    await dispatcher.run_once()
    assert sender.sent == []
    assert await statuses(sessions) == Counter({"dropped": 2})
    assert dispatcher.dropped == Counter({"hydration": 1, "movement": 1})


async def test_a_snoozed_reminder_keeps_its_time_and_never_rides_along_early(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_user(sessions, 1, clock.now, stretch_on=False)
    clock.now = MONDAY_7AM.replace(hour=8)
    await dispatcher.run_once()  # the 08:00 drink and move nudge, one message
    clock.now = MONDAY_7AM.replace(hour=8, minute=40)
    async with sessions.begin() as session:  # "Snooze 30 min" on the drink, at 08:40
        await snooze(session, 1, Kind.HYDRATION, clock.now)
    clock.now = MONDAY_7AM.replace(hour=9)  # the move nudge; the snoozed drink is at 09:10
    await dispatcher.run_once()
    assert [(m.kind, m.parts) for m in sender.messages[1:]] == [(Kind.MOVEMENT, ())]
    clock.now = MONDAY_7AM.replace(hour=9, minute=10)
    await dispatcher.run_once()
    assert [m.kind for m in sender.messages[1:]] == [Kind.MOVEMENT, Kind.HYDRATION]


async def every_five_minutes_until(
    dispatcher: Dispatcher, clock: FakeClock, until: datetime
) -> None:
    while clock.now < until:
        clock.advance(minutes=5)
        await dispatcher.run_once()


def sent_slots(sender: RecordingSender) -> list[list[str]]:
    """Each message's reminders, by slot time."""
    return [[o.slot_at.strftime("%H:%M") for o in (m, *m.parts)] for m in sender.messages]


@pytest.mark.parametrize(
    ("tapped", "messages"),
    [
        (40, [["08:00"], ["08:55"]]),  # the 09:00 nudge no longer rides along in the snooze's
        (50, [["08:00"], ["09:05"]]),  # nor comes 5 minutes before it
        (20, [["08:00"], ["08:35"], ["09:00"]]),  # 25 minutes apart: both come
    ],
)
async def test_a_snooze_stands_in_for_the_next_move_nudge_within_20_minutes_of_it(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
    tapped: int,
    messages: list[list[str]],
) -> None:
    await snoozed_move_nudge(sessions, dispatcher, clock, tapped)
    await every_five_minutes_until(dispatcher, clock, MONDAY_7AM.replace(hour=9, minute=55))
    assert sent_slots(sender) == messages
    assert (await due_times(sessions, 1))["movement"] == MONDAY_7AM.replace(hour=10)
    clock.now = MONDAY_7AM.replace(hour=10)
    await dispatcher.run_once()
    assert sent_slots(sender)[-1] == ["10:00"]  # the series goes on as before
    assert await statuses(sessions) == Counter({"sent": len(messages) + 1})


@pytest.mark.parametrize(
    ("late", "messages"),
    [
        (2, [["08:00"], ["08:55"]]),  # both due: the snooze goes, the 09:00 nudge does not
        (8, [["08:00"], ["09:00"]]),  # the snooze past its 10 minutes of grace: the nudge goes
    ],
)
async def test_a_pass_that_comes_late_for_a_snooze_and_its_series_slot_sends_one(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
    late: int,
    messages: list[list[str]],
) -> None:
    await snoozed_move_nudge(sessions, dispatcher, clock, 40)  # the snooze is due at 08:55
    clock.now = MONDAY_7AM.replace(hour=9, minute=late)
    await dispatcher.run_once()
    assert sent_slots(sender) == messages
    assert (await due_times(sessions, 1))["movement"] == MONDAY_7AM.replace(hour=10)


async def test_a_report_with_a_clot_sign_holds_move_nudges_for_two_days(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    await add_user(sessions, 1, clock.now, stretch_on=False)
    reported = MONDAY_7AM.replace(hour=8, minute=30)
    async with sessions.begin() as session:
        session.add(
            CrampReport(user_id=1, occurred_at=reported, reported_at=reported, source="command",
                        day=reported.date(), symptoms=to_mask([Symptom.SWELLING]))
        )  # fmt: skip
    clock.now = reported
    while clock.now < reported + timedelta(days=2, hours=2):
        clock.advance(minutes=30)
        await dispatcher.run_once()
    kinds = {o.kind for o in sender.sent if o.slot_at < reported + timedelta(days=2)}
    assert kinds == {Kind.HYDRATION}  # drink reminders go on; no "stand up and walk"
    moves = [o.slot_at for o in sender.sent if o.kind is Kind.MOVEMENT]
    wednesday = MONDAY_7AM + timedelta(days=2)
    assert moves == [wednesday.replace(hour=9), wednesday.replace(hour=10)]  # the series again


async def test_a_tip_rides_along_in_a_drink_and_move_message_up_to_three_hours_early(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    sender: RecordingSender,
    clock: FakeClock,
) -> None:
    tuesday = MONDAY_7AM + timedelta(days=1)
    clock.now = tuesday.replace(hour=10, minute=30)
    await add_user(sessions, 1, clock.now, tips=True, stretch_on=False)
    assert (await due_times(sessions, 1))["tip"] == tuesday.replace(hour=15)
    clock.now = tuesday.replace(hour=11)  # a move nudge; the tip is 4 hours away
    await dispatcher.run_once()
    assert [(m.kind, m.parts) for m in sender.messages] == [(Kind.MOVEMENT, ())]
    clock.now = tuesday.replace(hour=12)  # a drink and a move nudge; the tip 3 hours away
    await dispatcher.run_once()
    assert [p.kind for p in sender.messages[-1].parts] == [Kind.MOVEMENT, Kind.TIP]
    friday = tuesday + timedelta(days=3)
    assert (await due_times(sessions, 1))["tip"] == friday.replace(hour=15)
