"""What the doctor PDF and the charts say; bot.documents lays them out and draws them.

Plain text, drawn with DejaVu Sans: no emoji (bot.documents.drawable would show each as a
mark; a test checks that none of these needs one).
Lines with figures are str.format templates, whole sentences so a translation can reorder.
Dates are Babel's, in the current language (bot.i18n), never strftime's (the process locale).
"""

from datetime import date, datetime

from bot.i18n import N_, NP_, format_date, install

DISCLAIMER = N_(
    "Kept by the patient with the Cramp Coach Telegram bot; self-reported, not a diagnosis."
)

# Our own questions, each drawn from a section of the source articles (../shared/seeds/).
QUESTIONS = (
    # 000 · When to Seek Medical Help (blood tests) and 1. Dehydration and Electrolyte Imbalance.
    N_("Would blood tests for electrolytes (potassium, magnesium, calcium, sodium) make sense?"),
    # 000 · 5. Medications and Medical Conditions ("should prompt a review of medication use").
    N_(
        "Could any of my current medicines (for example diuretics, statins or asthma "
        "medication) cause the cramps, and should they be reviewed?"
    ),
    # 000 · 3. Poor Circulation.
    N_("Should my circulation be checked, for example for peripheral artery disease?"),
    # 000 · 4. Nerve Compression.
    N_(
        "Could a trapped nerve in the spine (herniated disc, spinal stenosis) play a part, "
        "and should it be checked?"
    ),
    # 000 · When to Seek Medical Help (swelling, redness or warmth: DVT).
    N_(
        "If swelling, redness or warmth appears in the area, what should I do and how "
        "quickly (possible deep vein thrombosis)?"
    ),
    # 000 · When to Seek Medical Help (weakness or loss of function: neurology referral).
    N_("If weakness appears, do I need a neurology referral?"),
)

# --- charts -------------------------------------------------------------------------------

NO_DATA = N_("No data yet")
CRAMPS = N_("Cramps")
CUPS = N_("Cups")
CUPS_AXIS = N_("Cups of water")
CRAMPS_PER_WEEK = N_("Cramps per week")
AVERAGE_CUPS = N_("Average cups per day")
WEEK_STARTING = N_("Week starting")
HISTORY_CHART_TITLE = N_("Cramps and water by week")
GOAL = NP_("Goal ({goal} cup)", "Goal ({goal} cups)", "goal")
GOAL_CHANGED = N_("Goal (cups)")  # the goal changed during the period


def day_label(day: date) -> str:
    """'Mon 16'."""
    return format_date(day, "EEE d")


def date_label(day: date, year: bool = False) -> str:
    """'16 Nov' (or '16 Nov 2026')."""
    return format_date(day, "d MMM y" if year else "d MMM")


def raised_on(raised: datetime) -> str:
    """When a warning was raised: '16 Nov 2026'."""
    return format_date(raised, "d MMM y")


def report_time(time: datetime) -> str:
    """A report's local time: '16 Nov 07:30'."""
    return f"{format_date(time, 'd MMM')} {time:%H:%M}"


def period_span(first: date, last: date) -> str:
    """'16 Nov - 22 Nov 2026'."""
    return f"{format_date(first, 'd MMM')} - {format_date(last, 'd MMM y')}"


def generated_at(now: datetime, zone: str) -> str:
    """'22 Nov 2026 18:00 (Europe/Berlin)'."""
    return f"{format_date(now, 'd MMM y')} {now:%H:%M} ({zone})"


# --- PDF ----------------------------------------------------------------------------------

APP_NAME = N_("Cramp Coach")
DOCUMENT_TITLE = N_("Cramp Coach report")
TITLE_FOR = N_("Cramp Coach report for {name}")
PERIOD = N_("Period: {period}")
GENERATED = N_("Generated: {generated}")
REPORTS = N_("Reports in this period: {count}")
WEEKS_HEADING = N_("Cramps by week")
WEEKS_COLUMNS = (WEEK_STARTING, CRAMPS, N_("Average cups/day"))
NO_WEEKS = N_("No data for this period.")
FLAGS_HEADING = N_("Warnings raised")
EARLIER_FLAGS = NP_("{count} earlier warning not shown.", "{count} earlier warnings not shown.")
FLAG = N_("{raised} - {title} ({level})")
REPORT_LINE = N_("{time}: {summary}")
MORE_TRIGGERS = N_("and {count} more")
NO_FLAGS = N_("None.")
PROFILE_HEADING = N_("Conditions and medications")
WEIGHT_LOSS = N_("Unexplained weight loss alongside the cramps")
NO_PROFILE = N_("None recorded.")
RECENT_HEADING = N_("Recent reports")
OLDER_REPORTS = NP_("... and {count} older one.", "... and {count} older.")
NO_RECENT = N_("No reports in this period.")
QUESTIONS_HEADING = N_("Questions to raise")
# `pages` is fpdf's alias, replaced by the page count when the document is written.
FOOTER = N_("Cramp Coach - self-reported, not a diagnosis - page {page}/{pages}")


install(__name__)
