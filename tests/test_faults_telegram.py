"""Faults on the way to Telegram, each case a test, end to end: the real application polls
the fake Bot API over loopback HTTP and keeps its data in a real database; the faults are
scripted in the fake (or the fake is shut down), nothing in the bot is mocked.

1. 429 with retry_after: on a scheduled reminder, and on a reply and a button's answer:
   waited out, each sent exactly once, nothing lost.
2. 500 and 502 on a reminder: retried with backoff, delivered once.
3. A read timeout after Telegram took a reminder: recorded as "unknown" and never sent
   again, by later passes or after a restart (Telegram gives no way to know whether it
   was delivered: see bot/reminders.py and scheduler/dispatcher.py).
4. Connection refused for 30 s: a reminder that fell due meanwhile goes out once within
   its grace, polling resumes by itself and the user who wrote meanwhile is answered.
5. 403 blocked on a reminder: the user is marked inactive, their schedule stops, one
   attempt and no retries.
6. A text over 4096 characters is split and an edit that long or callback data over
   64 bytes refused, before any call (bot/outgoing.py).
7. Forged and stale callback data: answered, nothing changed.
8. In every case: the token is in no log line (DEBUG, through the bot's own logging
   set-up), and no call over Telegram's size limits reached the fake.
"""

import asyncio
import io
import itertools
from collections.abc import Awaitable, Callable, Iterator

import pytest
from sqlalchemy import func, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.http import AiohttpRequest
from bot.outgoing import OversizedRequest
from db.models import Delivery, ReminderSchedule, WaterLog
from tests.conftest import TOKEN, RunningBot
from tests.e2e import load_user, press_data, set_up, settings_of, tap
from tests.fake_bot_api import ApiCall, FakeBotApi, FakeUser, SentMessage

# Tests of other things that name exact reminder times (test_spread_and_merge: the spread).
pytestmark = pytest.mark.usefixtures("unspread")

HYDRATION = "glass of water"


@pytest.fixture(autouse=True)
def no_token_in_any_log_line(
    database_url: str, captured_logs: io.StringIO
) -> Iterator[io.StringIO]:
    """Capture everything logged at DEBUG, as the bot logs it; afterwards, no token.
    (After `database_url`, which skips a backend that is not there, and before the bot
    starts, so its start and stop are captured too.)"""
    yield captured_logs
    output = captured_logs.getvalue()
    assert "Calling Bot API endpoint" in output  # the capture did see the bot's requests
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output


@pytest.fixture(autouse=True)
def nothing_oversized_reached_telegram(api: FakeBotApi) -> Iterator[None]:
    """The fake answers 400 to what is over Telegram's limits: it must never have to."""
    yield
    for call in api.calls:
        assert len(str(call.params.get("text") or "")) <= 4096, call.method
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                assert len(str(button.get("callback_data", "")).encode()) <= 64, call.method
        assert "too long" not in str(call.response.get("description"))


# -- steps ----------------------------------------------------------------------------------


async def set_up_hydration_only(user: FakeUser) -> FakeUser:
    """Setup with the defaults (UTC, 07:00-23:00), then only hydration reminders are left
    on, so a pass at 10:00 (a hydration slot, no cups yet) sends exactly one message."""
    await set_up(user)
    menu = await user.ask("/reminders")
    for kind in ("Movement", "Bedtime stretch", "Tips"):
        await tap(user, menu, kind)
    return user


def at(bot: RunningBot, hour: int, minute: int = 0) -> None:
    bot.clock.now = bot.clock.now.replace(hour=hour, minute=minute, second=0)


async def dispatch_at(bot: RunningBot, hour: int) -> None:
    """A dispatcher pass with the clock at `hour`:00."""
    at(bot, hour)
    await bot.dispatch()


def flood_once(api: FakeBotApi, method: str, chat_id: int | None = None) -> None:
    """The next call of `method` (to that chat) is answered 429, retry after 1 s."""
    api.fail(
        method, error_code=429, description="Too Many Requests: retry after 1", retry_after=1,
        when=None if chat_id is None else lambda params: params.get("chat_id") == chat_id,
    )  # fmt: skip


def sends_to(api: FakeBotApi, chat_id: int) -> list[ApiCall]:
    return [c for c in api.calls_to("sendMessage") if c.params.get("chat_id") == chat_id]


def hydration_reminders(user: FakeUser) -> list[SentMessage]:
    return [m for m in user.messages if HYDRATION in (m.text or "")]


async def statuses(bot: RunningBot, user_id: int) -> list[str]:
    async with bot.db() as session:
        query = select(Delivery.status).filter_by(user_id=user_id).order_by(Delivery.id)
        return list((await session.scalars(query)).all())


async def settle(bot: RunningBot, user_id: int, expected: list[str]) -> None:
    """Wait until the user's deliveries have these statuses (the bot's own dispatcher
    loop may be the one sending, in the background)."""
    for _ in range(200):
        if await statuses(bot, user_id) == expected:
            return
        await asyncio.sleep(0.05)
    assert await statuses(bot, user_id) == expected


async def count(bot: RunningBot, model: type, **where: object) -> int:
    async with bot.db() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


def gaps(calls: list[ApiCall]) -> list[float]:
    return [b.at - a.at for a, b in itertools.pairwise(calls)]


# -- 1. 429 -----------------------------------------------------------------------------------


async def test_429_on_a_reminder_is_waited_out_and_it_is_sent_once(
    running_bot: RunningBot,
) -> None:
    api = running_bot.api
    ada = await set_up_hydration_only(running_bot.user(71, "Ada"))
    before = len(sends_to(api, 71))
    flood_once(api, "sendMessage", chat_id=71)
    await dispatch_at(running_bot, 10)
    await settle(running_bot, 71, ["sent"])

    calls = sends_to(api, 71)[before:]
    assert [call.status for call in calls] == [429, 200]
    assert gaps(calls)[0] >= 1.0  # retry_after honoured
    at(running_bot, 10, 5)
    await running_bot.dispatch()  # a later pass sends nothing more
    assert len(hydration_reminders(ada)) == 1 and len(sends_to(api, 71)) == before + 2


async def test_429_on_a_reply_and_on_a_button_answer_is_waited_out(
    running_bot: RunningBot,
) -> None:
    """The reply case of tests/test_e2e_operations.py, plus a 429 on answerCallbackQuery:
    not a message, so not spaced by the limiter, but its 429 must be waited out too."""
    api = running_bot.api
    bo = await set_up_hydration_only(running_bot.user(72, "Bo"))
    flood_once(api, "sendMessage", chat_id=72)
    before = len(sends_to(api, 72))
    await bo.send("/water")
    logged = await bo.next_message(timeout=10)
    assert [call.status for call in sends_to(api, 72)[before:]] == [429, 200]

    flood_once(api, "answerCallbackQuery")
    await tap(bo, logged, "Undo")
    answers = api.calls_to("answerCallbackQuery")[-2:]
    assert [call.status for call in answers] == [429, 200]
    assert gaps(answers)[0] >= 1.0
    assert logged.text == texts.WATER_UNDONE and logged.edits == 1
    assert await count(running_bot, WaterLog, user_id=72) == 0
    assert not any(m.text == texts.ERROR_REPLY for m in bo.messages)


# -- 2. 500 and 502 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "description"), [(500, "Internal Server Error"), (502, "Bad Gateway")]
)
async def test_a_server_error_on_a_reminder_is_retried_with_backoff_and_delivered_once(
    running_bot: RunningBot, code: int, description: str
) -> None:
    api = running_bot.api
    cy = await set_up_hydration_only(running_bot.user(73, "Cy"))
    before = len(sends_to(api, 73))
    api.fail(
        "sendMessage", error_code=code, description=description, times=2,
        when=lambda params: params.get("chat_id") == 73,
    )  # fmt: skip
    await dispatch_at(running_bot, 10)
    await settle(running_bot, 73, ["sent"])

    calls = sends_to(api, 73)[before:]
    assert [call.status for call in calls] == [code, code, 200]
    assert running_bot.application is not None
    backoff = running_bot.application.bot_data.retry_backoff_seconds
    assert gaps(calls)[0] >= backoff and gaps(calls)[1] >= 2 * backoff  # doubling waits
    [reminder] = hydration_reminders(cy)
    async with running_bot.db() as session:
        delivery = (await session.scalars(select(Delivery).filter_by(user_id=73))).one()
    assert delivery.message_id == reminder.message_id


# -- 3. a read timeout after Telegram took the message ---------------------------------------


async def test_a_read_timeout_after_telegram_took_a_reminder_never_sends_it_again(
    running_bot: RunningBot,
) -> None:
    """Telegram processed the sendMessage but its answer never came: whether the user got
    the message cannot be known (the Bot API has no idempotency key and no way to list a
    chat's messages; see the docstrings of bot/reminders.py and scheduler/dispatcher.py).
    At most once wins: the delivery ends "unknown" and no pass, before or after a restart,
    sends that slot again."""
    api = running_bot.api
    dot = await set_up_hydration_only(running_bot.user(74, "Dot"))
    assert running_bot.application is not None
    request = running_bot.application.bot.request
    assert isinstance(request, AiohttpRequest)
    request.read_timeout = 0.5  # the default is 10 s; the answer is held back for 3
    before = len(sends_to(api, 74))
    api.delay("sendMessage", 3)
    await dispatch_at(running_bot, 10)
    await settle(running_bot, 74, ["unknown"])
    assert len(hydration_reminders(dot)) == 1  # Telegram has it, the bot could not know

    for minute in (2, 11):  # past the orphan horizon (1 min), then the lost one and the grace
        at(running_bot, 10, minute)
        await running_bot.dispatch()
    await running_bot.restart()
    await running_bot.dispatch()
    await settle(running_bot, 74, ["unknown"])
    assert len(sends_to(api, 74)) == before + 1
    [reminder] = hydration_reminders(dot)

    await tap(dot, reminder, "Drank a cup")  # the copy the user has still works
    assert texts.ANSWER_CUP in (reminder.text or "")
    assert await count(running_bot, WaterLog, user_id=74) == 1


# -- 4. connection refused for 30 s ----------------------------------------------------------


@pytest.mark.timeout(120)
async def test_thirty_seconds_of_connection_refused_lose_nothing_and_repeat_nothing(
    running_bot: RunningBot, no_token_in_any_log_line: io.StringIO
) -> None:
    api = running_bot.api
    eli = await set_up_hydration_only(running_bot.user(75, "Eli"))
    before = len(eli.messages)
    loop = asyncio.get_running_loop()
    port, down_at = api.port, loop.time()
    await api.stop()

    at(running_bot, 10)  # a reminder falls due while Telegram cannot be reached
    await running_bot.dispatch()
    await settle(running_bot, 75, ["pending"])  # not sent, kept for another try
    await eli.send("/help")  # waits at "Telegram" for the bot to fetch it
    await asyncio.sleep(max(0.0, 30 - (loop.time() - down_at)))
    await api.start(port=port)

    help_reply = await eli.next_message(timeout=40)  # polling resumed by itself
    assert "What I can do" in (help_reply.text or "")
    at(running_bot, 10, 2)  # within the hydration grace (10 min)
    await running_bot.dispatch()
    await settle(running_bot, 75, ["sent"])
    assert len(hydration_reminders(eli)) == 1

    at(running_bot, 10, 5)
    await running_bot.dispatch()
    assert len(eli.messages) == before + 2  # the answer and the reminder, once each
    assert running_bot.application is not None and running_bot.application.running
    assert running_bot.application.updater is not None
    assert running_bot.application.updater.running
    log = no_token_in_any_log_line.getvalue()
    assert "Dispatcher pass failed" not in log and "Unhandled error" not in log


# -- 5. 403 blocked --------------------------------------------------------------------------


async def test_403_on_a_reminder_marks_the_user_inactive_and_stops_their_schedule(
    running_bot: RunningBot,
) -> None:
    api = running_bot.api
    fay = await set_up_hydration_only(running_bot.user(76, "Fay"))
    before = len(sends_to(api, 76))
    fay.block()
    await dispatch_at(running_bot, 10)
    await settle(running_bot, 76, ["blocked"])

    user = await load_user(running_bot.db, 76)
    assert user is not None and user.is_active is False
    assert await count(running_bot, ReminderSchedule, user_id=76) == 0
    for hour in (12, 14, 16):
        at(running_bot, hour)
        await running_bot.dispatch()
    assert [call.status for call in sends_to(api, 76)[before:]] == [403]  # one try, no storm


# -- 6. over Telegram's size limits -----------------------------------------------------------


async def test_oversized_messages_are_split_or_refused_before_the_call(
    running_bot: RunningBot, no_token_in_any_log_line: io.StringIO
) -> None:
    """No handler writes anything near the limits (its texts are short and bounded), so
    the guard is driven through the application's own bot, as any handler would call it."""
    api, gus = running_bot.api, running_bot.user(77, "Gus")
    assert running_bot.application is not None
    bot = running_bot.application.bot
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="st:menu")]])
    long_text = "\n".join(f"<b>{n}</b> " + "·" * 90 for n in range(100))  # ≈ 10,000

    message = await bot.send_message(77, long_text, reply_markup=keyboard)
    parts = gus.messages
    assert len(parts) == 3 and "\n".join(m.text or "" for m in parts) == long_text
    assert [m.reply_markup is not None for m in parts] == [False, False, True]
    assert message.message_id == parts[-1].message_id  # the one a later edit must change

    bad_button = InlineKeyboardMarkup([[InlineKeyboardButton("é", callback_data="é" * 33)]])
    refused: dict[str, Callable[[], Awaitable[object]]] = {  # "é" * 33: 66 bytes
        "an edit over 4096": lambda: bot.edit_message_text("x" * 4097, 77, message.message_id),
        "button data over 64 bytes": lambda: bot.send_message(77, "hi", reply_markup=bad_button),
        "the same in an edit": lambda: bot.edit_message_reply_markup(
            77, message.message_id, reply_markup=bad_button
        ),
        "a caption over 1024": lambda: bot.send_document(77, b"data", caption="c" * 1025),
    }
    calls_before = [c for c in api.calls if c.method != "getUpdates"]
    for what, call in refused.items():
        with pytest.raises(OversizedRequest):
            await call()
        assert [c for c in api.calls if c.method != "getUpdates"] == calls_before, what
    assert len(gus.messages) == 3 and parts[-1].edits == 0
    assert "Refused before sending" in no_token_in_any_log_line.getvalue()

    # An edit that goes through answers True: its answer is not parsed into a Message.
    assert await bot.edit_message_text("<b>edited</b>", 77, message.message_id) is True
    assert parts[-1].text == "<b>edited</b>" and parts[-1].edits == 1


# -- 7. forged and stale callback data --------------------------------------------------------


async def test_forged_and_stale_button_data_is_answered_and_changes_nothing(
    running_bot: RunningBot,
) -> None:
    api = running_bot.api
    hal, ivy = running_bot.user(78, "Hal"), running_bot.user(79, "Ivy")
    for user in (hal, ivy):
        await set_up_hydration_only(user)
    hal_cup = await hal.ask("/water")
    await dispatch_at(running_bot, 10)
    await api.wait_for(lambda: bool(hydration_reminders(hal) and hydration_reminders(ivy)))
    [hal_reminder], [ivy_reminder] = hydration_reminders(hal), hydration_reminders(ivy)
    hal_reminder_data, hal_cup_data = hal_reminder.buttons()[0][0][1], hal_cup.buttons()[0][0][1]
    assert hal_reminder_data and hal_cup_data
    before = {uid: await settings_of(running_bot.db, uid) for uid in (78, 79)}
    cups_before = await count(running_bot, WaterLog)

    # Ivy forges presses that point at Hal's rows, from her own messages...
    for data in (hal_reminder_data, hal_cup_data):
        answer = await press_data(api, ivy, ivy_reminder, data)
        assert answer.params["text"] == texts.NOT_YOURS
    # ...and presses a button on Hal's message (a chat that is not hers).
    answer = await press_data(api, ivy, hal_reminder, hal_reminder_data)
    assert answer.params["text"] == texts.NOT_YOURS and answer.params["show_alert"] is True
    # Garbage, and data of no button there ever was (or is any more).
    for data in ("garbage", "rd:c:abc", "rd:q:1", "rd:c:9223372036854775807", "☃" * 21):
        answer = await press_data(api, ivy, ivy_reminder, data)
        assert answer.params["text"] in (texts.STALE_BUTTON, texts.REMINDER_GONE), data

    assert {uid: await settings_of(running_bot.db, uid) for uid in (78, 79)} == before
    assert await count(running_bot, WaterLog) == cups_before
    assert hal_reminder.edits == 0 and hal_cup.edits == 0
    async with running_bot.db() as session:
        answered = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.response.is_not(None))
        )
    assert answered == 0


async def test_a_press_without_data_is_answered_as_stale(running_bot: RunningBot) -> None:
    jo = running_bot.user(80, "Jo")
    help_message = await jo.ask("/help")
    answer = await jo.wait_answer(await jo.press(help_message, data=""), timeout=2)
    assert answer.params["text"] == texts.STALE_BUTTON
