"""/start and first-time setup, end to end: real bot, real database, fake Bot API over HTTP."""

import asyncio
from datetime import time

from bot import texts
from bot.i18n import LANGUAGES, use_language
from tests.conftest import FakeClock, RunningBot
from tests.e2e import load_user, press_data, settings_of, start, tap
from tests.fake_bot_api import FakeBotApi


async def test_two_users_set_up_at_the_same_time_without_seeing_each_other(
    running_bot: RunningBot,
) -> None:
    alice, bob = running_bot.user(101, "Alice"), running_bot.user(202, "Bob")
    (alice_welcome, alice_setup), (bob_welcome, bob_setup) = await asyncio.gather(
        start(alice), start(bob)
    )

    assert alice_welcome.text is not None and "Alice" in alice_welcome.text
    assert "not medical advice" in alice_welcome.text
    keyboard = [b["text"] for row in alice_welcome.reply_markup["keyboard"] for b in row]  # type: ignore[index]
    assert texts.BUTTON_REPORT_CRAMP in keyboard
    assert alice_welcome.reply_markup["is_persistent"] is True  # type: ignore[index]
    assert bob_welcome.text is not None and "Bob" in bob_welcome.text
    assert alice_setup.text is not None and "Step 1 of 4" in alice_setup.text

    async def alice_taps() -> None:  # four taps: zone, wake-up, bedtime, done
        await tap(alice, alice_setup, "Berlin")
        await tap(alice, alice_setup, "06:30")
        await tap(alice, alice_setup, "00:30")
        await tap(alice, alice_setup, "Done")

    async def bob_taps() -> None:  # keeps the default wake-up, turns movement off
        await tap(bob, bob_setup, "New York")
        await tap(bob, bob_setup, "Keep 07:00")
        await tap(bob, bob_setup, "22:30")
        await tap(bob, bob_setup, "Movement")
        await tap(bob, bob_setup, "Done")

    await asyncio.gather(alice_taps(), bob_taps())

    assert alice_setup.text is not None and "All set" in alice_setup.text
    assert "Europe/Berlin" in alice_setup.text and "America/New_York" not in alice_setup.text
    assert bob_setup.text is not None and "America/New_York" in bob_setup.text
    assert "movement off" in bob_setup.text
    assert alice_setup.reply_markup is None  # no buttons left to press by mistake

    alice_row = await settings_of(running_bot.db, 101)
    bob_row = await settings_of(running_bot.db, 202)
    expected = {
        "id": 101, "chat_id": 101, "timezone": "Europe/Berlin", "wake_time": time(6, 30),
        "bed_time": time(0, 30), "hydration_on": True, "movement_on": True, "stretch_on": True,
        "setup_step": None, "awaiting": None, "is_active": True,
    }  # fmt: skip
    assert {key: alice_row[key] for key in expected} == expected
    assert (bob_row["timezone"], bob_row["wake_time"], bob_row["bed_time"]) == (
        "America/New_York",
        time(7),
        time(22, 30),
    )
    assert bob_row["movement_on"] is False and bob_row["hydration_on"] is True


async def test_setup_takes_a_shared_location_and_typed_times(running_bot: RunningBot) -> None:
    carol = running_bot.user(303, "Carol")
    await start(carol)

    await carol.send_location(52.52, 13.40)
    assert "Europe/Berlin" in ((await carol.next_message()).text or "")
    assert "Step 2 of 4" in ((await carol.next_message()).text or "")

    assert "06:45" in ((await carol.ask("6:45")).text or "")
    bed_step = await carol.next_message()
    assert "Step 3 of 4" in (bed_step.text or "")

    await carol.send("25:99")  # refused, and the question stays open
    assert "isn't a time" in ((await carol.next_message()).text or "")
    await carol.send("6:45am")  # same as the wake-up time
    assert "can't be the same" in ((await carol.next_message()).text or "")
    assert "23:30" in ((await carol.ask("11:30pm")).text or "")
    reminders_step = await carol.next_message()
    assert "Step 4 of 4" in (reminders_step.text or "")
    await tap(carol, reminders_step, "Done")

    row = await settings_of(running_bot.db, 303)
    assert (row["timezone"], row["wake_time"], row["bed_time"]) == (
        "Europe/Berlin",
        time(6, 45),
        time(23, 30),
    )
    assert row["setup_step"] is None


async def test_typed_zone_in_setup_and_skipping_the_rest_keeps_defaults(
    running_bot: RunningBot,
) -> None:
    dan = running_bot.user(404, "Dan")
    _, _setup = await start(dan)
    assert "isn't a time zone I know" in ((await dan.ask("Mars/Base")).text or "")
    assert (await settings_of(running_bot.db, 404))["timezone"] == "UTC"

    assert "Asia/Kolkata" in ((await dan.ask("asia/kolkata")).text or "")
    wake_step = await dan.next_message()
    await tap(dan, wake_step, "Skip the rest")
    assert "All set" in (wake_step.text or "")

    row = await settings_of(running_bot.db, 404)
    assert (row["timezone"], row["wake_time"], row["bed_time"]) == (
        "Asia/Kolkata",
        time(7),
        time(23),
    )
    assert row["setup_step"] is None and row["awaiting"] is None


async def test_a_setup_button_from_a_finished_step_changes_nothing(running_bot: RunningBot) -> None:
    erin = running_bot.user(505, "Erin")
    _, setup = await start(erin)
    await tap(erin, setup, "Tokyo")

    answer = await press_data(running_bot.api, erin, setup, "tz:su:Europe/London")
    assert answer.params["text"] == texts.STALE_SETUP_BUTTON
    user = await load_user(running_bot.db, 505)
    assert user is not None and user.timezone == "Asia/Tokyo" and user.setup_step == "wake"


async def test_start_again_after_setup_welcomes_back_with_settings(running_bot: RunningBot) -> None:
    fay = running_bot.user(606, "Fay")
    _, setup = await start(fay)
    await tap(fay, setup, "Skip the rest")

    welcome, summary = await start(fay)
    assert "Welcome back" in (welcome.text or "")
    assert "Your settings" in (summary.text or "")
    assert "Time zone" in " ".join(summary.button_texts())


async def test_description_is_published_at_start(running_bot: RunningBot) -> None:
    expected = {}
    for language in LANGUAGES:  # English for every app, then each language for its own
        code = "" if language == "en" else language
        with use_language(language):
            expected["description", code] = texts.BOT_DESCRIPTION
            expected["short_description", code] = texts.BOT_SHORT_DESCRIPTION
            # Within Telegram's limits (UTF-16 units).
            assert len(texts.BOT_DESCRIPTION.encode("utf-16-le")) // 2 <= 512
            assert len(texts.BOT_SHORT_DESCRIPTION.encode("utf-16-le")) // 2 <= 120
    assert running_bot.api.descriptions == expected
    # It says what the bot is not.
    for text in (texts.BOT_DESCRIPTION, texts.BOT_SHORT_DESCRIPTION):
        assert "not a doctor" in text


async def test_a_refused_description_does_not_stop_the_start(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> None:
    api.fail("setMyDescription", error_code=400, description="Bad Request: description is too long")
    bot = RunningBot(api, database_url, clock)
    await bot.start()
    try:
        assert api.calls_to("setMyDescription")[-1].status == 400
        assert api.commands  # the menu is published all the same
        welcome, _ = await start(bot.user(708, "Hal"))
        assert "Hal" in (welcome.text or "")
    finally:
        await bot.close()


async def test_command_menu_is_published_at_start_and_help_lists_every_command(
    running_bot: RunningBot,
) -> None:
    published = [(c["command"], c["description"]) for c in running_bot.api.commands]
    assert published == list(texts.COMMANDS)

    gus = running_bot.user(707)
    help_text = (await gus.ask("/help")).text or ""
    for command, _ in texts.COMMANDS:
        assert f"/{command} " in help_text
