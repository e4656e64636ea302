"""Telegram's size limits, enforced on every outgoing call before it is made.

Telegram answers 400 to a message text over 4096 characters, a caption over 1024 and
inline button data over 64 bytes. Nothing the bot writes comes near those limits, but a
400 on a reminder loses it and one on a reply leaves the user without an answer, so
`OutgoingBot` checks every request on its way out:

* a sendMessage text that is too long is split into several messages at line breaks
  (a single overlong line at a space, else anywhere); the keyboard goes on the last part
  and the reply reference on the first, only the first notifies, and the last part is
  what the call returns (so a later edit changes the message with the keyboard).
  The bot's HTML never spans lines (tags close on the line they open), so cutting at a
  line break keeps each part well-formed;
* anything else too long (an edit, a caption) and any button whose callback_data is
  over 64 bytes is refused: `OversizedRequest` (a BadRequest, so callers treat it as the
  permanent failure it is) is logged and raised, and no HTTP request is made.

Lengths are counted in UTF-16 code units, as Telegram counts them; that is never less
than Python's len(), so a text that passes here passes there.

An edit returns True, not the edited Message: nothing here reads it, and building a
Message (its keyboard, chat and sender) from Telegram's answer was a tenth of the CPU of
a button press (py-spy, bench scenario 4). True is what Telegram itself answers for an
inline message, so PTB's declared type (Message | bool) already allows it.
"""

import logging
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.callbacks import MAX_CALLBACK_BYTES
from bot.ratelimit import RateLimitArgs

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
_TEXT_METHODS = ("sendmessage", "editmessagetext")
_EDIT_METHODS = ("editmessagetext", "editmessagecaption", "editmessagereplymarkup")
# What only the first part of a split text keeps (the keyboard goes on the last).
_FIRST_PART_ONLY = ("reply_parameters", "reply_to_message_id", "message_effect_id")


class OversizedRequest(BadRequest):
    """A call refused before it was made: Telegram would have answered 400."""


def utf16_length(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts of at most `limit` UTF-16 units, cut at line breaks where possible; blank
    parts (Telegram refuses an empty message) are dropped."""
    parts: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        joined = line if current is None else f"{current}\n{line}"
        if utf16_length(joined) <= limit:
            current = joined
            continue
        if current is not None:
            parts.append(current)
        while utf16_length(line) > limit:
            head = _cut(line, limit)
            parts.append(head)
            line = line[len(head) :]
        current = line
    parts.append(current or "")
    return [part for part in parts if part.strip()] or parts


def _cut(line: str, limit: int) -> str:
    """The longest head of `line` within `limit`, ending after a space if there is one."""
    units = 0
    for end, char in enumerate(line):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            head = line[:end]
            space = head.rfind(" ")
            return head[: space + 1] if space > 0 else head
    return line


def _oversized_buttons(markup: object) -> list[str]:
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [
        button.callback_data
        for row in markup.inline_keyboard
        for button in row
        if isinstance(button.callback_data, str)
        and len(button.callback_data.encode()) > MAX_CALLBACK_BYTES
    ]


def _refuse(endpoint: str, why: str) -> OversizedRequest:
    error = OversizedRequest(f"{endpoint} not sent: {why}")
    logger.error("Refused before sending: %s", error.message)
    return error


def check_request(endpoint: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The request(s) to make for this call: `data` itself, or one per part of a split
    text; raises OversizedRequest for what cannot be sent."""
    if too_long := _oversized_buttons(data.get("reply_markup")):
        listed = ", ".join(repr(callback_data[:80]) for callback_data in too_long)
        raise _refuse(endpoint, f"callback_data over {MAX_CALLBACK_BYTES} bytes: {listed}")
    caption = data.get("caption")
    if isinstance(caption, str) and (length := utf16_length(caption)) > MAX_CAPTION:
        raise _refuse(endpoint, f"caption of {length} characters (max {MAX_CAPTION})")
    text, method = data.get("text"), endpoint.lower()
    if method not in _TEXT_METHODS or not isinstance(text, str):
        return [data]
    if (length := utf16_length(text)) <= MAX_TEXT:
        return [data]
    if method != "sendmessage":
        raise _refuse(endpoint, f"text of {length} characters (max {MAX_TEXT})")
    parts = split_text(text)
    logger.warning("Splitting a %s-character message into %s", length, len(parts))
    requests = []
    for index, part in enumerate(parts):
        request = {**data, "text": part}
        if index > 0:
            for key in _FIRST_PART_ONLY:
                request.pop(key, None)
            request["disable_notification"] = True  # one notification for one message
        if index < len(parts) - 1:
            request.pop("reply_markup", None)
        requests.append(request)
    return requests


class OutgoingBot(ExtBot[RateLimitArgs]):
    """The application's bot: every request passes `check_request` before it is made."""

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        # PTB's documented hook (ExtBot rate-limits here too): each part of a split text
        # goes through the rate limiter on its own, as any message does.
        result: bool | JSONDict | list[JSONDict] = False
        for request in check_request(endpoint, data):
            result = await super()._do_post(
                endpoint,
                request,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        if isinstance(result, dict) and endpoint.lower() in _EDIT_METHODS:
            return True  # not parsed into a Message: see the module's docstring
        return result
