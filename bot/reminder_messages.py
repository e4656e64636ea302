"""What each kind of reminder says, and the buttons under it."""

from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot import keyboards, texts
from core.checklist import tip_for
from scheduler.planning import DEFAULT_CUPS, Kind


def render(
    kind: Kind,
    delivery_id: int,
    slot_at: datetime,
    *,
    cups: int = 0,
    goal: int = DEFAULT_CUPS,
    with_buttons: bool = True,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of a reminder; the same for a fresh one and one being answered."""
    match kind:
        case Kind.HYDRATION:
            markup = keyboards.hydration_reminder(delivery_id, goal > DEFAULT_CUPS)
            text = texts.hydration_reminder(cups, goal)
        case Kind.MOVEMENT:
            text, markup = texts.movement_reminder(), keyboards.movement_reminder(delivery_id)
        case Kind.STRETCH:
            text, markup = texts.stretch_routine(), keyboards.stretch_reminder(delivery_id)
        case Kind.TIP:
            week = slot_at.isocalendar().week
            tip = tip_for(week, 0 if slot_at.weekday() < 3 else 1)
            text, markup = texts.tip_message(tip), keyboards.tip_reminder(delivery_id)
    return text, markup if with_buttons else None
