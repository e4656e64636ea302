"""Self-tests of the fake Bot API, driven by a real python-telegram-bot ``Bot`` over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, ExtBot
from telegram.request import HTTPXRequest

from tests.fake_bot_api import NOT_MODIFIED, FakeBotApi

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)
TOKEN = "123456:TEST-fake-token"
CHAT = 4242


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs]
    )


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as fake:
        fake.user(CHAT, "Alice")
        yield fake


@pytest_asyncio.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[ExtBot[None]]:
    async with ExtBot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as ext_bot:
        yield ext_bot


@pytest.mark.asyncio
async def test_get_me_and_get_updates_with_offset(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (api.bot_id, "CrampCoachTestBot", True)
    alice = api.user(CHAT)
    first = await alice.send("/start@CrampCoachTestBot hello")
    second = await alice.send("plain text")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first, second]
    message = updates[0].message
    assert message is not None
    assert message.from_user is not None
    assert message.chat.id == CHAT
    assert message.from_user.id == CHAT
    assert message.text == "/start@CrampCoachTestBot hello"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == 24
    assert updates[1].message is not None
    assert not updates[1].message.entities
    assert [u.update_id for u in await bot.get_updates(offset=first + 1)] == [second]
    assert await bot.get_updates(offset=second + 1) == ()
    assert api.calls_to("GETUPDATES")[-1].params["offset"] == second + 1


@pytest.mark.asyncio
async def test_long_poll_returns_when_update_arrives_and_on_stop(api: FakeBotApi, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    await api.user(CHAT).send_location(52.5, 13.4)
    updates = await asyncio.wait_for(poll, 3)
    assert time.monotonic() - started < 3
    assert updates[0].message is not None
    assert updates[0].message.location is not None
    assert updates[0].message.location.latitude == 52.5
    poll = asyncio.create_task(bot.get_updates(offset=updates[0].update_id + 1, timeout=30))
    await asyncio.sleep(0.1)
    await api.stop()
    assert await asyncio.wait_for(poll, 3) == ()


@pytest.mark.asyncio
async def test_send_edit_and_not_modified(api: FakeBotApi, bot: Bot) -> None:
    alice = api.user(CHAT)
    sent = await bot.send_message(CHAT, "Pick one", reply_markup=keyboard(("A", "a"), ("B", "b")))
    assert alice.last_message.buttons() == [[("A", "a")], [("B", "b")]]
    assert sent.reply_markup is not None
    assert sent.from_user is not None
    assert sent.from_user.id == api.bot_id
    call = api.calls_to("sendMessage")[0]
    assert call.params["chat_id"] == CHAT
    assert isinstance(call.params["reply_markup"], dict)
    edited = await bot.edit_message_text(
        "Pick again", CHAT, sent.message_id, reply_markup=keyboard(("C", "c"))
    )
    assert isinstance(edited, type(sent))
    assert edited.text == "Pick again"
    assert alice.last_message.button_texts() == ["C"]
    assert alice.last_message.edits == 1
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Pick again", CHAT, sent.message_id, reply_markup=keyboard(("C", "c"))
        )
    assert api.calls_to("editMessageText")[-1].response["description"] == NOT_MODIFIED
    await bot.edit_message_text("Pick again", CHAT, sent.message_id)  # drops the keyboard
    assert alice.last_message.reply_markup is None
    assert alice.last_message.edits == 2
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard(("D", "d")))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            CHAT, sent.message_id, reply_markup=keyboard(("D", "d"))
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", CHAT, 999)
    assert await bot.delete_message(CHAT, sent.message_id)
    assert alice.messages[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", CHAT, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "nobody")
    second = await bot.send_message(CHAT, "next")
    assert second.message_id == sent.message_id + 1


@pytest.mark.asyncio
async def test_answer_callback_query_twice(api: FakeBotApi, bot: Bot) -> None:
    alice = api.user(CHAT)
    sent = await bot.send_message(CHAT, "Q", reply_markup=keyboard(("Yes", "yes")))
    query_id = await alice.press(sent.message_id, "Yes")
    assert await bot.answer_callback_query(query_id, text="ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query("123")
    answer = await alice.wait_answer(query_id)
    assert answer.ok
    assert answer.params == {"callback_query_id": query_id, "text": "ok"}


@pytest.mark.asyncio
async def test_fail_injection(api: FakeBotApi, bot: Bot) -> None:
    alice = api.user(CHAT)
    api.fail(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "first")
    assert seconds(info.value.retry_after) == 3
    failed = api.calls_to("sendMessage")[0]
    assert failed.status == 429
    assert failed.response["parameters"] == {"retry_after": 3}
    assert alice.messages == []
    await bot.send_message(CHAT, "second")
    assert [m.text for m in alice.messages] == ["second"]

    api.fail(
        "sendMessage",
        error_code=502,
        description="Bad Gateway",
        times=2,
        when=lambda params: params.get("text") == "flaky",
    )
    await bot.send_message(CHAT, "unaffected")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(CHAT, "flaky")
    await bot.send_message(CHAT, "flaky")
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 200, 200, 502, 502, 200]


@pytest.mark.asyncio
async def test_delay_processes_then_times_out(api: FakeBotApi) -> None:
    request = HTTPXRequest(read_timeout=0.3)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as slow_bot:
        api.delay("sendMessage", 2)
        with pytest.raises(TimedOut):
            await slow_bot.send_message(CHAT, "lost answer")
        assert [m.text for m in api.chat_messages(CHAT)] == ["lost answer"]
        await slow_bot.send_message(CHAT, "fast again")


@pytest.mark.asyncio
async def test_rate_limit(api: FakeBotApi, bot: Bot) -> None:
    bob = api.user(77, "Bob")
    await bot.send_message(CHAT, "one")
    await bot.send_message(CHAT, "two")  # off by default
    api.rate_limit(per_chat_per_second=1.0, overall_per_second=None)
    await bot.send_message(CHAT, "three")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "four")
    assert seconds(info.value.retry_after) >= 1
    assert (
        api.calls_to("sendMessage")[-1]
        .response["description"]
        .startswith("Too Many Requests: retry after ")
    )
    await bot.send_message(bob.chat_id, "other chat is fine")
    assert [m.text for m in api.chat_messages(CHAT)] == ["one", "two", "three"]
    api.rate_limit(per_chat_per_second=None, overall_per_second=1.0)
    await bot.send_message(CHAT, "five")
    with pytest.raises(RetryAfter):
        await bot.send_message(bob.chat_id, "six")


@pytest.mark.asyncio
async def test_blocked_user_gets_403(api: FakeBotApi, bot: Bot) -> None:
    alice = api.user(CHAT)
    sent = await bot.send_message(CHAT, "hi")
    alice.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hello?")
    with pytest.raises(Forbidden):
        await bot.edit_message_text("edited", CHAT, sent.message_id)
    alice.unblock()
    await bot.send_message(CHAT, "welcome back")
    assert [m.text for m in alice.messages] == ["hi", "welcome back"]


@pytest.mark.asyncio
async def test_text_limits(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    await bot.send_message(CHAT, "x" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(CHAT, "   ")
    assert len(api.chat_messages(CHAT)) == 1


@pytest.mark.asyncio
async def test_button_data_too_long(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "k", reply_markup=keyboard(("A", "a" * 65)))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "k", reply_markup=keyboard(("A", "é" * 33)))  # 66 bytes
    await bot.send_message(CHAT, "k", reply_markup=keyboard(("A", "a" * 64)))
    assert len(api.chat_messages(CHAT)) == 1


@pytest.mark.asyncio
async def test_descriptions_and_their_limits(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_description("é" * 512)
    await bot.set_my_short_description("Short", language_code="de")
    assert (await bot.get_my_description()).description == "é" * 512
    assert (await bot.get_my_short_description(language_code="de")).short_description == "Short"
    assert (await bot.get_my_short_description()).short_description == ""
    with pytest.raises(BadRequest, match=r"(?i)description is too long"):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest, match=r"(?i)short description is too long"):
        await bot.set_my_short_description("💪" * 61)  # 122 UTF-16 units
    assert api.descriptions == {
        ("description", ""): "é" * 512,
        ("short_description", "de"): "Short",
    }


@pytest.mark.asyncio
async def test_press_builds_callback_query(api: FakeBotApi, bot: Bot) -> None:
    alice = api.user(CHAT)
    sent = await bot.send_message(
        CHAT, "Cramp now?", reply_markup=keyboard(("Yes, calf", "cramp:yes"), ("No", "no"))
    )
    with pytest.raises(AssertionError, match=r"buttons: \['Yes, calf', 'No'\]"):
        await alice.press(alice.last_message, "Maybe")
    query_id = await alice.press(alice.last_message, "Yes")
    forged = await alice.press(999, data="forged:1")
    updates = await bot.get_updates()
    query = updates[0].callback_query
    assert query is not None
    assert query.id == query_id
    assert query.data == "cramp:yes"
    assert query.from_user.id == CHAT
    assert query.chat_instance
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == sent.reply_markup
    assert query.message.text == "Cramp now?"
    other = updates[1].callback_query
    assert other is not None
    assert other.id == forged
    assert other.data == "forged:1"
    assert other.message is not None
    assert not other.message.is_accessible  # unknown message -> InaccessibleMessage
    assert other.message.message_id == 999
    assert len({query_id, forged}) == 2


@pytest.mark.asyncio
async def test_resend_duplicates_update(api: FakeBotApi, bot: Bot) -> None:
    alice = api.user(CHAT)
    update_id = await alice.send("hello")
    assert [u.update_id for u in await bot.get_updates()] == [update_id]
    assert await bot.get_updates(offset=update_id + 1) == ()
    await alice.resend(update_id)
    again = await bot.get_updates(offset=update_id + 1)
    assert [u.update_id for u in again] == [update_id]
    assert again[0].message is not None
    assert again[0].message.text == "hello"
    assert await bot.get_updates(offset=update_id + 1) == ()


@pytest.mark.asyncio
async def test_wait_for_timeout_message(api: FakeBotApi, bot: Bot) -> None:
    await bot.get_me()
    with pytest.raises(AssertionError, match=r"timed out after 0.1s waiting for .*getMe=200"):
        await api.wait_for(lambda: False, timeout=0.1)
    with pytest.raises(AssertionError, match="bot message #1 in chat 4242"):
        await api.user(CHAT).next_message(timeout=0.1)


@pytest.mark.asyncio
async def test_send_document_and_photo_store_bytes(api: FakeBotApi, bot: Bot) -> None:
    alice = api.user(CHAT)
    payload = b"date,cramps\n2024-01-01,2\n" * 100
    sent = await bot.send_document(CHAT, payload, filename="cramps.csv", caption="Export")
    assert sent.document is not None
    assert sent.document.file_name == "cramps.csv"
    assert alice.last_message.document == ("cramps.csv", payload)
    assert alice.last_message.caption == "Export"
    assert api.calls_to("sendDocument")[0].files["document"] == ("cramps.csv", payload)
    await bot.send_photo(CHAT, b"\x89PNG fake")
    assert alice.last_message.photo == b"\x89PNG fake"
    await bot.send_document(CHAT, sent.document.file_id)  # re-send by file_id: no upload
    assert alice.last_message.document == (sent.document.file_id, b"")


@pytest.mark.asyncio
async def test_commands_tokens_and_raw_http(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Start"), ("log", "Log a cramp")])
    assert api.commands == [
        {"command": "start", "description": "Start"},
        {"command": "log", "description": "Log a cramp"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "log"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Bad-Name", "x")])
    wrong = Bot("1:wrong", base_url=api.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()
    assert api.calls_to("getMe")[-1].status == 401
    async with httpx.AsyncClient() as client:
        url = f"{api.base_url}{TOKEN}"
        reply = await client.post(f"{url}/sendMessage", json={"chat_id": CHAT, "text": "json"})
        assert reply.status_code == 200
        assert reply.json()["result"]["text"] == "json"
        reply = await client.post(
            f"{url}/sendMessage", content=b"{oops", headers={"content-type": "application/json"}
        )
        assert reply.status_code == 400
        assert reply.json()["ok"] is False
        reply = await client.get(f"{url}/noSuchMethod")
        assert reply.status_code == 404
        assert reply.json()["description"] == "Not Found"
    assert [c.status for c in api.calls[-3:]] == [200, 400, 404]


@pytest.mark.asyncio
async def test_application_end_to_end(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, "Welcome", reply_markup=keyboard(("Log cramp", "log"))
        )
        await context.bot.send_message(update.effective_chat.id, "Second")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Logged")
        await query.edit_message_text(f"Logged via {query.data}")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    alice = api.user(CHAT)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        welcome = await alice.ask("/start")
        assert welcome.text == "Welcome"
        assert (await alice.next_message()).text == "Second"
        query_id = await alice.press(welcome, "Log")
        assert (await alice.wait_answer(query_id)).params["text"] == "Logged"
        await api.wait_for(lambda: alice.messages[0].text == "Logged via log")
        await app.updater.stop()
        await app.stop()
    assert alice.messages[0].reply_markup is None
