"""Inline button data: typed, prefixed, encoded and parsed here and nowhere else.

Buttons must keep working after a restart, so the data is a plain string (no
in-memory lookup) and at most 64 bytes, as Telegram requires. Each value names the
flow it belongs to ("su" first-time setup, "st" settings) so a handler can tell a
stale setup button from a current one. Anything that does not parse is treated as
a stale or forged button.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from types import UnionType

from core.timezones import resolve_timezone

MAX_CALLBACK_BYTES = 64


class Flow(StrEnum):
    """Where a button was shown."""

    SETUP = "su"
    SETTINGS = "st"


class ReminderKind(StrEnum):
    """Kinds of reminder a user can switch on or off."""

    HYDRATION = "h"
    MOVEMENT = "m"
    STRETCH = "s"


class Screen(StrEnum):
    """Screens of /settings."""

    MENU = "menu"
    TIMEZONE = "tz"
    WAKE = "wk"
    BED = "bd"
    REMINDERS = "rm"


@dataclass(frozen=True)
class SetTimezone:
    """Choose a time zone; None keeps the current one (skip)."""

    flow: Flow
    zone: str | None

    def encode(self) -> str:
        return f"tz:{self.flow}:{self.zone or ''}"


@dataclass(frozen=True)
class SetWake:
    """Choose a wake-up time; None keeps the current one."""

    flow: Flow
    value: time | None

    def encode(self) -> str:
        return f"wk:{self.flow}:{_hhmm(self.value)}"


@dataclass(frozen=True)
class SetBed:
    """Choose a bedtime; None keeps the current one."""

    flow: Flow
    value: time | None

    def encode(self) -> str:
        return f"bd:{self.flow}:{_hhmm(self.value)}"


@dataclass(frozen=True)
class ToggleReminder:
    """Switch one kind of reminder on or off."""

    flow: Flow
    kind: ReminderKind

    def encode(self) -> str:
        return f"rm:{self.flow}:{self.kind}"


@dataclass(frozen=True)
class FinishReminders:
    """Leave the reminders screen (ends setup, or returns to the settings menu)."""

    flow: Flow

    def encode(self) -> str:
        return f"ok:{self.flow}"


@dataclass(frozen=True)
class SkipSetup:
    """Accept every remaining default and finish setup."""

    def encode(self) -> str:
        return "su:skip"


@dataclass(frozen=True)
class OpenScreen:
    """Show a /settings screen."""

    screen: Screen

    def encode(self) -> str:
        return f"st:{self.screen}"


@dataclass(frozen=True)
class UndoCramp:
    """Remove a cramp report the presser made."""

    report_id: int

    def encode(self) -> str:
        return f"cr:undo:{self.report_id}"


CallbackData = (
    SetTimezone
    | SetWake
    | SetBed
    | ToggleReminder
    | FinishReminders
    | SkipSetup
    | OpenScreen
    | UndoCramp
)


def _hhmm(value: time | None) -> str:
    return "" if value is None else f"{value.hour:02d}{value.minute:02d}"


def _parse_hhmm(text: str) -> time | None:
    if len(text) != 4 or not text.isdigit():
        raise ValueError(text)
    return time(int(text[:2]), int(text[2:]))


def parse_callback_data(data: str | None) -> CallbackData | None:
    """Decode button data; None for anything malformed, unknown or forged."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    head, _, rest = data.partition(":")
    try:
        match head:
            case "tz":
                flow, _, zone = rest.partition(":")
                if not zone:
                    return SetTimezone(Flow(flow), None)
                resolved = resolve_timezone(zone)
                return SetTimezone(Flow(flow), resolved) if resolved == zone else None
            case "wk" | "bd":
                flow, _, value = rest.partition(":")
                parsed = _parse_hhmm(value) if value else None
                cls = SetWake if head == "wk" else SetBed
                return cls(Flow(flow), parsed)
            case "rm":
                flow, _, kind = rest.partition(":")
                return ToggleReminder(Flow(flow), ReminderKind(kind))
            case "ok":
                return FinishReminders(Flow(rest))
            case "su" if rest == "skip":
                return SkipSetup()
            case "st":
                return OpenScreen(Screen(rest))
            case "cr":
                action, _, number = rest.partition(":")
                if action == "undo" and number.isdigit() and 0 < int(number) < 2**63:
                    return UndoCramp(int(number))
                return None
    except ValueError:
        return None
    return None


def is_callback(kind: type[object] | UnionType) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern matching the buttons of one type."""
    return lambda data: isinstance(data, str) and isinstance(parse_callback_data(data), kind)
