"""Sitting hours end to end: movement reminders come in the hours a user sits, chosen in
/reminders and in setup, by preset or typed. The clock starts on Saturday 2026-11-21, 09:00
UTC."""

from datetime import time

import pytest

from bot import texts
from bot.callbacks import Flow, Sitting, SittingPreset
from bot.handlers.preferences import Step
from bot.handlers.sitting import SETUP_STEP
from scheduler.planning import spread_minutes
from tests.conftest import RunningBot
from tests.e2e import press_data, set_up, settings_of, start, tap
from tests.fake_bot_api import FakeUser

WEEKDAYS = texts.SITTING_PRESETS[SittingPreset.WEEKDAYS]
EVERY_DAY = texts.SITTING_PRESETS[SittingPreset.EVERY_DAY]
AWAKE = texts.SITTING_PRESETS[SittingPreset.AWAKE]


def test_the_screen_knows_which_setup_step_opens_it() -> None:
    assert SETUP_STEP == Step.REMINDERS


@pytest.mark.parametrize(
    ("mask", "names"),
    [(0b1111111, "every day"), (0b0011111, "Mon–Fri"), (0b0010101, "Mon, Wed, Fri"),
     (0b1100011, "Mon, Tue, Sat, Sun"), (0b1110111, "Mon–Wed, Fri–Sun"), (0, "no days")],
)  # fmt: skip
def test_movement_days_read_short(mask: int, names: str) -> None:
    assert texts.day_names(mask) == names


async def sitting(bot: RunningBot, user_id: int) -> tuple[object, object, object]:
    row = await settings_of(bot.db, user_id)
    return row["sitting_from"], row["sitting_to"], row["movement_days"]


async def movement_line(user: FakeUser) -> str:
    text = (await user.ask("/reminders")).text or ""
    return next(line for line in text.splitlines() if "Movement" in line)


async def test_presets_and_typed_hours_in_reminders_move_the_next_nudge(
    running_bot: RunningBot,
) -> None:
    ada = await set_up(running_bot.user(701, "Ada"))
    # The times shown are the ones used: Ada's nudges come 42 minutes after the hour.
    assert spread_minutes(701) == 42
    assert await movement_line(ada) == "🚶 Movement: on · next Mon 10:42 · Mon–Fri 09:00–17:00"
    menu = await ada.ask("/reminders")
    await tap(ada, menu, texts.SITTING_HOURS)
    assert f"✅ {WEEKDAYS}" in menu.button_texts()
    assert "Next movement nudge: Mon 10:42" in (menu.text or "")

    await tap(ada, menu, EVERY_DAY)
    assert "every day 09:00–17:00" in (menu.text or "")
    assert "Next movement nudge: 10:42" in (menu.text or "")
    await tap(ada, menu, AWAKE)  # every waking hour, the days kept
    assert "every day, all waking hours" in (menu.text or "")
    assert await sitting(running_bot, 701) == (None, None, 0b1111111)

    saved = await ada.ask("8:30–12:15")
    assert "every day 08:30–12:15" in (saved.text or "")
    assert "Next movement nudge: 10:12" in (saved.text or "")
    assert await movement_line(ada) == "🚶 Movement: on · next 10:12 · every day 08:30–12:15"

    running_bot.clock.now = running_bot.clock.now.replace(hour=10, minute=12)
    before = len(ada.messages)
    await running_bot.dispatch()
    await running_bot.api.wait_for(lambda: any(
        "Time to move" in (m.text or "") for m in ada.messages[before:]))  # fmt: skip


async def test_bad_typed_hours_get_a_friendly_reply_and_change_nothing(
    running_bot: RunningBot,
) -> None:
    bo = await set_up(running_bot.user(702, "Bo"))
    menu = await bo.ask("/reminders")
    await tap(bo, menu, texts.SITTING_HOURS)
    for typed, reply in (("after lunch", "isn't a start and an end"), ("25-3", "isn't a start"),
                         ("9-9", "start and end at the same time")):  # fmt: skip
        assert reply in ((await bo.ask(typed)).text or "")
    assert await sitting(running_bot, 702) == (time(9), time(17), 0b0011111)

    await tap(bo, menu, "Back")  # off the screen, typed text is not hours any more
    assert (await bo.ask("9-17")).text == texts.UNEXPECTED_TEXT


async def test_hours_outside_waking_hours_warn_that_no_nudge_comes(
    running_bot: RunningBot,
) -> None:
    cy = await set_up(running_bot.user(703, "Cy"))
    menu = await cy.ask("/reminders")
    await tap(cy, menu, texts.SITTING_HOURS)
    saved = await cy.ask("23:30-06:00")  # awake 07:00-23:00
    assert texts.NO_NUDGE in (saved.text or "")
    assert await movement_line(cy) == "🚶 Movement: on · Mon–Fri 23:30–06:00"


async def test_setup_sets_sitting_hours_in_its_reminders_step(running_bot: RunningBot) -> None:
    dee = running_bot.user(704, "Dee")
    _, setup = await start(dee)
    for keep in ("Keep UTC", "Keep 07:00", "Keep 23:00"):
        await tap(dee, setup, keep)
    assert "Step 4 of 4" in (setup.text or "")
    await tap(dee, setup, f"{texts.SITTING_HOURS}: Mon–Fri 09:00–17:00")
    await tap(dee, setup, EVERY_DAY)
    assert await sitting(running_bot, 704) == (time(9), time(17), 0b1111111)

    assert "isn't a start" in ((await dee.ask("lunchtime")).text or "")
    saved = await dee.ask("10 to 16:30")
    assert "every day 10:00–16:30" in (saved.text or "")
    screen = await dee.next_message()  # the screen again, with its way back
    await tap(dee, screen, "✅ Sun")
    await tap(dee, screen, "Back")
    assert "Step 4 of 4" in (screen.text or "")
    assert f"{texts.SITTING_HOURS}: Mon–Sat 10:00–16:30" in screen.button_texts()
    await tap(dee, screen, "Done")
    assert "All set" in (screen.text or "")
    row = await settings_of(running_bot.db, 704)
    assert (row["sitting_from"], row["sitting_to"], row["movement_days"]) == (
        time(10), time(16, 30), 0b0111111,
    )  # fmt: skip
    assert row["setup_step"] is None and row["awaiting"] is None
    assert await movement_line(dee) == "🚶 Movement: on · next 11:45 · Mon–Sat 10:00–16:30"

    # A setup button pressed after setup is stale and changes nothing.
    answer = await press_data(
        running_bot.api, dee, setup, Sitting(Flow.SETUP, SittingPreset.AWAKE).encode()
    )
    assert answer.params["text"] == texts.STALE_SETUP_BUTTON
    assert await sitting(running_bot, 704) == (time(10), time(16, 30), 0b0111111)
