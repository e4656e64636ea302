"""/cancel, end to end: it drops the rest of setup (as any other command closes it), a typed
answer the bot asked for, and open report forms, says what it dropped, and the next free
text is not taken as the old answer; with nothing pending it says so and changes nothing."""

from datetime import time

import pytest
from sqlalchemy import select

from bot import texts
from bot.handlers import sitting
from bot.handlers.preferences import QUESTIONS
from db.models import ReportDraft
from db.report_forms import CLOSED
from tests.conftest import RunningBot
from tests.e2e import load_user, new_report, press_data, reports, settings_of, start, tap
from tests.fake_bot_api import FakeUser, SentMessage

SET_UP = "You're set up"


async def form_states(bot: RunningBot, user_id: int) -> dict[int, str]:
    """The stored state of each of the user's report forms, by message id."""
    async with bot.db() as session:
        rows = await session.scalars(select(ReportDraft).filter_by(user_id=user_id))
        return {row.message_id: row.state for row in rows}


async def assert_not_an_answer(user: FakeUser, text: str) -> None:
    """Free text now gets "I didn't catch that": nothing asked for it any more."""
    reply = await user.ask(text)
    assert reply.text == texts.UNEXPECTED_TEXT


async def set_up_user(bot: RunningBot, user_id: int, name: str) -> FakeUser:
    user = bot.user(user_id, name)
    _, setup = await start(user)
    await tap(user, setup, "Skip the rest")
    return user


def test_every_typed_answer_has_words_for_cancel() -> None:
    typed = {question.step.value for question in QUESTIONS if question.answer is not None}
    assert set(texts.CANCELLED_ANSWERS) == typed | {sitting.AWAITING}


async def test_cancel_in_setup_closes_it_with_defaults_like_any_command(
    running_bot: RunningBot,
) -> None:
    ida = running_bot.user(801, "Ida")
    _, setup = await start(ida)
    await tap(ida, setup, "Berlin")  # the wake-up step is open, and waits for a typed time
    assert (await settings_of(running_bot.db, 801))["awaiting"] == "wake"

    await ida.send("/cancel")
    notice, reply = await ida.next_message(), await ida.next_message()
    assert SET_UP in (notice.text or "") and "Europe/Berlin" in (notice.text or "")
    assert reply.text == texts.cancelled([texts.CANCELLED_SETUP])
    row = await settings_of(running_bot.db, 801)
    assert (row["setup_step"], row["awaiting"]) == (None, None)
    assert (row["timezone"], row["wake_time"], row["bed_time"]) == (
        "Europe/Berlin",
        time(7),
        time(23),
    )

    await assert_not_an_answer(ida, "06:45")
    assert (await settings_of(running_bot.db, 801))["wake_time"] == time(7)
    answer = await tap(ida, setup, "06:30", expect_edit=False)  # the setup message's buttons
    assert answer.params["text"] == texts.STALE_SETUP_BUTTON
    assert len([m for m in ida.messages if SET_UP in (m.text or "")]) == 1  # told once

    # Nothing is pending now.
    assert (await ida.ask("/cancel")).text == texts.NOTHING_TO_CANCEL


@pytest.mark.parametrize(
    ("command", "typed", "column", "before"),
    [
        ("/timezone", "Europe/Paris", "timezone", "UTC"),
        ("/waketime", "06:45", "wake_time", time(7)),
        ("/bedtime", "22:15", "bed_time", time(23)),
    ],
)
async def test_cancel_drops_a_typed_value_asked_for(
    running_bot: RunningBot, command: str, typed: str, column: str, before: object
) -> None:
    jo = await set_up_user(running_bot, 802, "Jo")
    await jo.ask(command)  # its screen: tap a choice or type one
    awaiting = (await settings_of(running_bot.db, 802))["awaiting"]
    assert awaiting in texts.CANCELLED_ANSWERS

    reply = await jo.ask("/cancel")
    assert reply.text == texts.cancelled([texts.CANCELLED_ANSWERS[str(awaiting)]])
    row = await settings_of(running_bot.db, 802)
    assert (row["awaiting"], row[column]) == (None, before)
    assert not [m for m in jo.messages if SET_UP in (m.text or "")]

    await assert_not_an_answer(jo, typed)
    assert (await settings_of(running_bot.db, 802))[column] == before


async def test_cancel_drops_typed_sitting_hours(running_bot: RunningBot) -> None:
    kai = await set_up_user(running_bot, 803, "Kai")
    menu = await kai.ask("/reminders")
    await tap(kai, menu, texts.SITTING_HOURS)
    before = await settings_of(running_bot.db, 803)
    assert before["awaiting"] == sitting.AWAITING

    reply = await kai.ask("/cancel")
    assert reply.text == texts.cancelled([texts.CANCELLED_ANSWERS[sitting.AWAITING]])
    await assert_not_an_answer(kai, "9-17")
    assert await settings_of(running_bot.db, 803) == {**before, "awaiting": None}


def _form_closed(message: SentMessage) -> bool:
    return message.text == texts.REPORT_CANCELLED and not message.buttons()


async def test_cancel_closes_open_report_forms(running_bot: RunningBot) -> None:
    lu = await set_up_user(running_bot, 804, "Lu")
    untouched = await new_report(lu)
    tapped = await new_report(lu)
    await tap(lu, tapped, "Cramp")
    await tap(lu, tapped, "Calf")
    severity = tapped.data_of("7")
    states = await form_states(running_bot, 804)
    assert set(states) == {untouched.message_id, tapped.message_id}  # stored once shown

    reply = await lu.ask("/cancel")
    assert reply.text == texts.cancelled([texts.CANCELLED_FORMS.format(count=2)])
    await running_bot.api.wait_for(lambda: _form_closed(untouched) and _form_closed(tapped))
    assert set((await form_states(running_bot, 804)).values()) == {CLOSED}

    answer = await press_data(running_bot.api, lu, tapped, severity)  # tapped meanwhile
    assert answer.params["text"] == texts.FORM_CLOSED
    assert await reports(running_bot, 804) == []
    assert (await lu.ask("/cancel")).text == texts.NOTHING_TO_CANCEL


async def test_cancel_says_everything_it_dropped(running_bot: RunningBot) -> None:
    mo = await set_up_user(running_bot, 805, "Mo")
    form = await new_report(mo)
    await mo.ask("/waketime")

    reply = await mo.ask("/cancel")
    parts = [texts.CANCELLED_ANSWERS["wake"], texts.CANCELLED_FORM]
    assert reply.text == texts.cancelled(parts)
    assert "wake-up time I asked you to type and the cramp report" in (reply.text or "")
    await running_bot.api.wait_for(lambda: _form_closed(form))


async def test_cancel_with_nothing_pending_changes_nothing(running_bot: RunningBot) -> None:
    ned = await set_up_user(running_bot, 806, "Ned")
    before = await settings_of(running_bot.db, 806)
    reply = await ned.ask("/cancel")
    assert reply.text == texts.NOTHING_TO_CANCEL
    assert reply.reply_markup is not None  # the menu buttons under the message box
    assert await settings_of(running_bot.db, 806) == before

    # Someone who never started: told the same, and no user row is made for them.
    olga = running_bot.user(807, "Olga")
    assert (await olga.ask("/cancel")).text == texts.NOTHING_TO_CANCEL
    assert await load_user(running_bot.db, 807) is None


async def test_cancel_is_in_the_command_menu_and_help(running_bot: RunningBot) -> None:
    assert "cancel" in [c["command"] for c in running_bot.api.commands]
    help_text = (await running_bot.user(808).ask("/help")).text or ""
    assert "/cancel " in help_text
