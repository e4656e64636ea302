"""A local Telegram Bot API server speaking real HTTP on 127.0.0.1: the end-to-end tests'
fake Bot API, and the one `make demo` runs the bot against (bot/demo/).

Point python-telegram-bot at it and act as a user::

    async with FakeBotApi(token) as api:
        app = (Application.builder().token(token)
               .base_url(api.base_url).base_file_url(api.base_file_url).build())
        alice = api.user(42, "Alice")              # private chat id == user id
        ... start the application with polling ...
        await alice.send("/start")                  # queued for the bot's getUpdates
        reply = await alice.next_message()          # waits for the bot's answer
        query_id = await alice.press(reply, "Yes")  # callback query for a button
        await alice.wait_answer(query_id)           # the bot's answerCallbackQuery call

Every request is recorded in ``api.calls`` (in order of completion; a ``delay()``ed call is
recorded before its answer is held back). The bot's messages are kept, with edits applied, as
``SentMessage`` objects (``api.chat_messages(chat_id)`` / ``alice.messages``). Failures are
scripted with ``fail()``, lost answers with ``delay()``, flood control with ``rate_limit()`` and
blocked users with ``FakeUser.block()``; an outage (connection refused) is ``stop()`` then
``start(port=api.port)``. After ``setWebhook`` updates are POSTed to the
webhook with its secret header, in order, each retried until answered 2xx. Errors are
answered like the real Bot API does; form, multipart and JSON bodies are accepted and
JSON-encoded form values are decoded. Message dates come from ``now`` (the demo passes its
fast-forwardable clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import json
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

JSON = dict[str, Any]
_Files = dict[str, tuple[str, bytes]]
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_STR_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "url",
        "parse_mode",
        "description",
        "name",
        "short_description",
        "language_code",
        "action",
        "secret_token",
        "inline_message_id",
        "title",
        "query",
        "emoji",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
    }
)
_JSONISH = re.compile(r"[\[{].*[\]}]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null", re.S)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_NOOP = frozenset(
    {
        "close",
        "logout",
        "setmyname",
        "setchatmenubutton",
        "setmydefaultadministratorrights",
    }
)


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> JSON:
        """The JSON body Telegram would send."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class ApiCall:
    """One HTTP request to the fake, with its decoded parameters and the answer given."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]]
    status: int
    response: dict[str, Any]
    at: float

    @property
    def ok(self) -> bool:
        """Whether the call was answered with ``ok: true``."""
        return self.status == 200


@dataclass
class SentMessage:
    """A message of the bot as it is now (edits applied)."""

    message_id: int
    chat_id: int
    text: str | None = None
    reply_markup: dict[str, Any] | None = None
    caption: str | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    edits: int = 0
    deleted: bool = False
    date: int = field(default_factory=lambda: int(time.time()))

    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """The inline keyboard as rows of ``(text, callback_data)``."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[(b.get("text", ""), b.get("callback_data")) for b in row] for row in rows]

    def button_texts(self) -> list[str]:
        """All inline button texts, row by row."""
        return [text for row in self.buttons() for text, _ in row]

    def data_of(self, button_text: str) -> str:
        """The callback data of a button as the message shows it now."""
        return _pick_button(self, button_text)


@dataclass
class _Rule:
    method: str
    remaining: int
    error: ApiError | None = None
    seconds: float = 0.0
    when: Callable[[dict[str, Any]], bool] | None = None


@dataclass
class _Pending:
    update_id: int
    payload: JSON
    delivered: bool = False


class FakeUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id)."""

    def __init__(self, api: FakeBotApi, user_id: int, first_name: str, language_code: str) -> None:
        self.api, self.id, self.chat_id = api, user_id, user_id
        self.first_name, self.language_code = first_name, language_code
        self._cursor = 0

    def as_json(self) -> JSON:
        """The Telegram ``User`` object."""
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    @property
    def messages(self) -> list[SentMessage]:
        """The bot's messages in this chat, in order (deleted ones included, flagged)."""
        return self.api.chat_messages(self.chat_id)

    @property
    def last_message(self) -> SentMessage:
        """The bot's latest message in this chat."""
        if not self.messages:
            raise AssertionError(f"the bot has sent nothing to chat {self.chat_id}")
        return self.messages[-1]

    async def send(self, text: str) -> int:
        """Queue a text message from this user; returns the update_id."""
        message = self._incoming(text=text)
        if command := _COMMAND.match(text):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        return await self._enqueue({"message": message})

    async def send_location(self, latitude: float, longitude: float) -> int:
        """Queue a location message from this user; returns the update_id."""
        location = {"latitude": latitude, "longitude": longitude}
        return await self._enqueue({"message": self._incoming(location=location)})

    async def press(
        self, message: SentMessage | int, button_text: str | None = None, *, data: str | None = None
    ) -> str:
        """Queue a callback query for a button (by text) or raw ``data``; returns the query id."""
        chat_id = self.chat_id if isinstance(message, int) else message.chat_id
        message_id = message if isinstance(message, int) else message.message_id
        current = self.api._find(chat_id, message_id) or self.api._find(None, message_id)
        if data is None:
            if button_text is None:
                raise ValueError("press() needs button_text or data")
            if current is None:
                raise AssertionError(f"no bot message {message_id} in chat {chat_id}")
            data = _pick_button(current, button_text)
        msg_json = (
            self.api._message_json(current)
            if current
            else {"chat": self.api._chat_json(self.chat_id), "message_id": message_id, "date": 0}
        )
        query_id = self.api._new_query()
        await self._enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.as_json(),
                    "message": msg_json,
                    "chat_instance": str(-7 * self.chat_id - 1),
                    "data": data,
                }
            }
        )
        return query_id

    async def resend(self, update_id: int) -> None:
        """Deliver an earlier update again, with the same update_id."""
        await self.api._resend(update_id)

    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """Wait for the next bot message after the last send()/press()/next_message()."""
        cursor = self._cursor
        await self.api.wait_for(
            lambda: len(self.messages) > cursor,
            timeout,
            description=f"bot message #{cursor + 1} in chat {self.chat_id}",
        )
        self._cursor = cursor + 1
        return self.messages[cursor]

    async def ask(self, text: str) -> SentMessage:
        """Send a message and return the bot's next message: its reply."""
        await self.send(text)
        return await self.next_message()

    async def wait_answer(
        self,
        callback_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ApiCall:
        """Wait for the bot's answerCallbackQuery call for that query (a successful one first)."""

        def answers() -> list[ApiCall]:
            return [
                c
                for c in self.api.calls_to("answerCallbackQuery")
                if str(c.params.get("callback_query_id")) == callback_query_id
            ]

        await self.api.wait_for(
            lambda: bool(answers()),
            timeout,
            description=f"answerCallbackQuery({callback_query_id})",
        )
        return next((c for c in answers() if c.ok), answers()[0])

    def block(self) -> None:
        """From now on send*/edit* to this chat answer 403."""
        self.api._blocked.add(self.chat_id)

    def unblock(self) -> None:
        """Undo block()."""
        self.api._blocked.discard(self.chat_id)

    async def change_membership(self, blocked: bool) -> int:
        """Block (or unblock) the bot the way Telegram reports it: a my_chat_member update."""
        if blocked:
            self.block()
        else:
            self.unblock()
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self.api._bot_json()
        return await self._enqueue(
            {
                "my_chat_member": {
                    "chat": self.api._chat_json(self.chat_id),
                    "from": self.as_json(),
                    "date": int(self.api.now()),
                    "old_chat_member": {"status": old, "user": bot}
                    | ({"until_date": 0} if old == "kicked" else {}),
                    "new_chat_member": {"status": new, "user": bot}
                    | ({"until_date": 0} if new == "kicked" else {}),
                }
            }
        )

    def _incoming(self, **content: Any) -> JSON:
        return {
            "message_id": self.api._next_message_id(self.chat_id),
            "date": int(self.api.now()),
            "chat": self.api._chat_json(self.chat_id),
            "from": self.as_json(),
            **content,
        }

    async def _enqueue(self, payload: JSON) -> int:
        self._cursor = len(self.messages)
        return await self.api._enqueue(payload)


def _pick_button(message: SentMessage, text: str) -> str:
    buttons = [b for row in message.buttons() for b in row]
    found = [b for b in buttons if b[0] == text] or [b for b in buttons if text in b[0]]
    if not found:
        raise AssertionError(
            f"no button {text!r} in message {message.message_id}; buttons: {message.button_texts()}"
        )
    if found[0][1] is None:
        raise AssertionError(f"button {found[0][0]!r} has no callback_data")
    return found[0][1]


def _decode(key: str, value: Any) -> Any:
    """Decode a JSON-encoded form value (PTB sends numbers, bools and objects JSON-encoded)."""
    if isinstance(value, str) and key not in _STR_FIELDS and _JSONISH.fullmatch(value):
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


async def _read_params(request: web.Request) -> tuple[JSON, _Files]:
    raw: JSON = dict(request.query)
    files: _Files = {}
    if request.content_type == "application/json":
        text = await request.text()
        try:
            body = json.loads(text) if text.strip() else {}
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: request must be a JSON object")
        raw.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = (value.filename, value.file.read())
            else:
                raw[key] = value
    return {key: _decode(key, value) for key, value in raw.items()}, files


class FakeBotApi:
    """The fake Bot API server; see the module docstring."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int = 999_000_111,
        bot_username: str = "CrampCoachTestBot",
        now: Callable[[], float] = time.time,
    ) -> None:
        self.token, self.bot_id, self.bot_username = token, bot_id, bot_username
        self.now = now  # seconds since the epoch, for message dates
        self.calls: list[ApiCall] = []
        self.users: dict[int, FakeUser] = {}
        self._messages: dict[int, list[SentMessage]] = {}
        self._message_ids: dict[int, int] = {}
        self._updates: list[_Pending] = []
        self._history: dict[int, JSON] = {}
        self._last_update_id = 100_000
        self._queries: dict[str, bool] = {}  # callback query id -> answered
        self._blocked: set[int] = set()
        self._rules: list[_Rule] = []
        self._rates: tuple[float | None, float | None] = (None, None)
        self._buckets: dict[int | str, tuple[float, float]] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        # (field, language code) -> text, for setMyDescription and setMyShortDescription
        self.descriptions: dict[tuple[str, str], str] = {}
        self._webhook = ""
        self._webhook_secret = ""
        self._pusher: asyncio.Task[None] | None = None
        self.webhook_posts: list[tuple[int, int]] = []  # (update_id, HTTP status; 0: no answer)
        self.webhook_retry_seconds = 0.2
        self._changed = asyncio.Condition()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, routes: Sequence[web.RouteDef] = (), *, port: int = 0) -> None:
        """Listen on 127.0.0.1 on `port` (0: an ephemeral one); `routes` are served before
        the Bot API. After stop(), ``start(port=api.port)`` ends an outage: everything
        recorded and queued meanwhile is kept."""
        self._stopping = False
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_routes(routes)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release pending long polls and delays, then shut the server down."""
        if self._runner is None:
            return
        self._stopping = True
        await self._notify()
        if self._pusher is not None:
            await self._pusher
            self._pusher = None
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The port listened on (kept after stop(), for a restart on the same one)."""
        return self._port

    @property
    def base_url(self) -> str:
        """PTB ``base_url`` (PTB appends the token)."""
        if not self._port:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB ``base_file_url``."""
        return self.base_url.replace("/bot", "/file/bot")

    # -- test-facing API ---------------------------------------------------------------------

    @property
    def commands(self) -> list[JSON]:
        """Commands of the last setMyCommands for the default scope and no language."""
        return self._commands.get(self._scope_key({}), [])

    def commands_in(self, language_code: str) -> list[JSON]:
        """Commands of the last setMyCommands for the default scope and that language."""
        return self._commands.get(self._scope_key({"language_code": language_code}), [])

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def user(self, user_id: int, first_name: str = "Test", language_code: str = "en") -> FakeUser:
        """The user with that id (created on first use) whose private chat the bot may use."""
        if user_id not in self.users:
            self.users[user_id] = FakeUser(self, user_id, first_name, language_code)
            self._messages[user_id] = []
        return self.users[user_id]

    def chat_messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in a chat, in order."""
        return list(self._messages.get(chat_id, []))

    def update(self, update_id: int) -> JSON:
        """An update queued so far, as the bot receives it."""
        return self._history[update_id]

    async def notify(self) -> None:
        """Wake every ``wait_for`` to check again (something outside the API changed)."""
        await self._notify()

    def fail(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls of ``method`` with this error."""
        error = ApiError(error_code, description, retry_after)
        self._rules.append(_Rule(method.lower(), times, error=error, when=when))

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the answer of the next ``times`` calls (they are processed first)."""
        self._rules.append(_Rule(method.lower(), times, seconds=seconds))

    def rate_limit(
        self, *, per_chat_per_second: float | None = 1.0, overall_per_second: float | None = 30.0
    ) -> None:
        """Enable token-bucket flood control for send*/edit* (sendChatAction excluded)."""
        self._rates, self._buckets = (per_chat_per_second, overall_per_second), {}

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        description: str | None = None,
    ) -> None:
        """Wait until ``predicate()`` holds, re-checking after every request and update."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                what = description or getattr(predicate, "__qualname__", repr(predicate))
                recent = ", ".join(f"{c.method}={c.status}" for c in self.calls[-10:])
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; "
                    f"last API calls: {recent or 'none'}"
                ) from None

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        at = time.monotonic()
        match = re.fullmatch(r"/bot([^/]*)/([^/]+)", request.path)
        method = match.group(2) if match else request.path.rsplit("/", 1)[-1]
        params: JSON = {}
        files: _Files = {}
        try:
            if match is None:
                raise ApiError(404, "Not Found")
            params, files = await _read_params(request)
            if match.group(1) != self.token:
                raise ApiError(401, "Unauthorized")
            status, body = 200, {"ok": True, "result": await self._dispatch(method, params, files)}
        except ApiError as exc:
            status, body = exc.code, exc.body()
        self.calls.append(ApiCall(method, params, files, status, body, at))
        await self._notify()
        if rule := self._take(method, params, delayed=True):
            await self._sleep(rule.seconds)
        return web.json_response(body, status=status)

    async def _dispatch(self, method: str, params: JSON, files: _Files) -> Any:
        name = method.lower()
        handler = getattr(self, f"_m_{name}", None)
        if handler is None and name not in _NOOP:
            raise ApiError(404, "Not Found")
        if (rule := self._take(method, params, delayed=False)) and rule.error:
            raise rule.error
        chat_id = params.get("chat_id")
        blocked = isinstance(chat_id, int) and chat_id in self._blocked
        if blocked and name.startswith(("send", "edit")):
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if handler is None:
            return True
        result = handler(params, files)
        return await result if inspect.isawaitable(result) else result

    def _take(self, method: str, params: JSON, *, delayed: bool) -> _Rule | None:
        for rule in self._rules:
            if (
                rule.remaining > 0
                and rule.method == method.lower()
                and (rule.error is None) == delayed
                and (rule.when is None or rule.when(params))
            ):
                rule.remaining -= 1
                return rule
        return None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _sleep(self, seconds: float) -> None:
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: self._stopping), seconds)

    # -- state helpers -----------------------------------------------------------------------

    def _bot_json(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Cramp Coach",
            "username": self.bot_username,
        }

    def _chat_json(self, chat_id: int) -> JSON:
        return {"id": chat_id, "type": "private", "first_name": self.users[chat_id].first_name}

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _new_query(self) -> str:
        query_id = str(4_100_000_000_000_000 + len(self._queries))
        self._queries[query_id] = False
        return query_id

    def _find(self, chat_id: int | None, message_id: Any) -> SentMessage | None:
        chats = [chat_id] if chat_id is not None else list(self._messages)
        return next(
            (m for c in chats for m in self._messages.get(c, []) if m.message_id == message_id),
            None,
        )

    def _message_json(self, m: SentMessage) -> JSON:
        data: JSON = {
            "message_id": m.message_id,
            "date": m.date,
            "chat": self._chat_json(m.chat_id),
            "from": self._bot_json(),
        }
        if m.text is not None:
            data["text"] = m.text
        if m.caption is not None:
            data["caption"] = m.caption
        if m.document is not None:
            data["document"] = {
                "file_id": f"doc-{m.chat_id}-{m.message_id}",
                "file_name": m.document[0],
                "file_unique_id": f"udoc-{m.chat_id}-{m.message_id}",
                "file_size": len(m.document[1]),
            }
        if m.photo is not None:
            data["photo"] = [
                {
                    "file_id": f"photo-{m.chat_id}-{m.message_id}",
                    "width": 1,
                    "height": 1,
                    "file_unique_id": f"uphoto-{m.chat_id}-{m.message_id}",
                    "file_size": len(m.photo),
                }
            ]
        if m.reply_markup and "inline_keyboard" in m.reply_markup:
            data["reply_markup"] = m.reply_markup
        if m.edits:
            data["edit_date"] = int(self.now())
        return data

    async def _enqueue(self, payload: JSON) -> int:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, **payload}
        self._history[self._last_update_id] = update
        self._updates.append(_Pending(self._last_update_id, update))
        await self._notify()
        return self._last_update_id

    async def _resend(self, update_id: int) -> None:
        if update_id not in self._history:
            raise AssertionError(f"unknown update_id {update_id}")
        self._updates.append(_Pending(update_id, copy.deepcopy(self._history[update_id])))
        await self._notify()

    def _throttle(self, chat_id: int) -> None:
        now, waits = time.monotonic(), []
        keys: tuple[int | str, str] = (chat_id, "*")
        limits = [(key, rate) for key, rate in zip(keys, self._rates, strict=True) if rate]
        for key, rate in limits:
            tokens, last = self._buckets.get(key, (max(1.0, rate), now))
            tokens = min(max(1.0, rate), tokens + (now - last) * rate)
            self._buckets[key] = (tokens, now)
            if tokens < 1:
                waits.append((1 - tokens) / rate)
        if waits:
            retry = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        for key, _ in limits:
            self._buckets[key] = (self._buckets[key][0] - 1, now)

    def _chat(self, params: JSON) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self.users:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    @staticmethod
    def _text(params: JSON) -> str:
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    @staticmethod
    def _caption(params: JSON) -> str | None:
        caption = params.get("caption")
        if caption is not None and len(str(caption)) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return None if caption is None else str(caption)

    @staticmethod
    def _markup(params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is not None and not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    @staticmethod
    def _upload(params: JSON, files: _Files, kind: str) -> tuple[str, bytes]:
        value = params.get(kind)
        if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
            return files[value[9:]]
        if kind in files:
            return files[kind]
        if not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        return str(value), b""  # a file_id or URL: content unknown

    def _store(self, chat_id: int, **content: Any) -> JSON:
        self._throttle(chat_id)
        message = SentMessage(
            self._next_message_id(chat_id), chat_id, **content, date=int(self.now())
        )
        self._messages[chat_id].append(message)
        return self._message_json(message)

    def _edit(self, params: JSON, **change: Any) -> JSON:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = self._chat(params)
        message = self._find(chat_id, params.get("message_id"))
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if "text" in change and message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        if "caption" in change and message.text is not None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        change["reply_markup"] = self._markup(params)
        if all(getattr(message, key) == value for key, value in change.items()):
            raise ApiError(400, NOT_MODIFIED)
        self._throttle(chat_id)
        for key, value in change.items():
            setattr(message, key, value)
        message.edits += 1
        return self._message_json(message)

    @staticmethod
    def _scope_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    # -- Bot API methods (``_m_<lowercase name>``) -------------------------------------------

    def _m_getme(self, _p: JSON, _f: object) -> JSON:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_getupdates(self, p: JSON, _f: object) -> list[JSON]:
        if self._webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset, limit = int(p.get("offset") or 0), min(max(int(p.get("limit") or 100), 1), 100)
        if offset > 0:
            self._updates = [u for u in self._updates if u.update_id >= offset or not u.delivered]
        elif offset < 0:
            self._updates = self._updates[offset:]
        timeout = float(p.get("timeout") or 0)
        if timeout > 0 and not self._updates:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: self._stopping or bool(self._updates)),
                        timeout,
                    )
        batch = self._updates[:limit]
        for pending in batch:
            pending.delivered = True
        return [pending.payload for pending in batch]

    def _m_setwebhook(self, p: JSON, _f: object) -> bool:
        self._webhook = str(p.get("url") or "")
        self._webhook_secret = str(p.get("secret_token") or "")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        if self._webhook and (self._pusher is None or self._pusher.done()):
            self._pusher = asyncio.create_task(self._push_updates())
        return True

    async def _push_updates(self) -> None:
        """Like Telegram in webhook mode: POST each update, in order, until it gets a 2xx;
        a failed or refused delivery is retried after a pause (the same update_id)."""
        async with aiohttp.ClientSession() as session:
            while self._webhook and not self._stopping:
                if not self._updates:
                    async with self._changed:
                        await self._changed.wait_for(
                            lambda: self._stopping or bool(self._updates) or not self._webhook
                        )
                    continue
                pending = self._updates[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": self._webhook_secret}
                try:
                    async with session.post(
                        self._webhook, json=pending.payload, headers=headers
                    ) as response:
                        delivered = 200 <= response.status < 300
                        self.webhook_posts.append((pending.update_id, response.status))
                except (aiohttp.ClientError, OSError):
                    delivered = False
                    self.webhook_posts.append((pending.update_id, 0))
                if delivered:
                    if self._updates and self._updates[0] is pending:
                        self._updates.pop(0)
                else:
                    await self._sleep(self.webhook_retry_seconds)
                await self._notify()

    def _m_deletewebhook(self, p: JSON, _f: object) -> bool:
        return self._m_setwebhook({"drop_pending_updates": p.get("drop_pending_updates")}, _f)

    def _m_getwebhookinfo(self, _p: JSON, _f: object) -> JSON:
        return {
            "url": self._webhook,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _m_setmycommands(self, p: JSON, _f: object) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command"))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description") or "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._scope_key(p)] = commands
        return True

    def _m_getmycommands(self, p: JSON, _f: object) -> list[JSON]:
        return self._commands.get(self._scope_key(p), [])

    def _m_deletemycommands(self, p: JSON, _f: object) -> bool:
        self._commands.pop(self._scope_key(p), None)
        return True

    def _set_description(self, p: JSON, field: str, limit: int, words: str) -> bool:
        text = str(p.get(field) or "")
        if len(text.encode("utf-16-le")) // 2 > limit:  # Telegram counts UTF-16 units
            raise ApiError(400, f"Bad Request: {words} is too long")
        self.descriptions[field, str(p.get("language_code") or "")] = text
        return True

    def _m_setmydescription(self, p: JSON, _f: object) -> bool:
        return self._set_description(p, "description", 512, "description")

    def _m_setmyshortdescription(self, p: JSON, _f: object) -> bool:
        return self._set_description(p, "short_description", 120, "short description")

    def _m_getmydescription(self, p: JSON, _f: object) -> JSON:
        key = ("description", str(p.get("language_code") or ""))
        return {"description": self.descriptions.get(key, "")}

    def _m_getmyshortdescription(self, p: JSON, _f: object) -> JSON:
        key = ("short_description", str(p.get("language_code") or ""))
        return {"short_description": self.descriptions.get(key, "")}

    def _m_sendmessage(self, p: JSON, _f: object) -> JSON:
        chat_id = self._chat(p)
        return self._store(chat_id, text=self._text(p), reply_markup=self._markup(p))

    def _m_senddocument(self, p: JSON, f: _Files) -> JSON:
        chat_id = self._chat(p)
        document = self._upload(p, f, "document")
        return self._store(
            chat_id, document=document, caption=self._caption(p), reply_markup=self._markup(p)
        )

    def _m_sendphoto(self, p: JSON, f: _Files) -> JSON:
        chat_id = self._chat(p)
        photo = self._upload(p, f, "photo")[1]
        return self._store(
            chat_id, photo=photo, caption=self._caption(p), reply_markup=self._markup(p)
        )

    def _m_sendchataction(self, p: JSON, _f: object) -> bool:
        self._chat(p)
        return True

    def _m_editmessagetext(self, p: JSON, _f: object) -> JSON:
        return self._edit(p, text=self._text(p))

    def _m_editmessagecaption(self, p: JSON, _f: object) -> JSON:
        return self._edit(p, caption=self._caption(p))

    def _m_editmessagereplymarkup(self, p: JSON, _f: object) -> JSON:
        return self._edit(p)

    def _m_deletemessage(self, p: JSON, _f: object) -> bool:
        message = self._find(self._chat(p), p.get("message_id"))
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        return True

    def _m_answercallbackquery(self, p: JSON, _f: object) -> bool:
        query_id = str(p.get("callback_query_id"))
        if self._queries.get(query_id, True):
            raise ApiError(400, QUERY_INVALID)
        self._queries[query_id] = True
        return True
