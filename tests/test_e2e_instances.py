"""Two instances on one PostgreSQL, in webhook mode behind a load balancer that posts each
update to the next instance, as a real one may: two presses of one user, made at once, are
handled at once on two instances. The user's row is locked for each handler's transaction
(bot/handlers/common.py), so they go one after the other: one outcome, no lost update."""

import asyncio
import itertools
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot import texts
from bot.handlers.common import UserTransaction
from bot.settings import ServerSettings
from core.diary import Condition, Place, to_mask
from tests.conftest import FakeClock, RunningBot
from tests.e2e import free_port, new_report, press_together, reports, set_up, settings_of, tap
from tests.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

SECRET = "instances-secret_0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def forwarded_headers(request: web.Request) -> dict[str, str]:
    return {
        "Content-Type": request.content_type,
        SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
    }


class RoundRobin:
    """A load balancer: each webhook post goes to the next instance, answered with its
    answer; `targets` records where each update went."""

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self._next = itertools.cycle(range(len(upstreams)))
        self.targets: dict[int, int] = {}  # update_id -> index of the instance
        self._runner: web.AppRunner | None = None
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        index = next(self._next)
        self.targets[int((await request.json())["update_id"])] = index
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                self.upstreams[index], data=body, headers=forwarded_headers(request)
            ) as answer,
        ):
            return web.Response(status=answer.status, body=await answer.read())

    async def __aenter__(self) -> "RoundRobin":
        app = web.Application()
        app.router.add_post("/hook", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def balancer() -> AsyncIterator[RoundRobin]:
    ports = [free_port(), free_port()]
    async with RoundRobin([f"http://127.0.0.1:{port}/hook" for port in ports]) as balancer:
        yield balancer


@pytest.fixture
async def instances(
    api: FakeBotApi, database_url: str, clock: FakeClock, balancer: RoundRobin
) -> AsyncIterator[list[RunningBot]]:
    """Two instances of the bot on one database; Telegram posts to the balancer."""
    bots = []
    for upstream in balancer.upstreams:
        port = int(upstream.split(":")[2].split("/")[0])
        server = ServerSettings(
            webhook_url=balancer.url,
            webhook_secret=SecretStr(SECRET),
            listen_address="127.0.0.1",
            listen_port=port,
        )
        bots.append(RunningBot(api, database_url, clock, server))
    try:
        for bot in bots:
            await bot.start()
        yield bots
    finally:
        for bot in bots:
            await bot.close()


@pytest.fixture
def slow_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each handler's transaction stays open a little after its work, before it commits:
    without the row lock, the other instance's handler would read the row meanwhile and
    overwrite this one's change with its own (a lost update, every time)."""
    finish = UserTransaction.finish

    async def slowly(self: UserTransaction) -> str | None:
        await asyncio.sleep(0.3)
        return await finish(self)

    monkeypatch.setattr(UserTransaction, "finish", slowly)


@pytest.mark.usefixtures("slow_handlers")
async def test_two_switches_pressed_at_once_on_two_instances_both_count(
    instances: list[RunningBot], balancer: RoundRobin
) -> None:
    bot = instances[0]
    max_ = await set_up(bot.user(501, "Max"))
    profile = await max_.ask("/profile")
    before = len(balancer.targets)
    await press_together(max_, profile, "Kidney disease", "Diabetes")
    assert set(list(balancer.targets.values())[before:]) == {0, 1}  # one press on each
    row = await settings_of(bot.db, 501)
    assert row["conditions"] == to_mask([Condition.KIDNEY, Condition.DIABETES])

    await bot.api.wait_for(lambda: "✅ Diabetes" in profile.button_texts())
    await press_together(max_, profile, "Unexplained weight loss", "Diabetes")
    row = await settings_of(bot.db, 501)
    assert row["conditions"] == to_mask([Condition.KIDNEY]) and row["weight_loss"] is True


@pytest.mark.usefixtures("slow_handlers")
async def test_save_pressed_twice_at_once_on_two_instances_saves_one_report(
    instances: list[RunningBot], balancer: RoundRobin
) -> None:
    bot = instances[0]
    eva = await set_up(bot.user(502, "Eva"))
    form = await new_report(eva)
    await tap(eva, form, "Cramp")
    before = len(balancer.targets)
    answers = await press_together(eva, form, "Save", "Save")
    assert set(list(balancer.targets.values())[before:]) == {0, 1}
    [report] = await reports(bot, 502)
    assert report.kind == "cramp"
    assert [a.params.get("text") for a in answers].count(texts.REPORT_ALREADY_SAVED) == 1


async def test_a_place_and_save_at_once_on_two_instances_lose_no_tap(
    instances: list[RunningBot], balancer: RoundRobin
) -> None:
    bot = instances[0]
    fay = await set_up(bot.user(503, "Fay"))
    form = await new_report(fay)
    await tap(fay, form, "Cramp")
    place, save = await press_together(fay, form, "Hamstring", "Save")
    [report] = await reports(bot, 503)
    # Whichever instance went first: the place is in the report, or its tap was told the
    # form had been saved already. Never taken and then missing.
    if report.places != to_mask([Place.HAMSTRING]):
        assert report.places == 0 and place.params.get("text") == texts.FORM_CLOSED
    assert save.params.get("text") != texts.REPORT_ALREADY_SAVED
