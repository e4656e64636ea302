"""Parsing and checking the wall-clock times a user gives us (wake-up, bedtime, sitting hours)."""

import re
from datetime import time
from enum import StrEnum

# 7:30, 07:30, 7.30, 0730, 7, 7am, 7:30 pm, 19h30, and the hour words of the bot's
# languages: 19h, 19 h 30 (Spanish), 7 Uhr, 7 Uhr 30 (German), 7 ч, 7 часов (Russian).
_HOUR_WORD = r"(?:h|uhr|ч|час|часа|часов)\.?"
_TIME_RE = re.compile(
    r"^\s*(?P<h>\d{1,2})"
    rf"(?:\s*(?:[:.]|{_HOUR_WORD})\s*(?P<m>\d{{2}})|(?P<m2>\d{{2}}))?"
    rf"\s*(?:(?P<ampm>[ap]\.?m\.?)|{_HOUR_WORD})?\s*$",
    re.IGNORECASE,
)


def parse_clock_time(text: str) -> time | None:
    """Parse a wall-clock time as a person types it; None when it is not a valid time."""
    match = _TIME_RE.match(text)
    if match is None:
        return None
    hour = int(match["h"])
    minute = int(match["m"] or match["m2"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# 9-17, 09:00–17:30, 9am - 5pm, 9 to 17:30
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|\bto\b)\s*", re.IGNORECASE)


def parse_clock_range(text: str) -> tuple[time, time] | None:
    """Parse "from-to" hours as a person types them; None unless both ends are times."""
    parts = _RANGE_SPLIT.split(text.strip())
    if len(parts) != 2:
        return None
    start, end = parse_clock_time(parts[0]), parse_clock_time(parts[1])
    return None if start is None or end is None else (start, end)


def format_clock_time(value: time) -> str:
    """Render a time the way we show it everywhere: 24-hour HH:MM."""
    return f"{value.hour:02d}:{value.minute:02d}"


class WindowProblem(StrEnum):
    """Why a wake-up time and bedtime cannot go together."""

    SAME_TIME = "same_time"


def day_window_problem(wake: time, bed: time) -> WindowProblem | None:
    """Why this wake-up/bedtime pair cannot work, or None when it can.

    A bedtime earlier on the clock than the wake-up time means after midnight
    (wake 07:00, bed 00:30 is a 17.5-hour day), so only equal times are refused.
    """
    if (wake.hour, wake.minute) == (bed.hour, bed.minute):
        return WindowProblem.SAME_TIME
    return None


def awake_minutes(wake: time, bed: time) -> int:
    """Minutes from wake-up to bedtime, wrapping past midnight."""
    start = wake.hour * 60 + wake.minute
    end = bed.hour * 60 + bed.minute
    return (end - start) % (24 * 60)
