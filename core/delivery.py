"""A delivery's life: its statuses, the moves between them, and what a send makes of it.

Pure: no Telegram, no database. The statuses' strings are what the deliveries table
stores (db/models.py), so they never change. Who makes each move is in MOVES below;
scheduler/dispatcher.py (Dispatcher.deliver) draws the whole picture.
"""

from collections.abc import Mapping
from enum import Enum, StrEnum
from types import MappingProxyType


class DeliveryStatus(StrEnum):
    """Where a delivery stands; the stored strings are the values."""

    PENDING = "pending"
    """Claimed and not tried yet (or Telegram could not take it): a pass may send it."""
    SENDING = "sending"
    """Handed to the sender: it may have reached Telegram, so it is never sent again."""
    SENT = "sent"
    """Telegram took it; its message id is kept for the user's answer."""
    FAILED = "failed"
    """Telegram refused it for good (a bad request): sending again would not help."""
    BLOCKED = "blocked"
    """The user blocked the bot or the chat is gone: their reminders stop until /start."""
    EXPIRED = "expired"
    """Found untried past its grace (or its user gone): too late to be worth sending."""
    UNKNOWN = "unknown"
    """Sent, but the answer was lost (a timeout, a crash): Telegram may have it."""
    DROPPED = "dropped"
    """Never sent: past its grace when claimed, or the send limit could not get it out
    within its grace (a backlog). Recorded, and counted by kind in /healthz."""


class SendResult(Enum):
    """What became of one message handed to the sender."""

    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot or deleted the chat
    FAILED = "failed"  # refused for good (a bad request); sending again would not help
    RETRY = "retry"  # not sent (Telegram unreachable); try again while within grace
    UNKNOWN = "unknown"  # timed out after sending: Telegram may have it; never resend


# Every move a delivery can make, and the step of the dispatcher that makes it. A claim
# creates deliveries PENDING, or DROPPED when they cannot go out within their grace
# (/stretch records one already SENT); nothing leaves SENT, FAILED, BLOCKED, EXPIRED,
# UNKNOWN or DROPPED. A delivery merged into another's message (merged_into) makes the
# same moves as that one, at the same time.
MOVES: Mapping[tuple[DeliveryStatus, DeliveryStatus], str] = MappingProxyType(
    {
        (DeliveryStatus.PENDING, DeliveryStatus.SENDING): "mark, just before the send",
        (DeliveryStatus.PENDING, DeliveryStatus.EXPIRED): "recover, finding it past its grace",
        (DeliveryStatus.SENDING, DeliveryStatus.SENT): "record",
        (DeliveryStatus.SENDING, DeliveryStatus.FAILED): "record",
        (DeliveryStatus.SENDING, DeliveryStatus.BLOCKED): "record",
        (DeliveryStatus.SENDING, DeliveryStatus.UNKNOWN): "record, or recover after LOST_AFTER",
        # Telegram could not take it: a later recover retries it, as an orphan.
        (DeliveryStatus.SENDING, DeliveryStatus.PENDING): "record",
    }
)

_AFTER_SEND: Mapping[SendResult, DeliveryStatus] = MappingProxyType(
    {
        SendResult.SENT: DeliveryStatus.SENT,
        SendResult.BLOCKED: DeliveryStatus.BLOCKED,
        SendResult.FAILED: DeliveryStatus.FAILED,
        SendResult.RETRY: DeliveryStatus.PENDING,
        SendResult.UNKNOWN: DeliveryStatus.UNKNOWN,
    }
)


def can_move(old: DeliveryStatus, new: DeliveryStatus) -> bool:
    """Whether a delivery may go from `old` to `new`."""
    return (old, new) in MOVES


def after_send(result: SendResult) -> DeliveryStatus:
    """The status a delivery marked SENDING is recorded with once its send gave `result`."""
    return _AFTER_SEND[result]
