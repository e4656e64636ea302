"""Reminder messages: what each kind says, and sending them through Telegram."""

import asyncio
import logging
from datetime import datetime

import httpx
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot import keyboards, texts
from bot.http import AMBIGUOUS_TIMEOUTS
from bot.ratelimit import BACKGROUND, RateLimitArgs
from core.checklist import tip_for
from scheduler.dispatcher import Outgoing, Sender, SendResult
from scheduler.planning import DEFAULT_CUPS, Kind

logger = logging.getLogger(__name__)

# Timeouts after which the request may have reached Telegram: resending could duplicate.
_AMBIGUOUS_TIMEOUTS: tuple[type[BaseException], ...] = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    *AMBIGUOUS_TIMEOUTS,
)
_GONE_CHAT = ("chat not found", "user is deactivated", "peer_id_invalid")


def render(
    kind: Kind,
    delivery_id: int,
    slot_at: datetime,
    *,
    cups: int = 0,
    goal: int = DEFAULT_CUPS,
    with_buttons: bool = True,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of a reminder; the same for a fresh one and one being answered."""
    match kind:
        case Kind.HYDRATION:
            markup = keyboards.hydration_reminder(delivery_id, goal > DEFAULT_CUPS)
            text = texts.hydration_reminder(cups, goal)
        case Kind.MOVEMENT:
            text, markup = texts.movement_reminder(), keyboards.movement_reminder(delivery_id)
        case Kind.STRETCH:
            text, markup = texts.stretch_routine(), keyboards.stretch_reminder(delivery_id)
        case Kind.TIP:
            week = slot_at.isocalendar().week
            tip = tip_for(week, 0 if slot_at.weekday() < 3 else 1)
            text, markup = texts.tip_message(tip), keyboards.tip_reminder(delivery_id)
    return text, markup if with_buttons else None


def make_sender(
    bot: ExtBot[RateLimitArgs], *, attempts: int = 5, backoff_seconds: float = 1.0
) -> Sender:
    """A Sender for the dispatcher: retries what is safe to retry, with backoff."""

    async def send(outgoing: Outgoing) -> tuple[SendResult, int | None]:
        text, markup = render(
            outgoing.kind, outgoing.delivery_id, outgoing.slot_at,
            cups=outgoing.cups, goal=outgoing.goal,
        )  # fmt: skip
        for attempt in range(attempts):
            try:
                message = await bot.send_message(
                    outgoing.chat_id, text, reply_markup=markup, rate_limit_args=BACKGROUND
                )
                return SendResult.SENT, message.message_id
            except Forbidden:
                return SendResult.BLOCKED, None
            except BadRequest as error:
                gone = any(reason in error.message.lower() for reason in _GONE_CHAT)
                if not gone:
                    logger.error("Reminder %s refused: %s", outgoing.delivery_id, error.message)
                return (SendResult.BLOCKED if gone else SendResult.FAILED), None
            except TimedOut as error:
                if isinstance(error.__cause__, _AMBIGUOUS_TIMEOUTS):
                    logger.warning("Reminder %s timed out after sending", outgoing.delivery_id)
                    return SendResult.UNKNOWN, None
            except (RetryAfter, NetworkError) as error:  # 5xx, connection refused, ...
                logger.warning("Reminder %s not sent (%s)", outgoing.delivery_id, error)
            if attempt + 1 < attempts:
                await asyncio.sleep(backoff_seconds * 2**attempt)
        return SendResult.RETRY, None

    return send
