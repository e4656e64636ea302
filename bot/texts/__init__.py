"""Everything the bot says in chat, and the labels of its buttons. HTML parse mode:
user-supplied text goes through `quote()`.

Pure code returns data and this package turns it into words: medical sentences are in
`medical`, the weekly summary in `weekly_message`, the doctor's PDF in `doctor_report`.
"""

from collections.abc import Sequence
from datetime import date, datetime, time
from html import escape

from bot.callbacks import PauseChoice, ReminderAction, RhythmChoice, SittingPreset
from bot.i18n import N_, NP_, _, current, format_date, install, ngettext, weekday_names
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
from core.vocabulary import vocabulary
from db.models import User
from scheduler.planning import ALL_DAYS, Kind

BUTTON_REPORT_CRAMP = N_("🦵 Report cramp")
BUTTON_WATER = N_("💧 Drank a cup")
BUTTON_SETTINGS = N_("⚙️ Settings")
BUTTON_HELP = N_("❓ Help")

# (command, one-line description): /help and the Telegram command menu both use this.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Welcome and quick setup")),
    ("cramp", N_("Report a cramp: buttons, or one line like /cramp calf 7 3m night")),
    ("history", N_("Your last 10 reports")),
    ("undo", N_("Remove your last report")),
    ("flags", N_("Warnings raised from your reports")),
    ("profile", N_("Conditions and medicines that matter for cramps")),
    ("summary", N_("This week so far; /summary last for the previous week")),
    ("export", N_("Everything you recorded (CSV) and a report for your doctor (PDF)")),
    ("forget", N_("Delete everything the bot holds about you")),
    ("water", N_("Log a cup of water")),
    ("stretch", N_("The bedtime stretch routine, right now")),
    ("reminders", N_("Your reminders: next times, on and off")),
    ("pause", N_("Pause reminders for a while")),
    ("resume", N_("Resume paused reminders")),
    ("settings", N_("Your time zone, day and reminders")),
    ("timezone", N_("Set your time zone, e.g. /timezone Europe/Berlin")),
    ("waketime", N_("Set when you wake up, e.g. /waketime 07:00")),
    ("bedtime", N_("Set when you go to bed, e.g. /bedtime 23:30")),
    ("cancel", N_("Stop what I'm waiting for: setup, a typed answer, a report")),
    ("language", N_("Choose the language I speak")),
    ("help", N_("What I can do")),
)

# What Telegram shows before someone presses Start: in the empty chat (setMyDescription,
# up to 512 characters) and on the bot's profile and in shared links (setMyShortDescription,
# up to 120). Plain text. The reminders are items of 000 · Daily Prevention Checklist; the
# rest says what the bot does, and promises nothing about cramps.
BOT_DESCRIPTION = N_(
    "I'm Cramp Coach, for people who get muscle cramps and spasms. I remind you of the "
    "prevention checklist (drink water through the day, stand up and move every hour, "
    "stretch before bed), keep a cramp diary you fill in with a few taps, tell you when "
    "your reports show a pattern worth showing a doctor, and send a weekly summary you "
    "can take along.\n\n"
    "I'm not a doctor and this is not medical advice. Press Start to set up in 4 taps."
)
BOT_SHORT_DESCRIPTION = N_(
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
    return _(
        "👋 <b>Hi {name}, I'm Cramp Coach.</b>\n"
        "I help you get fewer muscle cramps and spasms:\n"
        "• 💧 reminders from the prevention checklist: drink water through the day, "
        "stand up and move every hour, stretch before bed;\n"
        "• 📝 a cramp diary you fill in with a few taps;\n"
        "• 🚩 a heads-up when your reports show a pattern worth showing a doctor;\n"
        "• 📊 a weekly summary you could take to that doctor.\n\n"
        "<i>{disclaimer}</i>"
    ).format(name=quote(first_name, 40), disclaimer=_(DISCLAIMER))


def welcome_back(first_name: str) -> str:
    return _(
        "👋 Welcome back, {name}. Your settings are below; tap one to change it, or see /help."
    ).format(name=quote(first_name, 40))


SETUP_INTRO = N_("Let's set you up: 4 quick taps, each with a default you can keep.")


def _step(number: int, title: str) -> str:
    return _("<b>Step {number} of {steps} · {title}</b>").format(
        number=number, steps=SETUP_STEPS, title=title
    )


def step_timezone(current: str) -> str:
    return (
        _step(1, _("Time zone"))
        + "\n"
        + _(
            "Tap yours, type its name (like <code>Europe/Berlin</code>), or send your location "
            "(📎 → Location) and I'll look it up.\nDefault: {zone}."
        ).format(zone=escape(current))
    )


def step_wake(current: str) -> str:
    return (
        _step(2, _("Wake-up time"))
        + "\n"
        + _(
            "When does your day usually start? Tap a time or type one (like 06:45).\n"
            "Default: {time}."
        ).format(time=current)
    )


def step_bed(current: str) -> str:
    return (
        _step(3, _("Bedtime"))
        + "\n"
        + _(
            "When do you usually go to bed? After midnight is fine (like 00:30). "
            "Tap a time or type one.\nDefault: {time}."
        ).format(time=current)
    )


def step_reminders() -> str:
    return (
        _step(4, _("Reminders"))
        + "\n"
        + _(
            "Tap to switch a reminder on or off, then Done.\n"
            "💧 Hydration: 8 cups of water spread over your day.\n"
            "🚶 Movement: a nudge to stand up and move every hour while you sit "
            "(your sitting hours: the button below).\n"
            "🧘 Bedtime stretch: calf, hamstring and thigh stretches before bed."
        )
    )


# Each kind of reminder's icon and name: switches, /settings and /reminders.
KIND_ICONS = {Kind.HYDRATION: "💧", Kind.MOVEMENT: "🚶", Kind.STRETCH: "🧘", Kind.TIP: "💡"}
KIND_NAMES = {
    Kind.HYDRATION: N_("Hydration"),
    Kind.MOVEMENT: N_("Movement"),
    Kind.STRETCH: N_("Bedtime stretch"),
    Kind.TIP: N_("Tips"),
}
# The same in the middle of a sentence ("💧 hydration on, 🚶 movement off").
_KIND_NAMES_IN_LINE = {
    Kind.HYDRATION: N_("hydration"),
    Kind.MOVEMENT: N_("movement"),
    Kind.STRETCH: N_("bedtime stretch"),
    Kind.TIP: N_("tips"),
}

Switches = Sequence[tuple[Kind, bool]]


def reminders_line(switches: Switches) -> str:
    """E.g. "💧 hydration on, 🚶 movement off"."""
    return ", ".join(
        (_("{icon} {name} on") if on else _("{icon} {name} off")).format(
            icon=KIND_ICONS[kind], name=_(_KIND_NAMES_IN_LINE[kind])
        )
        for kind, on in switches
    )


def settings_summary(
    user: User, local_now: datetime, switches: Switches, paused_until: str | None = None
) -> str:
    paused = (
        "\n" + _("⏸ All paused until {until}.").format(until=paused_until) if paused_until else ""
    )
    return _(
        "<b>Your settings</b>\n"
        "🌍 Time zone: {zone} (it's {now} there now)\n"
        "☀️ Wake-up: {wake}\n"
        "🌙 Bedtime: {bed}\n"
        "🔔 Reminders: {reminders}{paused}\n"
        "📊 Weekly summary: {weekday} {time}"
    ).format(
        zone=escape(user.timezone),
        now=f"{local_now:%H:%M}",
        wake=format_clock_time(user.wake_time),
        bed=format_clock_time(user.bed_time),
        reminders=reminders_line(switches),
        paused=paused,
        weekday=weekday_names()[user.summary_weekday],
        time=format_clock_time(user.summary_time),
    )


def setup_done(user: User, local_now: datetime, switches: Switches) -> str:
    return _(
        "✅ <b>All set.</b>\n{settings}\n\n"
        "When a cramp strikes, tap <b>{button}</b> below. "
        "Change anything with /settings; /help lists every command."
    ).format(settings=settings_summary(user, local_now, switches), button=_(BUTTON_REPORT_CRAMP))


def setup_assumed(user: User, local_now: datetime, switches: Switches) -> str:
    """Told once, when someone goes on without finishing setup."""
    return _(
        "✅ <b>You're set up</b>, so your reminders can start. Setup wasn't finished, so I "
        "kept what you set and my defaults for the rest:\n{settings}\n\n"
        "If that isn't the time where you are, send /timezone. Change anything with /settings."
    ).format(settings=settings_summary(user, local_now, switches))


def choose_timezone(current: str) -> str:
    return _(
        "🌍 Your time zone is {zone}. Tap a new one, type its name "
        "(like <code>America/New_York</code>), or send your location."
    ).format(zone=escape(current))


CHOOSE_WAKE = N_("☀️ You wake up at {time}. Tap a new time or type one (like 06:45).")

CHOOSE_BED = N_("🌙 Your bedtime is {time}. Tap a new time or type one (like 00:30).")


def choose_reminders(switches: Switches) -> str:
    return _("🔔 Reminders: {reminders}.\nTap to switch one on or off.").format(
        reminders=reminders_line(switches)
    )


SAVED_TIMEZONE = N_("🌍 Time zone set to {zone} (it's {now:%H:%M} there now).")

SAVED_WAKE = N_("☀️ Wake-up time set to {time}.")

SAVED_BED = N_("🌙 Bedtime set to {time}.")

LOCATION_ZONE_OFFER = N_("📍 That location is in the {zone} time zone. Use it?")


def help_text() -> str:
    lines = [f"/{command} — {escape(_(description))}" for command, description in COMMANDS]
    return _(
        "<b>What I can do</b>\n{commands}\n\n"
        "The buttons under the message box do the most common things.\n<i>{disclaimer}</i>"
    ).format(commands="\n".join(lines), disclaimer=_(DISCLAIMER))


CRAMP_UNDONE = N_("↩️ Removed that cramp report.")
CRAMP_ALREADY_GONE = N_("That report is already removed.")

BAD_TIMEZONE = N_(
    "🤔 “{text}” isn't a time zone I know. Send a name like <code>Europe/Berlin</code> or "
    "<code>America/New_York</code>, tap one in /timezone, or share your location."
)
# TRANSLATORS: times are also understood in local forms (core/timeofday.py): "7 Uhr",
# "19h", "19 h 30", "7 ч"; name the ones of your language instead of "7am and 11:30pm".
BAD_TIME = N_(
    "🤔 “{text}” isn't a time I can use. Send a time on the 24-hour clock like 07:30 or "
    "23:00 (00:00 to 23:59; 7am and 11:30pm work too)."
)
WINDOW_PROBLEMS = {WindowProblem.SAME_TIME: N_("Wake-up time and bedtime can't be the same.")}


def window_problem(problem: WindowProblem, wake_changed: bool, other: str) -> str:
    """A wake-up time or bedtime that does not fit the other one (`other`, as HH:MM)."""
    mine = _("Your bedtime is {time}.") if wake_changed else _("Your wake-up time is {time}.")
    return f"🤔 {_(WINDOW_PROBLEMS[problem])} {mine.format(time=other)}"


NO_ZONE_AT_LOCATION = N_(
    "📍 I couldn't find a time zone at that spot (out at sea?). "
    "Type your zone instead, like <code>Europe/Berlin</code>."
)
# /cancel: what it dropped, each as the end of "Cancelled: ...".
# TRANSLATORS: {what} is one or more of the phrases below, joined ("a, b and c").
CANCELLED = N_("✖️ Cancelled: {what}.")
CANCELLED_SETUP = N_("the rest of setup")
CANCELLED_ANSWERS = {
    "timezone": N_("the time zone I asked you to type"),
    "wake": N_("the wake-up time I asked you to type"),
    "bed": N_("the bedtime I asked you to type"),
    "sitting": N_("the sitting hours I asked you to type"),
}
CANCELLED_ANSWER = N_("the answer I asked you to type")  # a question not in CANCELLED_ANSWERS
CANCELLED_FORM = N_("the cramp report you were filling in (nothing saved)")
CANCELLED_FORMS = NP_(
    "the {count} cramp report you were filling in (nothing saved)",
    "the {count} cramp reports you were filling in (nothing saved)",
)  # 2 or more
NOTHING_TO_CANCEL = N_(
    "Nothing to cancel: I'm not waiting for anything from you. "
    "Use the buttons below, or /help for everything I can do."
)


def cancelled(parts: Sequence[str]) -> str:
    """'Cancelled: a, b and c.'"""
    what = parts[0] if len(parts) == 1 else listing(parts)
    return _(CANCELLED).format(what=what)


UNEXPECTED_TEXT = N_(
    "I didn't catch that. Use the buttons below, or /help for everything I can do."
)
PRIVATE_ONLY = N_("I only work in a private chat: open a chat with me and send /start.")
STALE_BUTTON = N_("This button no longer works. Try /settings or /help.")
STALE_SETUP_BUTTON = N_("That setup step is done; change it any time in /settings.")
NOT_YOURS = N_("That button isn't for you.")

# /language. {language} is the language's name in itself (English, Русский, ...).
LANGUAGE_QUESTION = N_("🌐 I speak {language} with you. Tap another language to switch.")
# TRANSLATORS: said in the language just chosen.
LANGUAGE_SET = N_("🌐 Done: from now on I speak {language} with you.")
ERROR_REPLY = N_("😓 Sorry, something went wrong on my side. Please try again in a moment.")


# --- Reminders -----------------------------------------------------------------------


def hydration_reminder(cups: int, goal: int) -> str:
    return ngettext(
        "💧 <b>Time for a glass of water.</b> Today so far: {cups}/{goal} cup.\n<i>{why}</i>",
        "💧 <b>Time for a glass of water.</b> Today so far: {cups}/{goal} cups.\n<i>{why}</i>",
        goal,
    ).format(cups=cups, goal=goal, why=_(HYDRATION_WHY))


def _movement_reminder() -> str:
    return _("🚶 <b>Time to move for a couple of minutes.</b>\n<i>{why}</i>").format(
        why=_(MOVEMENT_WHY)
    )


MOVEMENT_REMINDER = _movement_reminder()  # English here; read as texts.MOVEMENT_REMINDER


def stretch_routine() -> str:
    steps = "\n".join(
        f"{number}. <b>{_(STRETCH_NAMES[stretch])}:</b> {_(STRETCH_HOW[stretch])}"
        for number, stretch in enumerate(Stretch, start=1)
    )
    return f"{_(STRETCH_INTRO)}\n{steps}\n{_(STRETCH_HOLD)}"


def tip_message(tip: Tip) -> str:
    return _("💡 <b>Tip</b>\n{tip}").format(tip=_(TIPS[tip]))


def water_progress(cups: int, goal: int) -> str:
    if cups >= goal:
        return ngettext(
            "💧 {cups}/{goal} cup today. 🎉 Goal reached, well done!",
            "💧 {cups}/{goal} cups today. 🎉 Goal reached, well done!",
            goal,
        ).format(cups=cups, goal=goal)
    return ngettext("💧 {cups}/{goal} cup today.", "💧 {cups}/{goal} cups today.", goal).format(
        cups=cups, goal=goal
    )


GOAL_RAISED = NP_(
    "🔥 Hot day or exercise: today's goal is now {goal} cup.",
    "🔥 Hot day or exercise: today's goal is now {goal} cups.",
    "goal",
)

GOAL_ALREADY_RAISED = N_("Today's goal is already raised.")
DAY_IS_OVER = N_("That day is over; this button no longer applies.")
WATER_UNDONE = N_("↩️ Removed that cup.")
WATER_ALREADY_GONE = N_("That cup is already removed.")
REMINDER_GONE = N_("This reminder no longer exists.")
REMINDER_EXPIRED = N_("This reminder is from an earlier day.")
REMINDER_ALREADY_ANSWERED = N_("Already noted.")
ANSWER_CUP = N_("✅ Cup logged.")
ANSWER_SKIP = N_("Skipped this one.")
ANSWER_MOVED = N_("✅ Nice, logged. Your muscles thank you.")
ANSWER_DONE = N_("✅ Stretch done. Sleep well.")
ANSWER_NO_TIPS = N_("💡 Tips are off; switch them back on in /reminders.")
# The follow-up of a report saved as still going (core: FOLLOW_UP_AFTER later).
FOLLOW_UP_QUESTION = N_(
    "⏱ Ten minutes ago you told me about a cramp that was still going. Is it still going?"
)
STOPPED = N_("It stopped")
STILL_GOING = N_("Still going")
ANSWER_STOPPED = N_("✅ Good, it stopped. Noted.")
ANSWER_STILL_GOING = N_("Noted: it has lasted over 10 minutes. See below.")


SNOOZED_UNTIL = N_("⏰ Snoozed: I'll remind you again at {time:%H:%M}.")
ANSWER_SNOOZED = N_("⏰ Snoozed.")

# The question attached, once, to a reminder of a kind someone kept letting pass
# (scheduler/rhythm.py), its buttons and what each answer does.
_LET_PASS = {
    Kind.HYDRATION: N_("the last few drink reminders"),
    Kind.MOVEMENT: N_("the last few movement reminders"),
    Kind.STRETCH: N_("the last few bedtime stretch reminders"),
}


def rhythm_question(kind: Kind) -> str:
    """The lines under a reminder asking whether to keep, have fewer or stop its kind."""
    if kind is Kind.STRETCH:  # never eased off without asking
        return _(
            "🤔 You've let {reminders} pass. Keep them as usual, have fewer (every "
            "other evening), or stop them?"
        ).format(reminders=_(_LET_PASS[kind]))
    return _(
        "🤔 You've let {reminders} pass, so I'm sending fewer today and tomorrow. "
        "Keep them as usual, have fewer (every other one), or stop them?"
    ).format(reminders=_(_LET_PASS[kind]))


RHYTHM_KEEP = N_("Keep as usual")
RHYTHM_FEWER = N_("Fewer")
RHYTHM_STOP = N_("Stop these")
RHYTHM_KEPT = N_("👍 Back to the usual rhythm.")
RHYTHM_LIGHTER = N_("👍 Every other one from now on. /reminders brings back all of them.")
RHYTHM_STOPPED = N_("🔕 {name} reminders are off. /reminders switches them back on.")
RHYTHM_ALREADY_ANSWERED = N_("Already noted.")
RHYTHM_ALL_AGAIN = N_("{icon} All {name} reminders again")
# TRANSLATORS: the texts starting " · " are added to the end of a line: keep the space.
RHYTHM_LIGHTER_DETAIL = N_(" · every other one")
RHYTHM_RESTORED = N_("{name}: every reminder again.")


def when(local: datetime, today: date) -> str:
    """A due time in the user's zone: 14:00, tomorrow 07:00, or Tue 15:00."""
    days = (local.date() - today).days
    if days == 0:
        return f"{local:%H:%M}"
    if days == 1:
        return _("tomorrow {time}").format(time=f"{local:%H:%M}")
    return f"{format_date(local, 'EEE')} {local:%H:%M}"


def reminders_overview(lines: list[str], paused: str | None) -> str:
    text = "🔔 <b>" + _("Your reminders") + "</b>\n" + "\n".join(lines)
    if paused:
        text += "\n\n" + _("⏸ Paused until {until}. /resume starts them again.").format(
            until=paused
        )
    return text + "\n\n" + _("Tap to switch one on or off.")


def reminder_line(
    kind: Kind, on: bool, next_time: str | None, detail: str, held_until: str | None = None
) -> str:
    """One kind in /reminders: "💧 Hydration: on · next 14:00 · 3/8 cups today", or for a
    kind held after a possible clot, "held until Mon 09:00" in place of its next time."""
    head = f"{KIND_ICONS[kind]} {_(KIND_NAMES[kind])}"
    if not on:
        return _("{kind}: off").format(kind=head)
    if held_until:
        next_ = " · " + _("held until {time}").format(time=held_until)
    else:
        next_ = " · " + _("next {time}").format(time=next_time) if next_time else ""
    return _("{kind}: on").format(kind=head) + next_ + detail


CUPS_TODAY = NP_(" · {cups}/{goal} cup today", " · {cups}/{goal} cups today", "goal")

STRETCH_LEAD = N_(" · {minutes} min before bed")

TIPS_DETAIL = N_(" · at most twice a week")
EVERY_DAY = N_("every day")
NO_DAYS = N_("no days")


def day_names(mask: int) -> str:
    """Movement days: "every day", "Mon–Fri", "Mon, Wed, Fri" (runs of 3+ with a dash)."""
    if mask == ALL_DAYS:
        return _(EVERY_DAY)
    weekdays = weekday_names("abbreviated")
    runs: list[list[int]] = []
    for day in (d for d in range(7) if mask >> d & 1):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        f"{weekdays[run[0]]}–{weekdays[run[-1]]}"
        if len(run) >= 3
        else ", ".join(weekdays[d] for d in run)
        for run in runs
    ]
    return ", ".join(parts) or _(NO_DAYS)


def movement_hours(mask: int, sit_from: time | None, sit_to: time | None) -> str:
    """When movement reminders come: "Mon–Fri 09:00–17:00", "every day, all waking hours"."""
    if sit_from is None or sit_to is None:
        return _("{days}, all waking hours").format(days=day_names(mask))
    return f"{day_names(mask)} {format_clock_time(sit_from)}–{format_clock_time(sit_to)}"


STRETCH_LEAD_SET = N_("Stretch reminder: {minutes} min before bed")


def sitting_screen(hours: str, next_nudge: str) -> str:
    return _(
        "🪑 <b>Sitting hours</b>: {hours}.\n{why}\n{next_nudge}\n\n"
        "Tap a choice or a day, or type your hours (like <code>9-17:30</code>)."
    ).format(hours=hours, why=_(SITTING_WHY), next_nudge=next_nudge)


NEXT_NUDGE = N_("Next movement nudge: {when}.")
NO_NUDGE = N_(
    "⚠️ No movement nudge comes with these: the hours are outside your waking hours, "
    "or no day is on."
)
MOVEMENT_IS_OFF = N_("Movement reminders are off at the moment.")
SITTING_SAVED = N_("🪑 Sitting hours set: {hours}. {next_nudge}")
BAD_SITTING = N_(
    "🤔 “{text}” isn't a start and an end I can use. Send your sitting hours like "
    "<code>9-17</code> or <code>08:30–17:30</code>."
)
SITTING_SAME = N_(
    "🤔 Those hours start and end at the same time. Send a start and an end, like "
    "<code>9-17</code>; for all your waking hours tap “All my waking hours”."
)

STRETCH_LEAD_SCREEN = N_(
    "⏱ The stretch reminder comes {minutes} minutes before bedtime. Change it:"
)

PAUSE_QUESTION = N_("⏸ Pause reminders for how long? Cramp logging keeps working.")


PAUSED = N_("⏸ Reminders paused until {until}. /resume starts them again.")

NOT_PAUSED = N_("▶️ Reminders aren't paused.")
RESUMED = N_("▶️ Reminders are back on.")


# --- Cramp diary ---------------------------------------------------------------------

# What a report says, as words in a sentence ("cramp · calf, foot / toes · 7/10");
# buttons show them capitalised.
KIND_WORDS = {
    SpasmKind.CRAMP: N_("cramp"),
    SpasmKind.TWITCH: N_("twitch"),
    SpasmKind.STIFFNESS: N_("stiffness"),
}
PLACE_WORDS = {
    Place.CALF: N_("calf"),
    Place.FOOT: N_("foot / toes"),
    Place.HAMSTRING: N_("hamstring"),
    Place.QUADRICEPS: N_("thigh (front)"),
    Place.BACK: N_("back"),
    Place.NECK: N_("neck"),
    Place.ARM: N_("hand / arm"),
    Place.ABDOMEN: N_("abdomen"),
    Place.OTHER: N_("other"),
}
KIND_LABELS = {
    SpasmKind.CRAMP: N_("Cramp"),
    SpasmKind.TWITCH: N_("Twitch"),
    SpasmKind.STIFFNESS: N_("Stiffness"),
}
PLACE_LABELS = {
    Place.CALF: N_("Calf"),
    Place.FOOT: N_("Foot / toes"),
    Place.HAMSTRING: N_("Hamstring"),
    Place.QUADRICEPS: N_("Thigh (front)"),
    Place.BACK: N_("Back"),
    Place.NECK: N_("Neck"),
    Place.ARM: N_("Hand / arm"),
    Place.ABDOMEN: N_("Abdomen"),
    Place.OTHER: N_("Other"),
}
DURATION_LABELS = {
    Duration.UNDER_1_MIN: N_("under 1 min"),
    Duration.MIN_1_TO_10: N_("1–10 min"),
    Duration.OVER_10_MIN: N_("over 10 min"),
    Duration.STILL_GOING: N_("still going"),
}
CONTEXT_LABELS = {
    Context.JUST_NOW: N_("just now"),
    Context.NIGHT: N_("in bed / at night"),
    Context.EXERCISE: N_("during exercise"),
    Context.REST: N_("at rest"),
    Context.EARLIER: N_("earlier today"),
}
SYMPTOM_LABELS = {
    Symptom.SWELLING: N_("swelling, redness or warmth"),
    Symptom.WEAKNESS: N_("weakness"),
    Symptom.NUMBNESS: N_("numbness / tingling"),
    Symptom.WALKING: N_("trouble walking or holding things"),
    Symptom.INTERRUPTED: N_("it stopped me doing something"),
    Symptom.NO_REASON: N_("no clear reason for it"),
}
CONDITION_LABELS = {
    Condition.DIABETES: N_("Diabetes"),
    Condition.KIDNEY: N_("Kidney disease"),
    Condition.LIVER: N_("Liver disease"),
    Condition.THYROID: N_("Thyroid disorder"),
    Condition.PAD: N_("Peripheral artery disease"),
    Condition.SPINE: N_("Herniated disc / spinal stenosis"),
}
MEDICATION_LABELS = {
    Medication.DIURETIC: N_("Diuretic"),
    Medication.STATIN: N_("Statin"),
    Medication.ASTHMA: N_("Asthma medication"),
}


def _duration_text(report: Report) -> str | None:
    if report.duration_seconds:
        minutes, seconds = divmod(report.duration_seconds, 60)
        hours, minutes = divmod(minutes, 60)
        parts = [
            _("{hours} h").format(hours=hours) if hours else "",
            _("{minutes} min").format(minutes=minutes) if minutes else "",
            _("{seconds} s").format(seconds=seconds) if seconds and not hours else "",
        ]
        return " ".join(part for part in parts if part)
    return _(DURATION_LABELS[report.duration]) if report.duration else None


def report_summary(report: Report) -> str:
    """One line: cramp · calf, foot / toes · 7/10 · 1–10 min · in bed / at night · weakness."""
    parts = [_(KIND_WORDS[report.kind])]
    if report.places:
        parts.append(", ".join(_(PLACE_WORDS[p]) for p in Place if p in report.places))
    if report.severity:
        parts.append(f"{report.severity}/10")
    if (duration := _duration_text(report)) is not None:
        parts.append(duration)
    if report.context:
        parts.append(_(CONTEXT_LABELS[report.context]))
    parts += [_(SYMPTOM_LABELS[s]) for s in Symptom if s in report.symptoms]
    return " · ".join(parts)


DRAFT_QUESTIONS = {
    "k": N_("What was it?"),
    "p": N_("Where? Tap every place it hit."),
    "s": N_("How strong, from 1 (mild) to 10 (worst)?"),
    "d": N_("How long did it last?"),
    "w": N_("When did it happen?"),
    "x": N_("Anything else? Tap all that apply, then Save."),
}


def draft_screen(summary: str | None, step: str) -> str:
    so_far = _("So far: {summary}").format(summary=escape(summary)) + "\n" if summary else ""
    return _(
        "📝 <b>New report</b>\n{so_far}{question}\n"
        "<i>Save any time: what you filled in is kept.</i>"
    ).format(so_far=so_far, question=_(DRAFT_QUESTIONS[step]))


def report_saved(summary: str, local: datetime) -> str:
    return _("✅ Saved: {summary} ({time}).").format(
        summary=escape(summary), time=f"{format_date(local, 'EEE')} {local:%H:%M}"
    )


def report_confirmation(
    summary: str, local: datetime, *, urgent: Sequence[str], relief: bool
) -> str:
    """What a saved report is answered with: any urgent warning first, then what was
    saved, then relief while it may still hurt; never relief beside an urgent warning."""
    saved = report_saved(summary, local)
    if urgent:
        return "\n\n".join([*urgent, saved])
    return f"{saved}\n{_(RELIEF)}" if relief else saved


REPORT_CANCELLED = N_("Report not saved.")
REPORT_ALREADY_SAVED = N_("This report is already saved.")
FORM_CLOSED = N_("This report is already saved or cancelled. Tap 🦵 Report cramp for a new one.")
NO_REPORTS = N_("No reports yet. When a cramp strikes, tap 🦵 Report cramp.")


# TRANSLATORS: the words here must be words core/vocabulary/<language>.py understands.
ACCEPTED_HELP = N_(
    "Tell me in one line, words in any order. For example:\n"
    "/cramp calf 7 3m night\n"
    "\n"
    "Where: calf, foot or toes, hamstring, thigh (quads), back, neck, hand or arm, belly, other\n"
    "How bad: a number from 1 to 10, like 7 or 7/10\n"
    "How long: 30s, 3m, 15 min, 1h30m, 10 minutes, or still going\n"
    "When: now, night (or bed), exercise (or gym, running, while walking, after a warm-up), "
    "rest (or sitting), earlier (or today)\n"
    "Anything else: swelling (or red, warm to the touch), weakness, numbness (or tingling), "
    "trouble walking or can't grip, stopped me (if it stopped you doing something), "
    "no reason (if there was no clear reason)\n"
    "Kind: cramp (the usual), twitch, stiffness"
)

# What a line of /cramp got wrong; "several" ones read "two kinds (cramp and twitch)".
_SEVERAL = {
    Trouble.KINDS: (
        # TRANSLATORS: {got} lists what was given, e.g. "cramp and twitch", "7 and 9".
        N_("two kinds ({got})"),
        N_("three kinds ({got})"),
        N_("{count} kinds ({got})"),
    ),
    Trouble.CONTEXTS: (
        N_("two contexts ({got})"),
        N_("three contexts ({got})"),
        N_("{count} contexts ({got})"),
    ),
    Trouble.SEVERITIES: (
        N_("two severities ({got})"),
        N_("three severities ({got})"),
        N_("{count} severities ({got})"),
    ),
    Trouble.DURATIONS: (
        N_("two durations ({got})"),
        N_("three durations ({got})"),
        N_("{count} durations ({got})"),
    ),
}
_OUT_OF_RANGE = {
    Trouble.SEVERITY_RANGE: N_("severity must be 1 to 10"),
    Trouble.ZERO_DURATION: N_("a duration can't be zero"),
    Trouble.LONG_DURATION: N_("a duration can be 24 hours at most"),
}


def listing(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c and 4 more"."""
    if len(items) > 3:
        return _("{items} and {count} more").format(
            items=", ".join(items[:3]), count=len(items) - 3
        )
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


# How to say each meaning of a word that could mean two things.
_CLEARER = {
    Ambiguity.WALK: N_(
        "if it came while walking, say “while walking”; if walking is hard, “trouble walking”"
    ),
    Ambiguity.WARM: N_(
        "if the area is warm, say “warm to the touch”; if it came as you warmed "
        "up, “after a warm-up”"
    ),
    Ambiguity.GRIP: N_(
        "if holding or gripping things is hard, say “can't grip”; leave it out "
        "if you were only holding something"
    ),
}


def _clearer(word: str) -> str:
    words = vocabulary(current())
    ambiguity = words.ambiguous_keys.get(words.key(word)) or AMBIGUOUS[word.lower()]
    return _(_CLEARER[ambiguity])


def problem_text(problem: Problem) -> str:
    """E.g. "two severities (7 and 9)" or "severity must be 1 to 10 (got 12)" (plain text)."""
    if problem.trouble is Trouble.AMBIGUOUS:
        return "\n".join(
            _("“{word}” could mean two things: {meanings}.").format(
                word=word, meanings=_clearer(word)
            )
            for word in problem.got
        )
    got = listing([str(value) for value in problem.got])
    if problem.trouble in _SEVERAL:
        two, three, more = _SEVERAL[problem.trouble]
        count = len(problem.got)
        return _({2: two, 3: three}.get(count, more)).format(count=count, got=got)
    return _("{problem} (got {got})").format(problem=_(_OUT_OF_RANGE[problem.trouble]), got=got)


def bad_cramp_words(unknown: tuple[str, ...], problems: Sequence[Problem]) -> str:
    lines = []
    if unknown:
        lines.append(
            _("I didn't understand: {words}").format(
                words=", ".join(f"“{quote(word, 30)}”" for word in unknown)
            )
        )
    lines += [escape(problem_text(problem)) for problem in problems]
    nothing = _("Nothing was saved.")
    return "🤔 " + "\n".join(lines) + f"\n{nothing}\n\n" + escape(_(ACCEPTED_HELP))


def history(lines: list[str]) -> str:
    return "<b>" + _("Your last reports") + "</b>\n" + "\n".join(lines)


def short_time(local: datetime) -> str:
    """A moment in the user's week: "Tue 17 Nov 07:30"."""
    return f"{format_date(local, 'EEE d MMM')} {local:%H:%M}"


HISTORY_LINE = N_("{time} · {summary}")


def undo_question(summary: str, local: datetime) -> str:
    return _("Remove your last report, {summary} ({time})?").format(
        summary=escape(summary), time=short_time(local)
    )


PROFILE_TEXT = N_(
    "🩺 <b>Your health profile</b> (all optional)\n"
    "Some conditions and medicines make cramps more likely, so they change what I watch "
    "for. Tap to switch; it is only used for your warnings and summaries."
)


def _noticed(reports: Sequence[datetime]) -> str:
    dates = [short_time(local) for local in reports[:5]]
    if not dates:
        return _("What I noticed: your reports of recent weeks.")
    when = (
        listing(dates)
        if len(reports) <= 5
        else _("{items} and {count} more").format(items=", ".join(dates), count=len(reports) - 5)
    )
    return _("What I noticed: your reports of {when}.").format(when=escape(when))


def flag_message(rule_id: int, reports: Sequence[datetime], earlier: int | None = None) -> str:
    """A warning, with the local times of the reports that raised it (and, for a pattern
    raised again because it grew, how many reports it had then)."""
    grown = (
        "\n"
        + ngettext(
            "It has grown since I last raised it: {count} report then.",
            "It has grown since I last raised it: {count} reports then.",
            earlier,
        ).format(count=earlier)
        if earlier
        else ""
    )
    return _(
        "🚩 <b>{title}</b>\n"
        "{noticed}{grown}\n"
        "Why it matters: it can point to {concern}.\n"
        "What the guidance says: {action}\n"
        "<i>{disclaimer}</i>"
    ).format(
        title=escape(_(RULE_TITLES[rule_id])),
        noticed=_noticed(reports),
        grown=grown,
        concern=escape(_(RULE_CONCERNS[rule_id])),
        action=escape(_(RULE_ACTIONS[rule_id])),
        disclaimer=escape(_(FLAG_DISCLAIMER)),
    )


def urgent_message(rule_id: int, reports: Sequence[datetime]) -> str:
    """An urgent warning: what to do first, then what raised it, and what the bot is not."""
    lead = RULE_URGENT_LEADS.get(rule_id)
    lead = _(lead) if lead else f"🚨 <b>{escape(_(RULE_ACTIONS[rule_id]))}</b>"
    return f"{lead}\n{_noticed(reports)}\n<i>{escape(_(FLAG_DISCLAIMER))}</i>"


def flags_list(lines: list[str]) -> str:
    warnings = "\n".join(lines)
    return _("<b>Warnings from your reports</b>\n{warnings}\n<i>{disclaimer}</i>").format(
        warnings=warnings, disclaimer=escape(_(FLAG_DISCLAIMER))
    )


def flags_line(local: datetime, rule_id: int, *, urgent: bool, new: bool) -> str:
    mark = " · " + _("new") if new else ""
    day = format_date(local, "EEE d MMM")
    return f"{'🚨' if urgent else '🚩'} {day}: {_(RULE_TITLES[rule_id])}{mark}"


NO_FLAGS = N_(
    "No warnings so far. I'll tell you if your reports show a pattern worth a doctor's look."
)
FLAG_ACKNOWLEDGED = N_("Noted.")


# --- Weekly summary, export, forget -------------------------------------------------

# /export's CSV: one column per field of any record.
CSV_HEADER = (
    # TRANSLATORS: the CSV export's column names: one lower-case word each, "_" for spaces.
    N_("record"), N_("time"), N_("day"), N_("kind"), N_("places"), N_("severity"),
    N_("duration"), N_("duration_seconds"), N_("context"), N_("symptoms"), N_("source"),
    N_("response"), N_("rule"), N_("level"), N_("acknowledged"),
)  # fmt: skip
SUMMARY_USAGE = N_("Send /summary for this week so far, or /summary last for the previous week.")
EXPORT_READY = N_(
    "📎 Here is everything you recorded (CSV, times in your zone) and a report for your "
    "doctor covering the last 90 days (PDF)."
)
FORGET_QUESTION = N_(
    "🗑 This deletes everything I hold about you: settings, reports, cups, reminders and "
    "warnings. It can't be undone. Tip: /export first if you want a copy."
)
FORGET_DONE = N_("Everything is deleted. If you ever want to start again, send /start.")
FORGET_KEPT = N_("Nothing was deleted.")
# Monday first: Babel's names in the current language (see install at the end).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def choose_summary(weekday: int, at: str) -> str:
    return _(
        "📊 Your weekly summary comes on {weekday} at {time}. Tap a day or a time to change it."
    ).format(weekday=weekday_names()[weekday], time=at)


# --- Button labels ------------------------------------------------------------------------

MENU_PLACEHOLDER = N_("Tap a button or type /help")
BACK = N_("« Back")
SKIP_SETUP = N_("Skip the rest: use defaults")
SETUP_FINISHED = N_("Done ✓")
ZONE_LABELS = {
    "Europe/London": N_("London"),
    "Europe/Berlin": N_("Berlin / Paris"),
    "Europe/Moscow": N_("Moscow"),
    "America/New_York": N_("New York"),
    "America/Chicago": N_("Chicago"),
    "America/Los_Angeles": N_("Los Angeles"),
    "Asia/Kolkata": N_("India"),
    "Asia/Tokyo": N_("Tokyo"),
    "Australia/Sydney": N_("Sydney"),
    "UTC": N_("UTC"),
}
SETTINGS_TIMEZONE = N_("🌍 Time zone")
SETTINGS_REMINDERS = N_("🔔 Reminders")
SETTINGS_WAKE = N_("☀️ Wake-up")
SETTINGS_BED = N_("🌙 Bedtime")
SETTINGS_SUMMARY = N_("📊 Weekly summary")
SETTINGS_LANGUAGE = N_("🌐 Language")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # Babel's, like WEEKDAY_NAMES
HOT_DAY = N_("🔥 Hot day / exercise")
DRANK = N_("💧 Drank a cup")
SKIP = N_("Skip")
MOVED = N_("🚶 Moved")
STRETCH_DONE = N_("✅ Done")
NO_MORE_TIPS = N_("No more tips")
UNDO = N_("↩️ Undo")
RESUME = N_("▶️ Resume")
PAUSE = N_("⏸ Pause")
SITTING_HOURS = N_("🪑 Sitting hours")
SITTING_PRESETS = {
    SittingPreset.WEEKDAYS: N_("Mon–Fri 09:00–17:00"),
    SittingPreset.EVERY_DAY: N_("Every day 09:00–17:00"),
    SittingPreset.AWAKE: N_("All my waking hours"),
}
STRETCH_TIMING = N_("⏱ Stretch timing")
PAUSE_LABELS = {
    PauseChoice.HOUR: N_("1 hour"),
    PauseChoice.TODAY: N_("Rest of today"),
    PauseChoice.MORNING: N_("Until tomorrow morning"),
    PauseChoice.WEEK: N_("1 week"),
}
NEXT = N_("Next ›")
SKIP_STEP = N_("Skip ›")
SAVE = N_("💾 Save")
SAVE_WITHOUT_EXTRAS = N_("None of these: save")
CANCEL = N_("✖ Cancel")
CONFIRM_UNDO = N_("Yes, remove it")
WEIGHT_LOSS = N_("Unexplained weight loss")
GOT_IT = N_("✓ Got it")
DELETE_EVERYTHING = N_("Delete everything")
KEEP_DATA = N_("Keep my data")


KEEP = N_("Keep {current}")

USE_ZONE = N_("Use {zone}")

SNOOZE = N_("Snooze {minutes} min")
# A reminder's buttons; Snooze, which says for how long, is SNOOZE.
REMINDER_BUTTONS = {
    ReminderAction.CUP: DRANK,
    ReminderAction.HOT_DAY: HOT_DAY,
    ReminderAction.SKIP: SKIP,
    ReminderAction.MOVED: MOVED,
    ReminderAction.DONE: STRETCH_DONE,
    ReminderAction.NO_TIPS: NO_MORE_TIPS,
    ReminderAction.STOPPED: STOPPED,
    ReminderAction.STILL_GOING: STILL_GOING,
}
# What an answer did, shown in place of a reminder's buttons once it has one.
ANSWER_NOTES = {
    ReminderAction.CUP: ANSWER_CUP,
    ReminderAction.SNOOZE: ANSWER_SNOOZED,
    ReminderAction.SKIP: ANSWER_SKIP,
    ReminderAction.MOVED: ANSWER_MOVED,
    ReminderAction.DONE: ANSWER_DONE,
    ReminderAction.NO_TIPS: ANSWER_NO_TIPS,
    ReminderAction.STOPPED: ANSWER_STOPPED,
    ReminderAction.STILL_GOING: ANSWER_STILL_GOING,
}
# The answers to "keep these reminders coming?", asked of someone who lets them pass.
RHYTHM_CHOICES = {
    RhythmChoice.KEEP: RHYTHM_KEEP,
    RhythmChoice.FEWER: RHYTHM_FEWER,
    RhythmChoice.STOP: RHYTHM_STOP,
}


def lead_choice(minutes: int, current: bool) -> str:
    return ("• " if current else "") + _("{minutes} min").format(minutes=minutes)


GOT_IT_FOR = N_("✓ Got it: {title}")


def tick(on: bool, label: str) -> str:
    """A button that shows a choice: "✅ Calf" when chosen."""
    return f"✅ {label}" if on else label


def switch(on: bool, label: str) -> str:
    """A button that switches something: "✅ Hydration" or "⬜ Hydration"."""
    return f"{'✅' if on else '⬜'} {label}"


# --- Operators ----------------------------------------------------------------------------


# To ADMIN_USER_IDS when an update fails; {summary} is already escaped and redacted.
ADMIN_ERROR = N_("⚠️ Error handling update {update_id}:\n<code>{summary}</code>")


install(
    __name__,
    computed={
        # Only the descriptions: a command's name is never translated ("cramp" is a word).
        "COMMANDS": lambda: tuple((command, _(about)) for command, about in COMMANDS),
        "MOVEMENT_REMINDER": _movement_reminder,
        "WEEKDAY_NAMES": weekday_names,
        "WEEKDAYS": lambda: weekday_names("abbreviated"),
    },
)
