"""Several instances on one PostgreSQL: three `python -m bot` processes in webhook mode
share one send budget (bot/budget.py) over 3,000 due reminders, and one is killed
(SIGKILL) mid-run. Together they never go over the overall rate, the two left take the
dead one's share back within seconds, and each reminder goes out once at most: all of
them in the end but those the killed process had on their way to Telegram."""

import asyncio
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.seed import seed_due
from db.instances import STALE_AFTER
from db.migrate import upgrade_database
from db.models import Delivery
from db.session import create_engine
from tests.conftest import TOKEN
from tests.e2e import bot_env, busiest, free_port, reminder_ids, unsettled
from tests.fake_bot_api import FakeBotApi

REMINDERS = 3_000
# The setting under test (Telegram's own is 30): twice that, and low enough that three
# bots and the fake keep up with it on a loaded 2-core machine, so the rate measured is
# the budget's, not the machine's.
OVERALL_PER_SECOND = 60.0
INSTANCES = 3
KILL_AFTER = 900  # reminders sent when one instance is killed
# From the kill, how long until the two left send at the whole rate: the dead one is left
# out after STALE_AFTER, the others take its share at their next heartbeat (1 s).
RECOVERY_SECONDS = STALE_AFTER.total_seconds() + 3
MEASURED_SECONDS = 12.0  # the rate before the kill and after the recovery, over this long


def rate_between(times: list[float], start: float, end: float) -> float:
    return sum(1 for at in times if start <= at < end) / (end - start)


@pytest.mark.timeout(300)
@pytest.mark.usefixtures("no_gc_pauses")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_three_instances_share_one_budget_and_survive_losing_one(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    await upgrade_database(engine)
    await seed_due(engine, REMINDERS, datetime.now(UTC))
    async with FakeBotApi(TOKEN) as api:
        for chat_id in range(1, REMINDERS + 1):
            api.user(chat_id)
        api.rate_limit(overall_per_second=OVERALL_PER_SECOND, per_chat_per_second=1.0)
        processes = []
        for _ in range(INSTANCES):
            port = free_port()
            env = bot_env(
                api,
                database_url,
                SEND_MAX_PER_SECOND=str(OVERALL_PER_SECOND),
                WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
                WEBHOOK_SECRET="instances-secret_0123456789",
                LISTEN_PORT=str(port),
                DISPATCH_INTERVAL_SECONDS="1",
                LOG_LEVEL="WARNING",
            )
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
            )
            processes.append(process)
        killed, survivors = processes[0], processes[1:]
        try:
            await api.wait_for(
                lambda: len(api.calls_to("sendMessage")) >= KILL_AFTER,
                timeout=120,
                description=f"{KILL_AFTER} reminders",
            )
            killed.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            await killed.communicate()
            deadline = time.monotonic() + 150
            while await unsettled(engine):  # orphans wait out ORPHAN_AFTER (60 s)
                assert time.monotonic() < deadline, "reminders left unsent"
                await asyncio.sleep(0.5)
            await asyncio.sleep(2)  # long enough for a duplicate to show
        finally:
            logs = []
            for process in survivors:
                process.send_signal(signal.SIGTERM)
                _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
                logs.append(stderr.decode())
                assert process.returncode == 0, stderr.decode()[-2000:]

        sends = api.calls_to("sendMessage")
        refused = [
            (round(call.at - killed_at, 2), call.params.get("chat_id"), call.response)
            for call in sends
            if not call.ok
        ]
        assert not refused, refused  # not one 429 (nor any other error); times from the kill
        times = sorted(call.at for call in sends)
        # The overall rate, with one instance killed: at most the budget in any five
        # seconds. The shares' HEADROOM leaves room for each instance's message at a
        # window's edge (297 of 300 at most here, quiet); the fake stamps requests when its
        # loop handles them, which on a loaded 2-core machine (three bots, PostgreSQL and
        # the fake) bunches them by a few per cent (306 seen in CI): 3 % is allowed for it.
        most = busiest(times, 5.0)
        assert most <= OVERALL_PER_SECOND * 5 * 1.03
        before = rate_between(times, killed_at - MEASURED_SECONDS, killed_at)
        recovered_at = killed_at + RECOVERY_SECONDS
        after = rate_between(times, recovered_at, recovered_at + MEASURED_SECONDS)
        assert sum(1 for at in times if at >= recovered_at + MEASURED_SECONDS) > 0, (
            "the backlog ran out before the rate after the kill was measured"
        )
        assert after >= OVERALL_PER_SECOND * 0.95
        print(  # figures for the record (pytest -s)
            f"\nbefore the kill {before:.1f}/s, after recovery {after:.1f}/s (limit"
            f" {OVERALL_PER_SECOND:.0f}/s), busiest 5 s {most / 5:.1f}/s; from kill to the"
            f" first second at 95 %: {first_full_second(times, killed_at):.1f} s"
        )
        assert all("ERROR" not in log and TOKEN not in log for log in logs)

        # Each delivery went out once at most; every one but those the killed process had
        # marked "sending" (cut off: at most once, never resent) went out exactly once.
        # The processes run on the real clock, so a user's next slot (spread over the hour,
        # scheduler/planning.py) may fall due during the test: a second, different reminder
        # is right, and as it may come a second after the first, it checks the per-chat
        # spacing across the network (bot/ratelimit.py): 70-100 of them a run.
        messages = [m for chat in range(1, REMINDERS + 1) for m in api.chat_messages(chat)]
        assert len(messages) == len(sends)
        assert all(len(reminder_ids(message)) == 1 for message in messages)
        sent = Counter(d for message in messages for d in reminder_ids(message))
        assert set(sent.values()) == {1}
    async with engine.connect() as connection:
        deliveries = (
            await connection.execute(select(Delivery.id, Delivery.user_id, Delivery.status))
        ).all()
    await engine.dispose()
    statuses = Counter(status for _, _, status in deliveries)
    assert set(statuses) <= {"sent", "sending"}, statuses
    assert {d for d, _, status in deliveries if status == "sent"} <= set(sent)
    assert statuses["sending"] <= 100  # one send window at most (bot/app.py send_window)
    assert {user_id for _, user_id, _ in deliveries} == set(range(1, REMINDERS + 1))
    print(f"deliveries {dict(statuses)}")


def first_full_second(times: list[float], killed_at: float) -> float:
    """Seconds from the kill to the start of the first one-second window after it in
    which at least 95 % of the overall rate went out."""
    after = [at for at in times if at >= killed_at]
    start = 0
    for end, at in enumerate(after):
        while at - after[start] >= 1.0:
            start += 1
        if end - start + 1 >= OVERALL_PER_SECOND * 0.95:
            return after[start] - killed_at
    return float("inf")
