"""What each kind of reminder says and the buttons under it: one row per kind in REMINDERS.

The scheduler plans a kind (scheduler/planning.py: KINDS); this module says it. A button
under a reminder carries its action and the delivery id (bot/callbacks.py,
AnswerReminder); bot/handlers/reminders.py records the answer.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import AnswerReminder, AnswerRhythm, ReminderAction
from bot.keyboards import button
from core.checklist import tip_for
from scheduler.planning import DEFAULT_CUPS, Kind
from scheduler.schedules import SNOOZE_MINUTES


@dataclass(frozen=True)
class Content:
    """What a reminder shows: its slot, and the day's cups for hydration."""

    slot_at: datetime
    cups: int = 0
    goal: int = DEFAULT_CUPS
    ask: bool = False  # with the question keep / fewer / stop (scheduler/rhythm.py)


@dataclass(frozen=True)
class Reminder:
    """One kind of reminder: its text, its buttons (rows of actions), and whether setup
    offers to switch it."""

    text: Callable[[Content], str]
    actions: tuple[tuple[ReminderAction, ...], ...]
    in_setup: bool = False

    @property
    def allowed(self) -> frozenset[ReminderAction]:
        """The answers its buttons can give; any other is stale or forged."""
        return frozenset(action for row in self.actions for action in row)


def _tip(content: Content) -> str:
    slot = content.slot_at
    return texts.tip_message(tip_for(slot.isocalendar().week, 0 if slot.weekday() < 3 else 1))


_CUP, _HOT, _SNOOZE, _SKIP = (ReminderAction.CUP, ReminderAction.HOT_DAY,
                              ReminderAction.SNOOZE, ReminderAction.SKIP)  # fmt: skip

REMINDERS: dict[Kind, Reminder] = {
    Kind.HYDRATION: Reminder(
        lambda c: texts.hydration_reminder(c.cups, c.goal), ((_CUP, _SNOOZE, _SKIP), (_HOT,)), True
    ),
    Kind.MOVEMENT: Reminder(
        lambda _: texts.MOVEMENT_REMINDER, ((ReminderAction.MOVED, _SNOOZE, _SKIP),), True
    ),
    Kind.STRETCH: Reminder(lambda _: texts.stretch_routine(), ((ReminderAction.DONE,),), True),
    Kind.TIP: Reminder(_tip, ((ReminderAction.NO_TIPS,),)),
    Kind.FOLLOW_UP: Reminder(
        lambda _: texts.FOLLOW_UP_QUESTION, ((ReminderAction.STOPPED, ReminderAction.STILL_GOING),)
    ),
}
SETUP_KINDS = tuple(kind for kind, reminder in REMINDERS.items() if reminder.in_setup)


def _label(kind: Kind, action: ReminderAction) -> str:
    if action is ReminderAction.SNOOZE:
        return texts.SNOOZE.format(minutes=SNOOZE_MINUTES[kind])
    return texts.REMINDER_BUTTONS[action]


def render(
    kind: Kind, delivery_id: int, content: Content, *, with_buttons: bool = True
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of a reminder; the same for a fresh one and one being answered.
    Hot day is offered until the day's goal has been raised."""
    markup = InlineKeyboardMarkup(_rows(kind, delivery_id, content)) if with_buttons else None
    if content.ask and markup is not None:
        return with_question(kind, delivery_id, REMINDERS[kind].text(content), markup)
    return REMINDERS[kind].text(content), markup


@dataclass(frozen=True)
class Part:
    """One reminder of a message that may carry several (due close together), and what
    its answer did, shown in place of its buttons once it has one."""

    kind: Kind
    delivery_id: int
    content: Content
    answered: str | None = None


def render_message(parts: Sequence[Part]) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of a message of one or more reminders: each says its own, and its
    buttons carry its own delivery id, so each answer is recorded as for a lone reminder."""
    texts_, rows = [], []
    for part in parts:
        text = REMINDERS[part.kind].text(part.content)
        if part.answered is None:
            rows += _rows(part.kind, part.delivery_id, part.content)
            if part.content.ask:  # asked once, under this part's own buttons
                text = f"{text}\n\n{texts.rhythm_question(part.kind)}"
                rows.append(_question_row(part.delivery_id))
        else:
            text = f"{text}\n\n{part.answered}"
        texts_.append(text)
    return "\n\n".join(texts_), InlineKeyboardMarkup(rows) if rows else None


def _rows(kind: Kind, delivery_id: int, content: Content) -> list[list[InlineKeyboardButton]]:
    shown = [
        [
            button(_label(kind, action), AnswerReminder(action, delivery_id))
            for action in row
            if action is not ReminderAction.HOT_DAY or content.goal <= DEFAULT_CUPS
        ]
        for row in REMINDERS[kind].actions
    ]
    return [row for row in shown if row]


def answer_note(action: ReminderAction) -> str:
    """What an earlier answer did, in the current language ("" for none)."""
    return texts.ANSWER_NOTES.get(action, "")


def with_question(
    kind: Kind, delivery_id: int, text: str, markup: InlineKeyboardMarkup
) -> tuple[str, InlineKeyboardMarkup]:
    """A reminder with the question asked once of someone who kept letting its kind pass:
    a line under its text and a row of answers under its buttons."""
    rows = [*markup.inline_keyboard, _question_row(delivery_id)]
    return f"{text}\n\n{texts.rhythm_question(kind)}", InlineKeyboardMarkup(rows)


def _question_row(delivery_id: int) -> list[InlineKeyboardButton]:
    choices = texts.RHYTHM_CHOICES.items()
    return [button(label, AnswerRhythm(choice, delivery_id)) for choice, label in choices]
