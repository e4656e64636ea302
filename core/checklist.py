"""What the reminders say, drawn from the seeds' prevention checklist and stretches.

Facts come from the two source articles (seeds 000 and 003); the sentences are ours.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stretch:
    """One stretch of the bedtime routine."""

    name: str
    how: str


# Seed 003's stretches for cramp-prone muscles. The seeds say to hold a stretch gently,
# without bouncing or forcing it; they give no duration, so we use a common 30 seconds.
HOLD_SECONDS = 30
BEDTIME_ROUTINE: tuple[Stretch, ...] = (
    Stretch(
        "Calf",
        "Stand in a lunge with both feet pointing forward and straighten the back leg "
        "until you feel the calf stretch.",
    ),
    Stretch(
        "Hamstring",
        "Sit with one leg out straight and reach gently toward your toes.",
    ),
    Stretch(
        "Quadriceps",
        "Standing, hold on to something steady and pull one foot toward your buttocks "
        "with the opposite hand.",
    ),
)

HYDRATION_WHY = (
    "Even mild dehydration upsets the electrolytes your nerves and muscles rely on, "
    "and sipping through the day works better than drinking only when thirsty."
)
MOVEMENT_WHY = (
    "Sitting still for long slows blood flow to your muscles, one of the causes of "
    "cramps. Stand up, walk a little, roll your ankles."
)

# Checklist items 3 and 5, and the potassium tip from the dehydration section of seed 000.
TIPS: tuple[str, ...] = (
    "🥑 Magnesium matters for muscles. Almonds, avocados and dark leafy greens are "
    "easy ways to get more of it.",
    "🍌 Potassium helps nerves and muscles talk. Bananas, spinach and sweet potatoes "
    "are rich in it.",
    "👟 On your feet a lot today? Supportive footwear eases the load on your calves and feet.",
)


def tip_for(week: int, slot_of_week: int) -> str:
    """Rotate through the tips: two a week, never the same one twice in a row."""
    return TIPS[(week * 2 + slot_of_week) % len(TIPS)]
