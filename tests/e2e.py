"""Steps an end-to-end test takes as a user (press a button and wait for its effect), and
what tests that run `python -m bot` as a process share."""

import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks import AnswerReminder, SittingPreset, parse_callback_data
from core.delivery import DeliveryStatus
from db.models import CrampReport, Delivery, ReminderSchedule, User
from tests.conftest import TOKEN, RunningBot
from tests.fake_bot_api import ApiCall, FakeBotApi, FakeUser, SentMessage

REPO = Path(__file__).resolve().parent.parent
# Settings a test's environment must not leak into the bot it starts.
_BOT_SETTINGS = ("TELEGRAM_", "DATABASE_", "DATA_DIR", "SEND_", "DISPATCH_", "WEBHOOK_", "LISTEN_")


def free_port() -> int:
    """A port nothing listens on now, for a bot's HTTP server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(api: FakeBotApi, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of `python -m bot` against the fake and `database_url`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(_BOT_SETTINGS)},
        "PYTHONPATH": str(REPO),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_BASE_FILE_URL": api.base_file_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "DEBUG",
        **settings,
    }


def reminder_ids(message: SentMessage) -> set[int]:
    """The delivery a reminder message is for, read from its buttons."""
    data = (parse_callback_data(d) for row in message.buttons() for _, d in row if d)
    return {d.delivery_id for d in data if isinstance(d, AnswerReminder)}


def busiest(times: list[float], window: float = 1.0) -> int:
    """The most calls in any window of that many seconds."""
    times, most, start = sorted(times), 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


async def tap(
    user: FakeUser, message: SentMessage, button_text: str, *, expect_edit: bool = True
) -> ApiCall:
    """Press a button by its text; wait for the answer and, by default, the message edit."""
    edits = message.edits
    answer = await user.wait_answer(await user.press(message, button_text))
    if expect_edit:
        await user.api.wait_for(lambda: message.edits > edits, description="the message edit")
    return answer


async def start(user: FakeUser) -> tuple[SentMessage, SentMessage]:
    """/start: the welcome, and the first setup screen."""
    await user.send("/start")
    return await user.next_message(), await user.next_message()


async def set_up(user: FakeUser) -> FakeUser:
    """Finish setup with the defaults: UTC, 07:00-23:00, every reminder on."""
    _, setup = await start(user)
    await tap(user, setup, "Skip the rest")
    return user


async def sit_all_waking_hours(user: FakeUser) -> None:
    """Movement reminders every waking hour of every day (as before sitting hours), from
    /reminders: for tests about something else that a Saturday movement reminder helps."""
    menu = await user.ask("/reminders")
    await tap(user, menu, texts.SITTING_HOURS)
    await tap(user, menu, texts.SITTING_PRESETS[SittingPreset.EVERY_DAY])
    await tap(user, menu, texts.SITTING_PRESETS[SittingPreset.AWAKE])


async def press_together(user: FakeUser, message: SentMessage, *labels: str) -> list[ApiCall]:
    """Press buttons of one drawing of `message` back to back, each carrying its data as
    drawn before the bot handled any of them (a fast thumb on a slow network); return the
    bot's answers once every press is handled."""
    drawn = [message.data_of(label) for label in labels]
    queries = [await user.press(message, data=data) for data in drawn]
    return [await user.wait_answer(query) for query in queries]


async def press_data(
    api: FakeBotApi, user: FakeUser, message: SentMessage | int, data: str
) -> ApiCall:
    """Press a button with raw (possibly forged or stale) data; return the bot's answer."""
    return await user.wait_answer(await user.press(message, data=data))


async def new_report(user: FakeUser) -> SentMessage:
    """Open the report form with the button under the message box."""
    await user.send(texts.BUTTON_REPORT_CRAMP)
    return await user.next_message()


async def reports(bot: RunningBot, user_id: int) -> list[CrampReport]:
    """The user's stored reports, oldest first."""
    async with bot.db() as session:
        rows = await session.scalars(
            select(CrampReport).filter_by(user_id=user_id).order_by(CrampReport.id)
        )
        return list(rows)


async def load_user(db: async_sessionmaker[AsyncSession], user_id: int) -> User | None:
    async with db() as session:
        return await session.get(User, user_id)


async def settings_of(db: async_sessionmaker[AsyncSession], user_id: int) -> dict[str, object]:
    """Every stored column of a user except the bookkeeping timestamps."""
    user = await load_user(db, user_id)
    assert user is not None
    return {
        column.key: getattr(user, column.key)
        for column in User.__table__.columns
        if column.key not in ("created_at", "updated_at")
    }


async def unsettled(engine: AsyncEngine) -> int:
    """Slots still due and deliveries still pending: work the bot has yet to do (orphans of
    a killed instance are taken up after ORPHAN_AFTER)."""
    async with engine.connect() as connection:
        due = await connection.scalar(
            select(func.count())
            .select_from(ReminderSchedule)
            .where(ReminderSchedule.next_due_at <= datetime.now(UTC))
        )
        pending = await connection.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.status == DeliveryStatus.PENDING)
        )
    return int(due or 0) + int(pending or 0)
