"""One-tap cramp logging with undo, end to end."""

from sqlalchemy import func, select

from bot import texts
from db.models import CrampReport
from tests.conftest import RunningBot
from tests.e2e import press_data, tap


async def count_reports(bot: RunningBot, user_id: int) -> int:
    async with bot.db() as session:
        query = select(func.count()).select_from(CrampReport).where(CrampReport.user_id == user_id)
        return int(await session.scalar(query) or 0)


async def test_report_button_and_command_store_a_report_with_relief_steps(
    running_bot: RunningBot,
) -> None:
    kim = running_bot.user(31, "Kim")
    await kim.send(texts.BUTTON_REPORT_CRAMP)
    reply = await kim.next_message()
    assert "Logged a cramp at 09:00" in (reply.text or "")  # the injected clock, in UTC
    assert "Stretch it gently" in (reply.text or "")
    assert reply.button_texts() == ["↩️ Undo"]
    await kim.send("/cramp")
    await kim.next_message()

    async with running_bot.db() as session:
        reports = (
            (await session.execute(select(CrampReport).order_by(CrampReport.id))).scalars().all()
        )
    assert [(r.user_id, r.source) for r in reports] == [(31, "button"), (31, "command")]
    assert reports[0].occurred_at == running_bot.clock.now


async def test_undo_removes_the_report_once(running_bot: RunningBot) -> None:
    lee = running_bot.user(32, "Lee")
    await lee.send("/cramp")
    reply = await lee.next_message()
    await tap(lee, reply, "Undo")
    assert reply.text == texts.CRAMP_UNDONE
    assert await count_reports(running_bot, 32) == 0

    again = await press_data(running_bot.api, lee, reply, reply_data := "cr:undo:1")
    assert again.params["text"] == texts.CRAMP_ALREADY_GONE, reply_data


async def test_nobody_can_undo_someone_elses_report(running_bot: RunningBot) -> None:
    max_, ned = running_bot.user(33, "Max"), running_bot.user(34, "Ned")
    await max_.send("/cramp")
    max_reply = await max_.next_message()
    report_data = max_reply.buttons()[0][0][1]
    assert report_data is not None
    await ned.send("/cramp")
    ned_reply = await ned.next_message()

    # Ned forges Max's report id onto a button of his own message...
    answer = await press_data(running_bot.api, ned, ned_reply, report_data)
    assert answer.params["text"] == texts.NOT_YOURS
    # ...or presses Max's message itself.
    answer = await press_data(running_bot.api, ned, max_reply, report_data)
    assert answer.params["text"] == texts.NOT_YOURS
    assert await count_reports(running_bot, 33) == 1
    assert await count_reports(running_bot, 34) == 1
