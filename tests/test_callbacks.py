"""Button data: every format round-trips, fits Telegram's 64 bytes, and junk is refused.

The property tests loop over the registry, so a new format is covered the moment it is
declared; its values are drawn from its fields' codecs.
"""

from dataclasses import fields
from datetime import date, time
from typing import Any
from zoneinfo import available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import (
    _FORM_VALUES,
    _SWITCHES,
    MAX_CALLBACK_BYTES,
    AcknowledgeFlag,
    AnswerReminder,
    CallbackData,
    CancelDraft,
    ClockTime,
    Codec,
    Day,
    Draft,
    DraftState,
    DraftStep,
    FinishReminders,
    Flow,
    Forget,
    FormTap,
    KindCode,
    Maybe,
    Members,
    Number,
    OneOf,
    OpenScreen,
    Pause,
    PauseChoice,
    ProfileItem,
    RaiseGoal,
    ReminderAction,
    SaveDraft,
    Screen,
    SetBed,
    SetStretchLead,
    SetSummaryDay,
    SetSummaryTime,
    SetTimezone,
    SetWake,
    ShowDraft,
    SkipSetup,
    Switch,
    ToggleKind,
    ToggleMovementDay,
    ToggleProfile,
    ToggleReminder,
    UndoCramp,
    UndoWater,
    ZoneName,
    _codecs,
    formats,
    parse_callback_data,
)
from core.diary import Condition, Context, Duration, Medication, Place, SpasmKind, Symptom
from scheduler.planning import KINDS, Kind

EXAMPLES: list[CallbackData] = [
    SetTimezone(Flow.SETUP, "Europe/Berlin"),
    SetTimezone(Flow.SETTINGS, None),
    SetTimezone(Flow.SETTINGS, "America/Argentina/ComodRivadavia"),  # a long IANA name
    SetWake(Flow.SETUP, time(6, 30)),
    SetWake(Flow.SETTINGS, None),
    SetBed(Flow.SETUP, time(0, 30)),
    ToggleReminder(Flow.SETUP, Kind.STRETCH),
    FinishReminders(Flow.SETTINGS),
    SkipSetup(),
    OpenScreen(Screen.REMINDERS),
    UndoCramp(2**62),
    AnswerReminder(ReminderAction.HOT_DAY, 12345678901),
    UndoWater(7),
    RaiseGoal(date(2026, 3, 29)),
    ToggleKind(Kind.TIP),
    ToggleMovementDay(6),
    SetStretchLead(45),
    Pause(PauseChoice.MORNING),
    OpenScreen(Screen.MOVEMENT_DAYS),
]

# What buttons sent before this version carry: they must keep working after a deploy.
SHIPPED: dict[str, CallbackData] = {
    "tz:su:Europe/Berlin": SetTimezone(Flow.SETUP, "Europe/Berlin"),
    "tz:st:": SetTimezone(Flow.SETTINGS, None),
    "wk:su:0630": SetWake(Flow.SETUP, time(6, 30)),
    "bd:st:": SetBed(Flow.SETTINGS, None),
    "rm:su:h": ToggleReminder(Flow.SETUP, Kind.HYDRATION),
    "ok:su": FinishReminders(Flow.SETUP),
    "su:skip": SkipSetup(),
    "st:rl": OpenScreen(Screen.REMINDER_LIST),
    "cr:undo:12": UndoCramp(12),
    "rd:c:5": AnswerReminder(ReminderAction.CUP, 5),
    "wl:u:3": UndoWater(3),
    "wl:h:20261130": RaiseGoal(date(2026, 11, 30)),
    "rk:t": ToggleKind(Kind.TIP),
    "md:0": ToggleMovementDay(0),
    "sl:15": SetStretchLead(15),
    "ps:resume": Pause(PauseChoice.RESUME),
    "cd:pc0010--0": ShowDraft(Draft(DraftStep.PLACE, SpasmKind.CRAMP, frozenset({Place.CALF}))),
    "cs:xc0017m-1": SaveDraft(
        Draft(
            DraftStep.EXTRA,
            SpasmKind.CRAMP,
            frozenset({Place.CALF}),
            7,
            Duration.MIN_1_TO_10,
            None,
            frozenset({Symptom.SWELLING}),
        )
    ),
    "cx": CancelDraft(),
    "pf:c:kidney": ToggleProfile(ProfileItem.CONDITION, Condition.KIDNEY.value),
    "pf:m:statin": ToggleProfile(ProfileItem.MEDICATION, Medication.STATIN.value),
    "pf:w:": ToggleProfile(ProfileItem.WEIGHT_LOSS),
    "fl:9": AcknowledgeFlag(9),
    "fl:9:l": AcknowledgeFlag(9, in_list=True),
    "sd:4": SetSummaryDay(4),
    "sx:2000": SetSummaryTime(time(20)),
    "fg:yes": Forget(True),
    "fg:no": Forget(False),
}


@pytest.mark.parametrize("data", EXAMPLES, ids=lambda d: d.encode())
def test_round_trips_and_fits(data: CallbackData) -> None:
    encoded = data.encode()
    assert len(encoded.encode()) <= MAX_CALLBACK_BYTES
    assert parse_callback_data(encoded) == data


@pytest.mark.parametrize(("data", "value"), SHIPPED.items())
def test_buttons_already_sent_still_parse_to_the_same_value(data: str, value: CallbackData) -> None:
    assert parse_callback_data(data) == value
    assert value.encode() == data


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "tz:su:Mars/Base",
        "tz:xx:UTC",
        "tz:su:utc",  # only the canonical spelling is ever sent
        "wk:su:2599",
        "wk:su:7:30",
        "bd:st:12345",
        "rm:su:z",
        "rm:su:w",  # the weekly summary cannot be switched off
        "ok:",
        "su:other",
        "st:nowhere",
        "cr:undo:0",
        "cr:undo:-1",
        "cr:undo:abc",
        "cr:undo:99999999999999999999",
        "cr:delete:1",
        "x" * 65,
        "rd:x:1",
        "rd:c:0",
        "rd:c:007",  # not canonical
        "wl:h:20261332",
        "wl:h:2026",
        "md:7",
        "sl:20",
        "ps:forever",
        "pf:c:statin",  # a medication is not a condition
        "pf:w:x",
        "fl:9:",
        "fl:9:x",
        "cx:",
        "fg:maybe",
    ],
)
def test_forged_or_unknown_data_is_refused(forged: str | None) -> None:
    assert parse_callback_data(forged) is None


# --- Every format, from its codecs ---------------------------------------------------------

ZONES = sorted(available_timezones() - {"localtime", "Factory"})
DRAFTS = st.builds(
    Draft,
    step=st.sampled_from(list(DraftStep)),
    kind=st.none() | st.sampled_from(list(SpasmKind)),
    places=st.frozensets(st.sampled_from(list(Place))),
    severity=st.none() | st.integers(1, 10),
    duration=st.none() | st.sampled_from(list(Duration)),
    context=st.none() | st.sampled_from(list(Context)),
    symptoms=st.frozensets(st.sampled_from(list(Symptom))),
)
# Formats whose fields depend on each other.
PROFILE_ITEMS = [(ProfileItem.CONDITION, c.value) for c in Condition]
PROFILE_ITEMS += [(ProfileItem.MEDICATION, m.value) for m in Medication]
PROFILE_ITEMS += [(ProfileItem.WEIGHT_LOSS, "")]
WHOLE: dict[type[CallbackData], st.SearchStrategy[Any]] = {
    ToggleProfile: st.builds(
        lambda item, to: ToggleProfile(item[0], item[1], to=to),
        st.sampled_from(PROFILE_ITEMS),
        st.sampled_from([None, True, False]),
    ),
    FormTap: st.sampled_from(
        [
            FormTap(action, value, on)
            for action, values in _FORM_VALUES.items()
            for value in values
            for on in ((False, True) if action in _SWITCHES else (False,))
        ]
    ),
}


def values(codec: Codec) -> st.SearchStrategy[Any]:
    """Every value a field with this codec can hold."""
    match codec:
        case Number(low=low, high=high):
            return st.integers(low, high)
        case OneOf(values=choices):
            return st.sampled_from(choices)
        case Switch():
            return st.booleans()
        case Members(enum=enum):
            return st.sampled_from(list(enum))
        case KindCode():
            return st.sampled_from([kind for kind, plan in KINDS.items() if plan.switchable])
        case ClockTime():
            return st.builds(time, st.integers(0, 23), st.integers(0, 59))
        case Day():
            return st.dates(date(1970, 1, 1), date(9999, 12, 31))
        case ZoneName():
            return st.sampled_from(ZONES)
        case DraftState():
            return DRAFTS
        case Maybe(inner=inner):
            return st.none() | values(inner)
    raise AssertionError(f"no strategy for {codec!r}: add one")


def instances(cls: type[CallbackData]) -> st.SearchStrategy[CallbackData]:
    if cls in WHOLE:
        return WHOLE[cls]
    return st.builds(cls, **{name: values(codec) for name, codec in _codecs(cls)})


ANY_FORMAT = st.sampled_from(list(formats())).flatmap(instances)


def test_the_registry_holds_every_format_once_each_with_its_why() -> None:
    prefixes = [cls.prefix for cls in formats()]
    assert len(prefixes) == len(set(prefixes)) >= 23
    for cls in formats():
        assert len(fields(cls)) == len(_codecs(cls)), cls  # type: ignore[arg-type]
        assert cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("), cls


@given(ANY_FORMAT)
def test_every_format_round_trips_within_64_bytes(data: CallbackData) -> None:
    encoded = data.encode()
    assert len(encoded.encode()) <= MAX_CALLBACK_BYTES
    assert parse_callback_data(encoded) == data


JUNK = st.sampled_from(["", "x", "-1", "0", "00", "99999999999999999999", "a:b", "é", "٣"])


@given(ANY_FORMAT, st.integers(0, 3), JUNK)
def test_altered_data_is_refused_unless_it_is_another_valid_button(
    data: CallbackData, part: int, junk: str
) -> None:
    pieces = data.encode().split(":")
    index = min(part, len(pieces) - 1)
    for altered in (
        ":".join([*pieces[:index], junk, *pieces[index + 1 :]]),  # one field replaced
        data.encode() + ":" + junk,  # a field too many
        ":".join(pieces[:-1]),  # a field too few
    ):
        parsed = parse_callback_data(altered)
        assert parsed is None or parsed.encode() == altered  # only canonical data parses


@given(st.text(max_size=80))
def test_parsing_never_raises_and_accepts_only_canonical_data(data: str) -> None:
    parsed = parse_callback_data(data)
    assert parsed is None or parsed.encode() == data
