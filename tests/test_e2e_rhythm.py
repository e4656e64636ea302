"""The rhythm end to end: movement let pass backs off, its next reminder asks once
(keep / fewer / stop) and each answer does what it says; "Fewer" is undone in /reminders;
stale and forged answers are refused kindly."""

import pytest
from sqlalchemy import select

from bot import texts
from db.models import Delivery, ReminderRhythm, User
from tests.conftest import RunningBot
from tests.e2e import load_user, press_data, set_up, sit_all_waking_hours, tap
from tests.fake_bot_api import FakeUser, SentMessage

# Exact reminder times (test_spread_and_merge covers the spread).
pytestmark = pytest.mark.usefixtures("unspread")

QUESTION = ["Keep as usual", "Fewer", "Stop these"]


async def set_up_movers(*users: FakeUser) -> None:
    """Set up, movement every waking hour (the clock is on a Saturday), and no drink
    reminders, so each movement reminder is a message of its own."""
    for user in users:
        await set_up(user)
        await sit_all_waking_hours(user)
        menu = await user.ask("/reminders")
        await tap(user, menu, "Hydration")


async def movement_through(bot: RunningBot, user: FakeUser, *hours: int) -> list[SentMessage]:
    """A dispatcher pass at each hour of today; the movement reminders sent."""
    before = len(user.messages)
    for hour in hours:
        bot.clock.now = bot.clock.now.replace(hour=hour, minute=0)
        await bot.dispatch()  # returns once its messages are sent
    return [m for m in user.messages[before:] if "Time to move" in (m.text or "")]


def delivery_id(message: SentMessage) -> int:
    """The delivery a reminder's first button is for."""
    return int(str(message.buttons()[0][0][1]).split(":")[2])


def question_row(message: SentMessage) -> list[str]:
    return [label for label, _ in message.buttons()[-1]]


async def asked(bot: RunningBot, user: FakeUser) -> SentMessage:
    """Let three movement reminders pass (10-12): 13:00 is held back, 14:00 asks."""
    sent = await movement_through(bot, user, 10, 11, 12, 13, 14)
    assert len(sent) == 4 and all(question_row(m) != QUESTION for m in sent[:3])
    assert question_row(sent[3]) == QUESTION
    assert "You've let the last few movement reminders pass" in (sent[3].text or "")
    return sent[3]


async def test_fewer_is_asked_once_and_undone_in_reminders(running_bot: RunningBot) -> None:
    ada = running_bot.user(71, "Ada")
    await set_up_movers(ada)
    question = await asked(running_bot, ada)
    await tap(ada, question, "Fewer")
    assert texts.RHYTHM_LIGHTER in (question.text or "")
    assert "Moved" in question.buttons()[0][0][0]  # the reminder itself still answerable
    assert QUESTION[0] not in str(question.buttons())

    data = f"ry:k:{delivery_id(question)}"  # a late tap on Keep
    answer = await press_data(running_bot.api, ada, question, data)
    assert answer.params["text"] == texts.RHYTHM_ALREADY_ANSWERED
    later = await movement_through(running_bot, ada, 15, 16, 17, 18)
    assert len(later) == 2 and all(len(m.buttons()) == 1 for m in later)  # never asked again

    menu = await ada.ask("/reminders")
    assert "every other one" in (menu.text or "")
    await tap(ada, menu, "All movement reminders again")
    assert "every other one" not in (menu.text or "")
    assert len(await movement_through(running_bot, ada, 19, 20)) == 2


async def test_keep_restores_and_stop_switches_the_kind_off(running_bot: RunningBot) -> None:
    bo, cy = running_bot.user(72, "Bo"), running_bot.user(73, "Cy")
    await set_up_movers(bo, cy)
    # Both let theirs pass; Bo keeps them, Cy stops them.
    sent = await movement_through(running_bot, bo, 10, 11, 12, 13, 14)
    bo_question = sent[-1]
    cy_question = next(m for m in reversed(cy.messages) if "Time to move" in (m.text or ""))
    await tap(bo, bo_question, "Keep as usual")
    assert texts.RHYTHM_KEPT in (bo_question.text or "")
    await tap(cy, cy_question, "Stop these")
    assert "/reminders switches them back on" in (cy_question.text or "")
    assert cy_question.reply_markup is None
    cy_row = await load_user(running_bot.db, 73)
    assert isinstance(cy_row, User) and cy_row.movement_on is False

    cy_before = len(cy.messages)
    later = await movement_through(running_bot, bo, 15, 16)
    assert len(later) == 2  # every hour again
    assert not any("Time to move" in (m.text or "") for m in cy.messages[cy_before:])


async def test_stale_and_forged_answers_change_nothing(running_bot: RunningBot) -> None:
    di, ed = running_bot.user(74, "Di"), running_bot.user(75, "Ed")
    await set_up_movers(di, ed)
    question = await asked(running_bot, di)
    asked_id = delivery_id(question)
    async with running_bot.db() as session:
        other = await session.scalar(
            select(Delivery.id).filter_by(user_id=74, kind="hydration").limit(1)
        )
    ed_message = ed.messages[-1]
    for user, message, data, expected in (
        (ed, ed_message, f"ry:s:{asked_id}", texts.NOT_YOURS),  # someone else's
        (di, question, "ry:s:999999", texts.REMINDER_GONE),  # no such reminder
        (di, question, f"ry:s:{other}", texts.STALE_BUTTON),  # a reminder that did not ask
    ):
        answer = await press_data(running_bot.api, user, message, data)
        assert answer.params["text"] == expected
    async with running_bot.db() as session:
        rhythm = await session.get(ReminderRhythm, (74, "movement"))
    assert rhythm is not None and rhythm.answer is None
    di_row = await load_user(running_bot.db, 74)
    assert isinstance(di_row, User) and di_row.movement_on
