"""A delivery's statuses and the moves between them (core/delivery.py)."""

import pytest

from core.delivery import MOVES, DeliveryStatus, SendResult, after_send, can_move

FINAL = {
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.BLOCKED,
    DeliveryStatus.EXPIRED,
    DeliveryStatus.UNKNOWN,
}


def test_the_statuses_are_the_strings_the_database_holds() -> None:
    assert [str(status) for status in DeliveryStatus] == [
        "pending", "sending", "sent", "failed", "blocked", "expired", "unknown", "dropped",
    ]  # fmt: skip


@pytest.mark.parametrize("result", list(SendResult))
def test_what_a_send_gives_is_a_move_out_of_sending(result: SendResult) -> None:
    assert can_move(DeliveryStatus.SENDING, after_send(result))


def test_only_a_send_telegram_could_not_take_is_tried_again() -> None:
    retried = [result for result in SendResult if after_send(result) is DeliveryStatus.PENDING]
    assert retried == [SendResult.RETRY]
    assert after_send(SendResult.UNKNOWN) is DeliveryStatus.UNKNOWN  # never resent


def test_only_pending_deliveries_are_marked_sending() -> None:
    assert [old for old, new in MOVES if new is DeliveryStatus.SENDING] == [DeliveryStatus.PENDING]


def test_nothing_leaves_a_final_status() -> None:
    assert {old for old, _ in MOVES}.isdisjoint(FINAL)
    assert not can_move(DeliveryStatus.UNKNOWN, DeliveryStatus.PENDING)


def test_every_status_is_reached_from_where_a_claim_creates_a_delivery() -> None:
    # A claim creates a delivery pending, or dropped when it cannot go out within grace.
    created = {DeliveryStatus.PENDING, DeliveryStatus.DROPPED}
    reached, frontier = set(created), list(created)
    while frontier:
        old = frontier.pop()
        for new in DeliveryStatus:
            if can_move(old, new) and new not in reached:
                reached.add(new)
                frontier.append(new)
    assert reached == set(DeliveryStatus)
