"""Inline button data, each format declared once.

A format is a class with a prefix (made a frozen dataclass); its fields, in order, make
the data:

    class UndoCramp(CallbackData, prefix="cr:undo"):
        report_id: Annotated[int, ID]

    UndoCramp(7).encode() == "cr:undo:7"
    parse_callback_data("cr:undo:7") == UndoCramp(7)
    UndoCramp.handler(undo_cramp)  # a CallbackQueryHandler for exactly these buttons

Each field's codec comes from its type (enums, times, dates, Draft) or from `Annotated`
(ints, bools, strings). Buttons must keep working after a restart or a deploy, so the
data is a plain string of at most 64 bytes (Telegram's limit), a format never changes
once shipped, and enums only gain members. Only canonical data parses (data whose
re-encoding differs is refused), so anything stale, malformed or forged is None.
"""

from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, time
from enum import Enum, StrEnum
from functools import cache, lru_cache
from types import UnionType
from typing import (
    Annotated,
    Any,
    ClassVar,
    Protocol,
    Self,
    dataclass_transform,
    get_args,
    get_origin,
    get_type_hints,
)

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.i18n import Language
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
from scheduler.planning import KINDS, Kind

MAX_CALLBACK_BYTES = 64


# --- Codecs: one field's value <-> its text --------------------------------------------


class Codec(Protocol):
    """How one field is written into button data; `decode` raises ValueError on junk."""

    def encode(self, value: Any) -> str: ...

    def decode(self, text: str) -> Any: ...


@dataclass(frozen=True)
class Number:
    """A whole number from `low` to `high`, in plain digits."""

    low: int
    high: int

    def encode(self, value: int) -> str:
        return str(value)

    def decode(self, text: str) -> int:
        if not text.isascii() or not text.isdigit() or not self.low <= int(text) <= self.high:
            raise ValueError(text)
        return int(text)


@dataclass(frozen=True)
class OneOf:
    """One of a few whole numbers."""

    values: tuple[int, ...]

    def encode(self, value: int) -> str:
        return str(value)

    def decode(self, text: str) -> int:
        if text not in {str(value) for value in self.values}:
            raise ValueError(text)
        return int(text)


@dataclass(frozen=True)
class Switch:
    """A yes/no written as one of two words; `omitted` lets a last field's False
    leave out its word and its colon ("fl:7" rather than "fl:7:")."""

    true: str
    false: str
    omitted: bool = False

    def encode(self, value: bool) -> str:
        return self.true if value else self.false

    def decode(self, text: str) -> bool:
        if text not in (self.true, self.false):
            raise ValueError(text)
        return text == self.true


@dataclass(frozen=True)
class Members:
    """A member of an enum, by its value."""

    enum: type[Enum]

    def encode(self, value: Enum) -> str:
        return str(value.value)

    def decode(self, text: str) -> Enum:
        return self.enum(text)


class KindCode:
    """A reminder kind the user can switch, by its one-letter code."""

    def encode(self, value: Kind) -> str:
        return KINDS[value].code

    def decode(self, text: str) -> Kind:
        for kind, plan in KINDS.items():
            if plan.code == text and plan.switchable:
                return kind
        raise ValueError(text)


class ClockTime:
    """A wall-clock time as HHMM."""

    def encode(self, value: time) -> str:
        return f"{value.hour:02d}{value.minute:02d}"

    def decode(self, text: str) -> time:
        if len(text) != 4 or not text.isascii() or not text.isdigit():
            raise ValueError(text)
        return time(int(text[:2]), int(text[2:]))


class Day:
    """A date as YYYYMMDD."""

    def encode(self, value: date) -> str:
        return f"{value:%Y%m%d}"

    def decode(self, text: str) -> date:
        if len(text) != 8 or not text.isascii() or not text.isdigit():
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))


class ZoneName:
    """A canonical IANA time zone name."""

    def encode(self, value: str) -> str:
        return value

    def decode(self, text: str) -> str:
        if resolve_timezone(text) != text:
            raise ValueError(text)
        return text


class Word:
    """A plain word (its class checks what it may be)."""

    def encode(self, value: str) -> str:
        return value

    def decode(self, text: str) -> str:
        if ":" in text:
            raise ValueError(text)
        return text


@dataclass(frozen=True)
class Maybe:
    """A value or None, written as nothing; `omitted` lets a last field's None leave out
    its colon too."""

    inner: Codec
    omitted: bool = False

    def encode(self, value: Any) -> str:
        return "" if value is None else self.inner.encode(value)

    def decode(self, text: str) -> Any:
        return None if text == "" else self.inner.decode(text)


ID = Number(1, 2**63 - 1)  # a row id (BIGINT, positive)
# What a switch is set to by a press: on or off, as the screen showed it when drawn, so that
# a second press on a screen drawn before the first changes nothing more. Buttons sent
# before switches carried it have none: they toggle.
TO = Maybe(Switch("1", "0"), omitted=True)


def switched(to: bool | None, current: bool) -> bool:
    """What a switch press leaves the switch at: `to` when the button carries it, else
    the other way from now."""
    return not current if to is None else to


def switched_bit(mask: int, bit: int, to: bool | None) -> int:
    """A bit mask after a switch press on one of its bits (see `switched`)."""
    return mask | bit if switched(to, bool(mask & bit)) else mask & ~bit


WEEKDAY = Number(0, 6)  # 0 = Monday


# --- Formats -----------------------------------------------------------------------------

_REGISTRY: dict[str, type["CallbackData"]] = {}


@dataclass_transform(frozen_default=True)
class CallbackData:
    """Base of every button format: a subclass names its prefix and is made a frozen
    dataclass of its fields, and registered."""

    prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix in _REGISTRY:
            raise TypeError(f"callback prefix {prefix!r} is taken by {_REGISTRY[prefix]}")
        cls.prefix = prefix
        dataclass(frozen=True)(cls)
        _REGISTRY[prefix] = cls

    def encode(self) -> str:
        """The button data: the prefix, then each field."""
        parts = [self.prefix]
        for name, codec in _codecs(type(self)):
            parts.append(codec.encode(getattr(self, name)))
        while len(parts) > 1 and parts[-1] == "" and _omitted(_codecs(type(self))[len(parts) - 2]):
            parts.pop()
        return ":".join(parts)

    @classmethod
    def decode(cls, rest: str | None) -> Self:
        """The value whose fields are written in `rest` (the data after the prefix)."""
        codecs = _codecs(cls)
        if rest is None:
            parts: list[str] = []
        elif not codecs:
            raise ValueError(rest)
        else:
            parts = rest.split(":", len(codecs) - 1)
        parts += [""] * (len(codecs) - len(parts))
        return cls(
            **{name: codec.decode(part) for (name, codec), part in zip(codecs, parts, strict=True)}
        )

    @classmethod
    def matches(cls, where: Callable[[Self], bool] | None = None) -> Callable[[object], bool]:
        """A CallbackQueryHandler pattern: buttons of this format (for which `where` holds)."""

        def pattern(data: object) -> bool:
            parsed = parse_callback_data(data) if isinstance(data, str) else None
            return isinstance(parsed, cls) and (where is None or where(parsed))

        return pattern

    @classmethod
    def handler(
        cls,
        callback: Callable[[Update, Any], Coroutine[Any, Any, None]],
        where: Callable[[Self], bool] | None = None,
    ) -> CallbackQueryHandler[Any, None]:
        """The handler for presses on buttons of this format."""
        return CallbackQueryHandler(callback, pattern=cls.matches(where))


def _omitted(field: tuple[str, Codec]) -> bool:
    return isinstance(field[1], Switch | Maybe) and field[1].omitted


def _codec_for(hint: Any) -> Codec:
    """The codec a field's type implies."""
    if get_origin(hint) is Annotated:
        codec: Codec = next(arg for arg in get_args(hint)[1:] if hasattr(arg, "decode"))
        return codec
    optional = [arg for arg in get_args(hint) if arg is not type(None)]
    if isinstance(hint, UnionType) and len(optional) == 1:
        return Maybe(_codec_for(optional[0]))
    if hint is Kind:
        return KindCode()
    if isinstance(hint, type) and issubclass(hint, Enum):
        return Members(hint)
    if hint is time:
        return ClockTime()
    if hint is date:
        return Day()
    if hint is Draft:
        return DraftState()
    raise TypeError(f"no codec for {hint!r}: annotate the field with one")


_CODECS: dict[type[CallbackData], tuple[tuple[str, Codec], ...]] = {}


def _codecs(cls: type[CallbackData]) -> tuple[tuple[str, Codec], ...]:
    """Each field's name and codec, in order (worked out once per format)."""
    if cls not in _CODECS:
        hints = get_type_hints(cls, include_extras=True)
        found = [(f.name, _codec_for(hints[f.name])) for f in fields(cls)]  # type: ignore[arg-type]
        _CODECS[cls] = tuple(found)
    return _CODECS[cls]


def formats() -> Sequence[type[CallbackData]]:
    """Every button format, in the order declared."""
    return tuple(_REGISTRY.values())


@cache
def _by_head() -> dict[str, tuple[type[CallbackData], ...]]:
    """Formats by the first part of their prefix, longest prefix first."""
    heads: dict[str, list[type[CallbackData]]] = {}
    for cls in sorted(_REGISTRY.values(), key=lambda c: -len(c.prefix)):
        heads.setdefault(cls.prefix.split(":")[0], []).append(cls)
    return {head: tuple(classes) for head, classes in heads.items()}


# Each press is matched against several handler patterns; one parse serves them all.
@lru_cache(maxsize=4096)
def parse_callback_data(data: str | None) -> CallbackData | None:
    """Decode button data; None for anything malformed, unknown, non-canonical or forged."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    for cls in _by_head().get(data.split(":")[0], ()):
        if data != cls.prefix and not data.startswith(cls.prefix + ":"):
            continue
        rest = data[len(cls.prefix) + 1 :] if data != cls.prefix else None
        try:
            value = cls.decode(rest)
        except (ValueError, TypeError):
            continue
        if value.encode() == data:
            return value
    return None


# --- Setup and settings ------------------------------------------------------------------


class Flow(StrEnum):
    """Where a button was shown: first-time setup or /settings (a setup button is stale
    once its step is done)."""

    SETUP = "su"
    SETTINGS = "st"


class Screen(StrEnum):
    """Screens a button can open."""

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
    LANGUAGE = "lg"


# The /reminders screens; the others belong to /settings.
REMINDER_SCREENS = frozenset(
    {Screen.REMINDER_LIST, Screen.MOVEMENT_DAYS, Screen.STRETCH_LEAD, Screen.PAUSE}
)


class SetTimezone(CallbackData, prefix="tz"):
    """Choose a time zone; None keeps the current one (skip)."""

    flow: Flow
    value: Annotated[str | None, Maybe(ZoneName())]


class SetWake(CallbackData, prefix="wk"):
    """Choose a wake-up time; None keeps the current one."""

    flow: Flow
    value: time | None


class SetBed(CallbackData, prefix="bd"):
    """Choose a bedtime; None keeps the current one."""

    flow: Flow
    value: time | None


class ToggleReminder(CallbackData, prefix="rm"):
    """Switch one kind of reminder on or off on the setup or settings reminders screen."""

    flow: Flow
    kind: Kind
    to: Annotated[bool | None, TO] = None


class FinishReminders(CallbackData, prefix="ok"):
    """Leave the reminders screen (ends setup, or returns to the settings menu)."""

    flow: Flow


class SkipSetup(CallbackData, prefix="su:skip"):
    """Accept every remaining default and finish setup."""


class OpenScreen(CallbackData, prefix="st"):
    """Show a /settings or /reminders screen."""

    screen: Screen


class SetSummaryDay(CallbackData, prefix="sd"):
    """The weekday the weekly summary comes (0 = Monday)."""

    weekday: Annotated[int, WEEKDAY]


class SetSummaryTime(CallbackData, prefix="sx"):
    """The local time the weekly summary comes."""

    value: time


class ChooseLanguage(CallbackData, prefix="lg"):
    """Speak this language from now on (/language, and its screen in /settings)."""

    language: Language


# --- Reminders ----------------------------------------------------------------------------


class ReminderAction(StrEnum):
    """Buttons under a reminder."""

    CUP = "c"
    HOT_DAY = "h"
    SNOOZE = "z"
    SKIP = "s"
    MOVED = "m"
    DONE = "d"
    NO_TIPS = "t"
    STOPPED = "p"  # the follow-up: the cramp stopped
    STILL_GOING = "g"  # the follow-up: still going


class AnswerReminder(CallbackData, prefix="rd"):
    """A button under a reminder; the delivery id says which one."""

    action: ReminderAction
    delivery_id: Annotated[int, ID]


class RhythmChoice(StrEnum):
    """The answers to the question under a reminder of a kind someone kept letting pass."""

    KEEP = "k"
    FEWER = "f"
    STOP = "s"


class AnswerRhythm(CallbackData, prefix="ry"):
    """Keep, fewer or stop, asked under a reminder; the delivery id says which kind (and
    that it was this reminder that asked)."""

    choice: RhythmChoice
    delivery_id: Annotated[int, ID]


class AllReminders(CallbackData, prefix="ry:all"):
    """From /reminders: every reminder of a kind again, after "Fewer"."""

    kind: Kind


class UndoWater(CallbackData, prefix="wl:u"):
    """Take back a cup logged by mistake."""

    log_id: Annotated[int, ID]


class RaiseGoal(CallbackData, prefix="wl:h"):
    """Hot day or exercise: raise the goal of the day the button was shown on."""

    day: date


class ToggleKind(CallbackData, prefix="rk"):
    """Switch a reminder kind on or off from /reminders."""

    kind: Kind
    to: Annotated[bool | None, TO] = None


class ToggleMovementDay(CallbackData, prefix="md"):
    """Switch movement reminders on or off for one weekday (0 = Monday), on the sitting-hours
    screen of setup or /reminders (None: /reminders, as buttons sent before setup had it)."""

    weekday: Annotated[int, WEEKDAY]
    to: Annotated[bool | None, TO] = None
    flow: Annotated[Flow | None, Maybe(Members(Flow), omitted=True)] = None


class SittingPreset(StrEnum):
    """One-tap choices of the hours movement reminders come."""

    WEEKDAYS = "wd"  # Monday to Friday, 09:00-17:00 (the default)
    EVERY_DAY = "ed"  # every day, 09:00-17:00
    AWAKE = "aw"  # all waking hours, on the movement days already chosen


class Sitting(CallbackData, prefix="sh"):
    """Show the sitting-hours screen (setup's reminders step or /reminders), or choose one of
    its presets on it."""

    flow: Flow
    preset: Annotated[SittingPreset | None, Maybe(Members(SittingPreset), omitted=True)] = None


class SetupReminders(CallbackData, prefix="su:rm"):
    """Back from the sitting-hours screen to setup's reminders step."""


STRETCH_LEADS = (15, 30, 45, 60)


class SetStretchLead(CallbackData, prefix="sl"):
    """How many minutes before bedtime the stretch reminder comes."""

    minutes: Annotated[int, OneOf(STRETCH_LEADS)]


class PauseChoice(StrEnum):
    """Pause lengths offered by /pause, and resume."""

    HOUR = "1h"
    TODAY = "today"
    MORNING = "morning"
    WEEK = "week"
    RESUME = "resume"


class Pause(CallbackData, prefix="ps"):
    """Pause reminders (or resume them)."""

    choice: PauseChoice


# --- The cramp diary ----------------------------------------------------------------------


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
_HEX = frozenset("0123456789abcdef")


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
        """Nine or ten characters: step, kind, places (3 hex), severity, duration, context,
        symptoms (hex: one digit while only the first four can be set, as buttons sent
        before more symptoms were added carry)."""
        return (
            f"{self.step}{_KIND_CODES[self.kind]}{to_mask(self.places):03x}"
            f"{_SEVERITY_CODES[self.severity or 0]}{_DURATION_CODES[self.duration]}"
            f"{_CONTEXT_CODES[self.context]}{to_mask(self.symptoms):x}"
        )

    @classmethod
    def from_state(cls, state: str) -> "Draft":
        """The draft `state()` wrote; ValueError for anything else."""
        if len(state) not in (9, 10) or not all(c in _HEX for c in state[2:5] + state[8:]):
            raise ValueError(state)
        places, symptoms = int(state[2:5], 16), int(state[8:], 16)
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


class DraftState:
    """A Draft as its nine-character state."""

    def encode(self, value: Draft) -> str:
        return value.state()

    def decode(self, text: str) -> Draft:
        return Draft.from_state(text)


class FormAction(StrEnum):
    """What a tap on the report form does."""

    KIND = "k"  # choose the kind
    PLACE = "p"  # add a place (or, with `on` off, take it away)
    SEVERITY = "s"
    DURATION = "d"
    WHEN = "w"
    SYMPTOM = "x"  # add a symptom (or take it away)
    GO = "g"  # show a step (back, next, skip)
    SAVE = "v"  # save what is filled in; value "none": without symptoms
    CANCEL = "c"


# Each action's possible values.
_FORM_VALUES: dict[FormAction, frozenset[str | None]] = {
    FormAction.KIND: frozenset(SpasmKind),
    FormAction.PLACE: frozenset(Place),
    FormAction.SEVERITY: frozenset(str(n) for n in range(1, 11)),
    FormAction.DURATION: frozenset(Duration),
    FormAction.WHEN: frozenset(Context),
    FormAction.SYMPTOM: frozenset(Symptom),
    FormAction.GO: frozenset(DraftStep),
    FormAction.SAVE: frozenset((None, "none")),
    FormAction.CANCEL: frozenset((None,)),
}
_SWITCHES = frozenset((FormAction.PLACE, FormAction.SYMPTOM))


class FormTap(CallbackData, prefix="ft"):
    """A tap on the report form. The form's state is kept on the server, by its message
    (report_drafts), so a tap on a screen drawn before the last one still counts them
    all; a place or symptom carries whether it is added or taken away."""

    action: FormAction
    value: Annotated[str | None, Maybe(Word(), omitted=True)] = None
    on: Annotated[bool, Switch("1", "", omitted=True)] = False

    def __post_init__(self) -> None:
        if self.value not in _FORM_VALUES[self.action] or (
            self.on and self.action not in _SWITCHES
        ):
            raise ValueError(self.value)


class ShowDraft(CallbackData, prefix="cd"):
    """Show a report screen for this draft (buttons drawn before the form was kept on the
    server carry the whole draft)."""

    draft: Draft


class SaveDraft(CallbackData, prefix="cs"):
    """Save the report as filled in so far."""

    draft: Draft


class CancelDraft(CallbackData, prefix="cx"):
    """Drop the report being filled in."""


class UndoCramp(CallbackData, prefix="cr:undo"):
    """Remove a cramp report the presser made."""

    report_id: Annotated[int, ID]


class ProfileItem(StrEnum):
    """What /profile can switch: a condition, a medication, or weight loss."""

    CONDITION = "c"
    MEDICATION = "m"
    WEIGHT_LOSS = "w"


_PROFILE_VALUES: dict[ProfileItem, Iterable[str]] = {
    ProfileItem.CONDITION: [c.value for c in Condition],
    ProfileItem.MEDICATION: [m.value for m in Medication],
    ProfileItem.WEIGHT_LOSS: [""],
}


class ToggleProfile(CallbackData, prefix="pf"):
    """Switch one /profile item."""

    item: ProfileItem
    value: Annotated[str, Word()] = ""  # the Condition or Medication value; "" for weight loss
    to: Annotated[bool | None, TO] = None

    def __post_init__(self) -> None:
        if self.value not in _PROFILE_VALUES[self.item]:
            raise ValueError(self.value)


class AcknowledgeFlag(CallbackData, prefix="fl"):
    """The user has read a red flag."""

    flag_id: Annotated[int, ID]
    # Pressed under /flags (redraw the list) or under the flag itself.
    in_list: Annotated[bool, Switch("l", "", omitted=True)] = False


# --- Export and deletion ------------------------------------------------------------------


class Forget(CallbackData, prefix="fg"):
    """Delete everything about the presser (after they confirm)."""

    confirmed: Annotated[bool, Switch("yes", "no")]


for _format in formats():  # every format must have a codec per field: fail at import
    _codecs(_format)
