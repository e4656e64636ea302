"""Everything the bot says in chat, and the labels of its buttons. HTML parse mode:
user-supplied text goes through `quote()`.

Pure code returns data and this package turns it into words: medical sentences are in
`medical`, the weekly summary in `weekly_message`, the doctor's PDF in `doctor_report`.
"""

from collections.abc import Sequence
from datetime import date, datetime, time
from html import escape

from bot.callbacks import PauseChoice, SittingPreset
from bot.texts.medical import (
    DISCLAIMER,
    FLAG_DISCLAIMER,
    HYDRATION_WHY,
    MOVEMENT_WHY,
    RELIEF,
    RULE_ACTIONS,
    RULE_CONCERNS,
    RULE_TITLES,
    RULE_URGENT_LEADS,
    SITTING_WHY,
    STRETCH_HOLD,
    STRETCH_HOW,
    STRETCH_INTRO,
    STRETCH_NAMES,
    TIPS,
)
from core.checklist import Stretch, Tip
from core.cramp_parser import AMBIGUOUS, Ambiguity, Problem, Trouble
from core.diary import (
    Condition,
    Context,
    Duration,
    Medication,
    Place,
    Report,
    SpasmKind,
    Symptom,
)
from core.timeofday import WindowProblem, format_clock_time
from db.models import User
from scheduler.planning import ALL_DAYS, Kind

BUTTON_REPORT_CRAMP = "🦵 Report cramp"
BUTTON_WATER = "💧 Drank a cup"
BUTTON_SETTINGS = "⚙️ Settings"
BUTTON_HELP = "❓ Help"

# (command, one-line description): /help and the Telegram command menu both use this.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Welcome and quick setup"),
    ("cramp", "Report a cramp: buttons, or one line like /cramp calf 7 3m night"),
    ("history", "Your last 10 reports"),
    ("undo", "Remove your last report"),
    ("flags", "Warnings raised from your reports"),
    ("profile", "Conditions and medicines that matter for cramps"),
    ("summary", "This week so far; /summary last for the previous week"),
    ("export", "Everything you recorded (CSV) and a report for your doctor (PDF)"),
    ("forget", "Delete everything the bot holds about you"),
    ("water", "Log a cup of water"),
    ("stretch", "The bedtime stretch routine, right now"),
    ("reminders", "Your reminders: next times, on and off"),
    ("pause", "Pause reminders for a while"),
    ("resume", "Resume paused reminders"),
    ("settings", "Your time zone, day and reminders"),
    ("timezone", "Set your time zone, e.g. /timezone Europe/Berlin"),
    ("waketime", "Set when you wake up, e.g. /waketime 07:00"),
    ("bedtime", "Set when you go to bed, e.g. /bedtime 23:30"),
    ("cancel", "Stop what I'm waiting for: setup, a typed answer, a report"),
    ("help", "What I can do"),
)

# What Telegram shows before someone presses Start: in the empty chat (setMyDescription,
# up to 512 characters) and on the bot's profile and in shared links (setMyShortDescription,
# up to 120). Plain text. The reminders are items of 000 · Daily Prevention Checklist; the
# rest says what the bot does, and promises nothing about cramps.
BOT_DESCRIPTION = (
    "I'm Cramp Coach, for people who get muscle cramps and spasms. I remind you of the "
    "prevention checklist (drink water through the day, stand up and move every hour, "
    "stretch before bed), keep a cramp diary you fill in with a few taps, tell you when "
    "your reports show a pattern worth showing a doctor, and send a weekly summary you "
    "can take along.\n\n"
    "I'm not a doctor and this is not medical advice. Press Start to set up in 4 taps."
)
BOT_SHORT_DESCRIPTION = (
    "Reminders to drink, move and stretch, and a cramp diary you can show your doctor. "
    "I'm not a doctor."
)

SETUP_STEPS = 4


def quote(text: str, limit: int = 60) -> str:
    """User text, shortened and escaped, safe to echo back."""
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)


def welcome(first_name: str) -> str:
    return (
        f"👋 <b>Hi {quote(first_name, 40)}, I'm Cramp Coach.</b>\n"
        "I help you get fewer muscle cramps and spasms:\n"
        "• 💧 reminders from the prevention checklist: drink water through the day, "
        "stand up and move every hour, stretch before bed;\n"
        "• 📝 a cramp diary you fill in with a few taps;\n"
        "• 🚩 a heads-up when your reports show a pattern worth showing a doctor;\n"
        "• 📊 a weekly summary you could take to that doctor.\n\n"
        f"<i>{DISCLAIMER}</i>"
    )


def welcome_back(first_name: str) -> str:
    return (
        f"👋 Welcome back, {quote(first_name, 40)}. Your settings are below; "
        "tap one to change it, or see /help."
    )


SETUP_INTRO = f"Let's set you up: {SETUP_STEPS} quick taps, each with a default you can keep."


def step_timezone(current: str) -> str:
    return (
        f"<b>Step 1 of {SETUP_STEPS} · Time zone</b>\n"
        "Tap yours, type its name (like <code>Europe/Berlin</code>), or send your location "
        "(📎 → Location) and I'll look it up.\n"
        f"Default: {escape(current)}."
    )


def step_wake(current: str) -> str:
    return (
        f"<b>Step 2 of {SETUP_STEPS} · Wake-up time</b>\n"
        "When does your day usually start? Tap a time or type one (like 06:45).\n"
        f"Default: {current}."
    )


def step_bed(current: str) -> str:
    return (
        f"<b>Step 3 of {SETUP_STEPS} · Bedtime</b>\n"
        "When do you usually go to bed? After midnight is fine (like 00:30). "
        f"Tap a time or type one.\nDefault: {current}."
    )


def step_reminders() -> str:
    return (
        f"<b>Step 4 of {SETUP_STEPS} · Reminders</b>\n"
        "Tap to switch a reminder on or off, then Done.\n"
        "💧 Hydration: 8 cups of water spread over your day.\n"
        "🚶 Movement: a nudge to stand up and move every hour while you sit "
        "(your sitting hours: the button below).\n"
        "🧘 Bedtime stretch: calf, hamstring and thigh stretches before bed."
    )


# Each kind of reminder's icon and name: switches, /settings and /reminders.
KIND_ICONS = {Kind.HYDRATION: "💧", Kind.MOVEMENT: "🚶", Kind.STRETCH: "🧘", Kind.TIP: "💡"}
KIND_NAMES = {
    Kind.HYDRATION: "Hydration",
    Kind.MOVEMENT: "Movement",
    Kind.STRETCH: "Bedtime stretch",
    Kind.TIP: "Tips",
}

Switches = Sequence[tuple[Kind, bool]]


def reminders_line(switches: Switches) -> str:
    """E.g. "💧 hydration on, 🚶 movement off"."""
    return ", ".join(
        f"{KIND_ICONS[kind]} {KIND_NAMES[kind].lower()} {'on' if on else 'off'}"
        for kind, on in switches
    )


def settings_summary(
    user: User, local_now: datetime, switches: Switches, paused_until: str | None = None
) -> str:
    paused = f"\n⏸ All paused until {paused_until}." if paused_until else ""
    return (
        "<b>Your settings</b>\n"
        f"🌍 Time zone: {escape(user.timezone)} (it's {local_now:%H:%M} there now)\n"
        f"☀️ Wake-up: {format_clock_time(user.wake_time)}\n"
        f"🌙 Bedtime: {format_clock_time(user.bed_time)}\n"
        f"🔔 Reminders: {reminders_line(switches)}{paused}\n"
        f"📊 Weekly summary: {WEEKDAY_NAMES[user.summary_weekday]} "
        f"{format_clock_time(user.summary_time)}"
    )


def setup_done(user: User, local_now: datetime, switches: Switches) -> str:
    return (
        "✅ <b>All set.</b>\n"
        f"{settings_summary(user, local_now, switches)}\n\n"
        f"When a cramp strikes, tap <b>{BUTTON_REPORT_CRAMP}</b> below. "
        "Change anything with /settings; /help lists every command."
    )


def setup_assumed(user: User, local_now: datetime, switches: Switches) -> str:
    """Told once, when someone goes on without finishing setup."""
    return (
        "✅ <b>You're set up</b>, so your reminders can start. Setup wasn't finished, so I "
        "kept what you set and my defaults for the rest:\n"
        f"{settings_summary(user, local_now, switches)}\n\n"
        "If that isn't the time where you are, send /timezone. Change anything with /settings."
    )


def choose_timezone(current: str) -> str:
    return (
        f"🌍 Your time zone is {escape(current)}. Tap a new one, type its name "
        "(like <code>America/New_York</code>), or send your location."
    )


CHOOSE_WAKE = "☀️ You wake up at {time}. Tap a new time or type one (like 06:45)."

CHOOSE_BED = "🌙 Your bedtime is {time}. Tap a new time or type one (like 00:30)."


def choose_reminders(switches: Switches) -> str:
    return f"🔔 Reminders: {reminders_line(switches)}.\nTap to switch one on or off."


SAVED_TIMEZONE = "🌍 Time zone set to {zone} (it's {now:%H:%M} there now)."

SAVED_WAKE = "☀️ Wake-up time set to {time}."

SAVED_BED = "🌙 Bedtime set to {time}."

LOCATION_ZONE_OFFER = "📍 That location is in the {zone} time zone. Use it?"


def help_text() -> str:
    lines = [f"/{command} — {escape(description)}" for command, description in COMMANDS]
    return (
        "<b>What I can do</b>\n"
        + "\n".join(lines)
        + f"\n\nThe buttons under the message box do the most common things.\n<i>{DISCLAIMER}</i>"
    )


CRAMP_UNDONE = "↩️ Removed that cramp report."
CRAMP_ALREADY_GONE = "That report is already removed."

BAD_TIMEZONE = (
    "🤔 “{text}” isn't a time zone I know. Send a name like <code>Europe/Berlin</code> or "
    "<code>America/New_York</code>, tap one in /timezone, or share your location."
)
TIME_FORMAT_HELP = (
    "a time on the 24-hour clock like 07:30 or 23:00 (00:00 to 23:59; 7am and 11:30pm work too)"
)
BAD_TIME = "🤔 “{text}” isn't a time I can use. Send " + escape(TIME_FORMAT_HELP) + "."
WINDOW_PROBLEMS = {WindowProblem.SAME_TIME: "Wake-up time and bedtime can't be the same."}


def window_problem(problem: WindowProblem, wake_changed: bool, other: str) -> str:
    """A wake-up time or bedtime that does not fit the other one (`other`, as HH:MM)."""
    which = "bedtime" if wake_changed else "wake-up time"
    return f"🤔 {WINDOW_PROBLEMS[problem]} Your {which} is {other}."


NO_ZONE_AT_LOCATION = (
    "📍 I couldn't find a time zone at that spot (out at sea?). "
    "Type your zone instead, like <code>Europe/Berlin</code>."
)
# /cancel: what it dropped, each as the end of "Cancelled: ...".
CANCELLED = "✖️ Cancelled: {what}."
CANCELLED_SETUP = "the rest of setup"
CANCELLED_ANSWERS = {
    "timezone": "the time zone I asked you to type",
    "wake": "the wake-up time I asked you to type",
    "bed": "the bedtime I asked you to type",
    "sitting": "the sitting hours I asked you to type",
}
CANCELLED_ANSWER = "the answer I asked you to type"  # a question not in CANCELLED_ANSWERS
CANCELLED_FORM = "the cramp report you were filling in (nothing saved)"
CANCELLED_FORMS = "the {count} cramp reports you were filling in (nothing saved)"
NOTHING_TO_CANCEL = (
    "Nothing to cancel: I'm not waiting for anything from you. "
    "Use the buttons below, or /help for everything I can do."
)


def cancelled(parts: Sequence[str]) -> str:
    """'Cancelled: a, b and c.'"""
    what = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return CANCELLED.format(what=what)


UNEXPECTED_TEXT = "I didn't catch that. Use the buttons below, or /help for everything I can do."
PRIVATE_ONLY = "I only work in a private chat: open a chat with me and send /start."
STALE_BUTTON = "This button no longer works. Try /settings or /help."
STALE_SETUP_BUTTON = "That setup step is done; change it any time in /settings."
NOT_YOURS = "That button isn't for you."
ERROR_REPLY = "😓 Sorry, something went wrong on my side. Please try again in a moment."


# --- Reminders -----------------------------------------------------------------------


def hydration_reminder(cups: int, goal: int) -> str:
    return (
        f"💧 <b>Time for a glass of water.</b> Today so far: {cups}/{goal} cups.\n"
        f"<i>{HYDRATION_WHY}</i>"
    )


MOVEMENT_REMINDER = f"🚶 <b>Time to move for a couple of minutes.</b>\n<i>{MOVEMENT_WHY}</i>"


def stretch_routine() -> str:
    steps = "\n".join(
        f"{number}. <b>{STRETCH_NAMES[stretch]}:</b> {STRETCH_HOW[stretch]}"
        for number, stretch in enumerate(Stretch, start=1)
    )
    return f"{STRETCH_INTRO}\n{steps}\n{STRETCH_HOLD}"


def tip_message(tip: Tip) -> str:
    return f"💡 <b>Tip</b>\n{TIPS[tip]}"


def water_progress(cups: int, goal: int) -> str:
    if cups >= goal:
        return f"💧 {cups}/{goal} cups today. 🎉 Goal reached, well done!"
    return f"💧 {cups}/{goal} cups today."


GOAL_RAISED = "🔥 Hot day or exercise: today's goal is now {goal} cups."

GOAL_ALREADY_RAISED = "Today's goal is already raised."
DAY_IS_OVER = "That day is over; this button no longer applies."
WATER_UNDONE = "↩️ Removed that cup."
WATER_ALREADY_GONE = "That cup is already removed."
REMINDER_GONE = "This reminder no longer exists."
REMINDER_EXPIRED = "This reminder is from an earlier day."
REMINDER_ALREADY_ANSWERED = "Already noted."
ANSWER_CUP = "✅ Cup logged."
ANSWER_SKIP = "Skipped this one."
ANSWER_MOVED = "✅ Nice, logged. Your muscles thank you."
ANSWER_DONE = "✅ Stretch done. Sleep well."
ANSWER_NO_TIPS = "💡 Tips are off; switch them back on in /reminders."
# The follow-up of a report saved as still going (core: FOLLOW_UP_AFTER later).
FOLLOW_UP_QUESTION = (
    "⏱ Ten minutes ago you told me about a cramp that was still going. Is it still going?"
)
STOPPED = "It stopped"
STILL_GOING = "Still going"
ANSWER_STOPPED = "✅ Good, it stopped. Noted."
ANSWER_STILL_GOING = "Noted: it has lasted over 10 minutes. See below."


SNOOZED_UNTIL = "⏰ Snoozed: I'll remind you again at {time:%H:%M}."
ANSWER_SNOOZED = "⏰ Snoozed."

# The question attached, once, to a reminder of a kind someone kept letting pass
# (scheduler/rhythm.py), its buttons and what each answer does.
_LET_PASS = {
    Kind.HYDRATION: "the last few drink reminders",
    Kind.MOVEMENT: "the last few movement reminders",
    Kind.STRETCH: "the last few bedtime stretch reminders",
}


def rhythm_question(kind: Kind) -> str:
    """The lines under a reminder asking whether to keep, have fewer or stop its kind."""
    if kind is Kind.STRETCH:  # never eased off without asking
        return (
            f"🤔 You've let {_LET_PASS[kind]} pass. Keep them as usual, have fewer (every "
            "other evening), or stop them?"
        )
    return (
        f"🤔 You've let {_LET_PASS[kind]} pass, so I'm sending fewer today and tomorrow. "
        "Keep them as usual, have fewer (every other one), or stop them?"
    )


RHYTHM_KEEP = "Keep as usual"
RHYTHM_FEWER = "Fewer"
RHYTHM_STOP = "Stop these"
RHYTHM_KEPT = "👍 Back to the usual rhythm."
RHYTHM_LIGHTER = "👍 Every other one from now on. /reminders brings back all of them."
RHYTHM_STOPPED = "🔕 {name} reminders are off. /reminders switches them back on."
RHYTHM_ALREADY_ANSWERED = "Already noted."
RHYTHM_ALL_AGAIN = "{icon} All {name} reminders again"
RHYTHM_LIGHTER_DETAIL = " · every other one"
RHYTHM_RESTORED = "{name}: every reminder again."


def when(local: datetime, today: date) -> str:
    """A due time in the user's zone: 14:00, tomorrow 07:00, or Tue 15:00."""
    days = (local.date() - today).days
    if days == 0:
        return f"{local:%H:%M}"
    if days == 1:
        return f"tomorrow {local:%H:%M}"
    return f"{local:%a %H:%M}"


def reminders_overview(lines: list[str], paused: str | None) -> str:
    text = "🔔 <b>Your reminders</b>\n" + "\n".join(lines)
    if paused:
        text += f"\n\n⏸ Paused until {paused}. /resume starts them again."
    return text + "\n\nTap to switch one on or off."


def reminder_line(kind: Kind, on: bool, next_time: str | None, detail: str) -> str:
    """One kind in /reminders: "💧 Hydration: on · next 14:00 · 3/8 cups today"."""
    head = f"{KIND_ICONS[kind]} {KIND_NAMES[kind]}"
    if not on:
        return f"{head}: off"
    return f"{head}: on{f' · next {next_time}' if next_time else ''}{detail}"


CUPS_TODAY = " · {cups}/{goal} cups today"

STRETCH_LEAD = " · {minutes} min before bed"

TIPS_DETAIL = " · at most twice a week"
EVERY_DAY = "every day"
NO_DAYS = "no days"


def day_names(mask: int) -> str:
    """Movement days: "every day", "Mon–Fri", "Mon, Wed, Fri" (runs of 3+ with a dash)."""
    if mask == ALL_DAYS:
        return EVERY_DAY
    runs: list[list[int]] = []
    for day in (d for d in range(7) if mask >> d & 1):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        f"{WEEKDAYS[run[0]]}–{WEEKDAYS[run[-1]]}"
        if len(run) >= 3
        else ", ".join(WEEKDAYS[d] for d in run)
        for run in runs
    ]
    return ", ".join(parts) or NO_DAYS


def movement_hours(mask: int, sit_from: time | None, sit_to: time | None) -> str:
    """When movement reminders come: "Mon–Fri 09:00–17:00", "every day, all waking hours"."""
    if sit_from is None or sit_to is None:
        return f"{day_names(mask)}, all waking hours"
    return f"{day_names(mask)} {format_clock_time(sit_from)}–{format_clock_time(sit_to)}"


STRETCH_LEAD_SET = "Stretch reminder: {minutes} min before bed"


def sitting_screen(hours: str, next_nudge: str) -> str:
    return (
        f"🪑 <b>Sitting hours</b>: {hours}.\n{SITTING_WHY}\n{next_nudge}\n\n"
        "Tap a choice or a day, or type your hours (like <code>9-17:30</code>)."
    )


NEXT_NUDGE = "Next movement nudge: {when}."
NO_NUDGE = (
    "⚠️ No movement nudge comes with these: the hours are outside your waking hours, "
    "or no day is on."
)
MOVEMENT_IS_OFF = "Movement reminders are off at the moment."
SITTING_SAVED = "🪑 Sitting hours set: {hours}. {next_nudge}"
BAD_SITTING = (
    "🤔 “{text}” isn't a start and an end I can use. Send your sitting hours like "
    "<code>9-17</code> or <code>08:30–17:30</code>."
)
SITTING_SAME = (
    "🤔 Those hours start and end at the same time. Send a start and an end, like "
    "<code>9-17</code>; for all your waking hours tap “All my waking hours”."
)

STRETCH_LEAD_SCREEN = "⏱ The stretch reminder comes {minutes} minutes before bedtime. Change it:"

PAUSE_QUESTION = "⏸ Pause reminders for how long? Cramp logging keeps working."


PAUSED = "⏸ Reminders paused until {until}. /resume starts them again."

NOT_PAUSED = "▶️ Reminders aren't paused."
RESUMED = "▶️ Reminders are back on."


# --- Cramp diary ---------------------------------------------------------------------

# What a report says, as words in a sentence ("cramp · calf, foot / toes · 7/10");
# buttons show them capitalised.
KIND_WORDS = {
    SpasmKind.CRAMP: "cramp",
    SpasmKind.TWITCH: "twitch",
    SpasmKind.STIFFNESS: "stiffness",
}
PLACE_WORDS = {
    Place.CALF: "calf",
    Place.FOOT: "foot / toes",
    Place.HAMSTRING: "hamstring",
    Place.QUADRICEPS: "thigh (front)",
    Place.BACK: "back",
    Place.NECK: "neck",
    Place.ARM: "hand / arm",
    Place.ABDOMEN: "abdomen",
    Place.OTHER: "other",
}
KIND_LABELS = {kind: word.capitalize() for kind, word in KIND_WORDS.items()}
PLACE_LABELS = {place: word.capitalize() for place, word in PLACE_WORDS.items()}
DURATION_LABELS = {
    Duration.UNDER_1_MIN: "under 1 min",
    Duration.MIN_1_TO_10: "1–10 min",
    Duration.OVER_10_MIN: "over 10 min",
    Duration.STILL_GOING: "still going",
}
CONTEXT_LABELS = {
    Context.JUST_NOW: "just now",
    Context.NIGHT: "in bed / at night",
    Context.EXERCISE: "during exercise",
    Context.REST: "at rest",
    Context.EARLIER: "earlier today",
}
SYMPTOM_LABELS = {
    Symptom.SWELLING: "swelling, redness or warmth",
    Symptom.WEAKNESS: "weakness",
    Symptom.NUMBNESS: "numbness / tingling",
    Symptom.WALKING: "trouble walking or holding things",
    Symptom.INTERRUPTED: "it stopped me doing something",
    Symptom.NO_REASON: "no clear reason for it",
}
CONDITION_LABELS = {
    Condition.DIABETES: "Diabetes",
    Condition.KIDNEY: "Kidney disease",
    Condition.LIVER: "Liver disease",
    Condition.THYROID: "Thyroid disorder",
    Condition.PAD: "Peripheral artery disease",
    Condition.SPINE: "Herniated disc / spinal stenosis",
}
MEDICATION_LABELS = {
    Medication.DIURETIC: "Diuretic",
    Medication.STATIN: "Statin",
    Medication.ASTHMA: "Asthma medication",
}


def _duration_text(report: Report) -> str | None:
    if report.duration_seconds:
        minutes, seconds = divmod(report.duration_seconds, 60)
        hours, minutes = divmod(minutes, 60)
        parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
        parts.append(f"{seconds} s" if seconds and not hours else "")
        return " ".join(part for part in parts if part)
    return DURATION_LABELS[report.duration] if report.duration else None


def report_summary(report: Report) -> str:
    """One line: cramp · calf, foot / toes · 7/10 · 1–10 min · in bed / at night · weakness."""
    parts = [KIND_WORDS[report.kind]]
    if report.places:
        parts.append(", ".join(PLACE_WORDS[p] for p in Place if p in report.places))
    if report.severity:
        parts.append(f"{report.severity}/10")
    if (duration := _duration_text(report)) is not None:
        parts.append(duration)
    if report.context:
        parts.append(CONTEXT_LABELS[report.context])
    parts += [SYMPTOM_LABELS[s] for s in Symptom if s in report.symptoms]
    return " · ".join(parts)


DRAFT_QUESTIONS = {
    "k": "What was it?",
    "p": "Where? Tap every place it hit.",
    "s": "How strong, from 1 (mild) to 10 (worst)?",
    "d": "How long did it last?",
    "w": "When did it happen?",
    "x": "Anything else? Tap all that apply, then Save.",
}


def draft_screen(summary: str | None, step: str) -> str:
    so_far = f"So far: {escape(summary)}\n" if summary else ""
    return (
        f"📝 <b>New report</b>\n{so_far}{DRAFT_QUESTIONS[step]}\n"
        "<i>Save any time: what you filled in is kept.</i>"
    )


def report_saved(summary: str, local: datetime) -> str:
    return f"✅ Saved: {escape(summary)} ({local:%a %H:%M})."


def report_confirmation(
    summary: str, local: datetime, *, urgent: Sequence[str], relief: bool
) -> str:
    """What a saved report is answered with: any urgent warning first, then what was
    saved, then relief while it may still hurt; never relief beside an urgent warning."""
    saved = report_saved(summary, local)
    if urgent:
        return "\n\n".join([*urgent, saved])
    return f"{saved}\n{RELIEF}" if relief else saved


REPORT_CANCELLED = "Report not saved."
REPORT_ALREADY_SAVED = "This report is already saved."
FORM_CLOSED = "This report is already saved or cancelled. Tap 🦵 Report cramp for a new one."
NO_REPORTS = "No reports yet. When a cramp strikes, tap 🦵 Report cramp."


ACCEPTED_HELP = """\
Tell me in one line, words in any order. For example:
/cramp calf 7 3m night

Where: calf, foot or toes, hamstring, thigh (quads), back, neck, hand or arm, belly, other
How bad: a number from 1 to 10, like 7 or 7/10
How long: 30s, 3m, 15 min, 1h30m, 10 minutes, or still going
When: now, night (or bed), exercise (or gym, running, while walking, after a warm-up), \
rest (or sitting), earlier (or today)
Anything else: swelling (or red, warm to the touch), weakness, numbness (or tingling), \
trouble walking or can't grip, stopped me (if it stopped you doing something), \
no reason (if there was no clear reason)
Kind: cramp (the usual), twitch, stiffness"""

# What a line of /cramp got wrong; "several" ones read "two kinds (cramp and twitch)".
_SEVERAL = {
    Trouble.KINDS: "kinds",
    Trouble.CONTEXTS: "contexts",
    Trouble.SEVERITIES: "severities",
    Trouble.DURATIONS: "durations",
}
_OUT_OF_RANGE = {
    Trouble.SEVERITY_RANGE: "severity must be 1 to 10",
    Trouble.ZERO_DURATION: "a duration can't be zero",
    Trouble.LONG_DURATION: "a duration can be 24 hours at most",
}


def listing(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c and 4 more"."""
    if len(items) > 3:
        return f"{', '.join(items[:3])} and {len(items) - 3} more"
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


# How to say each meaning of a word that could mean two things.
_CLEARER = {
    Ambiguity.WALK: "if it came while walking, say “while walking”; if walking is hard, "
    "“trouble walking”",
    Ambiguity.WARM: "if the area is warm, say “warm to the touch”; if it came as you warmed "
    "up, “after a warm-up”",
    Ambiguity.GRIP: "if holding or gripping things is hard, say “can't grip”; leave it out "
    "if you were only holding something",
}


def _clearer(word: str) -> str:
    return _CLEARER[AMBIGUOUS[word.lower()]]


def problem_text(problem: Problem) -> str:
    """E.g. "two severities (7 and 9)" or "severity must be 1 to 10 (got 12)" (plain text)."""
    if problem.trouble is Trouble.AMBIGUOUS:
        return "\n".join(
            f"“{word}” could mean two things: {_clearer(word)}." for word in problem.got
        )
    got = listing([str(value) for value in problem.got])
    if problem.trouble in _SEVERAL:
        count = {2: "two", 3: "three"}.get(len(problem.got), str(len(problem.got)))
        return f"{count} {_SEVERAL[problem.trouble]} ({got})"
    return f"{_OUT_OF_RANGE[problem.trouble]} (got {got})"


def bad_cramp_words(unknown: tuple[str, ...], problems: Sequence[Problem]) -> str:
    lines = []
    if unknown:
        lines.append(
            "I didn't understand: " + ", ".join(f"“{quote(word, 30)}”" for word in unknown)
        )
    lines += [escape(problem_text(problem)) for problem in problems]
    return "🤔 " + "\n".join(lines) + "\nNothing was saved.\n\n" + escape(ACCEPTED_HELP)


def history(lines: list[str]) -> str:
    return "<b>Your last reports</b>\n" + "\n".join(lines)


HISTORY_LINE = "{time:%a %d %b %H:%M} · {summary}"


def undo_question(summary: str, local: datetime) -> str:
    return f"Remove your last report, {escape(summary)} ({local:%a %d %b %H:%M})?"


PROFILE_TEXT = (
    "🩺 <b>Your health profile</b> (all optional)\n"
    "Some conditions and medicines make cramps more likely, so they change what I watch "
    "for. Tap to switch; it is only used for your warnings and summaries."
)


def _noticed(reports: Sequence[datetime]) -> str:
    dates = [f"{local:%a %d %b %H:%M}" for local in reports[:5]]
    more = f" and {len(reports) - 5} more" if len(reports) > 5 else ""
    when = ", ".join(dates) + more if dates else "recent weeks"
    return f"What I noticed: your reports of {escape(when)}."


def flag_message(rule_id: int, reports: Sequence[datetime], earlier: int | None = None) -> str:
    """A warning, with the local times of the reports that raised it (and, for a pattern
    raised again because it grew, how many reports it had then)."""
    grown = f"\nIt has grown since I last raised it: {earlier} reports then." if earlier else ""
    return (
        f"🚩 <b>{escape(RULE_TITLES[rule_id])}</b>\n"
        f"{_noticed(reports)}{grown}\n"
        f"Why it matters: it can point to {escape(RULE_CONCERNS[rule_id])}.\n"
        f"What the guidance says: {escape(RULE_ACTIONS[rule_id])}\n"
        f"<i>{escape(FLAG_DISCLAIMER)}</i>"
    )


def urgent_message(rule_id: int, reports: Sequence[datetime]) -> str:
    """An urgent warning: what to do first, then what raised it, and what the bot is not."""
    lead = RULE_URGENT_LEADS.get(rule_id) or f"🚨 <b>{escape(RULE_ACTIONS[rule_id])}</b>"
    return f"{lead}\n{_noticed(reports)}\n<i>{escape(FLAG_DISCLAIMER)}</i>"


def flags_list(lines: list[str]) -> str:
    warnings = "\n".join(lines)
    return f"<b>Warnings from your reports</b>\n{warnings}\n<i>{escape(FLAG_DISCLAIMER)}</i>"


def flags_line(local: datetime, rule_id: int, *, urgent: bool, new: bool) -> str:
    mark = " · new" if new else ""
    return f"{'🚨' if urgent else '🚩'} {local:%a %d %b}: {RULE_TITLES[rule_id]}{mark}"


NO_FLAGS = "No warnings so far. I'll tell you if your reports show a pattern worth a doctor's look."
FLAG_ACKNOWLEDGED = "Noted."


# --- Weekly summary, export, forget -------------------------------------------------

# /export's CSV: one column per field of any record.
CSV_HEADER = (
    "record", "time", "day", "kind", "places", "severity", "duration", "duration_seconds",
    "context", "symptoms", "source", "response", "rule", "level", "acknowledged",
)  # fmt: skip
SUMMARY_USAGE = "Send /summary for this week so far, or /summary last for the previous week."
EXPORT_READY = (
    "📎 Here is everything you recorded (CSV, times in your zone) and a report for your "
    "doctor covering the last 90 days (PDF)."
)
FORGET_QUESTION = (
    "🗑 This deletes everything I hold about you: settings, reports, cups, reminders and "
    "warnings. It can't be undone. Tip: /export first if you want a copy."
)
FORGET_DONE = "Everything is deleted. If you ever want to start again, send /start."
FORGET_KEPT = "Nothing was deleted."
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def choose_summary(weekday: int, at: str) -> str:
    return (
        f"📊 Your weekly summary comes on {WEEKDAY_NAMES[weekday]} at {at}. "
        "Tap a day or a time to change it."
    )


# --- Button labels ------------------------------------------------------------------------

MENU_PLACEHOLDER = "Tap a button or type /help"
BACK = "« Back"
SKIP_SETUP = "Skip the rest: use defaults"
SETUP_FINISHED = "Done ✓"
ZONE_LABELS = {
    "Europe/London": "London",
    "Europe/Berlin": "Berlin / Paris",
    "Europe/Moscow": "Moscow",
    "America/New_York": "New York",
    "America/Chicago": "Chicago",
    "America/Los_Angeles": "Los Angeles",
    "Asia/Kolkata": "India",
    "Asia/Tokyo": "Tokyo",
    "Australia/Sydney": "Sydney",
    "UTC": "UTC",
}
SETTINGS_TIMEZONE = "🌍 Time zone"
SETTINGS_REMINDERS = "🔔 Reminders"
SETTINGS_WAKE = "☀️ Wake-up"
SETTINGS_BED = "🌙 Bedtime"
SETTINGS_SUMMARY = "📊 Weekly summary"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOT_DAY = "🔥 Hot day / exercise"
DRANK = "💧 Drank a cup"
SKIP = "Skip"
MOVED = "🚶 Moved"
STRETCH_DONE = "✅ Done"
NO_MORE_TIPS = "No more tips"
UNDO = "↩️ Undo"
RESUME = "▶️ Resume"
PAUSE = "⏸ Pause"
SITTING_HOURS = "🪑 Sitting hours"
SITTING_PRESETS = {
    SittingPreset.WEEKDAYS: "Mon–Fri 09:00–17:00",
    SittingPreset.EVERY_DAY: "Every day 09:00–17:00",
    SittingPreset.AWAKE: "All my waking hours",
}
STRETCH_TIMING = "⏱ Stretch timing"
PAUSE_LABELS = {
    PauseChoice.HOUR: "1 hour",
    PauseChoice.TODAY: "Rest of today",
    PauseChoice.MORNING: "Until tomorrow morning",
    PauseChoice.WEEK: "1 week",
}
NEXT = "Next ›"
SKIP_STEP = "Skip ›"
SAVE = "💾 Save"
SAVE_WITHOUT_EXTRAS = "None of these: save"
CANCEL = "✖ Cancel"
CONFIRM_UNDO = "Yes, remove it"
WEIGHT_LOSS = "Unexplained weight loss"
GOT_IT = "✓ Got it"
DELETE_EVERYTHING = "Delete everything"
KEEP_DATA = "Keep my data"


KEEP = "Keep {current}"

USE_ZONE = "Use {zone}"

SNOOZE = "Snooze {minutes} min"


def lead_choice(minutes: int, current: bool) -> str:
    return f"{'• ' if current else ''}{minutes} min"


GOT_IT_FOR = "✓ Got it: {title}"


def tick(on: bool, label: str) -> str:
    """A button that shows a choice: "✅ Calf" when chosen."""
    return f"✅ {label}" if on else label


def switch(on: bool, label: str) -> str:
    """A button that switches something: "✅ Hydration" or "⬜ Hydration"."""
    return f"{'✅' if on else '⬜'} {label}"


# --- Operators ----------------------------------------------------------------------------


# To ADMIN_USER_IDS when an update fails; {summary} is already escaped and redacted.
ADMIN_ERROR = "⚠️ Error handling update {update_id}:\n<code>{summary}</code>"
