"""Sending what the dispatcher claimed (reminders, weekly summaries) through Telegram.

What a failed send becomes (see SendResult in core/delivery.py):

* 429: the SendLimiter waits out retry_after and sends the same request again;
* 5xx, connection refused, a connect timeout: Telegram did not take the message; retried
  here with backoff, then left to a later dispatcher pass while within its grace (a
  dropped connection is retried too: far more often a stale keep-alive than a lost answer);
* 403 or a chat that is gone: BLOCKED, and the dispatcher stops the user's reminders;
* any other 400 (including one refused before sending by bot/outgoing.py): FAILED;
* a read (or write) timeout: the request reached Telegram, which may have delivered the
  message. The Bot API gives no way to find out (no idempotency key, and a bot cannot
  list a chat's messages), so the result is UNKNOWN and the slot is never sent again:
  at most once, never twice.
"""

import asyncio
import logging
import warnings

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.http import AMBIGUOUS_TIMEOUTS
from bot.i18n import DEFAULT, use_language
from bot.ratelimit import BACKGROUND, PAID_BROADCAST, RateLimitArgs
from bot.reminder_messages import Content, Part, render_message
from bot.summaries import Summary, chart_png
from bot.texts import weekly_message
from core.delivery import SendResult
from scheduler.dispatcher import Outgoing, Sender
from scheduler.planning import Kind

logger = logging.getLogger(__name__)
# The raw sendMessage in _send_with_retries is deliberate; PTB would advise send_message.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)

_GONE_CHAT = ("chat not found", "user is deactivated", "peer_id_invalid")


def make_sender(
    bot: ExtBot[RateLimitArgs], *, attempts: int = 5, backoff_seconds: float = 1.0
) -> Sender:
    """A Sender for the dispatcher: retries what is safe to retry, with backoff."""

    async def send(outgoing: Outgoing) -> tuple[SendResult, int | None]:
        with use_language(outgoing.language or DEFAULT):
            return await _send(outgoing)

    async def _send(outgoing: Outgoing) -> tuple[SendResult, int | None]:
        if outgoing.kind is Kind.SUMMARY:
            if not isinstance(outgoing.payload, Summary):
                logger.error("Summary %s has no content", outgoing.delivery_id)
                return SendResult.FAILED, None
            text, markup = outgoing.payload.text, None
        else:
            text, markup = render_message([_part(o) for o in (outgoing, *outgoing.parts)])
        result = await _send_with_retries(bot, outgoing, text, markup, attempts, backoff_seconds)
        if result[0] is SendResult.SENT and isinstance(outgoing.payload, Summary):
            await _send_chart(bot, outgoing.chat_id, outgoing.payload)
        return result

    return send


def _part(outgoing: Outgoing) -> Part:
    content = Content(outgoing.slot_at, outgoing.cups, outgoing.goal, outgoing.ask)
    return Part(outgoing.kind, outgoing.delivery_id, content)


async def _send_chart(bot: ExtBot[RateLimitArgs], chat_id: int, summary: Summary) -> None:
    """The summary's chart; the text already said everything, so a failure here is logged."""
    try:
        png = await chart_png(summary)
        if png is not None:
            await bot.send_photo(
                chat_id, png, caption=weekly_message.CHART_CAPTION, rate_limit_args=BACKGROUND
            )
    except TelegramError as error:
        logger.warning("Summary chart for chat %s not sent: %s", chat_id, error)


async def _send_with_retries(
    bot: ExtBot[RateLimitArgs],
    outgoing: Outgoing,
    text: str,
    markup: InlineKeyboardMarkup | None,
    attempts: int,
    backoff_seconds: float,
) -> tuple[SendResult, int | None]:
    for attempt in range(attempts):
        try:
            # The raw call, not send_message: only the id of the sent message is needed,
            # and building a Message from the answer cost a sixth of a reminder's CPU.
            request: dict[str, object] = {
                "chat_id": outgoing.chat_id,
                "text": text,
                "parse_mode": ParseMode.HTML,
                "reply_markup": markup,
            }
            if outgoing.paid:  # the operator allowed it (SEND_PAID_BROADCAST): Stars per message
                request["allow_paid_broadcast"] = True
            sent = await bot.do_api_request(
                "sendMessage",
                api_kwargs=request,
                rate_limit_args=PAID_BROADCAST if outgoing.paid else BACKGROUND,
            )
            return SendResult.SENT, int(sent["message_id"])
        except Forbidden:
            return SendResult.BLOCKED, None
        except BadRequest as error:
            gone = any(reason in error.message.lower() for reason in _GONE_CHAT)
            if not gone:
                logger.error("Reminder %s refused: %s", outgoing.delivery_id, error.message)
            return (SendResult.BLOCKED if gone else SendResult.FAILED), None
        except TimedOut as error:
            if isinstance(error.__cause__, AMBIGUOUS_TIMEOUTS):
                logger.warning("Reminder %s timed out after sending", outgoing.delivery_id)
                return SendResult.UNKNOWN, None
        except (RetryAfter, NetworkError) as error:  # 5xx, connection refused, ...
            logger.warning("Reminder %s not sent (%s)", outgoing.delivery_id, error)
        if attempt + 1 < attempts:
            await asyncio.sleep(backoff_seconds * 2**attempt)
    return SendResult.RETRY, None
