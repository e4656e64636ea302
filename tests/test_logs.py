"""The bot token never reaches a log line, not even inside a traceback."""

import io
import logging

from bot.logs import REDACTED, redact

TOKEN = "123456789:AAH-secret_part_abcdefghijklmnopqrstu"


def test_redacts_known_secrets_and_anything_token_shaped() -> None:
    assert redact(f"GET https://api.telegram.org/bot{TOKEN}/getMe") == (
        f"GET https://api.telegram.org/bot{REDACTED}/getMe"
    )
    assert redact("password=hunter2", ("hunter2",)) == f"password={REDACTED}"


def test_log_lines_and_tracebacks_are_redacted(captured_logs: io.StringIO) -> None:
    log = logging.getLogger("httpx")
    log.info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("bot").exception("boom")
    output = captured_logs.getvalue()
    assert TOKEN not in output
    assert "secret_part" not in output
    assert output.count(REDACTED) == 2  # the request URL and the exception message
