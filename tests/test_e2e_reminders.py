"""Reminders end to end: the real bot, its dispatcher, a real database and the fake Bot API.

The clock is injected: a test moves it to a reminder's time and runs a dispatcher pass,
so nothing ever sleeps waiting for a reminder.
"""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.sender import make_sender
from core.delivery import SendResult
from db.models import Delivery, ReminderSchedule, User, WaterLog
from scheduler.dispatcher import Outgoing
from scheduler.planning import Kind
from tests.conftest import RunningBot
from tests.e2e import load_user, press_data, set_up, sit_all_waking_hours, start, tap
from tests.fake_bot_api import FakeUser, SentMessage

# Tests of other things that name exact reminder times (test_spread_and_merge: the spread).
pytestmark = pytest.mark.usefixtures("unspread")


async def reminder_at(bot: RunningBot, user: FakeUser, hour: int, minute: int = 0) -> SentMessage:
    """Move the clock to today's hour:minute, run the dispatcher, return the next reminder."""
    bot.clock.now = bot.clock.now.replace(hour=hour, minute=minute)
    before = len(user.messages)
    await bot.dispatch()
    await bot.api.wait_for(lambda: len(user.messages) > before, description="a reminder")
    return user.messages[before]


async def count(bot: RunningBot, model: type, **where: object) -> int:
    async with bot.db() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


async def test_a_hydration_reminder_arrives_and_its_buttons_are_recorded(
    running_bot: RunningBot,
) -> None:
    ann = await set_up(running_bot.user(51, "Ann"))
    await sit_all_waking_hours(ann)  # the clock is on a Saturday
    # 10:00: a drink slot and a move nudge, due together, come as one message.
    hydration = await reminder_at(running_bot, ann, 10)
    assert hydration is ann.messages[-1]
    assert "glass of water" in (hydration.text or "") and "0/8" in (hydration.text or "")
    assert "Time to move" in (hydration.text or "")
    assert hydration.button_texts() == [
        "💧 Drank a cup", "Snooze 30 min", "Skip", "🔥 Hot day / exercise",
        "🚶 Moved", "Snooze 15 min", "Skip",
    ]  # fmt: skip

    await tap(ann, hydration, "Drank a cup")
    assert "Cup logged" in (hydration.text or "") and "1/8" in (hydration.text or "")
    assert hydration.button_texts() == ["🚶 Moved", "Snooze 15 min", "Skip"]  # still to answer
    await tap(ann, hydration, "Moved")
    assert texts.ANSWER_MOVED in (hydration.text or "") and "Cup logged" in (hydration.text or "")
    assert hydration.reply_markup is None
    async with running_bot.db() as session:
        rows = {d.kind: d for d in (await session.scalars(select(Delivery))).all()}
    delivery, movement = rows["hydration"], rows["movement"]
    assert delivery.response == "c" and delivery.message_id == hydration.message_id
    assert movement.response == "m" and movement.merged_into == delivery.id
    assert await count(running_bot, WaterLog, user_id=51) == 1

    data = f"rd:c:{delivery.id}"  # a second press of the same button
    answer = await press_data(running_bot.api, ann, hydration, data)
    assert answer.params["text"] == texts.REMINDER_ALREADY_ANSWERED
    assert await count(running_bot, WaterLog, user_id=51) == 1


async def test_a_press_on_another_users_reminder_changes_nothing(running_bot: RunningBot) -> None:
    bea, cal = running_bot.user(52, "Bea"), running_bot.user(53, "Cal")
    await set_up(bea)
    await set_up(cal)
    bea_reminder = await reminder_at(running_bot, bea, 10)
    bea_data = bea_reminder.buttons()[0][0][1]
    assert bea_data is not None
    cal_reminder = next(m for m in cal.messages if "glass of water" in (m.text or ""))

    answer = await press_data(running_bot.api, cal, cal_reminder, bea_data)  # forged id
    assert answer.params["text"] == texts.NOT_YOURS
    for data in ("rd:c:999999", "rd:d:" + bea_data.split(":")[2]):  # unknown id, wrong button
        answer = await press_data(running_bot.api, bea, bea_reminder, data)
        assert answer.params["text"] in (texts.REMINDER_GONE, texts.STALE_BUTTON)
    assert await count(running_bot, WaterLog) == 0


async def test_snooze_repeats_once_without_moving_the_series(running_bot: RunningBot) -> None:
    dov = await set_up(running_bot.user(54, "Dov"))
    await sit_all_waking_hours(dov)  # the clock is on a Saturday
    await reminder_at(running_bot, dov, 10)
    movement = dov.messages[-1]
    await tap(dov, movement, "Snooze 15 min")
    assert "10:15" in (movement.text or "")

    again = await reminder_at(running_bot, dov, 10, 15)
    assert "Time to move" in (again.text or "")
    async with running_bot.db() as session:
        series = await session.scalar(
            select(ReminderSchedule.next_due_at).filter_by(
                user_id=54, kind="movement", is_snooze=False
            )
        )
    assert series is not None and series.strftime("%H:%M") == "11:00"


async def snoozed_at(bot: RunningBot, user: FakeUser, minute: int) -> FakeUser:
    """Set up with hourly move nudges, the user snoozes the 10:00 one at 10:`minute`."""
    await set_up(user)
    await sit_all_waking_hours(user)
    await reminder_at(bot, user, 10)
    bot.clock.now = bot.clock.now.replace(minute=minute)
    await tap(user, user.messages[-1], "Snooze 15 min")
    return user


async def test_a_late_snooze_takes_the_place_of_the_next_hourly_nudge(
    running_bot: RunningBot,
) -> None:
    ama = await snoozed_at(running_bot, running_bot.user(57, "Ama"), 40)  # read late
    seen = len(ama.messages)

    snoozed = await reminder_at(running_bot, ama, 10, 55)
    for minute in range(0, 60, 5):  # each pass of the hour after it
        running_bot.clock.now = running_bot.clock.now.replace(hour=11, minute=minute)
        await running_bot.dispatch()
    await asyncio.sleep(0.2)  # long enough for a message to show
    nudges = [m for m in ama.messages[seen:] if "Time to move" in (m.text or "")]
    assert nudges == [snoozed]  # one nudge, at the time asked for, not a second at 11:00
    assert (snoozed.text or "").count("Time to move") == 1
    assert snoozed.button_texts().count("🚶 Moved") == 1
    assert "Time to move" in ((await reminder_at(running_bot, ama, 12)).text or "")


async def test_a_snooze_due_just_after_the_next_nudge_is_the_next_nudge(
    running_bot: RunningBot,
) -> None:
    ama = await snoozed_at(running_bot, running_bot.user(58, "Ama"), 50)
    menu = await ama.ask("/reminders")
    assert "Movement: on · next 11:05" in (menu.text or "")  # not 11:00: it is skipped
    seen = len(ama.messages)

    running_bot.clock.now = running_bot.clock.now.replace(hour=11, minute=0)
    await running_bot.dispatch()
    snoozed = await reminder_at(running_bot, ama, 11, 5)
    assert [m for m in ama.messages[seen:] if "Time to move" in (m.text or "")] == [snoozed]


async def test_water_can_be_logged_any_time_undone_and_the_goal_raised(
    running_bot: RunningBot,
) -> None:
    eli = await set_up(running_bot.user(55, "Eli"))
    logged = await eli.ask(texts.BUTTON_WATER)
    assert logged.text == "💧 1/8 cups today."
    second = await eli.ask("/water")
    await tap(eli, second, "Undo")
    assert await count(running_bot, WaterLog, user_id=55) == 1

    answer = await tap(eli, logged, "Hot day", expect_edit=False)
    assert "10 cups" in answer.params["text"]
    answer = await tap(eli, logged, "Hot day", expect_edit=False)
    assert answer.params["text"] == texts.GOAL_ALREADY_RAISED
    # Ten cups spread over 07:00-23:00: the second reminder is at 09:24, and one cup is behind.
    hydration = await reminder_at(running_bot, eli, 9, 24)
    assert "1/10" in (hydration.text or "")


async def test_no_reminder_while_on_pace(running_bot: RunningBot) -> None:
    fil = await set_up(running_bot.user(56, "Fil"))
    await sit_all_waking_hours(fil)  # the clock is on a Saturday
    for _ in range(2):  # the 10:00 reminder is the day's second: two cups is on pace
        await fil.send("/water")
        await fil.next_message()
    running_bot.clock.now = running_bot.clock.now.replace(hour=10)
    await running_bot.dispatch()
    await fil.next_message()  # movement
    assert not any("glass of water" in (m.text or "") for m in fil.messages)


async def test_bedtime_stretch_and_stretch_now(running_bot: RunningBot) -> None:
    gus = await set_up(running_bot.user(57, "Gus"))
    routine = await gus.ask("/stretch")
    for name in ("Calf", "Hamstring", "Quadriceps", "don't bounce"):
        assert name in (routine.text or "")
    await tap(gus, routine, "Done")
    assert texts.ANSWER_DONE in (routine.text or "")

    running_bot.clock.now = running_bot.clock.now.replace(hour=22, minute=30)
    before = len(gus.messages)
    await running_bot.dispatch()
    await running_bot.api.wait_for(lambda: len(gus.messages) > before)
    assert any("Bedtime stretch" in (m.text or "") for m in gus.messages[before:])


async def test_a_flood_limit_on_a_reminder_delays_it_without_loss_or_duplicate(
    running_bot: RunningBot,
) -> None:
    hal = await set_up(running_bot.user(58, "Hal"))
    await hal.send("/reminders")  # hydration only, to count one message
    menu = await hal.next_message()
    for kind in ("Movement", "Bedtime stretch", "Tips"):
        await tap(hal, menu, kind)
    running_bot.api.fail(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    await reminder_at(running_bot, hal, 10)
    sends = [c.status for c in running_bot.api.calls_to("sendMessage") if c.params["chat_id"] == 58]
    assert sends[-2:] == [429, 200]
    assert sum("glass of water" in (m.text or "") for m in hal.messages) == 1


async def test_server_errors_are_retried_with_backoff(running_bot: RunningBot) -> None:
    ida = await set_up(running_bot.user(59, "Ida"))
    await sit_all_waking_hours(ida)  # the clock is on a Saturday
    running_bot.api.fail("sendMessage", error_code=502, description="Bad Gateway", times=2)
    running_bot.api.fail("sendMessage", error_code=500, description="Internal Server Error")
    running_bot.clock.now = running_bot.clock.now.replace(hour=10)
    await running_bot.dispatch()
    await running_bot.api.wait_for(lambda: len([m for m in ida.messages if m.reply_markup]) >= 2)
    assert await count(running_bot, Delivery, user_id=59, status="sent") == 2
    texts_sent = [m.text or "" for m in ida.messages]
    assert sum("glass of water" in t for t in texts_sent) == 1
    assert sum("Time to move" in t for t in texts_sent) == 1


async def test_a_user_who_blocked_the_bot_gets_no_more_until_start(running_bot: RunningBot) -> None:
    joy = await set_up(running_bot.user(60, "Joy"))
    joy.block()
    running_bot.clock.now = running_bot.clock.now.replace(hour=10)
    await running_bot.dispatch()
    user = await load_user(running_bot.db, 60)
    assert user is not None and user.is_active is False
    assert await count(running_bot, ReminderSchedule, user_id=60) == 0

    joy.unblock()
    await start(joy)
    user = await load_user(running_bot.db, 60)
    assert user is not None and user.is_active is True
    assert await count(running_bot, ReminderSchedule, user_id=60) == 5  # 4 kinds + summary


async def test_blocking_the_bot_stops_reminders_and_unblocking_brings_them_back(
    running_bot: RunningBot,
) -> None:
    lia = await set_up(running_bot.user(65, "Lia"))
    await lia.change_membership(blocked=True)
    await running_bot.api.wait_for(lambda: bool(running_bot.api.calls_to("getUpdates")))

    async def schedules() -> int:
        return await count(running_bot, ReminderSchedule, user_id=65)

    for _ in range(50):  # the update is handled asynchronously; poll the database briefly
        if await schedules() == 0:
            break
        await asyncio.sleep(0.05)
    user = await load_user(running_bot.db, 65)
    assert user is not None and user.is_active is False and await schedules() == 0

    await lia.change_membership(blocked=False)
    for _ in range(50):
        if await schedules() == 5:
            break
        await asyncio.sleep(0.05)
    assert await schedules() == 5  # four kinds of reminder and the weekly summary


async def test_reminder_buttons_keep_working_after_a_restart(running_bot: RunningBot) -> None:
    kit = await set_up(running_bot.user(61, "Kit"))
    hydration = await reminder_at(running_bot, kit, 10)
    await running_bot.restart()
    await tap(kit, hydration, "Skip")
    assert texts.ANSWER_SKIP in (hydration.text or "")


async def test_reminders_lists_next_times_and_pause_skips_reminders(
    running_bot: RunningBot,
) -> None:
    lou = await set_up(running_bot.user(62, "Lou"))
    await sit_all_waking_hours(lou)  # the clock is on a Saturday
    menu = await lou.ask("/reminders")
    text = menu.text or ""
    assert "Hydration: on · next 10:00" in text
    assert "Bedtime stretch: on · next 22:30" in text
    assert "Tips: on · next Tue 15:00" in text

    await lou.send("/pause")
    await tap(lou, await lou.next_message(), "Until tomorrow morning")
    running_bot.clock.now = running_bot.clock.now.replace(hour=10)
    await running_bot.dispatch()
    assert await count(running_bot, Delivery, user_id=62) == 0
    assert (await lou.ask("/resume")).text == texts.RESUMED
    await reminder_at(running_bot, lou, 11)


async def test_movement_days_and_stretch_timing_move_the_schedule(running_bot: RunningBot) -> None:
    max_ = await set_up(running_bot.user(63, "Max"))
    menu = await max_.ask("/reminders")
    # The clock is on a Saturday, and a new user sits Mon-Fri 09:00-17:00.
    assert "Movement: on · next Mon 10:00 · Mon–Fri 09:00–17:00" in (menu.text or "")
    await tap(max_, menu, texts.SITTING_HOURS)
    await tap(max_, menu, "⬜ Sat")  # today: 10:00 is the first hour after sitting down
    await tap(max_, menu, "Back")
    assert "Movement: on · next 10:00 · Mon–Sat 09:00–17:00" in (menu.text or "")
    await tap(max_, menu, "Stretch timing")
    await tap(max_, menu, "60 min")
    assert "Bedtime stretch: on · next 22:00" in (menu.text or "")
    user = await load_user(running_bot.db, 63)
    assert user is not None and user.stretch_lead_minutes == 60
    assert user.movement_days == 0b0111111


async def test_tips_can_be_turned_off_from_the_tip(running_bot: RunningBot) -> None:
    ned = await set_up(running_bot.user(64, "Ned"))
    running_bot.clock.now += timedelta(days=3)  # Tuesday
    tip = await reminder_at(running_bot, ned, 15)
    assert "Tip" in (tip.text or "")
    await tap(ned, tip, "No more tips")
    user = await load_user(running_bot.db, 64)
    assert user is not None and user.tips_on is False
    assert await count(running_bot, ReminderSchedule, user_id=64, kind="tip") == 0
    assert isinstance(user, User)


async def test_a_reminder_sent_as_paid_broadcast_says_so_to_telegram(
    running_bot: RunningBot,
) -> None:
    kim = await set_up(running_bot.user(66, "Kim"))
    assert running_bot.application is not None
    send = make_sender(running_bot.application.bot)
    async with running_bot.db.begin() as session:
        delivery = Delivery(
            user_id=66, kind="movement", slot_at=running_bot.clock(), status="sending",
            claimed_at=running_bot.clock(),
        )  # fmt: skip
        session.add(delivery)
        await session.flush()
        delivery_id = delivery.id
    outgoing = Outgoing(delivery_id, 66, 66, Kind.MOVEMENT, running_bot.clock(), paid=True)
    result, message_id = await send(outgoing)
    assert result is SendResult.SENT and message_id == kim.messages[-1].message_id
    assert running_bot.api.calls_to("sendMessage")[-1].params["allow_paid_broadcast"] is True
