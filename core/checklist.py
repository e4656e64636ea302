"""The prevention checklist's structure: the bedtime stretches and the tips, and which tip
comes when. What they say is in bot/texts/medical.py."""

from enum import StrEnum


class Stretch(StrEnum):
    """The bedtime routine, in order: seed 003's stretches for cramp-prone muscles."""

    CALF = "calf"
    HAMSTRING = "hamstring"
    QUADRICEPS = "quadriceps"


class Tip(StrEnum):
    """The tips, in rotation order: checklist items 3 and 5, and seed 000's potassium tip."""

    MAGNESIUM = "magnesium"
    POTASSIUM = "potassium"
    FOOTWEAR = "footwear"


def tip_for(week: int, slot_of_week: int) -> Tip:
    """Rotate through the tips: two a week, never the same one twice in a row."""
    tips = list(Tip)
    return tips[(week * 2 + slot_of_week) % len(tips)]
