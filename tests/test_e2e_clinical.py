"""What the bot says about a report follows the sources, end to end: a possible clot gets
urgent advice and no relief steps, every raised warning reaches the user, signs in new
reports raise their warnings again, "still going" is followed up, night cramps are counted
by the clock, and activity words raise no false alarm."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.texts.medical import (
    CLOT_SIGN_HOLD_NOTE,
    FLAG_DISCLAIMER,
    RELIEF,
    RULE_TITLES,
    STRETCH_INTRO,
    STRETCH_WAITS,
    URGENT_SWELLING,
)
from db.models import Flag, ReminderSchedule
from tests.conftest import RunningBot
from tests.e2e import reports, set_up, sit_all_waking_hours, tap
from tests.fake_bot_api import FakeUser, SentMessage

URGENT_LEAD = URGENT_SWELLING.split("</b>")[0]
RELIEF_STEPS = ("Massage", "warm towel", "walk a little", "stretch the muscle")


async def flag_rows(bot: RunningBot, user_id: int) -> list[tuple[int, str]]:
    """(rule, level) of each warning stored for the user, oldest first."""
    async with bot.db() as session:
        rows = await session.execute(
            select(Flag.rule_id, Flag.level).filter_by(user_id=user_id).order_by(Flag.id)
        )
        return [(rule_id, level) for rule_id, level in rows]


async def flags_of(bot: RunningBot, user_id: int) -> list[int]:
    return [rule_id for rule_id, _ in await flag_rows(bot, user_id)]


async def report(bot: RunningBot, user: FakeUser, line: str) -> list[SentMessage]:
    """/cramp <line>: the confirmation, then each warning it raised that is not urgent (an
    urgent one is said in the confirmation itself)."""
    known = len(await flag_rows(bot, user.id))
    reply = await user.ask(f"/cramp {line}")
    raised = (await flag_rows(bot, user.id))[known:]
    return [reply] + [await user.next_message() for _, level in raised if level != "urgent"]


def assert_urgent_first_without_relief(text: str) -> None:
    assert text.startswith(URGENT_LEAD)
    assert "not a diagnosis" in text
    assert not any(step in text for step in RELIEF_STEPS), text


async def test_a_clot_sign_gets_urgent_advice_first_and_no_relief_steps(
    running_bot: RunningBot,
) -> None:
    ann = await set_up(running_bot.user(81, "Ann"))
    [reply] = await report(running_bot, ann, "calf 6 swelling")
    assert_urgent_first_without_relief(reply.text or "")
    assert "Saved: cramp · calf · 6/10 · swelling" in (reply.text or "")
    assert await flags_of(running_bot, 81) == [4]

    form = await ann.ask(texts.BUTTON_REPORT_CRAMP)  # the same by buttons
    for button in ("Cramp", "Calf", "6", "1–10 min", "Just now", "Swelling", "💾 Save"):
        await tap(ann, form, button)
    assert_urgent_first_without_relief(form.text or "")


@pytest.mark.usefixtures("unspread")  # slots on the hour: each half-hour pass is on time
async def test_a_clot_sign_holds_the_reminders_to_walk_and_stretch_for_two_days(
    running_bot: RunningBot,
) -> None:
    eve = await set_up(running_bot.user(92, "Eve"))
    await sit_all_waking_hours(eve)  # the clock is on a Saturday
    [reply] = await report(running_bot, eve, "calf 6 swelling")
    assert_urgent_first_without_relief(reply.text or "")
    assert CLOT_SIGN_HOLD_NOTE in (reply.text or "")
    menu = (await eve.ask("/reminders")).text or ""
    assert "Movement: on · held until Mon 09:00" in menu  # reported Sat 09:00
    assert "Bedtime stretch: on · held until Mon 09:00" in menu
    assert "Hydration: on · next" in menu
    asked = await eve.ask("/stretch")  # on demand, too: the warning, not the routine
    assert_urgent_first_without_relief(asked.text or "")
    assert STRETCH_WAITS in (asked.text or "") and STRETCH_INTRO not in (asked.text or "")

    async def reminders_for(hours: int) -> list[str]:
        """Every half hour's dispatcher pass for `hours`: the reminders' texts."""
        seen = len(eve.messages)
        for _ in range(hours * 2):
            running_bot.clock.advance(minutes=30)
            await running_bot.dispatch()
        await asyncio.sleep(0.2)  # long enough for the last to show
        return [m.text or "" for m in eve.messages[seen:]]

    held = await reminders_for(47)
    assert held, "drink reminders still come"
    assert not any("Time to move" in t or STRETCH_INTRO in t for t in held), held
    assert not any(step in t for t in held for step in RELIEF_STEPS), held
    after = await reminders_for(3)  # two days on, and no new clot sign
    assert any("Time to move" in text for text in after)
    assert STRETCH_INTRO in ((await eve.ask("/stretch")).text or "")
    assert "held until" not in ((await eve.ask("/reminders")).text or "")


async def test_relief_follows_the_sources_when_there_is_no_clot_sign(
    running_bot: RunningBot,
) -> None:
    bea = await set_up(running_bot.user(82, "Bea"))
    [reply] = await report(running_bot, bea, "calf 6 now")
    assert RELIEF in (reply.text or "")
    assert "stop what you were doing" in RELIEF and "an ice pack" in RELIEF
    assert URGENT_LEAD not in (reply.text or "")


async def test_every_raised_warning_reaches_the_user(running_bot: RunningBot) -> None:
    cal = await set_up(running_bot.user(83, "Cal"))
    await report(running_bot, cal, "calf 6 swelling")
    running_bot.clock.advance(hours=30)  # a cramp without swelling the next day
    [reply] = await report(running_bot, cal, "foot 3 now")
    assert_urgent_first_without_relief(reply.text or "")  # the clot sign is said again
    assert "Saved: cramp · foot / toes · 3/10" in (reply.text or "")
    assert await flags_of(running_bot, 83) == [4, 4]

    running_bot.clock.advance(hours=1)  # a second clot sign within the rule's window
    [again] = await report(running_bot, cal, "calf 5 red")
    assert_urgent_first_without_relief(again.text or "")
    assert await flags_of(running_bot, 83) == [4, 4, 4]
    listing = await cal.ask("/flags")
    assert (listing.text or "").count(RULE_TITLES[4]) == 3
    assert FLAG_DISCLAIMER in (listing.text or "")


async def test_each_new_long_spasm_raises_its_warning(running_bot: RunningBot) -> None:
    dan = await set_up(running_bot.user(84, "Dan"))
    _, warning = await report(running_bot, dan, "calf 5 15m")
    assert RULE_TITLES[1] in (warning.text or "")
    running_bot.clock.advance(days=3)
    _, again = await report(running_bot, dan, "calf 4 12m")
    assert RULE_TITLES[1] in (again.text or "")
    assert await flags_of(running_bot, 84) == [1, 1]


async def follow_up(bot: RunningBot, user: FakeUser) -> SentMessage:
    """The dispatcher's pass 10 minutes after the report: the question."""
    bot.clock.advance(minutes=10)
    await bot.dispatch()
    question = await user.next_message()
    assert question.text == texts.FOLLOW_UP_QUESTION
    return question


async def test_still_going_is_followed_up_once_and_past_ten_minutes_warns(
    running_bot: RunningBot,
) -> None:
    eve = await set_up(running_bot.user(85, "Eve"))
    [saved] = await report(running_bot, eve, "calf 7 still going")
    assert "still going" in (saved.text or "")
    await running_bot.restart()  # the follow-up is a stored row, not a job in memory
    question = await follow_up(running_bot, eve)
    assert question.button_texts() == [texts.STOPPED, texts.STILL_GOING]
    running_bot.clock.advance(minutes=5)
    await running_bot.dispatch()
    asked = [m for m in eve.messages if m.text == texts.FOLLOW_UP_QUESTION]
    assert asked == [question]  # it goes out once

    before = len(eve.messages)
    await tap(eve, question, texts.STILL_GOING)
    await running_bot.api.wait_for(lambda: len(eve.messages) > before)
    assert RULE_TITLES[1] in (eve.messages[-1].text or "")
    [row] = await reports(running_bot, 85)
    assert row.duration == "gt10"
    assert await flags_of(running_bot, 85) == [1]


async def test_a_cramp_that_stopped_raises_nothing(running_bot: RunningBot) -> None:
    fay = await set_up(running_bot.user(86, "Fay"))
    await report(running_bot, fay, "calf 7 ongoing")
    question = await follow_up(running_bot, fay)
    await tap(fay, question, texts.STOPPED)
    assert texts.ANSWER_STOPPED in (question.text or "")
    assert await flags_of(running_bot, 86) == []


async def test_a_pause_after_the_report_drops_its_follow_up_but_an_earlier_one_does_not(
    running_bot: RunningBot,
) -> None:
    gus = await set_up(running_bot.user(87, "Gus"))
    await report(running_bot, gus, "calf 7 still going")
    menu = await gus.ask("/pause")
    await tap(gus, menu, "1 hour")
    running_bot.clock.advance(minutes=10)
    await running_bot.dispatch()
    async with running_bot.db() as session:
        left = await session.scalar(
            select(func.count())
            .select_from(ReminderSchedule)
            .filter_by(user_id=87, kind="followup")
        )
    assert left == 0

    running_bot.clock.advance(minutes=5)  # still paused: a new report is followed up
    await report(running_bot, gus, "calf 6 still going")
    await follow_up(running_bot, gus)


async def test_cramps_between_bedtime_and_wake_up_are_night_cramps(
    running_bot: RunningBot,
) -> None:
    hal = await set_up(running_bot.user(88, "Hal"))  # UTC, 07:00 to 23:00
    night = running_bot.clock.now.replace(hour=3)  # 03:00, "Just now"
    running_bot.clock.now = night + timedelta(days=1)
    for hour in (3, 4, 5):  # three in one night: one bad night, not yet a pattern
        running_bot.clock.now = running_bot.clock.now.replace(hour=hour)
        await report(running_bot, hal, "calf 5 now")
    assert await flags_of(running_bot, 88) == []
    for days in (1, 2):
        running_bot.clock.now = night + timedelta(days=1 + days)
        messages = await report(running_bot, hal, "calf 5 now")
    assert RULE_TITLES[2] in (messages[-1].text or "")
    assert [r.at_night for r in await reports(running_bot, 88)] == [True] * 5

    # A night belongs to the day before it (wake-up to wake-up): Sat, Sat, Sat, Sun; Mon.
    running_bot.clock.now = night + timedelta(days=3, hours=9)
    last_week = await hal.ask("/summary last")
    assert "At night: 4 · ☀️ By day: 0" in (last_week.text or "")
    assert (await hal.next_message()).photo  # its chart
    this_week = await hal.ask("/summary")
    assert "At night: 1 · ☀️ By day: 0" in (this_week.text or "")


async def test_walking_when_it_came_saves_a_cramp_during_activity_and_raises_nothing(
    running_bot: RunningBot,
) -> None:
    ivy = await set_up(running_bot.user(89, "Ivy"))
    [reply] = await report(running_bot, ivy, "calf 5 1m while walking")
    assert "Saved: cramp · calf · 5/10 · 1 min · during exercise" in (reply.text or "")
    assert await flags_of(running_bot, 89) == []

    asked = await ivy.ask("/cramp calf 5 walking")
    assert "could mean two things" in (asked.text or "") and "Nothing was saved" in (
        asked.text or ""
    )
    assert len(await reports(running_bot, 89)) == 1


async def test_twitches_that_persist_are_worth_a_check_on_their_own(
    running_bot: RunningBot,
) -> None:
    jan = await set_up(running_bot.user(90, "Jan"))
    await report(running_bot, jan, "twitch neck")
    running_bot.clock.advance(days=1)
    _, warning = await report(running_bot, jan, "twitch neck")
    assert RULE_TITLES[14] in (warning.text or "")


async def test_the_form_asks_whether_it_stopped_you_doing_something(
    running_bot: RunningBot,
) -> None:
    kim = await set_up(running_bot.user(91, "Kim"))
    form = await kim.ask(texts.BUTTON_REPORT_CRAMP)
    for button in ("Cramp", "Calf", "Skip", "Skip", "Skip", "stopped me", "💾 Save"):
        await tap(kim, form, button)
    [row] = await reports(running_bot, 91)
    assert "it stopped me doing something" in (form.text or "") and row.symptoms == 1 << 4
