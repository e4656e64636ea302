"""bot/metrics.py's hooks on their own: what a send and an update add to the metrics."""

from datetime import UTC, datetime, timedelta

import pytest

from bot import metrics
from core.delivery import SendResult
from scheduler.dispatcher import Outgoing
from scheduler.planning import Kind

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def value(name: str, **labels: str) -> float:
    found = metrics.REGISTRY.get_sample_value(name, labels)
    return 0.0 if found is None else found


async def test_a_merged_message_counts_each_reminder_and_is_late_from_its_earliest_slot() -> None:
    async def telegram_takes_it(_: Outgoing) -> tuple[SendResult, int | None]:
        return SendResult.SENT, 7

    send = metrics.counting_sends(telegram_takes_it, lambda: NOW)
    riding_ahead = Outgoing(2, 1, 1, Kind.MOVEMENT, NOW + timedelta(minutes=20))
    message = Outgoing(1, 1, 1, Kind.HYDRATION, NOW - timedelta(seconds=12), parts=(riding_ahead,))
    sent = {
        kind: value("cramp_reminders_sent_total", kind=kind) for kind in ("hydration", "movement")
    }
    late = value("cramp_reminder_lateness_seconds_sum")
    count = value("cramp_reminder_lateness_seconds_count")

    assert await send(message) == (SendResult.SENT, 7)
    for kind, before in sent.items():
        assert value("cramp_reminders_sent_total", kind=kind) == before + 1
    assert value("cramp_reminder_lateness_seconds_count") == count + 1  # one message
    assert value("cramp_reminder_lateness_seconds_sum") == late + 12.0


@pytest.mark.parametrize("result", metrics.FAILED_RESULTS)
async def test_a_reminder_not_sent_counts_as_failed_with_its_result(result: SendResult) -> None:
    async def telegram_says(_: Outgoing) -> tuple[SendResult, int | None]:
        return result, None

    send = metrics.counting_sends(telegram_says, lambda: NOW)
    labels = {"kind": "stretch", "result": result.value}
    failed, count = (
        value("cramp_reminders_failed_total", **labels),
        value("cramp_reminder_lateness_seconds_count"),
    )
    await send(Outgoing(1, 1, 1, Kind.STRETCH, NOW))
    assert value("cramp_reminders_failed_total", **labels) == failed + 1
    assert value("cramp_reminder_lateness_seconds_count") == count  # not sent: not timed


async def test_a_send_that_raises_counts_as_unknown_and_still_raises() -> None:
    async def broken(_: Outgoing) -> tuple[SendResult, int | None]:
        raise RuntimeError("a bug in the sender")

    send = metrics.counting_sends(broken, lambda: NOW)
    labels = {"kind": "tip", "result": "unknown"}
    before = value("cramp_reminders_failed_total", **labels)
    with pytest.raises(RuntimeError):
        await send(Outgoing(1, 1, 1, Kind.TIP, NOW))
    assert value("cramp_reminders_failed_total", **labels) == before + 1  # as the dispatcher


async def test_an_update_whose_handler_raises_is_timed_too() -> None:
    @metrics.timed_update
    async def handle(fails: bool) -> str:
        if fails:
            raise ValueError("handler error")
        return "done"

    before = value("cramp_update_handling_seconds_count")
    assert await handle(False) == "done"
    with pytest.raises(ValueError, match="handler error"):
        await handle(True)
    assert value("cramp_update_handling_seconds_count") == before + 2


def test_live_instances_is_what_it_was_last_set_to() -> None:
    metrics.set_live_instances(3)
    assert value("cramp_live_instances") == 3
    metrics.set_live_instances(1)
    assert value("cramp_live_instances") == 1
