"""The tests' name for the local Bot API, which lives in the package (bot/local_api.py)
since `make demo` serves it too: one implementation, checked by tests/test_fake_bot_api.py.
(A package rather than tests/fake_bot_api.py, so that git sees that file's move.)"""

from bot.local_api import (
    NOT_MODIFIED,
    QUERY_INVALID,
    ApiCall,
    ApiError,
    FakeBotApi,
    FakeUser,
    SentMessage,
)

__all__ = [
    "NOT_MODIFIED",
    "QUERY_INVALID",
    "ApiCall",
    "ApiError",
    "FakeBotApi",
    "FakeUser",
    "SentMessage",
]
