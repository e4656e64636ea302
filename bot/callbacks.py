"""Inline button data: typed, prefixed, encoded and parsed here and nowhere else.

Buttons must keep working after a restart, so the data is a plain string (no
in-memory lookup) and at most 64 bytes, as Telegram requires. Each value names the
flow it belongs to ("su" first-time setup, "st" settings) so a handler can tell a
stale setup button from a current one. Anything that does not parse is treated as
a stale or forged button.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
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
    TIP = "t"


class Screen(StrEnum):
    """Screens of /settings."""

    MENU = "menu"
    TIMEZONE = "tz"
    WAKE = "wk"
    BED = "bd"
    REMINDERS = "rm"
    REMINDER_LIST = "rl"  # /reminders
    MOVEMENT_DAYS = "md"
    STRETCH_LEAD = "sl"
    PAUSE = "ps"


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


class ReminderAction(StrEnum):
    """Buttons under a reminder."""

    CUP = "c"
    HOT_DAY = "h"
    SNOOZE = "z"
    SKIP = "s"
    MOVED = "m"
    DONE = "d"
    NO_TIPS = "t"


@dataclass(frozen=True)
class AnswerReminder:
    """A button under a reminder; the delivery id says which one."""

    action: ReminderAction
    delivery_id: int

    def encode(self) -> str:
        return f"rd:{self.action}:{self.delivery_id}"


@dataclass(frozen=True)
class UndoWater:
    """Take back a cup logged by mistake."""

    log_id: int

    def encode(self) -> str:
        return f"wl:u:{self.log_id}"


@dataclass(frozen=True)
class RaiseGoal:
    """Hot day or exercise: raise the goal of the day the button was shown on."""

    day: date

    def encode(self) -> str:
        return f"wl:h:{self.day:%Y%m%d}"


@dataclass(frozen=True)
class ToggleKind:
    """Switch a reminder kind on or off from /reminders."""

    kind: ReminderKind

    def encode(self) -> str:
        return f"rk:{self.kind}"


@dataclass(frozen=True)
class ToggleMovementDay:
    """Switch movement reminders on or off for one weekday (0 = Monday)."""

    weekday: int

    def encode(self) -> str:
        return f"md:{self.weekday}"


STRETCH_LEADS = (15, 30, 45, 60)


@dataclass(frozen=True)
class SetStretchLead:
    """How many minutes before bedtime the stretch reminder comes."""

    minutes: int

    def encode(self) -> str:
        return f"sl:{self.minutes}"


class PauseChoice(StrEnum):
    """Pause lengths offered by /pause, and resume."""

    HOUR = "1h"
    TODAY = "today"
    MORNING = "morning"
    WEEK = "week"
    RESUME = "resume"


@dataclass(frozen=True)
class Pause:
    """Pause reminders (or resume them)."""

    choice: PauseChoice

    def encode(self) -> str:
        return f"ps:{self.choice}"


CallbackData = (
    SetTimezone
    | SetWake
    | SetBed
    | ToggleReminder
    | FinishReminders
    | SkipSetup
    | OpenScreen
    | UndoCramp
    | AnswerReminder
    | UndoWater
    | RaiseGoal
    | ToggleKind
    | ToggleMovementDay
    | SetStretchLead
    | Pause
)


def _hhmm(value: time | None) -> str:
    return "" if value is None else f"{value.hour:02d}{value.minute:02d}"


def _positive_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise ValueError(text)
    return int(text)


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
                return UndoCramp(_positive_id(number)) if action == "undo" else None
            case "rd":
                action, _, number = rest.partition(":")
                return AnswerReminder(ReminderAction(action), _positive_id(number))
            case "wl":
                action, _, value = rest.partition(":")
                if action == "u":
                    return UndoWater(_positive_id(value))
                if action == "h" and len(value) == 8 and value.isdigit():
                    return RaiseGoal(date(int(value[:4]), int(value[4:6]), int(value[6:])))
                return None
            case "rk":
                return ToggleKind(ReminderKind(rest))
            case "md" if rest in {"0", "1", "2", "3", "4", "5", "6"}:
                return ToggleMovementDay(int(rest))
            case "sl" if rest in {str(minutes) for minutes in STRETCH_LEADS}:
                return SetStretchLead(int(rest))
            case "ps":
                return Pause(PauseChoice(rest))
    except ValueError:
        return None
    return None


def is_callback(kind: type[object] | UnionType) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern matching the buttons of one type."""
    return lambda data: isinstance(data, str) and isinstance(parse_callback_data(data), kind)
