"""Webhook mode and /healthz: Telegram posts updates with the secret header, anything
else is refused unprocessed, and the health check tells the database and dispatcher."""

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import delete, func, select

from bot.settings import ServerSettings
from db.models import ReminderSchedule, User
from tests.conftest import FakeClock, RunningBot
from tests.e2e import free_port, set_up, start
from tests.fake_bot_api import FakeBotApi

# Tests of other things that name exact reminder times (test_spread_and_merge: the spread).
pytestmark = pytest.mark.usefixtures("unspread")

SECRET = "webhook-secret_0123456789abcdef"


def webhook_server(port: int) -> ServerSettings:
    return ServerSettings(
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_secret=SecretStr(SECRET),
        listen_address="127.0.0.1",
        listen_port=port,
    )


@pytest.fixture
async def webhook_bot(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """The bot in webhook mode on a free local port; the fake posts updates to it."""
    bot = RunningBot(api, database_url, clock, webhook_server(free_port()))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.close()


def base_of(bot: RunningBot) -> str:
    assert bot.server is not None
    return f"http://127.0.0.1:{bot.server.port}"


async def users_stored(bot: RunningBot) -> int:
    async with bot.db() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_updates_arrive_by_webhook_and_get_answers(webhook_bot: RunningBot) -> None:
    hook = webhook_bot.api.calls_to("setWebhook")[-1].params
    assert hook["url"].endswith("/telegram/hook")
    assert hook["secret_token"] == SECRET
    assert not webhook_bot.api.calls_to("getUpdates")

    rosa = webhook_bot.user(61, "Rosa")
    assert "Cramp Coach" in (await rosa.ask("/start")).text  # type: ignore[operator]
    assert webhook_bot.api.webhook_posts[-1][1] == 200


@pytest.mark.parametrize("header", [None, "", "wrong-secret_0123456789abcdef", SECRET + "x"])
async def test_a_post_without_the_right_secret_is_refused_and_not_processed(
    webhook_bot: RunningBot, header: str | None
) -> None:
    update = {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 62, "type": "private"},
            "from": {"id": 62, "is_bot": False, "first_name": "Eve"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    headers = {} if header is None else {"X-Telegram-Bot-Api-Secret-Token": header}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base_of(webhook_bot)}/telegram/hook", json=update, headers=headers) as r,
    ):
        assert r.status == 403
    # The same update with the secret is processed, so the refusal was the secret's doing.
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    webhook_bot.api.user(62, "Eve")
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base_of(webhook_bot)}/telegram/hook", json=update, headers=headers) as r,
    ):
        assert r.status == 200
    await webhook_bot.api.wait_for(lambda: bool(webhook_bot.api.chat_messages(62)))
    assert await users_stored(webhook_bot) == 1


async def test_a_body_that_is_not_an_update_is_a_bad_request(webhook_bot: RunningBot) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{base_of(webhook_bot)}/telegram/hook", data="{not json", headers=headers
        ) as r,
    ):
        assert r.status == 400
    assert await users_stored(webhook_bot) == 0


async def test_a_delivery_that_failed_is_retried_and_then_processed(
    webhook_bot: RunningBot,
) -> None:
    webhook_bot.api.webhook_retry_seconds = 0.05
    await webhook_bot.stop()  # Telegram posts while the bot is down: refused, retried
    sol = webhook_bot.user(63, "Sol")
    await sol.send("/start")
    await webhook_bot.api.wait_for(lambda: len(webhook_bot.api.webhook_posts) >= 2)
    assert {status for _, status in webhook_bot.api.webhook_posts[-2:]} == {0}
    await webhook_bot.start()
    assert "Cramp Coach" in (await sol.next_message()).text  # type: ignore[operator]


async def health(bot: RunningBot) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base_of(bot)}/healthz") as response,
    ):
        return response.status, await response.json()


async def test_health_says_the_database_answers_and_nothing_is_late(
    webhook_bot: RunningBot,
) -> None:
    status, body = await health(webhook_bot)
    assert status == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "dispatcher": "running",
        "dispatcher_lag_seconds": 0.0,
        "dropped": {},
    }


async def test_health_counts_reminders_dropped_past_their_grace_by_kind(
    webhook_bot: RunningBot, clock: FakeClock
) -> None:
    rosa = await set_up(webhook_bot.user(64, "Rosa"))
    async with webhook_bot.db.begin() as session:
        await session.execute(delete(ReminderSchedule))
        late = clock() - timedelta(minutes=30)  # found 30 minutes late: past its 10 of grace
        session.add(
            ReminderSchedule(user_id=64, kind="movement", is_snooze=False, next_due_at=late)
        )
    before = len(rosa.messages)
    await webhook_bot.dispatch()
    status, body = await health(webhook_bot)
    assert status == 200 and body["dropped"] == {"movement": 1}
    assert len(rosa.messages) == before  # recorded and counted, not sent


async def test_health_reports_how_late_the_oldest_unclaimed_slot_is(
    webhook_bot: RunningBot, clock: FakeClock
) -> None:
    application = webhook_bot.application
    assert application is not None
    data = application.bot_data
    assert data.dispatcher_stop is not None and data.dispatcher_task is not None
    data.dispatcher_stop.set()  # a stuck dispatcher: due slots pile up unclaimed
    await data.dispatcher_task
    rosa = webhook_bot.user(64, "Rosa")
    await rosa.send("/start")
    await rosa.next_message()
    async with webhook_bot.db.begin() as session:
        await session.execute(delete(ReminderSchedule))
        session.add(
            ReminderSchedule(
                user_id=64,
                kind="movement",
                is_snooze=False,
                next_due_at=clock() - timedelta(seconds=90),
            )
        )
    status, body = await health(webhook_bot)
    assert status == 503
    assert body["dispatcher"] == "stopped"
    assert body["database"] == "ok"
    assert body["dispatcher_lag_seconds"] == 90.0


async def test_health_in_polling_mode_when_a_port_is_set(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> None:
    port = free_port()
    bot = RunningBot(api, database_url, clock, ServerSettings(listen_port=port))
    await bot.start()
    try:
        status, body = await health(bot)
        assert status == 200 and body["database"] == "ok"
        await api.wait_for(lambda: bool(api.calls_to("getUpdates")))
        assert not api.calls_to("setWebhook")
    finally:
        await bot.close()


async def test_an_update_posted_twice_is_processed_once(webhook_bot: RunningBot) -> None:
    ines = webhook_bot.user(65, "Ines")
    await start(ines)
    update_id = await ines.send("/timezone Asia/Tokyo")
    await ines.next_message()
    await ines.send("/timezone UTC")
    await ines.next_message()
    before = len(ines.messages)

    await ines.resend(update_id)  # Telegram retries a post whose answer it did not get
    await ines.send("/help")
    await ines.next_message()
    assert len(ines.messages) == before + 1
    async with webhook_bot.db() as session:
        user = await session.get(User, 65)
        assert user is not None and user.timezone == "UTC"
