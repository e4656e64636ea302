"""What the doctor PDF and the charts say; bot.documents lays them out and draws them.

Plain text, drawn with DejaVu Sans: no emoji (bot.documents.drawable would show each as a
mark; a test checks that none of these needs one).
Lines with figures are str.format templates, whole sentences so a translation can reorder.
"""

from datetime import date

# Spelled out here, not strftime's %a and %b, so the process locale cannot change them.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

DISCLAIMER = (
    "Kept by the patient with the Cramp Coach Telegram bot; self-reported, not a diagnosis."
)

# Our own questions, each drawn from a section of the source articles (../shared/seeds/).
QUESTIONS = (
    # 000 · When to Seek Medical Help (blood tests) and 1. Dehydration and Electrolyte Imbalance.
    "Would blood tests for electrolytes (potassium, magnesium, calcium, sodium) make sense?",
    # 000 · 5. Medications and Medical Conditions ("should prompt a review of medication use").
    "Could any of my current medicines (for example diuretics, statins or asthma "
    "medication) cause the cramps, and should they be reviewed?",
    # 000 · 3. Poor Circulation.
    "Should my circulation be checked, for example for peripheral artery disease?",
    # 000 · 4. Nerve Compression.
    "Could a trapped nerve in the spine (herniated disc, spinal stenosis) play a part, "
    "and should it be checked?",
    # 000 · When to Seek Medical Help (swelling, redness or warmth: DVT).
    "If swelling, redness or warmth appears in the area, what should I do and how "
    "quickly (possible deep vein thrombosis)?",
    # 000 · When to Seek Medical Help (weakness or loss of function: neurology referral).
    "If weakness appears, do I need a neurology referral?",
)

# --- charts -------------------------------------------------------------------------------

NO_DATA = "No data yet"
CRAMPS = "Cramps"
CUPS = "Cups"
CUPS_AXIS = "Cups of water"
CRAMPS_PER_WEEK = "Cramps per week"
AVERAGE_CUPS = "Average cups per day"
WEEK_STARTING = "Week starting"
HISTORY_CHART_TITLE = "Cramps and water by week"
GOAL = "Goal ({goal} cups)"
GOAL_CHANGED = "Goal (cups)"  # the goal changed during the period


def day_label(day: date) -> str:
    """'Mon 16'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day}"


def date_label(day: date, year: bool = False) -> str:
    """'16 Nov' (or '16 Nov 2026')."""
    label = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{label} {day.year}" if year else label


# --- PDF ----------------------------------------------------------------------------------

APP_NAME = "Cramp Coach"
DOCUMENT_TITLE = "Cramp Coach report"
TITLE_FOR = "Cramp Coach report for {name}"
PERIOD = "Period: {period}"
GENERATED = "Generated: {generated}"
REPORTS = "Reports in this period: {count}"
WEEKS_HEADING = "Cramps by week"
WEEKS_COLUMNS = (WEEK_STARTING, CRAMPS, "Average cups/day")
NO_WEEKS = "No data for this period."
FLAGS_HEADING = "Warnings raised"
EARLIER_FLAGS = "{count} earlier warnings not shown."
FLAG = "{raised} - {title} ({level})"
RAISED_ON = "{raised:%d %b %Y}"
REPORT_LINE = "{time:%d %b %H:%M}: {summary}"
PERIOD_SPAN = "{first:%d %b} - {last:%d %b %Y}"
GENERATED_AT = "{now:%d %b %Y %H:%M} ({zone})"
MORE_TRIGGERS = "and {count} more"
NO_FLAGS = "None."
PROFILE_HEADING = "Conditions and medications"
WEIGHT_LOSS = "Unexplained weight loss alongside the cramps"
NO_PROFILE = "None recorded."
RECENT_HEADING = "Recent reports"
OLDER_REPORTS = "... and {count} older."
NO_RECENT = "No reports in this period."
QUESTIONS_HEADING = "Questions to raise"
# `pages` is fpdf's alias, replaced by the page count when the document is written.
FOOTER = "Cramp Coach - self-reported, not a diagnosis - page {page}/{pages}"
