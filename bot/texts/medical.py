"""Every medical sentence the bot says: red-flag warnings, relief advice, the checklist's
reasons, the stretches and the tips.

The facts come from the two source articles in ../shared/seeds/ (000: "Muscle Spasms
Common Causes And When To Seek Help"; 003: "Muscle Spasms and Cramps: Common Triggers
and Causes"); the sentences are ours. Nothing here may say more, or less, than they do.
"""

from core.checklist import Stretch, Tip
from core.redflags import Level

# The welcome and /help: seed 000, "When to Seek Medical Help".
DISCLAIMER = (
    "I'm not a doctor and this is not medical advice. A cramp with swelling, redness or "
    "warmth in the area needs medical attention straight away, and one that lasts longer "
    "than 10 minutes is worth a call to your doctor."
)

# Under every warning.
FLAG_DISCLAIMER = (
    "This is not a diagnosis. Cramp Coach only spots patterns in your diary; "
    "a healthcare professional can tell you what is really going on."
)

# --- Red flags, by rule id (core/redflags.py) -------------------------------------------

LEVEL_WORDS = {Level.URGENT: "urgent", Level.SEE_DOCTOR: "see doctor", Level.MONITOR: "monitor"}

# Seed 000 gives no "may indicate" for its red-flag list, only "see a healthcare provider
# promptly", so rules 6 to 10 share this wording.
_RED_FLAG = "a problem worth having checked, especially when it builds up over weeks"
_SEE_PROVIDER = "Please see a healthcare provider soon."

RULE_TITLES = {
    1: "A spasm lasting over 10 minutes",
    2: "Cramps that keep disturbing your sleep",
    3: "Weakness with a cramp",
    4: "Swelling, redness or warmth",
    5: "Cramps with kidney or liver disease",
    6: "Spasms spreading to several muscles",
    7: "Weakness that keeps coming back",
    8: "Trouble walking or holding things",
    9: "Weight loss alongside spasms",
    10: "Spasms getting more frequent",
    11: "Cramps while taking a medication that can cause them",
    12: "Frequent or severe cramps",
    13: "Twitches that persist or spread, with weakness",
}
# What each rule watches, in plain words (the README's table).
RULE_WATCHES = {
    1: "a report lasting more than 10 minutes, in the last 7 days",
    2: "3 or more night-time reports in 7 days",
    3: "a report with weakness or loss of function, in the last 7 days",
    4: "a report with swelling, redness or warmth in the area, in the last 2 days",
    5: "any report in the last 7 days, when your profile lists kidney or liver disease",
    6: "3 or more different muscle groups in 14 days",
    7: "weakness in reports at least 7 days apart, within 60 days",
    8: "a report with trouble walking or holding things, in the last 7 days",
    9: "any report in the last 30 days, when your profile notes unexplained weight loss",
    10: "more reports each week than the week before, 3 weeks in a row",
    11: "2 or more reports in 7 days, when your profile lists a diuretic, "
    "a statin or an asthma medication",
    12: "4 or more reports in 7 days, or 2 with severity 8 or more",
    13: "2 or more twitches, or twitches in 2 or more places, in 14 days, with weakness",
}
# What it can point to.
RULE_CONCERNS = {
    1: "nerve damage or a severe deficiency",
    2: "an electrolyte imbalance or a circulation problem",
    3: "a nerve condition, such as ALS or MS",
    4: "a blood clot in a deep vein (DVT)",
    5: "a metabolic problem linked to that condition",
    6: _RED_FLAG,
    7: _RED_FLAG,
    8: _RED_FLAG,
    9: _RED_FLAG,
    10: _RED_FLAG,
    11: "a side effect of the medication",
    12: "an underlying cause, such as a pinched nerve, a circulation problem or low minerals",
    13: "a nerve condition",
}
# What the guidance advises.
RULE_ACTIONS = {
    1: "Please see a doctor and tell them how long it lasted.",
    2: "Ask your doctor about blood tests.",
    3: "Ask your doctor about a referral to a neurologist.",
    4: "Please get medical help now, rather than waiting for an appointment.",
    5: "Keep your doctor informed and keep managing the condition together.",
    6: _SEE_PROVIDER,
    7: _SEE_PROVIDER,
    8: _SEE_PROVIDER,
    9: _SEE_PROVIDER,
    10: _SEE_PROVIDER,
    11: "Ask your doctor whether the dose or timing should change. "
    "Please don't stop taking it on your own.",
    12: "Talk it over with your healthcare provider.",
    13: "Ask your doctor for a neurological check-up.",
}

# --- After a report ------------------------------------------------------------------------

RELIEF = (
    "While it lasts: stretch the muscle gently and hold (for a calf, straighten the leg and "
    "pull your toes toward your shin; don't bounce), massage it firmly, warm it, then walk "
    "a little."
)
URGENT_SWELLING = (
    "🚨 <b>Swelling, redness or warmth with a cramp can mean a blood clot (deep vein "
    "thrombosis). Please get medical attention now</b>, even if the cramp has eased."
)

# --- The checklist's reminders ---------------------------------------------------------------

HYDRATION_WHY = (
    "Even mild dehydration upsets the electrolytes your nerves and muscles rely on, "
    "and sipping through the day works better than drinking only when thirsty."
)
MOVEMENT_WHY = (
    "Sitting still for long slows blood flow to your muscles, one of the causes of "
    "cramps. Stand up, walk a little, roll your ankles."
)

# Seed 003's stretches for cramp-prone muscles. The seeds say to hold a stretch gently,
# without bouncing or forcing it; they give no duration, so we use a common 30 seconds.
HOLD_SECONDS = 30
STRETCH_NAMES = {
    Stretch.CALF: "Calf",
    Stretch.HAMSTRING: "Hamstring",
    Stretch.QUADRICEPS: "Quadriceps",
}
STRETCH_HOW = {
    Stretch.CALF: "Stand in a lunge with both feet pointing forward and straighten the back "
    "leg until you feel the calf stretch.",
    Stretch.HAMSTRING: "Sit with one leg out straight and reach gently toward your toes.",
    Stretch.QUADRICEPS: "Standing, hold on to something steady and pull one foot toward your "
    "buttocks with the opposite hand.",
}

# Checklist items 3 and 5, and the potassium tip from the dehydration section of seed 000.
TIPS = {
    Tip.MAGNESIUM: "🥑 Magnesium matters for muscles. Almonds, avocados and dark leafy greens "
    "are easy ways to get more of it.",
    Tip.POTASSIUM: "🍌 Potassium helps nerves and muscles talk. Bananas, spinach and sweet "
    "potatoes are rich in it.",
    Tip.FOOTWEAR: "👟 On your feet a lot today? Supportive footwear eases the load on your "
    "calves and feet.",
}
