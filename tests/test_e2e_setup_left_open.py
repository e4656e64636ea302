"""A setup left open never holds reminders back (issue 19): whatever the user does next
closes it at what they set and the defaults for the rest, starts their reminders, and
tells them once; setting zone, wake-up and bedtime by command is enough for reminders."""

from datetime import datetime, time

import pytest
from sqlalchemy import select

from bot import texts
from db.models import ReminderSchedule
from db.users import get_or_create_user
from tests.conftest import RunningBot
from tests.e2e import load_user, press_data, settings_of, start, tap
from tests.fake_bot_api import FakeUser, SentMessage

SET_UP = "You're set up"
PLANNED = {"hydration", "movement", "stretch"}  # what every new user has switched on

# The taps that leave setup open at each of its steps, and what is set by then (the rest
# are the defaults: UTC, 07:00, 23:00).
LEFT_OPEN_AT = {
    "timezone": ([], "UTC", time(7), time(23)),
    "wake": (["Berlin"], "Europe/Berlin", time(7), time(23)),
    "bed": (["Berlin", "06:30"], "Europe/Berlin", time(6, 30), time(23)),
    "reminders": (["Berlin", "06:30", "22:30"], "Europe/Berlin", time(6, 30), time(22, 30)),
}
# Something else to do, and a word of its own reply.
NEXT_ACTIONS = {
    "/water": "1/8 cups today",
    "/cramp calf 3": "Saved: cramp · calf · 3/10",
    texts.BUTTON_REPORT_CRAMP: "What was it?",
    "/settings": "Your settings",
}


async def planned(bot: RunningBot, user_id: int) -> dict[str, datetime]:
    """The next due time of each reminder series the user has."""
    async with bot.db() as session:
        rows = await session.scalars(
            select(ReminderSchedule).filter_by(user_id=user_id, is_snooze=False)
        )
        return {row.kind: row.next_due_at for row in rows}


def notices(user: FakeUser) -> list[SentMessage]:
    return [m for m in user.messages if SET_UP in (m.text or "")]


async def assert_reminders_run(bot: RunningBot, user: FakeUser) -> None:
    """Every switched-on kind is planned, and /reminders says so with its next time."""
    assert set(await planned(bot, user.id)) >= PLANNED
    overview = (await user.ask("/reminders")).text or ""
    for name in ("Hydration", "Movement", "Bedtime stretch"):
        [line] = [line for line in overview.splitlines() if line.split(" ", 1)[-1].startswith(name)]
        assert ": on · next " in line, line


@pytest.mark.parametrize("action", list(NEXT_ACTIONS))
@pytest.mark.parametrize("step", list(LEFT_OPEN_AT))
async def test_setup_left_open_is_closed_by_what_comes_next(
    running_bot: RunningBot, step: str, action: str
) -> None:
    ida = running_bot.user(301, "Ida")
    taps, zone, wake, bed = LEFT_OPEN_AT[step]
    _, setup = await start(ida)
    for label in taps:
        await tap(ida, setup, label)
    assert (await settings_of(running_bot.db, 301))["setup_step"] == step
    if step != "reminders":  # reminder times need the zone, wake-up and bedtime first
        assert await planned(running_bot, 301) == {}

    await ida.send(action)
    notice = await ida.next_message()
    assert SET_UP in (notice.text or "") and zone in (notice.text or "")
    assert "/timezone" in (notice.text or "") and "/settings" in (notice.text or "")
    assert NEXT_ACTIONS[action] in ((await ida.next_message()).text or "")  # then its reply

    row = await settings_of(running_bot.db, 301)
    assert (row["setup_step"], row["awaiting"]) == (None, None)
    assert (row["timezone"], row["wake_time"], row["bed_time"]) == (zone, wake, bed)
    await assert_reminders_run(running_bot, ida)
    await ida.ask("/history")
    assert len(notices(ida)) == 1  # told once

    first_button = setup.buttons()[0][0][1]
    assert first_button is not None
    answer = await press_data(running_bot.api, ida, setup, first_button)
    assert answer.params["text"] == texts.STALE_SETUP_BUTTON  # setup's own buttons are done


async def test_zone_wake_up_and_bedtime_set_by_command_are_enough(running_bot: RunningBot) -> None:
    """The walk of issue 19: nothing was ever sent to this user."""
    ari = running_bot.user(311, "Ari")
    await start(ari)
    for command, saved in (
        ("/timezone Pacific/Auckland", "Pacific/Auckland"),
        ("/waketime 05:00", "05:00"),
        ("/bedtime 14:22", "14:22"),
    ):
        assert saved in ((await ari.ask(command)).text or "")
        next_step = await ari.next_message()
    assert "Step 4" in (next_step.text or "")  # setup still offers the reminder switches

    due = await planned(running_bot, 311)  # ... but reminders do not wait for its Done
    assert set(due) >= PLANNED
    running_bot.clock.now = due["hydration"]
    before = len(ari.messages)
    await running_bot.dispatch()
    await running_bot.api.wait_for(lambda: len(ari.messages) > before, description="a reminder")
    assert "glass of water" in (ari.messages[before].text or "")

    assert SET_UP in ((await ari.ask("/reminders")).text or "")  # then the overview
    overview = (await ari.next_message()).text or ""
    assert "Hydration: on · next" in overview and "Movement: on · next" in overview
    assert (await settings_of(running_bot.db, 311))["setup_step"] is None
    assert len(notices(ari)) == 1


async def test_answering_setup_or_reading_help_leaves_it_open(running_bot: RunningBot) -> None:
    bo = running_bot.user(321, "Bo")
    _, setup = await start(bo)
    await bo.ask("Europe/Berlin")  # a typed answer to step 1
    await bo.next_message()  # step 2 as a new message
    assert "/cramp" in ((await bo.ask("/help")).text or "")
    assert "Step" in ((await bo.ask("/waketime")).text or "")  # the open step's own command
    assert (await settings_of(running_bot.db, 321))["setup_step"] == "wake"
    assert notices(bo) == []
    await tap(bo, setup, "Skip the rest")  # the old setup message still finishes it
    assert "All set" in (setup.text or "")
    assert notices(bo) == []  # finished by the user: nothing assumed, nothing to tell


async def test_someone_an_older_version_left_in_setup_is_carried_over_once(
    running_bot: RunningBot,
) -> None:
    async with running_bot.db.begin() as session:  # a row as the last version left it
        row, _ = await get_or_create_user(session, 331, 331, running_bot.clock.now)
        row.timezone, row.setup_step, row.awaiting = "Asia/Tokyo", "bed", "bed"
    cy = running_bot.user(331, "Cy")
    await cy.send("/history")
    notice = await cy.next_message()
    assert SET_UP in (notice.text or "") and "Asia/Tokyo" in (notice.text or "")
    assert (await cy.next_message()).text == texts.NO_REPORTS
    assert (await settings_of(running_bot.db, 331))["awaiting"] is None
    await assert_reminders_run(running_bot, cy)
    assert len(notices(cy)) == 1


async def test_a_notice_telegram_fails_to_take_does_not_cost_the_reply(
    running_bot: RunningBot,
) -> None:
    di = running_bot.user(341, "Di")
    await start(di)
    running_bot.api.fail(
        "sendMessage",
        error_code=500,
        description="Internal Server Error",
        when=lambda params: SET_UP in str(params.get("text", "")),
    )
    assert "1/8 cups today" in ((await di.ask("/water")).text or "")
    user = await load_user(running_bot.db, 341)
    assert user is not None and user.setup_step is None
    await assert_reminders_run(running_bot, di)
    assert notices(di) == []  # lost with Telegram's error, and not sent later by surprise
