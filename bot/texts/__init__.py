"""Everything the bot says. HTML parse mode: user-supplied text goes through `quote()`."""

from datetime import date, datetime
from html import escape

from core.checklist import BEDTIME_ROUTINE, HOLD_SECONDS, HYDRATION_WHY, MOVEMENT_WHY
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
from core.timeofday import TIME_FORMAT_HELP, format_clock_time
from db.models import User

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
    ("help", "What I can do"),
)

DISCLAIMER = (
    "I'm not a doctor and this is not medical advice. A cramp with swelling, redness or "
    "warmth in the area needs medical attention straight away, and one that lasts longer "
    "than 10 minutes is worth a call to your doctor."
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


def setup_intro() -> str:
    return f"Let's set you up: {SETUP_STEPS} quick taps, each with a default you can keep."


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
        "🚶 Movement: a nudge to stand up and move every hour.\n"
        "🧘 Bedtime stretch: calf, hamstring and thigh stretches before bed."
    )


def reminders_line(user: User) -> str:
    def mark(on: bool) -> str:
        return "on" if on else "off"

    return (
        f"💧 hydration {mark(user.hydration_on)}, 🚶 movement {mark(user.movement_on)}, "
        f"🧘 bedtime stretch {mark(user.stretch_on)}"
    )


def settings_summary(user: User, local_now: datetime) -> str:
    return (
        "<b>Your settings</b>\n"
        f"🌍 Time zone: {escape(user.timezone)} (it's {local_now:%H:%M} there now)\n"
        f"☀️ Wake-up: {format_clock_time(user.wake_time)}\n"
        f"🌙 Bedtime: {format_clock_time(user.bed_time)}\n"
        f"🔔 Reminders: {reminders_line(user)}\n"
        f"📊 Weekly summary: {WEEKDAY_NAMES[user.summary_weekday]} "
        f"{format_clock_time(user.summary_time)}"
    )


def setup_done(user: User, local_now: datetime) -> str:
    return (
        "✅ <b>All set.</b>\n"
        f"{settings_summary(user, local_now)}\n\n"
        f"When a cramp strikes, tap <b>{BUTTON_REPORT_CRAMP}</b> below. "
        "Change anything with /settings; /help lists every command."
    )


def choose_timezone(current: str) -> str:
    return (
        f"🌍 Your time zone is {escape(current)}. Tap a new one, type its name "
        "(like <code>America/New_York</code>), or send your location."
    )


def choose_wake(current: str) -> str:
    return f"☀️ You wake up at {current}. Tap a new time or type one (like 06:45)."


def choose_bed(current: str) -> str:
    return f"🌙 Your bedtime is {current}. Tap a new time or type one (like 00:30)."


def choose_reminders(user: User) -> str:
    return f"🔔 Reminders: {reminders_line(user)}.\nTap to switch one on or off."


def saved_timezone(zone: str, local_now: datetime) -> str:
    return f"🌍 Time zone set to {escape(zone)} (it's {local_now:%H:%M} there now)."


def saved_wake(value: str) -> str:
    return f"☀️ Wake-up time set to {value}."


def saved_bed(value: str) -> str:
    return f"🌙 Bedtime set to {value}."


def location_zone_offer(zone: str) -> str:
    return f"📍 That location is in the {escape(zone)} time zone. Use it?"


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
BAD_TIME = "🤔 “{text}” isn't a time I can use. Send " + escape(TIME_FORMAT_HELP) + "."
NO_ZONE_AT_LOCATION = (
    "📍 I couldn't find a time zone at that spot (out at sea?). "
    "Type your zone instead, like <code>Europe/Berlin</code>."
)
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


def movement_reminder() -> str:
    return f"🚶 <b>Time to move for a couple of minutes.</b>\n<i>{MOVEMENT_WHY}</i>"


def stretch_routine() -> str:
    steps = "\n".join(
        f"{number}. <b>{stretch.name}:</b> {stretch.how}"
        for number, stretch in enumerate(BEDTIME_ROUTINE, start=1)
    )
    return (
        "🧘 <b>Bedtime stretch</b>: about two minutes that can spare you a night cramp.\n"
        f"{steps}\n"
        f"Hold each for about {HOLD_SECONDS} seconds per side. Move slowly: don't bounce or "
        "force it; a stretch should pull, never hurt."
    )


def tip_message(tip: str) -> str:
    return f"💡 <b>Tip</b>\n{tip}"


def water_progress(cups: int, goal: int) -> str:
    if cups >= goal:
        return f"💧 {cups}/{goal} cups today. 🎉 Goal reached, well done!"
    return f"💧 {cups}/{goal} cups today."


def goal_raised(goal: int) -> str:
    return f"🔥 Hot day or exercise: today's goal is now {goal} cups."


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


def snoozed_until(local: datetime) -> str:
    return f"⏰ Snoozed: I'll remind you again at {local:%H:%M}."


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


def movement_days_screen(days: str) -> str:
    return f"🗓 Movement reminders on: {days}. Tap a day to switch it."


def stretch_lead_screen(minutes: int) -> str:
    return f"⏱ The stretch reminder comes {minutes} minutes before bedtime. Change it:"


PAUSE_QUESTION = "⏸ Pause reminders for how long? Cramp logging keeps working."


def paused(until: str) -> str:
    return f"⏸ Reminders paused until {until}. /resume starts them again."


NOT_PAUSED = "▶️ Reminders aren't paused."
RESUMED = "▶️ Reminders are back on."


# --- Cramp diary ---------------------------------------------------------------------

KIND_LABELS = {
    SpasmKind.CRAMP: "Cramp",
    SpasmKind.TWITCH: "Twitch",
    SpasmKind.STIFFNESS: "Stiffness",
}
PLACE_LABELS = {
    Place.CALF: "Calf",
    Place.FOOT: "Foot / toes",
    Place.HAMSTRING: "Hamstring",
    Place.QUADRICEPS: "Thigh (front)",
    Place.BACK: "Back",
    Place.NECK: "Neck",
    Place.ARM: "Hand / arm",
    Place.ABDOMEN: "Abdomen",
    Place.OTHER: "Other",
}
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
    parts = [report.kind.value]
    if report.places:
        parts.append(", ".join(PLACE_LABELS[p].lower() for p in Place if p in report.places))
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


RELIEF = (
    "While it lasts: stretch the muscle gently and hold (for a calf, straighten the leg and "
    "pull your toes toward your shin; don't bounce), massage it firmly, warm it, then walk "
    "a little."
)
URGENT_SWELLING = (
    "🚨 <b>Swelling, redness or warmth with a cramp can mean a blood clot (deep vein "
    "thrombosis). Please get medical attention now</b>, even if the cramp has eased."
)
REPORT_CANCELLED = "Report not saved."
REPORT_ALREADY_SAVED = "This report is already saved."
NO_REPORTS = "No reports yet. When a cramp strikes, tap 🦵 Report cramp."


def bad_cramp_words(unknown: tuple[str, ...], problems: tuple[str, ...], accepted: str) -> str:
    lines = []
    if unknown:
        lines.append(
            "I didn't understand: " + ", ".join(f"“{quote(word, 30)}”" for word in unknown)
        )
    lines += [escape(problem) for problem in problems]
    return "🤔 " + "\n".join(lines) + "\nNothing was saved.\n\n" + escape(accepted)


def history(lines: list[str]) -> str:
    return "<b>Your last reports</b>\n" + "\n".join(lines)


def undo_question(summary: str, local: datetime) -> str:
    return f"Remove your last report, {escape(summary)} ({local:%a %d %b %H:%M})?"


PROFILE_TEXT = (
    "🩺 <b>Your health profile</b> (all optional)\n"
    "Some conditions and medicines make cramps more likely, so they change what I watch "
    "for. Tap to switch; it is only used for your warnings and summaries."
)


def flag_message(title: str, when: str, concern: str, action: str, disclaimer: str) -> str:
    return (
        f"🚩 <b>{escape(title)}</b>\n"
        f"What I noticed: your reports of {escape(when)}.\n"
        f"Why it matters: it can point to {escape(concern)}.\n"
        f"What the guidance says: {escape(action)}\n"
        f"<i>{escape(disclaimer)}</i>"
    )


def flags_list(lines: list[str]) -> str:
    return "<b>Warnings from your reports</b>\n" + "\n".join(lines)


NO_FLAGS = "No warnings so far. I'll tell you if your reports show a pattern worth a doctor's look."
FLAG_ACKNOWLEDGED = "Noted."


# --- Weekly summary, export, forget -------------------------------------------------

CHART_CAPTION = "Daily cramps (bars) and cups of water (line), with your goal (dashed)."
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
