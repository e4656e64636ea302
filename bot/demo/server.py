"""`make demo`: the real bot against the local Bot API, and a chat page in the browser.

Everything runs in one process and listens on 127.0.0.1 only (by default): the local Bot
API (bot/local_api.py) on a port of its own, the application exactly as `python -m bot`
builds it (handlers, database code, dispatcher, send limiter) polling that API, and the
page's server on DEMO_PORT. The page talks to small JSON endpoints:

- ``GET /api/state?user=ID&since=V``: that user's chat (the bot's messages with edits
  applied, and the user's own), the reply keyboard, answer toasts, the command menu and
  the clock; held until something changes after version ``V`` (a long poll).
- ``POST /api/send``, ``/api/press``, ``/api/location``: what a Telegram client sends.
- ``POST /api/clock``: ``{"speed": 60}``, ``{"jump": "next"}`` (optionally with
  ``"kind": "summary"``) or ``{"to": ISO time}``; ``POST /api/reset``: start over.
- ``GET /api/file/{user}/{message_id}``: a photo or a document of that chat.

The data is a SQLite file of its own (demo.sqlite3 in DATA_DIR), never the real database.
"""

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.app import build_application
from bot.context import CoachApplication
from bot.demo.clock import SPEEDS, DemoClock
from bot.demo.settings import DemoSettings, load_demo_settings
from bot.local_api import FakeBotApi, FakeUser, SentMessage
from bot.logs import configure_logging
from bot.runner import run
from bot.settings import (
    AppSettings,
    ConfigError,
    DispatchSettings,
    SendingSettings,
    Settings,
    TelegramSettings,
)
from db.database_settings import DatabaseSettings
from db.models import ReminderSchedule, User

logger = logging.getLogger(__name__)

# Shaped like a token so that the settings accept it; it opens nothing anywhere.
DEMO_TOKEN = "123456789:DEMO-local-only-not-a-telegram-token"
DEMO_FILE_NAME = "demo.sqlite3"
USERS = {1001: "Ann", 1002: "Ben", 1003: "Cleo"}
# What the page's location button offers: a city stands for a shared location.
CITIES = {
    "Berlin": (52.52, 13.405),
    "London": (51.507, -0.128),
    "New York": (40.713, -74.006),
    "Los Angeles": (34.052, -118.244),
    "São Paulo": (-23.55, -46.633),
    "Lagos": (6.524, 3.379),
    "Delhi": (28.614, 77.209),
    "Tokyo": (35.676, 139.65),
    "Sydney": (-33.869, 151.209),
}
# How often the pacer checks whether a reminder has fallen due. At x600 that is two
# virtual minutes, well inside the shortest grace (ten minutes): fast-forward loses none.
PACE_SECONDS = 0.2
POLL_SECONDS = 20.0
START_TIMEOUT_SECONDS = 30.0
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DOCUMENT_TYPES = {".csv": "text/csv", ".pdf": "application/pdf"}

JSON = dict[str, Any]


class DemoError(Exception):
    """Input the page sent that the demo refuses; answered with a status and one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _Chat:
    """What the demo remembers of one user's side: their own messages and presses."""

    own: list[JSON] = field(default_factory=list)
    queries: set[str] = field(default_factory=set)


class Demo:
    """The local Bot API, the bot on it and the demo's clock; `reset()` starts over."""

    def __init__(self, data_dir: Path, *, start: datetime | None = None) -> None:
        self.database = data_dir / DEMO_FILE_NAME
        self._start = start
        self.clock = DemoClock(start)
        self.api: FakeBotApi | None = None
        self.page_url = ""  # set once the page is served
        self.application: CoachApplication | None = None
        self._chats: dict[int, _Chat] = {}
        self._epoch = 0
        self._generation = 0  # starts so far: ids the local Bot API hands out start again
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pacer: asyncio.Task[None] | None = None
        # Held by reset() and by every request but the long poll's wait: none sees a half
        # reset demo (an engine being disposed, a database file being deleted).
        self.lock = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start afresh: an empty database, the clock at its start, the local Bot API served
        and the bot running on it. (The chats live in this process, so a database left by
        an earlier run would hold users whose chats are gone, at times the clock has not
        reached.)"""
        self.database.parent.mkdir(parents=True, exist_ok=True)
        for path in self.database.parent.glob(self.database.name + "*"):
            path.unlink()  # the file and SQLite's -wal and -shm beside it
        self.clock = DemoClock(self._start)
        self._generation += 1
        api = FakeBotApi(DEMO_TOKEN, bot_username="CrampCoachDemoBot", now=self.clock.timestamp)
        await api.start()
        for user_id, name in USERS.items():
            api.user(user_id, name)
        self.api, self._chats = api, {user_id: _Chat() for user_id in USERS}
        application = build_application(self._settings(api), clock=self.clock)
        self.application, self._stop = application, asyncio.Event()
        self._task = asyncio.create_task(run(application, self._stop, None, poll_timeout=10))
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not application.running:
            if self._task.done():
                self._task.result()  # raises what stopped it
                raise RuntimeError("the bot stopped while starting")
            if time.monotonic() > deadline:
                raise RuntimeError("the bot did not start")
            await asyncio.sleep(0.02)
        self._pacer = asyncio.create_task(self._pace())

    async def stop(self) -> None:
        """Stop the bot (it finishes what it is sending), then the local Bot API."""
        self._epoch += 1
        if self._pacer is not None:
            self._pacer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pacer
            self._pacer = None
        self._stop.set()
        if self._task is not None:
            try:
                await self._task
            except Exception:
                logger.exception("The bot stopped with an error")
            self._task = None
        if self.api is not None:
            await self.api.stop()

    async def reset(self) -> None:
        """Start over: no users, no messages, an empty database, the clock at its start."""
        async with self.lock:
            await self.stop()
            await self.start()

    def _settings(self, api: FakeBotApi) -> Settings:
        return Settings(
            telegram=TelegramSettings(
                bot_token=SecretStr(DEMO_TOKEN),
                api_base_url=api.base_url,
                api_base_file_url=api.base_file_url,
            ),
            database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{self.database}"),
            app=AppSettings(log_level="INFO", admin_user_ids=()),
            # Telegram's limits, as in production: the demo shows the real pace.
            sending=SendingSettings(
                max_per_second=30, chat_interval_seconds=1.0, paid_broadcast=False
            ),
            dispatch=DispatchSettings(interval_seconds=1.0, batch_size=500),
        )

    async def _pace(self) -> None:
        """Wake the dispatcher as soon as the demo's clock passes the next due slot: its own
        wake-ups count real seconds, which at x600 would let reminders pass their grace."""
        while True:
            await asyncio.sleep(PACE_SECONDS)
            dispatcher = self.application.bot_data.dispatcher if self.application else None
            if dispatcher is None:
                continue
            try:
                due = await dispatcher.next_due_at()
            except Exception:
                logger.exception("Reading the next due reminder failed")
                continue
            if due is not None and due <= self.clock():
                dispatcher.wake()

    # -- what the page does ------------------------------------------------------------------

    def version(self) -> str:
        """Changes whenever anything the page shows may have changed."""
        return f"{self._epoch}.{len(self.api.calls) if self.api else 0}"

    async def changed(self) -> None:
        """Tell long polls to look again."""
        self._epoch += 1
        if self.api is not None:
            await self.api.notify()

    def user(self, user_id: object) -> FakeUser:
        """The demo user with that id, or a refusal."""
        if self.api is None or not isinstance(user_id, int) or user_id not in USERS:
            raise DemoError(404, f"No such demo user; there are {', '.join(map(str, USERS))}.")
        return self.api.user(user_id)

    async def send(self, user_id: object, text: object) -> JSON:
        """A text message from the user, as Telegram would deliver it to the bot."""
        user = self.user(user_id)
        if not isinstance(text, str) or not text.strip():
            raise DemoError(400, "Type a message first.")
        if len(text) > 4096:
            raise DemoError(400, "Telegram takes at most 4096 characters in a message.")
        message = self._own(user, await user.send(text))
        message["text"] = text
        await self.changed()
        return message

    async def share_location(self, user_id: object, city: object) -> JSON:
        """The user shares a location: the middle of one of CITIES."""
        user = self.user(user_id)
        if not isinstance(city, str) or city not in CITIES:
            raise DemoError(400, f"Pick one of these cities: {', '.join(CITIES)}.")
        latitude, longitude = CITIES[city]
        message = self._own(user, await user.send_location(latitude, longitude))
        message["location"] = {"city": city, "latitude": latitude, "longitude": longitude}
        await self.changed()
        return message

    async def press(self, user_id: object, message_id: object, data: object) -> JSON:
        """A tap on an inline button the chat shows now."""
        user = self.user(user_id)
        message = _visible(user, message_id)
        shown = [d for row in message.buttons() for _, d in row]
        if not isinstance(data, str) or data not in shown:
            raise DemoError(409, "That button is not on the message any more.")
        query_id = await user.press(message, data=data)
        self._chats[user.id].queries.add(query_id)
        await self.changed()
        return {"query_id": query_id}

    async def set_clock(self, body: JSON) -> JSON:
        """Change the speed, or jump to the next reminder or to a given time."""
        if "speed" in body:
            if body["speed"] not in SPEEDS:
                raise DemoError(400, f"The speed is one of {', '.join(f'x{s}' for s in SPEEDS)}.")
            self.clock.set_speed(body["speed"])
        elif body.get("jump") == "next":
            kind = body.get("kind")
            due = await self.next_due(self.user(body.get("user")).id, kind)
            if due is None:
                what = "weekly summary" if kind else "reminder"
                raise DemoError(409, f"No {what} is planned yet: set up with /start first.")
            self.clock.jump_to(due)
        elif "to" in body:
            try:
                when = datetime.fromisoformat(str(body["to"]))
            except ValueError:
                raise DemoError(400, "Give the time like 2026-11-22T18:00.") from None
            if when.tzinfo is None:  # a wall time in the user's zone, as the page shows it
                zone = await self._zone(self.user(body.get("user")).id)
                when = when.replace(tzinfo=ZoneInfo(zone))
            if not self.clock.jump_to(when):
                raise DemoError(409, "The clock only goes forward.")
        else:
            raise DemoError(400, 'Send {"speed": 60}, {"jump": "next"} or {"to": "<ISO time>"}.')
        if self.application is not None and self.application.bot_data.dispatcher is not None:
            self.application.bot_data.dispatcher.wake()
        await self.changed()
        return self.clock_state()

    def clock_state(self) -> JSON:
        """The virtual time and how fast it runs (the page moves its clock between polls)."""
        return {"now": self.clock().isoformat(), "speed": self.clock.speed, "speeds": SPEEDS}

    async def next_due(self, user_id: int, kind: object = None) -> datetime | None:
        """When the user's next reminder (of `kind`, if given) is due."""
        if kind is not None and kind != "summary":
            raise DemoError(400, 'The only kind to jump to is "summary".')
        sessions = self.application.bot_data.sessions if self.application else None
        if sessions is None:
            return None
        query = select(func.min(ReminderSchedule.next_due_at)).filter_by(user_id=user_id)
        if kind is not None:
            query = query.filter_by(kind=kind)
        async with sessions() as session:
            return await session.scalar(query)

    async def state(self, user_id: object) -> JSON:
        """Everything the page shows of one user's chat."""
        user = self.user(user_id)
        api = self.api
        assert api is not None
        chat = self._chats[user.id]
        messages = [_bot_message(m) for m in user.messages if not m.deleted]
        messages = sorted([*messages, *chat.own], key=lambda m: int(m["id"]))
        toasts = [
            {
                # Unique across resets, so that a page open through one shows the new ones.
                "id": f"{self._generation}:{call.params['callback_query_id']}",
                "text": str(call.params["text"]),
                "alert": bool(call.params.get("show_alert")),
            }
            for call in api.calls_to("answerCallbackQuery")
            if call.ok
            and str(call.params.get("callback_query_id")) in chat.queries
            and call.params.get("text")
        ]
        return {
            "version": self.version(),
            "user": {"id": user.id, "name": user.first_name},
            "users": [{"id": i, "name": n} for i, n in USERS.items()],
            "cities": list(CITIES),
            "messages": messages,
            "keyboard": _reply_keyboard(api, user.id),
            "toasts": toasts,
            "commands": api.commands,
            "clock": self.clock_state(),
            "zone": await self._zone(user.id),
            "next_due": _iso(await self.next_due(user.id)),
        }

    async def wait(self, since: str, timeout: float = POLL_SECONDS) -> None:  # noqa: ASYNC109
        """Return when the version moves past `since`, or after `timeout`."""
        api = self.api
        if api is None or self.version() != since:
            return
        with contextlib.suppress(AssertionError):  # the wait timed out: answer as it is
            await api.wait_for(lambda: self.version() != since, timeout)

    def file(self, user_id: object, message_id: object) -> tuple[str, str, bytes]:
        """A photo or document of the chat: file name, media type, bytes."""
        message = _visible(self.user(user_id), message_id)
        if message.photo is not None:
            return f"photo-{message.message_id}.png", "image/png", message.photo
        if message.document is not None:
            name, content = message.document
            kind = _DOCUMENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
            return name, kind, content
        raise DemoError(404, "That message has no file.")

    def _own(self, user: FakeUser, update_id: int) -> JSON:
        sent = user.api.update(update_id)["message"]
        message: JSON = {"id": sent["message_id"], "from": "user", "date": sent["date"]}
        self._chats[user.id].own.append(message)
        return message

    async def _zone(self, user_id: int) -> str:
        sessions = self.application.bot_data.sessions if self.application else None
        if sessions is None:
            return "UTC"
        async with sessions() as session:
            user = await session.get(User, user_id)
            return user.timezone if user is not None and user.setup_step is None else "UTC"


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _visible(user: FakeUser, message_id: object) -> SentMessage:
    found = [m for m in user.messages if m.message_id == message_id and not m.deleted]
    if not found:
        raise DemoError(404, "No such message in this chat.")
    return found[0]


def _bot_message(m: SentMessage) -> JSON:
    rows = (m.reply_markup or {}).get("inline_keyboard", [])
    message: JSON = {
        "id": m.message_id,
        "from": "bot",
        "date": m.date,
        "text": m.text,
        "caption": m.caption,
        "edited": m.edits > 0,
        "buttons": [
            [
                {"text": b.get("text", ""), "data": b.get("callback_data"), "url": b.get("url")}
                for b in row
            ]
            for row in rows
        ],
    }
    if m.photo is not None:
        message["photo"] = f"/api/file/{m.chat_id}/{m.message_id}"
    if m.document is not None:
        message["document"] = {
            "name": m.document[0],
            "size": len(m.document[1]),
            "url": f"/api/file/{m.chat_id}/{m.message_id}",
        }
    return message


def _reply_keyboard(api: FakeBotApi, chat_id: int) -> JSON | None:
    """The keyboard under the message box: the last one a message to the chat set (it stays
    until another replaces or removes it, whatever happens to that message)."""
    for call in reversed(api.calls):
        markup = call.params.get("reply_markup")
        if not (call.ok and call.params.get("chat_id") == chat_id and isinstance(markup, dict)):
            continue
        if markup.get("remove_keyboard"):
            return None
        if "keyboard" in markup:
            return {
                "rows": [
                    [str(b.get("text", b)) if isinstance(b, dict) else str(b) for b in row]
                    for row in markup["keyboard"]
                ],
                "placeholder": markup.get("input_field_placeholder"),
            }
    return None


# -- the page's HTTP side ---------------------------------------------------------------------


def build_web_app(demo: Demo, address: str) -> web.Application:
    """The page and its JSON endpoints."""
    loopback_only = address in _LOOPBACK

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        # A page elsewhere cannot drive the demo: a loopback Host (no DNS rebinding) and, for
        # a POST, a JSON body (a cross-site form cannot send one without CORS, which we lack).
        if loopback_only and request.url.host not in _LOOPBACK:
            return web.json_response({"error": "Open the demo on 127.0.0.1."}, status=403)
        if request.method == "POST" and request.content_type != "application/json":
            return web.json_response({"error": "Send JSON."}, status=415)
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except DemoError as error:
            return web.json_response({"error": str(error)}, status=error.status)

    async def body(request: web.Request) -> JSON:
        try:
            data = await request.json()
        except ValueError:
            raise DemoError(400, "The body is not JSON.") from None
        if not isinstance(data, dict):
            raise DemoError(400, "The body must be a JSON object.")
        return data

    def query_int(request: web.Request, name: str) -> int:
        value = request.query.get(name) or request.match_info.get(name, "")
        if not value.lstrip("-").isdigit():
            raise DemoError(400, f"{name} must be a number.")
        return int(value)

    async def page(_request: web.Request) -> web.Response:
        html = files("bot.demo").joinpath("page.html").read_text(encoding="utf-8")
        return web.Response(text=html, content_type="text/html")

    async def state(request: web.Request) -> web.Response:
        user_id = query_int(request, "user")
        demo.user(user_id)
        await demo.wait(request.query.get("since", ""))
        async with demo.lock:
            return web.json_response(await demo.state(user_id))

    async def send(request: web.Request) -> web.Response:
        data = await body(request)
        async with demo.lock:
            return web.json_response(await demo.send(data.get("user"), data.get("text")))

    async def location(request: web.Request) -> web.Response:
        data = await body(request)
        async with demo.lock:
            answer = await demo.share_location(data.get("user"), data.get("city"))
        return web.json_response(answer)

    async def press(request: web.Request) -> web.Response:
        data = await body(request)
        async with demo.lock:
            answer = await demo.press(data.get("user"), data.get("message_id"), data.get("data"))
        return web.json_response(answer)

    async def clock(request: web.Request) -> web.Response:
        data = await body(request)
        async with demo.lock:
            return web.json_response(await demo.set_clock(data))

    async def reset(request: web.Request) -> web.Response:
        await body(request)
        await demo.reset()
        return web.json_response({"ok": True, "clock": demo.clock_state()})

    async def file(request: web.Request) -> web.Response:
        async with demo.lock:
            name, kind, content = demo.file(
                query_int(request, "user"), query_int(request, "message")
            )
        disposition = "inline" if kind == "image/png" else f'attachment; filename="{name}"'
        return web.Response(
            body=content, content_type=kind, headers={"Content-Disposition": disposition}
        )

    app = web.Application(middlewares=[guard], client_max_size=1 << 16)
    app.router.add_get("/", page)
    app.router.add_get("/api/state", state)
    app.router.add_post("/api/send", send)
    app.router.add_post("/api/location", location)
    app.router.add_post("/api/press", press)
    app.router.add_post("/api/clock", clock)
    app.router.add_post("/api/reset", reset)
    app.router.add_get("/api/file/{user}/{message}", file)
    return app


async def serve(
    demo: Demo, settings: DemoSettings, stop: asyncio.Event, ready: asyncio.Event | None = None
) -> None:
    """Run the demo and its page until `stop`; `ready` is set once the page can be opened."""
    runner = web.AppRunner(
        build_web_app(demo, settings.address), access_log=None, shutdown_timeout=1.0
    )
    try:
        await demo.start()
        await runner.setup()
        site = web.TCPSite(runner, settings.address, settings.port)
        await site.start()
        demo.page_url = f"http://{_host(settings.address)}:{runner.addresses[0][1]}"
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await runner.cleanup()
        await demo.stop()


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


async def _main() -> None:
    settings = load_demo_settings()
    data_dir = DatabaseSettings().data_dir
    # Quiet unless asked: the page is the demo, not the log. LOG_LEVEL from the environment
    # only (.env's is the real bot's).
    level = os.environ.get("LOG_LEVEL", "").strip().upper()
    configure_logging(level if level in LOG_LEVELS else "WARNING", (DEMO_TOKEN,))
    stop, ready = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    demo = Demo(data_dir)
    serving = asyncio.create_task(serve(demo, settings, stop, ready))
    waiting = asyncio.create_task(ready.wait())
    await asyncio.wait([serving, waiting], return_when=asyncio.FIRST_COMPLETED)
    if ready.is_set():
        print(
            f"Cramp Coach demo: open {demo.page_url}  (no Telegram, no token; "
            f"data in {demo.database}; Ctrl-C stops)",
            flush=True,
        )
    waiting.cancel()
    await serving


def main() -> None:
    """`python -m bot demo`: one clear line and exit code 2 for a configuration problem."""
    try:
        asyncio.run(_main())
    except ConfigError as error:
        print(f"cramp-coach demo: configuration error: {error}", file=sys.stderr)
        sys.exit(2)
    except OSError as error:
        print(f"cramp-coach demo: cannot listen: {error}", file=sys.stderr)
        sys.exit(2)
