"""Every medical sentence the bot says: red-flag warnings, relief advice, the checklist's
reasons, the stretches and the tips. Each names its source.

The facts come from the two articles in ../shared/seeds/; the sentences are ours, and
none may say more, or less, than its source does:
  000: 000_b7912700f50def44.txt, "Muscle Spasms Common Causes And When To Seek Help";
  003: 003_af87dcd8d3c20c92.txt, "Muscle Spasms and Cramps: Common Triggers and Causes".
A comment "000 · <section>" names the section a sentence restates.
"""

from bot.i18n import N_, install
from core.checklist import Stretch, Tip
from core.redflags import Level

# The welcome and /help. 000 · When to Seek Medical Help (swelling, redness or warmth:
# immediate medical attention; spasms lasting longer than 10 minutes: consult a physician).
DISCLAIMER = N_(
    "I'm not a doctor and this is not medical advice. A cramp with swelling, redness or "
    "warmth in the area needs medical attention straight away, and one that lasts longer "
    "than 10 minutes is a reason to see a doctor."
)

# Under every warning, in /flags and with every urgent word: what the bot is not.
FLAG_DISCLAIMER = N_(
    "This is not a diagnosis. Cramp Coach only spots patterns in your diary; "
    "a healthcare professional can tell you what is really going on."
)

# --- Red flags, by rule id (core/redflags.py names each rule's source) --------------------

LEVEL_WORDS = {
    Level.URGENT: N_("urgent"),
    Level.SEE_DOCTOR: N_("see doctor"),
    Level.MONITOR: N_("monitor"),
}

# 000 · Red Flags Not to Ignore gives no "may indicate" for its list, only "see a
# healthcare provider promptly, especially if they develop gradually over weeks or months".
_RED_FLAG = N_("a problem worth having checked, especially when it builds up over weeks")
_SEE_PROVIDER = N_("Please see a healthcare provider promptly.")
# 003 · When to See a Healthcare Provider: "a sign of an underlying condition such as
# nerve compression, circulation issues, or mineral deficiencies".
_UNDERLYING = N_(
    "an underlying cause, such as a pinched nerve, a circulation problem or low minerals"
)
_SPEAK_TO_PROVIDER = N_("It's time to talk it over with your healthcare provider.")

RULE_TITLES = {
    1: N_("A spasm lasting over 10 minutes"),
    2: N_("Cramps that keep disturbing your sleep"),
    3: N_("Weakness with a cramp"),
    4: N_("Swelling, redness or warmth"),
    5: N_("Cramps with kidney or liver disease"),
    6: N_("Spasms spreading to several muscles"),
    7: N_("Weakness that keeps coming back"),
    8: N_("Trouble walking or holding things"),
    9: N_("Weight loss alongside spasms"),
    10: N_("Spasms getting more frequent"),
    11: N_("Cramps while taking a medication that can cause them"),
    12: N_("Frequent or severe cramps"),
    13: N_("Twitches that persist or spread, with weakness"),
    14: N_("Twitches that persist or spread"),
    15: N_("Cramps interrupting your daily activity"),
    16: N_("Cramps without a clear reason"),
}
# What each rule watches, in plain words (the README's table).
RULE_WATCHES = {
    1: N_(
        "each report lasting more than 10 minutes, or still going 10 minutes after it was reported"
    ),
    2: N_(
        "cramps on 3 or more nights in 7 days (between your bedtime and wake-up, or tapped "
        "as at night)"
    ),
    3: N_("each report with weakness or loss of function"),
    4: N_("each report with swelling, redness or warmth in the area; said again the next day"),
    5: N_("any report in the last 7 days, when your profile lists kidney or liver disease"),
    6: N_("3 or more different muscle groups in 14 days"),
    7: N_("weakness in reports at least 7 days apart, within 60 days"),
    8: N_("each report with trouble walking or holding things"),
    9: N_("any report in the last 30 days, when your profile notes unexplained weight loss"),
    10: N_(
        "more reports each week than the week before over the weeks your diary covers (3 at "
        "least), the latest with 4 or more and twice the first"
    ),
    11: N_(
        "2 or more reports in 7 days, when your profile lists a diuretic, "
        "a statin or an asthma medication"
    ),
    12: N_("4 or more reports in 7 days, or 2 with severity 8 or more"),
    13: N_("2 or more twitches, or twitches in 2 or more places, in 14 days, with weakness"),
    14: N_("2 or more twitches, or twitches in 2 or more places, in 14 days, without weakness"),
    15: N_("3 or more reports in 7 days that stopped you doing something"),
    16: N_("3 or more reports in 14 days with no clear reason"),
}
# What it can point to. 1-5: 000 · When to Seek Medical Help, "May Indicate"; 11: 000 ·
# 5. Medications and Medical Conditions; 13-14: 000 · FAQ, on twitches.
RULE_CONCERNS = {
    1: N_("nerve damage or a severe deficiency"),
    2: N_("an electrolyte imbalance or a circulation problem"),
    3: N_("a nerve condition, such as ALS or MS"),
    4: N_("a blood clot in a deep vein (DVT)"),
    5: N_("a metabolic problem linked to that condition"),
    6: _RED_FLAG,
    7: _RED_FLAG,
    8: _RED_FLAG,
    9: _RED_FLAG,
    10: _RED_FLAG,
    11: N_("a side effect of the medication"),
    12: _UNDERLYING,
    13: N_("a nerve condition"),
    14: N_("a nerve condition"),
    15: _UNDERLYING,
    16: _UNDERLYING,
}
# What the guidance advises. 1-5: 000 · When to Seek Medical Help, "Action"; 11: the
# quote in 000 · 5. Medications ("recurrent episodes should prompt a review of medication
# use"); 12, 15, 16: 003 · When to See a Healthcare Provider; 13-14: 000 · FAQ.
RULE_ACTIONS = {
    1: N_("Please see a doctor and tell them how long it lasted."),
    2: N_("Ask your doctor about blood tests."),
    3: N_("Ask your doctor about a referral to a neurologist."),
    4: N_("Please get medical help now, rather than waiting for an appointment."),
    5: N_("Keep your doctor informed and keep managing the condition together."),
    6: _SEE_PROVIDER,
    7: _SEE_PROVIDER,
    8: _SEE_PROVIDER,
    9: _SEE_PROVIDER,
    10: _SEE_PROVIDER,
    11: N_("Ask your doctor to review your medicines with you."),
    12: _SPEAK_TO_PROVIDER,
    13: N_("Ask your doctor whether they should be checked for a nerve condition."),
    14: N_("Ask your doctor whether they should be checked for a nerve condition."),
    15: _SPEAK_TO_PROVIDER,
    16: _SPEAK_TO_PROVIDER,
}
# The first words of an urgent warning. 000 · When to Seek Medical Help: swelling,
# redness, or warmth in the area may indicate deep vein thrombosis (DVT); immediate
# medical attention.
RULE_URGENT_LEADS = {
    4: N_(
        "🚨 <b>Swelling, redness or warmth with a cramp can mean a blood clot (deep vein "
        "thrombosis). Please get medical attention now</b>, even if the cramp has eased."
    ),
}
URGENT_SWELLING = RULE_URGENT_LEADS[4]
# Said under rule 4's warning (000 · When to Seek Medical Help: immediate medical
# attention): a possible clot is never answered with exercise, so the reminders that say
# walk or stretch are held while it is in the diary (scheduler/claims.py,
# HELD_BY_CLOT_SIGN; core/redflags.py, CLOT_SIGN_DAYS). What the bot does, not advice.
CLOT_SIGN_HOLD_NOTE = N_(
    "I'm holding your movement and bedtime stretch reminders for the next 2 days."
)
# /stretch while that hold lasts: the warning again, and this instead of the routine.
STRETCH_WAITS = N_("The stretches can wait until it has been checked.")

# --- After a report --------------------------------------------------------------------------

# 003 · How to Treat and Prevent Muscle Cramps (stop the activity; stretch and massage;
# hold a stretch until the cramp eases, don't bounce or force it) and 000 · Immediate
# Relief Techniques (calf: straighten the leg, toes toward the shin; firm, circular
# pressure; a warm towel, or an ice pack if there's inflammation; walk it off). Never
# said with an urgent warning: a possible clot is not to be massaged, warmed or walked on.
RELIEF = N_(
    "While it lasts: stop what you were doing and stretch the muscle gently, holding it "
    "until the cramp eases (for a calf, straighten the leg and pull your toes toward your "
    "shin); don't bounce or force it. Massage it with firm, circular pressure. A warm towel "
    "can loosen it (an ice pack instead if it is inflamed). Then walk a little."
)

# --- The checklist's reminders -----------------------------------------------------------------

# 000 · FAQ ("Even mild dehydration affects electrolyte concentration in the blood,
# impairing nerve signaling to muscles") and 000 · 1. Dehydration ("Drink water
# consistently throughout the day, not just when thirsty").
HYDRATION_WHY = N_(
    "Even mild dehydration upsets the electrolytes your nerves and muscles rely on; "
    "drink through the day, not just when you're thirsty."
)
# 000 · 3. Poor Circulation (sitting or standing in one position too long) and the Daily
# Prevention Checklist, item 4 (stand and move every hour).
MOVEMENT_WHY = N_(
    "Sitting still for long slows blood flow to your muscles, one of the causes of "
    "cramps. Stand up and walk a little."
)
# 000 · Daily Prevention Checklist, item 4 ("Avoid prolonged sitting; stand and move every
# hour"): why movement reminders come in the hours someone sits.
SITTING_WHY = N_(
    "The prevention checklist says to avoid sitting for long and to stand and move every "
    "hour, so movement nudges come hourly while you sit."
)

# 003 · How to Treat and Prevent Muscle Cramps: the stretches for cramp-prone muscles;
# 003 · "Regular stretching ... may help reduce their frequency" (night leg cramps).
STRETCH_INTRO = N_(
    "🧘 <b>Bedtime stretch</b>: stretching regularly may help make night cramps rarer."
)
STRETCH_NAMES = {
    Stretch.CALF: N_("Calf"),
    Stretch.HAMSTRING: N_("Hamstring"),
    Stretch.QUADRICEPS: N_("Quadriceps"),
}
STRETCH_HOW = {
    Stretch.CALF: N_(
        "Stand in a lunge with both feet pointing forward and straighten the back "
        "leg until you feel the calf stretch."
    ),
    Stretch.HAMSTRING: N_("Sit with one leg out straight and reach gently toward your toes."),
    Stretch.QUADRICEPS: N_(
        "Standing, hold on to something steady and pull one foot toward your "
        "buttocks with the opposite hand."
    ),
}
# 003: "Hold a stretch ... don't bounce or force it" (the seeds give no hold time).
STRETCH_HOLD = N_("Hold each one gently; don't bounce or force it.")

# 000 · Daily Prevention Checklist items 3 and 5, and the potassium tip in 000 · 1.
# Dehydration and Electrolyte Imbalance.
TIPS = {
    Tip.MAGNESIUM: N_(
        "🥑 Magnesium matters for muscles. Almonds, avocados and dark leafy greens "
        "are easy ways to get more of it."
    ),
    Tip.POTASSIUM: N_(
        "🍌 Potassium helps nerves and muscles talk. Bananas, spinach and sweet "
        "potatoes are rich in it."
    ),
    Tip.FOOTWEAR: N_("👟 On your feet a lot today? Wear supportive footwear."),
}

# --- The weekly summary's one line for next week ------------------------------------------
# Each restates an item of 000 · Daily Prevention Checklist (the potassium one, 000 · 1.
# Dehydration and Electrolyte Imbalance), and the stretching ones also 003 ("Regular
# stretching ... may help reduce their frequency").

# Checklist 1: at least 8 cups of water daily, more in heat or exercise.
NUDGE_WATER = N_(
    "💧 Most of your cramp days fell short of your water goal. Sip through the day: "
    "at least 8 cups, more in heat or after exercise."
)
# Checklist 2: stretch major muscle groups before bed and after workouts.
NUDGE_STRETCH_NIGHTS = N_(
    "🧘 Night cramps, and few evenings with a stretch. Stretching your calves, hamstrings "
    "and thighs before bed, regularly, may help make night cramps rarer; /stretch shows how."
)
NUDGE_STRETCH = N_(
    "🧘 The bedtime stretch happened on few evenings. Stretching your calves, hamstrings and "
    "thighs before bed, regularly, may help make night cramps rarer; /stretch shows how."
)
# Checklist 4, and 000 · 3. Poor Circulation: sitting in one position too long.
NUDGE_MOVEMENT = N_(
    "🚶 Most movement reminders went by without a move. Standing up and moving every hour "
    "keeps blood flowing to your muscles."
)
# Checklist 2.
NUDGE_NIGHT = N_(
    "🌙 Night cramps even with your evening stretches: keep them up, and stretch after "
    "workouts too."
)
# Checklist 5: supportive footwear, especially if on your feet all day.
NUDGE_FOOTWEAR = N_(
    "👟 Cramps in your calves or feet? Wear supportive footwear, especially if you're on "
    "your feet all day."
)
# Checklist 3: magnesium-rich foods.
NUDGE_MAGNESIUM = N_(
    "🥑 Magnesium matters for muscles: almonds, avocados and dark leafy greens are easy "
    "ways to get more."
)
# 000 · 1. Dehydration and Electrolyte Imbalance: potassium-rich foods.
NUDGE_POTASSIUM = N_(
    "🍌 Potassium helps nerves and muscles talk: bananas, spinach and sweet potatoes are "
    "rich in it."
)


install(__name__)
