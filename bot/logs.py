"""Logging set-up that never lets the bot token reach a log line."""

import logging
import re
import sys
from typing import TextIO

# Any Bot API token, even one we were not configured with (e.g. in a URL from a library).
_TOKEN_PATTERN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,100}")
REDACTED = "[REDACTED]"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes tokens from the whole text, traceback included."""

    def __init__(self, fmt: str, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(fmt)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Replace the given secrets and anything shaped like a bot token."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _TOKEN_PATTERN.sub(REDACTED, text)


def configure_logging(
    level: str, secrets: tuple[str, ...] = (), stream: TextIO | None = None
) -> None:
    """Send all logs to one stream (stderr by default) through the redacting formatter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
