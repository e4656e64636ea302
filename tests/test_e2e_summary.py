"""Weekly summaries, export and forget, end to end."""

import csv
import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from bot import texts
from db.base import Base
from db.models import ReminderSchedule
from tests.conftest import RunningBot
from tests.e2e import set_up, tap
from tests.fake_bot_api import FakeUser, SentMessage

# Summaries at their set times (test_spread_and_merge covers the spread).
pytestmark = pytest.mark.usefixtures("unspread")

SATURDAY = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # the FakeClock's start


async def ask(bot: RunningBot, user: FakeUser, command: str, *expect: str) -> list[SentMessage]:
    """Send a command; return, for each expected piece of text, the first new message with it
    ("photo" and "document:" match photos and file names). Other messages may interleave
    (red-flag warnings follow some reports), so order of arrival is not relied on."""
    before = len(user.messages)
    await user.send(command)

    def matches(piece: str, message: SentMessage) -> bool:
        if piece == "photo":
            return message.photo is not None
        if piece.startswith("document:"):
            suffix = piece.removeprefix("document:")
            return message.document is not None and message.document[0].endswith(suffix)
        return piece in (message.text or "")

    def find(piece: str) -> SentMessage | None:
        return next((m for m in user.messages[before:] if matches(piece, m)), None)

    await bot.api.wait_for(
        lambda: all(find(p) for p in expect), timeout=10, description=str(expect)
    )
    return [m for m in (find(p) for p in expect) if m is not None]


async def log_some_days(bot: RunningBot, user: FakeUser) -> None:
    """Monday to Saturday of the week of 16-22 Nov 2026: cramps and cups."""
    for day, (cramps, cups) in enumerate(
        [(1, 3), (0, 8), (2, 4), (0, 9), (1, 5), (0, 2)], start=16
    ):
        bot.clock.now = datetime(2026, 11, day, 12, 0, tzinfo=UTC)
        for cup in range(1, cups + 1):
            await ask(bot, user, "/water", f"{cup}/8")
        for n in range(cramps):
            await ask(bot, user, f"/cramp calf {5 + n} night" if n else "/cramp calf 6", "Saved")
    bot.clock.now = SATURDAY.replace(hour=20)


async def test_a_week_without_data_gets_a_short_kind_message(running_bot: RunningBot) -> None:
    ada = await set_up(running_bot.user(71, "Ada"))
    reply = await ada.ask("/summary")
    assert len(reply.text or "") < 400
    assert not running_bot.api.calls_to("sendPhoto")


async def test_summary_has_the_numbers_and_a_chart(running_bot: RunningBot) -> None:
    bo = await set_up(running_bot.user(72, "Bo"))
    await log_some_days(running_bot, bo)
    summary, chart = await ask(running_bot, bo, "/summary", "Your week", "photo")
    text = summary.text or ""
    assert "16 Nov" in text and "22 Nov" in text
    assert "4" in text  # four cramps this week
    assert "▁" in text or "█" in text  # a sparkline
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
    assert running_bot.api.calls_to("sendChatAction")

    [last] = await ask(running_bot, bo, "/summary last", "Nov")
    [usage] = await ask(running_bot, bo, "/summary next year", "/summary last")
    assert usage.text == texts.SUMMARY_USAGE
    assert "09 Nov" in (last.text or "") or "9 Nov" in (last.text or "")


async def test_the_scheduled_summary_arrives_at_its_time(running_bot: RunningBot) -> None:
    cy = await set_up(running_bot.user(73, "Cy"))
    await log_some_days(running_bot, cy)
    async with running_bot.db() as session:
        due = await session.scalar(
            select(ReminderSchedule.next_due_at).filter_by(user_id=73, kind="summary")
        )
    assert due == datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # Sunday 18:00 in the user's zone (UTC)

    running_bot.clock.now = due
    before = len(cy.messages)
    await running_bot.dispatch()
    await running_bot.api.wait_for(lambda: any(m.photo for m in cy.messages[before:]), timeout=10)
    texts_sent = [m.text or "" for m in cy.messages[before:]]
    assert any("Your week" in t for t in texts_sent)


async def test_the_summary_day_and_time_can_be_changed(running_bot: RunningBot) -> None:
    di = await set_up(running_bot.user(74, "Di"))
    menu = await di.ask("/settings")
    await tap(di, menu, "Weekly summary")
    await tap(di, menu, "Fri")
    await tap(di, menu, "08:00")
    async with running_bot.db() as session:
        due = await session.scalar(
            select(ReminderSchedule.next_due_at).filter_by(user_id=74, kind="summary")
        )
    assert due == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


async def test_export_sends_a_csv_and_a_pdf_with_the_users_numbers(running_bot: RunningBot) -> None:
    ed = await set_up(running_bot.user(75, "Ed"))
    await log_some_days(running_bot, ed)
    csv_message, pdf_message = await ask(
        running_bot, ed, "/export", "document:.csv", "document:.pdf"
    )
    assert running_bot.api.calls_to("sendChatAction")

    assert csv_message.document is not None and csv_message.document[0].endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(csv_message.document[1].decode())))
    assert sum(row["record"] == "cramp" for row in rows) == 4
    assert sum(row["record"] == "cup" for row in rows) == 31
    assert all(row["time"].endswith("+00:00") for row in rows)  # ISO, in the user's zone (UTC)

    assert pdf_message.document is not None and pdf_message.document[0].endswith(".pdf")
    pdf = PdfReader(io.BytesIO(pdf_message.document[1]))
    content = " ".join(page.extract_text() for page in pdf.pages)
    assert "Ed" in content and "4" in content


async def test_export_pdf_shows_a_cyrillic_name_as_typed(running_bot: RunningBot) -> None:
    anna = await set_up(running_bot.user(78, "Анна"))
    await ask(running_bot, anna, "/cramp calf 6", "Saved")
    [pdf_message] = await ask(running_bot, anna, "/export", "document:.pdf")
    assert pdf_message.document is not None
    pdf = PdfReader(io.BytesIO(pdf_message.document[1]))
    content = " ".join(page.extract_text() for page in pdf.pages)
    assert "Cramp Coach report for Анна" in content
    assert "cramp · calf · 6/10" in content


async def test_forget_leaves_nothing_behind(running_bot: RunningBot) -> None:
    fay = await set_up(running_bot.user(76, "Fay"))
    await log_some_days(running_bot, fay)
    await fay.send("/profile")
    await tap(fay, await fay.next_message(), "Diuretic")
    await ask(running_bot, fay, "/cramp calf 9 swelling weak", "Saved")

    [question] = await ask(running_bot, fay, "/forget", "deletes everything")
    await tap(fay, question, "Keep my data")
    assert question.text == texts.FORGET_KEPT
    [question] = await ask(running_bot, fay, "/forget", "deletes everything")
    await tap(fay, question, "Delete everything")
    assert question.text == texts.FORGET_DONE

    async with running_bot.db() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in ("processed_updates", "instances"):
                continue  # update ids and times, the bot's own processes: nothing of the user's
            if "user_id" in table.c:
                left = await session.scalar(
                    select(func.count()).select_from(table).where(table.c.user_id == 76)
                )
            elif table.name == "users":
                left = await session.scalar(
                    select(func.count()).select_from(table).where(table.c.id == 76)
                )
            else:
                left = await session.scalar(select(func.count()).select_from(table))
            assert left == 0, f"{table.name} still holds {left} row(s)"
        assert await session.scalar(text("SELECT count(*) FROM flag_reports")) == 0


async def test_a_first_week_counts_only_the_days_since_the_user_started(
    running_bot: RunningBot,
) -> None:
    # Gus starts on Sunday evening, logs a cramp and one cup, and gets the summary at 18:00.
    running_bot.clock.now = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
    gus = await set_up(running_bot.user(77, "Gus"))
    await ask(running_bot, gus, "/water", "1/8")
    await ask(running_bot, gus, "/cramp calf 6", "Saved")
    await ask(running_bot, gus, "/cramp calf 5", "Saved")

    running_bot.clock.now = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    before = len(gus.messages)
    await running_bot.dispatch()
    await running_bot.api.wait_for(
        lambda: any("Your week" in (m.text or "") for m in gus.messages[before:]), timeout=10
    )
    [summary] = [m for m in gus.messages[before:] if "Your week" in (m.text or "")]
    said = summary.text or ""
    assert "since you started on Sun 22 Nov" in said
    assert "Water goal met on 0 of 1 day;" in said and "1.0 cups a day on average" in said
    assert "of 7" not in said
    assert "most" not in said.lower()  # one cramp day is no "most of your cramp days"
    assert "last week" not in said  # there is no week before the start

    # On Monday, /summary last is that same first week.
    running_bot.clock.now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    [last] = await ask(running_bot, gus, "/summary last", "Your week")
    assert "since you started on Sun 22 Nov" in (last.text or "")
    # The doctor's PDF starts on his first day too, not 90 days of zeros before it.
    [pdf_message] = await ask(running_bot, gus, "/export", "document:.pdf")
    assert pdf_message.document is not None
    pdf = PdfReader(io.BytesIO(pdf_message.document[1]))
    content = " ".join(page.extract_text() for page in pdf.pages)
    assert "Period: 22 Nov - 23 Nov 2026" in content

    # Hal starts on Monday: last week has nothing of his to sum up, and says so.
    hal = await set_up(running_bot.user(78, "Hal"))
    [before_him] = await ask(running_bot, hal, "/summary last", "Your week")
    assert "You started on Mon 23 Nov, after this week" in (before_him.text or "")
    assert "Nothing logged" not in (before_him.text or "")
