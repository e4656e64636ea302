"""/settings and the setting commands, end to end, including bad input and stale buttons."""

from datetime import time

import pytest

from bot import texts
from tests.conftest import RunningBot
from tests.e2e import press_data, set_up, settings_of, start, tap
from tests.fake_bot_api import FakeUser, SentMessage


async def open_settings(user: FakeUser) -> SentMessage:
    await user.send("/settings")
    return await user.next_message()


async def test_settings_buttons_change_each_setting(running_bot: RunningBot) -> None:
    amy = await set_up(running_bot.user(11, "Amy"))
    menu = await open_settings(amy)
    assert "Your settings" in (menu.text or "") and "UTC" in (menu.text or "")

    await tap(amy, menu, "Time zone")
    await tap(amy, menu, "Tokyo")
    assert "Asia/Tokyo" in (menu.text or "")  # back on the menu, showing the change
    await tap(amy, menu, "Wake-up")
    await tap(amy, menu, "05:30")
    await tap(amy, menu, "Bedtime")
    await tap(amy, menu, "21:30")
    await tap(amy, menu, "Reminders")
    await tap(amy, menu, "Hydration")
    await tap(amy, menu, "Bedtime stretch")
    assert "hydration off" in (menu.text or "") and "bedtime stretch off" in (menu.text or "")
    await tap(amy, menu, "Back")
    assert "Your settings" in (menu.text or "")

    row = await settings_of(running_bot.db, 11)
    assert (row["timezone"], row["wake_time"], row["bed_time"]) == (
        "Asia/Tokyo",
        time(5, 30),
        time(21, 30),
    )
    assert (row["hydration_on"], row["movement_on"], row["stretch_on"]) == (False, True, False)


async def test_setting_commands_with_arguments(running_bot: RunningBot) -> None:
    ben = await set_up(running_bot.user(12, "Ben"))
    assert "America/New_York" in ((await ben.ask("/timezone America/New_York")).text or "")
    assert "06:15" in ((await ben.ask("/waketime 6:15")).text or "")
    await ben.send("/bedtime 00:30")  # after midnight is a valid bedtime
    assert "00:30" in ((await ben.next_message()).text or "")

    row = await settings_of(running_bot.db, 12)
    assert (row["timezone"], row["wake_time"], row["bed_time"]) == (
        "America/New_York",
        time(6, 15),
        time(0, 30),
    )


async def test_a_command_without_argument_opens_the_chooser_and_reads_typed_text(
    running_bot: RunningBot,
) -> None:
    cat = await set_up(running_bot.user(13, "Cat"))
    chooser = await cat.ask("/timezone")
    assert "Tap a new one" in (chooser.text or "")
    assert "Pacific/Chatham" in ((await cat.ask("Pacific/Chatham")).text or "")
    await cat.send("Pacific/Chatham")  # the question was answered: now it is unexpected
    assert (await cat.next_message()).text == texts.UNEXPECTED_TEXT


@pytest.mark.parametrize(
    ("message", "reply"),
    [
        ("/timezone Mars/Base", "isn't a time zone I know"),
        ("/waketime 25:99", "isn't a time I can use"),
        ("/bedtime 7:00", "can't be the same"),
        ("/waketime 23:00", "can't be the same"),
        ("hello there", "I didn't catch that"),
        ("/timezone <b>bold</b>", "isn't a time zone I know"),
    ],
)
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(
    running_bot: RunningBot, message: str, reply: str
) -> None:
    dee = await set_up(running_bot.user(14, "Dee"))
    before = await settings_of(running_bot.db, 14)
    answer = await dee.ask(message)
    assert reply in (answer.text or "")
    assert await settings_of(running_bot.db, 14) == before


async def test_accepted_formats_are_named_in_the_reply(running_bot: RunningBot) -> None:
    eve = await set_up(running_bot.user(15, "Eve"))
    assert "07:30" in ((await eve.ask("/waketime 25:99")).text or "")
    assert "Europe/Berlin" in ((await eve.ask("/timezone Mars/Base")).text or "")


@pytest.mark.parametrize(
    "data", ["tz:st:Mars/Base", "wk:st:2599", "garbage", "cr:undo:abc", "st:nowhere"]
)
async def test_forged_or_unknown_buttons_are_refused(running_bot: RunningBot, data: str) -> None:
    fox = await set_up(running_bot.user(16, "Fox"))
    menu = await open_settings(fox)
    before = await settings_of(running_bot.db, 16)
    answer = await press_data(running_bot.api, fox, menu, data)
    assert answer.params["text"] == texts.STALE_BUTTON
    assert await settings_of(running_bot.db, 16) == before


async def test_a_press_on_another_users_message_changes_nothing(running_bot: RunningBot) -> None:
    gia, hal = running_bot.user(17, "Gia"), running_bot.user(18, "Hal")
    await set_up(gia)
    await set_up(hal)
    gia_menu = await open_settings(gia)
    gia_text = gia_menu.text
    before = {17: await settings_of(running_bot.db, 17), 18: await settings_of(running_bot.db, 18)}

    answer = await press_data(running_bot.api, hal, gia_menu, "tz:st:Asia/Tokyo")  # forged
    assert answer.params["text"] == texts.NOT_YOURS
    assert gia_menu.text == gia_text and gia_menu.edits == 0
    after = {17: await settings_of(running_bot.db, 17), 18: await settings_of(running_bot.db, 18)}
    assert after == before


async def test_buttons_keep_working_after_a_restart(running_bot: RunningBot) -> None:
    ivy = await set_up(running_bot.user(19, "Ivy"))
    menu = await open_settings(ivy)
    await tap(ivy, menu, "Wake-up")

    await running_bot.restart()

    await tap(ivy, menu, "08:30")
    assert (await settings_of(running_bot.db, 19))["wake_time"] == time(8, 30)
    await ivy.send("hello")  # nothing is awaited after the choice, across the restart too
    assert (await ivy.next_message()).text == texts.UNEXPECTED_TEXT


async def test_setup_resumes_after_a_restart(running_bot: RunningBot) -> None:
    jo = running_bot.user(20, "Jo")
    _, setup = await start(jo)
    await tap(jo, setup, "London")

    await running_bot.restart()

    await jo.send("7:10")  # the open question survived the restart
    assert "07:10" in ((await jo.next_message()).text or "")
    assert (await settings_of(running_bot.db, 20))["setup_step"] == "bed"


async def test_settings_say_when_reminders_are_paused_and_resume_in_one_tap(
    running_bot: RunningBot,
) -> None:
    ola = await set_up(running_bot.user(91, "Ola"))
    await ola.send("/pause")
    await tap(ola, await ola.next_message(), "Until tomorrow morning")
    menu = await open_settings(ola)
    assert "⏸ All paused until" in (menu.text or "")
    await tap(ola, menu, "Resume")
    assert menu.text == texts.RESUMED
    assert (await settings_of(running_bot.db, 91))["paused_until"] is None
    assert "paused" not in ((await open_settings(ola)).text or "")
