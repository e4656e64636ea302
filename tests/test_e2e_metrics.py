"""GET /metrics end to end: the real bot serves it next to /healthz (polling and webhook
mode), scraped over loopback HTTP before and after something happens; the counters move
by what happened, and only kinds and results are ever labels."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import delete, select

from bot import metrics
from bot.metrics import ApplicationCollector
from bot.settings import ServerSettings
from db.models import Delivery, ReminderSchedule
from tests.conftest import TOKEN, FakeClock, RunningBot
from tests.e2e import free_port, set_up, tap
from tests.fake_bot_api import FakeBotApi, FakeUser
from tests.test_faults_process import Outage

# Reminders at exact times (test_spread_and_merge covers the spread).
pytestmark = pytest.mark.usefixtures("unspread")

LABELS = {"kind", "result", "le"}  # the only label names a sample may carry


class Scrape:
    """One GET /metrics, parsed by prometheus_client's own parser."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                self.samples[sample.name, frozenset(sample.labels.items())] = sample.value

    def value(self, name: str, **labels: str) -> float:
        """A sample's value; 0 when it is not there."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def has(self, name: str) -> bool:
        return any(sample_name == name for sample_name, _ in self.samples)


def base_of(bot: RunningBot) -> str:
    assert bot.server is not None and bot.server.port is not None
    return f"http://127.0.0.1:{bot.server.port}"


async def scrape(bot: RunningBot) -> Scrape:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base_of(bot)}/metrics") as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        result = Scrape(await response.text())
    for (_, labels), _ in result.samples.items():
        assert {name for name, _ in labels} <= LABELS  # no user, chat or token in a label
    assert TOKEN.split(":")[1] not in result.text
    return result


@pytest.fixture
async def polling_bot(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """The bot long polling, with its HTTP server (/healthz, /metrics) on a free port."""
    bot = RunningBot(api, database_url, clock, ServerSettings(listen_port=free_port()))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.close()


@pytest.fixture
async def webhook_bot(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """The bot in webhook mode on a free port; the fake posts updates to it."""
    port = free_port()
    server = ServerSettings(
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_secret=SecretStr("metrics-secret_0123456789abcdef"),
        listen_address="127.0.0.1",
        listen_port=port,
    )
    bot = RunningBot(api, database_url, clock, server)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.close()


async def set_up_hydration_only(user: FakeUser) -> FakeUser:
    """Setup with the defaults, then only hydration left on: a pass at 10:00 sends one."""
    await set_up(user)
    menu = await user.ask("/reminders")
    for kind in ("Movement", "Bedtime stretch", "Tips"):
        await tap(user, menu, kind)
    return user


async def settle(bot: RunningBot, user_id: int, expected: list[str]) -> None:
    """Wait until the user's deliveries have these statuses (the bot's own loop may send)."""
    for _ in range(200):
        async with bot.db() as session:
            query = select(Delivery.status).filter_by(user_id=user_id).order_by(Delivery.id)
            if list((await session.scalars(query)).all()) == expected:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"deliveries of {user_id} never became {expected}")


async def only_row(bot: RunningBot, user_id: int, kind: str, due_ago: timedelta) -> None:
    """The schedule holds one row: this user's `kind`, due `due_ago` before now."""
    async with bot.db.begin() as session:
        await session.execute(delete(ReminderSchedule))
        session.add(
            ReminderSchedule(
                user_id=user_id, kind=kind, is_snooze=False, next_due_at=bot.clock() - due_ago
            )
        )


def moved(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    return after.value(name, **labels) - before.value(name, **labels)


async def test_a_reminder_sent_through_a_429_and_the_updates_before_it_move_the_counters(
    polling_bot: RunningBot, clock: FakeClock
) -> None:
    api = polling_bot.api
    before = await scrape(polling_bot)
    assert before.value("cramp_live_instances") == 1
    assert before.has("cramp_reminders_sent_total")  # every kind's series, at 0 from the start

    await set_up_hydration_only(polling_bot.user(81, "Ada"))
    api.fail(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1",
        retry_after=1, when=lambda params: params.get("chat_id") == 81,
    )  # fmt: skip
    clock.now = clock.now.replace(hour=10, minute=0, second=30)  # 30 s after its slot
    await polling_bot.dispatch()
    await settle(polling_bot, 81, ["sent"])
    after = await scrape(polling_bot)

    assert moved(before, after, "cramp_reminders_sent_total", kind="hydration") == 1
    assert moved(before, after, "cramp_reminders_sent_total", kind="movement") == 0
    assert moved(before, after, "cramp_telegram_429_total") == 1
    assert moved(before, after, "cramp_reminder_lateness_seconds_count") == 1
    assert moved(before, after, "cramp_reminder_lateness_seconds_sum") == pytest.approx(30.0)
    assert moved(before, after, "cramp_reminder_lateness_seconds_bucket", le="10.0") == 0
    assert moved(before, after, "cramp_reminder_lateness_seconds_bucket", le="30.0") == 1
    # /start, the setup tap, /reminders and three switches: six updates handled at least.
    assert moved(before, after, "cramp_update_handling_seconds_count") >= 6
    assert after.value("cramp_dispatcher_lag_seconds") == 0.0  # nothing due waits
    assert after.value("cramp_reminders_dropped_total", kind="hydration") == 0


async def test_webhook_mode_serves_drops_failures_and_the_lag_of_a_stuck_dispatcher(
    webhook_bot: RunningBot, clock: FakeClock
) -> None:
    rosa = await set_up(webhook_bot.user(82, "Rosa"))
    before = await scrape(webhook_bot)

    await only_row(webhook_bot, 82, "movement", timedelta(minutes=30))  # past its 10 of grace
    await webhook_bot.dispatch()
    dropped = await scrape(webhook_bot)
    assert moved(before, dropped, "cramp_reminders_dropped_total", kind="movement") == 1
    assert moved(before, dropped, "cramp_reminders_sent_total", kind="movement") == 0

    rosa.block()  # Telegram answers 403: the reminder failed, as blocked
    await only_row(webhook_bot, 82, "movement", timedelta(minutes=1))
    await webhook_bot.dispatch()
    await settle(webhook_bot, 82, ["dropped", "blocked"])
    failed = await scrape(webhook_bot)
    assert (
        moved(dropped, failed, "cramp_reminders_failed_total", kind="movement", result="blocked")
        == 1
    )
    assert (
        moved(before, failed, "cramp_reminders_failed_total", kind="movement", result="failed") == 0
    )
    assert moved(before, failed, "cramp_reminder_lateness_seconds_count") == 0  # none sent

    application = webhook_bot.application
    assert application is not None
    data = application.bot_data
    assert data.dispatcher_stop is not None and data.dispatcher_task is not None
    data.dispatcher_stop.set()  # a stuck dispatcher: a due slot waits unclaimed
    await data.dispatcher_task
    await only_row(webhook_bot, 82, "movement", timedelta(seconds=90))
    assert (await scrape(webhook_bot)).value("cramp_dispatcher_lag_seconds") == 90.0


async def test_other_paths_and_methods_are_refused_and_count_nothing(
    polling_bot: RunningBot,
) -> None:
    before = await scrape(polling_bot)
    base = base_of(polling_bot)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/metrics/../nope") as response:
            assert response.status == 404
        async with session.get(f"{base}/metric") as response:
            assert response.status == 404
        async with session.post(f"{base}/metrics", data="cramp_live_instances 9") as response:
            assert response.status == 405
        async with session.delete(f"{base}/metrics") as response:
            assert response.status == 405
        # Prometheus's own filter, by metric name: an unknown name gives an empty page.
        async with session.get(f"{base}/metrics", params={"name[]": "cramp_nothing"}) as r:
            assert r.status == 200 and not (await r.text()).strip()
    after = await scrape(polling_bot)
    assert after.value("cramp_live_instances") == 1
    assert moved(before, after, "cramp_update_handling_seconds_count") == 0


async def test_while_the_database_is_unreachable_the_rest_is_still_served(
    api: FakeBotApi, database_url: str, clock: FakeClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's readers are not blocked by a writer (WAL): no outage to make")
    outage = Outage(database_url)
    bot = RunningBot(api, await outage.bot_url(), clock, ServerSettings(listen_port=free_port()))
    await bot.start()
    try:
        assert (await scrape(bot)).has("cramp_dispatcher_lag_seconds")
        await outage.begin()
        during = await scrape(bot)
        assert not during.has("cramp_dispatcher_lag_seconds")  # unknown, not a made-up 0
        assert during.value("cramp_live_instances") == 1
        await outage.end()
        assert (await scrape(bot)).value("cramp_dispatcher_lag_seconds") == 0.0
    finally:
        await outage.close()
        await bot.close()


def test_the_readme_lists_every_metric() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    collector = ApplicationCollector(lambda: {})
    collector.lag_seconds = 0.0
    families = [*metrics.REGISTRY.collect(), *collector.collect()]
    names = {f"{f.name}_total" if f.type == "counter" else f.name for f in families}
    assert len(names) == 8
    for name in names:
        assert f"| `{name}` |" in readme, f"{name} is not in the README's table of metrics"
