"""Whatever a user types, the bot's reply is built without error and fits in one Telegram
message (4096 characters). Hypothesis drives the exact text-building the handlers use."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import texts
from bot.handlers.preferences import QUESTIONS, Question, bad_input
from bot.texts.medical import RELIEF, URGENT_SWELLING
from core.cramp_parser import parse_cramp_words
from core.diary import Report

TELEGRAM_LIMIT = 4096
WORDS = st.sampled_from(
    [
        "calf",
        "7",
        "3m",
        "night",
        "swelling",
        "weak",
        "twitch",
        "1h30m",
        "10/10",
        "feet",
        "x" * 50,
        "<b>",
        "&",
    ]
)
ANY_TEXT = st.one_of(
    st.text(max_size=6000), st.lists(WORDS | st.text(max_size=40), max_size=300).map(" ".join)
)


def cramp_reply(words: str) -> str:
    """The reply /cramp <words> gets (see bot.handlers.cramps.report_cramp and _save)."""
    result = parse_cramp_words(words)
    if result.report is None:
        return texts.bad_cramp_words(result.unknown, result.problems)
    parsed = result.report
    at = datetime(2026, 1, 1, tzinfo=UTC)
    report = Report(
        id=1, occurred_at=at, kind=parsed.kind, places=parsed.places, severity=parsed.severity,
        duration=parsed.duration, duration_seconds=parsed.duration_seconds,
        context=parsed.context, symptoms=parsed.symptoms,
    )  # fmt: skip
    saved = texts.report_saved(texts.report_summary(report), at)
    return f"{saved}\n{RELIEF}\n\n{URGENT_SWELLING}"


@settings(max_examples=300)
@given(ANY_TEXT)
def test_any_cramp_line_gets_a_reply_that_fits(words: str) -> None:
    assert len(cramp_reply(words)) <= TELEGRAM_LIMIT


@settings(max_examples=200)
@given(st.sampled_from([q for q in QUESTIONS if q.answer]), ANY_TEXT)
def test_any_answer_to_a_settings_question_gets_a_reply_that_fits(
    question: Question, text: str
) -> None:
    assert len(bad_input(question, text)) <= TELEGRAM_LIMIT
