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
from functools import lru_cache
from types import UnionType
from typing import Any

from core.diary import (
    Condition,
    Context,
    Duration,
    Medication,
    Place,
    SpasmKind,
    Symptom,
    from_mask,
    to_mask,
)
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
    SUMMARY = "sm"


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


class DraftStep(StrEnum):
    """The quick-reply screens of a cramp report, in order."""

    KIND = "k"
    PLACE = "p"
    SEVERITY = "s"
    DURATION = "d"
    WHEN = "w"
    EXTRA = "x"


_KIND_CODES = {None: "-", SpasmKind.CRAMP: "c", SpasmKind.TWITCH: "t", SpasmKind.STIFFNESS: "s"}
_DURATION_CODES = {
    None: "-",
    Duration.UNDER_1_MIN: "l",
    Duration.MIN_1_TO_10: "m",
    Duration.OVER_10_MIN: "g",
    Duration.STILL_GOING: "o",
}
_CONTEXT_CODES = {
    None: "-",
    Context.JUST_NOW: "n",
    Context.NIGHT: "b",
    Context.EXERCISE: "e",
    Context.REST: "r",
    Context.EARLIER: "y",
}
_SEVERITY_CODES = "0123456789a"  # index = severity; 0 = not given


def _decode(codes: dict[Any, str], char: str) -> Any:
    for value, code in codes.items():
        if code == char:
            return value
    raise ValueError(char)


@dataclass(frozen=True)
class Draft:
    """A report being filled in by buttons. All of it travels in the button data, so an
    unfinished report needs no storage and survives restarts."""

    step: DraftStep = DraftStep.KIND
    kind: SpasmKind | None = None
    places: frozenset[Place] = frozenset()
    severity: int | None = None
    duration: Duration | None = None
    context: Context | None = None
    symptoms: frozenset[Symptom] = frozenset()

    def state(self) -> str:
        return (
            f"{self.step}{_KIND_CODES[self.kind]}{to_mask(self.places):03x}"
            f"{_SEVERITY_CODES[self.severity or 0]}{_DURATION_CODES[self.duration]}"
            f"{_CONTEXT_CODES[self.context]}{to_mask(self.symptoms):x}"
        )

    @classmethod
    def from_state(cls, state: str) -> "Draft":
        if len(state) != 9:
            raise ValueError(state)
        places, symptoms = int(state[2:5], 16), int(state[8], 16)
        if places >= 1 << len(Place) or symptoms >= 1 << len(Symptom):
            raise ValueError(state)
        return cls(
            step=DraftStep(state[0]),
            kind=_decode(_KIND_CODES, state[1]),
            places=from_mask(Place, places),
            severity=_SEVERITY_CODES.index(state[5]) or None,
            duration=_decode(_DURATION_CODES, state[6]),
            context=_decode(_CONTEXT_CODES, state[7]),
            symptoms=from_mask(Symptom, symptoms),
        )


@dataclass(frozen=True)
class ShowDraft:
    """Show a report screen for this draft (every tap but Save and Cancel)."""

    draft: Draft

    def encode(self) -> str:
        return f"cd:{self.draft.state()}"


@dataclass(frozen=True)
class SaveDraft:
    """Save the report as filled in so far."""

    draft: Draft

    def encode(self) -> str:
        return f"cs:{self.draft.state()}"


@dataclass(frozen=True)
class CancelDraft:
    """Drop the report being filled in."""

    def encode(self) -> str:
        return "cx"


class ProfileItem(StrEnum):
    """What /profile can switch: a condition, a medication, or weight loss."""

    CONDITION = "c"
    MEDICATION = "m"
    WEIGHT_LOSS = "w"


@dataclass(frozen=True)
class ToggleProfile:
    """Switch one /profile item."""

    item: ProfileItem
    value: str = ""  # the Condition or Medication value

    def encode(self) -> str:
        return f"pf:{self.item}:{self.value}"


@dataclass(frozen=True)
class AcknowledgeFlag:
    """The user has read a red flag."""

    flag_id: int
    in_list: bool = False  # pressed under /flags (redraw the list) or under the flag itself

    def encode(self) -> str:
        return f"fl:{self.flag_id}{':l' if self.in_list else ''}"


@dataclass(frozen=True)
class SetSummaryDay:
    """The weekday the weekly summary comes (0 = Monday)."""

    weekday: int

    def encode(self) -> str:
        return f"sd:{self.weekday}"


@dataclass(frozen=True)
class SetSummaryTime:
    """The local time the weekly summary comes."""

    value: time

    def encode(self) -> str:
        return f"sx:{_hhmm(self.value)}"


@dataclass(frozen=True)
class Forget:
    """Delete everything about the presser (after they confirm)."""

    confirmed: bool

    def encode(self) -> str:
        return f"fg:{'yes' if self.confirmed else 'no'}"


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
    | ShowDraft
    | SaveDraft
    | CancelDraft
    | ToggleProfile
    | AcknowledgeFlag
    | SetSummaryDay
    | SetSummaryTime
    | Forget
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


# Each press is parsed once per handler pattern tried (see is_callback); the parsed
# values are frozen, so one parse can serve them all.
@lru_cache(maxsize=4096)
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
            case "cd":
                return ShowDraft(Draft.from_state(rest))
            case "cs":
                return SaveDraft(Draft.from_state(rest))
            case "cx" if not rest:
                return CancelDraft()
            case "pf":
                item, _, value = rest.partition(":")
                profile_item = ProfileItem(item)
                if profile_item is ProfileItem.CONDITION:
                    return ToggleProfile(profile_item, Condition(value).value)
                if profile_item is ProfileItem.MEDICATION:
                    return ToggleProfile(profile_item, Medication(value).value)
                return ToggleProfile(profile_item) if not value else None
            case "sd" if rest in {"0", "1", "2", "3", "4", "5", "6"}:
                return SetSummaryDay(int(rest))
            case "sx":
                at = _parse_hhmm(rest)
                return SetSummaryTime(at) if at is not None else None
            case "fg" if rest in ("yes", "no"):
                return Forget(rest == "yes")
            case "fl":
                number, _, where = rest.partition(":")
                if where not in ("", "l"):
                    return None
                return AcknowledgeFlag(_positive_id(number), in_list=where == "l")
    except ValueError:
        return None
    return None


def is_callback(kind: type[object] | UnionType) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern matching the buttons of one type."""
    return lambda data: isinstance(data, str) and isinstance(parse_callback_data(data), kind)
