"""The cramp diary: reporting by quick replies or one line, history, undo, the health
profile, and the red-flag warnings that reports can raise."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update

from bot import keyboards, texts
from bot.callbacks import (
    AcknowledgeFlag,
    CancelDraft,
    Draft,
    ProfileItem,
    SaveDraft,
    ShowDraft,
    ToggleProfile,
    UndoCramp,
)
from bot.context import CoachContext
from bot.handlers.common import (
    View,
    answer_and_edit,
    edit_screen,
    pressed,
    remove_buttons,
    undo_own_row,
    user_transaction,
)
from core.cramp_parser import ACCEPTED_HELP, parse_cramp_words
from core.diary import (
    Condition,
    Context,
    Duration,
    Medication,
    Report,
    SpasmKind,
    Symptom,
    from_mask,
    to_mask,
)
from core.redflags import DISCLAIMER, Level, PastFlag, evaluate, rule
from db.models import CrampReport, Flag, User
from db.reports import (
    add_flag,
    add_report,
    as_report,
    flags_since,
    latest_flags,
    latest_reports,
    profile_of,
    reports_since,
)
from scheduler.planning import day_of
from scheduler.schedules import adherence_at, prefs_of

# Long enough for every rule's look-back (the longest is 60 days).
HISTORY_FOR_RULES = timedelta(days=60)
HISTORY_LINES = 10


@dataclass(frozen=True)
class RaisedFlag:
    """A flag stored just now, ready to tell the user about."""

    flag_id: int
    text: str
    urgent: bool


@dataclass(frozen=True)
class SavedReport:
    report_id: int
    text: str
    flags: list[RaisedFlag]


def _local(user: User, instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(user.timezone))


def _fields_from_draft(draft: Draft) -> dict[str, object]:
    return {
        "kind": (draft.kind or SpasmKind.CRAMP).value,
        "places": to_mask(draft.places),
        "severity": draft.severity,
        "duration": draft.duration.value if draft.duration else None,
        "context": draft.context.value if draft.context else None,
        "symptoms": to_mask(draft.symptoms),
    }


def _report_of(draft: Draft) -> Report:
    return Report(
        id=0, occurred_at=datetime.min, kind=draft.kind or SpasmKind.CRAMP, places=draft.places,
        severity=draft.severity, duration=draft.duration, context=draft.context,
        symptoms=draft.symptoms,
    )  # fmt: skip


def _flag_text(user: User, rule_id: int, reports: list[Report]) -> str:
    flagged = rule(rule_id)
    dates = [f"{_local(user, r.occurred_at):%a %d %b %H:%M}" for r in reports[:5]]
    more = f" and {len(reports) - 5} more" if len(reports) > 5 else ""
    when = ", ".join(dates) + more if dates else "recent weeks"
    return texts.flag_message(flagged.title, when, flagged.concern, flagged.action, DISCLAIMER)


async def _save(
    session: AsyncSession,
    user: User,
    fields: dict[str, object],
    source: str,
    message_id: int,
    now: datetime,
) -> SavedReport | None:
    """Store a report with its adherence snapshot and run the red-flag rules on the
    user's history. None if this message's report was saved before (a repeat)."""
    snapshot = await adherence_at(session, user, now)
    report_id = await add_report(
        session,
        {"user_id": user.id, "occurred_at": now, "reported_at": now, "source": source,
         "day": day_of(prefs_of(user), now),
         "source_message_id": message_id, **fields, **snapshot},
    )  # fmt: skip
    if report_id is None:
        return None
    history = await reports_since(session, user.id, now - HISTORY_FOR_RULES)
    past = [
        PastFlag(rule_id, raised_at)
        for rule_id, raised_at in await flags_since(session, user.id, now - HISTORY_FOR_RULES)
    ]
    by_id = {report.id: report for report in history}
    raised = []
    for flag in evaluate(history, profile_of(user), now, past):
        flag_id = await add_flag(
            session, user.id, flag.rule.id, flag.rule.level, now, flag.report_ids
        )
        triggering = [by_id[i] for i in flag.report_ids if i in by_id]
        raised.append(
            RaisedFlag(
                flag_id, _flag_text(user, flag.rule.id, triggering), flag.rule.level is Level.URGENT
            )
        )
    saved = by_id[report_id]
    text = texts.report_saved(texts.report_summary(saved), _local(user, now))
    if saved.context in (None, Context.JUST_NOW) or saved.duration is Duration.STILL_GOING:
        text += "\n" + texts.RELIEF
    if Symptom.SWELLING in saved.symptoms:
        # Urgent advice goes in the confirmation itself, whatever flags were raised before.
        text += "\n\n" + texts.URGENT_SWELLING
    return SavedReport(report_id, text, raised)


async def _tell_flags(message: Message, flags: list[RaisedFlag]) -> None:
    for flag in flags:
        await message.reply_text(flag.text, reply_markup=keyboards.acknowledge_flag(flag.flag_id))


async def report_cramp(update: Update, context: CoachContext) -> None:
    """/cramp or the Report cramp button: quick-reply screens, or one line with words."""
    message = update.effective_message
    assert message is not None
    words = " ".join(context.args or ()) if (message.text or "").startswith("/") else ""
    if not words.strip():
        draft = Draft()
        await message.reply_text(
            texts.draft_screen(None, draft.step), reply_markup=keyboards.draft(draft)
        )
        return
    result = parse_cramp_words(words)
    if result.report is None:
        await message.reply_text(
            texts.bad_cramp_words(result.unknown, result.problems, ACCEPTED_HELP)
        )
        return
    parsed = result.report
    fields: dict[str, object] = {
        "kind": parsed.kind.value, "places": to_mask(parsed.places), "severity": parsed.severity,
        "duration": parsed.duration.value if parsed.duration else None,
        "duration_seconds": parsed.duration_seconds,
        "context": parsed.context.value if parsed.context else None,
        "symptoms": to_mask(parsed.symptoms),
    }  # fmt: skip
    async with user_transaction(update, context) as (session, user):
        saved = await _save(session, user, fields, "command", message.message_id, context.now())
    if saved is None:
        return  # the same message again (a duplicated update): it was answered the first time
    await message.reply_text(saved.text, reply_markup=keyboards.undo_report(saved.report_id))
    await _tell_flags(message, [flag for flag in saved.flags if not flag.urgent])


async def show_draft(update: Update, _context: CoachContext) -> None:
    """A tap on a report screen: show the screen the button leads to."""
    query, data = pressed(update, ShowDraft)
    summary = texts.report_summary(_report_of(data.draft)) if data.draft.kind else None
    await answer_and_edit(
        query, texts.draft_screen(summary, data.draft.step), keyboards.draft(data.draft)
    )


async def save_draft(update: Update, context: CoachContext) -> None:
    """Save: store what is filled in, once per report message."""
    query, data = pressed(update, SaveDraft)
    message = query.message
    assert isinstance(message, Message)
    async with user_transaction(update, context) as (session, user):
        saved = await _save(
            session,
            user,
            _fields_from_draft(data.draft),
            "button",
            message.message_id,
            context.now(),
        )
    if saved is None:
        await query.answer(texts.REPORT_ALREADY_SAVED)
        return
    await answer_and_edit(query, saved.text, keyboards.undo_report(saved.report_id))
    await _tell_flags(message, [flag for flag in saved.flags if not flag.urgent])


async def cancel_draft(update: Update, _context: CoachContext) -> None:
    """Drop the report being filled in."""
    query, _ = pressed(update, CancelDraft)
    await answer_and_edit(query, texts.REPORT_CANCELLED)


async def undo_cramp(update: Update, context: CoachContext) -> None:
    """Remove the report named by the button, if it is the presser's and still there."""
    _, data = pressed(update, UndoCramp)
    await undo_own_row(
        update, context, CrampReport, data.report_id, texts.CRAMP_ALREADY_GONE, texts.CRAMP_UNDONE
    )


def _history_line(user: User, row: CrampReport) -> str:
    return (
        f"{_local(user, row.occurred_at):%a %d %b %H:%M} · {texts.report_summary(as_report(row))}"
    )


async def history(update: Update, context: CoachContext) -> None:
    """/history: the last 10 reports, newest first."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as (session, user):
        rows = await latest_reports(session, user.id, HISTORY_LINES)
        lines = [_history_line(user, row) for row in rows]
    await update.effective_message.reply_text(texts.history(lines) if lines else texts.NO_REPORTS)


async def undo_last(update: Update, context: CoachContext) -> None:
    """/undo: offer to remove the last report (a button confirms)."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as (session, user):
        rows = await latest_reports(session, user.id, 1)
        question = (
            texts.undo_question(
                texts.report_summary(as_report(rows[0])), _local(user, rows[0].occurred_at)
            )
            if rows
            else None
        )
    if question is None:
        await update.effective_message.reply_text(texts.NO_REPORTS)
        return
    await update.effective_message.reply_text(
        question, reply_markup=keyboards.confirm_undo(rows[0].id)
    )


def _profile_markup(user: User) -> InlineKeyboardMarkup:
    conditions = from_mask(Condition, user.conditions)
    return keyboards.profile(conditions, from_mask(Medication, user.medications), user.weight_loss)


async def profile(update: Update, context: CoachContext) -> None:
    """/profile: conditions, medicines and weight loss, as switches."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as (_, user):
        markup = _profile_markup(user)
    await update.effective_message.reply_text(texts.PROFILE_TEXT, reply_markup=markup)


async def toggle_profile(update: Update, context: CoachContext) -> None:
    """Switch one profile item."""
    query, data = pressed(update, ToggleProfile)
    async with user_transaction(update, context) as (_, user):
        if data.item is ProfileItem.CONDITION:
            user.conditions ^= to_mask([Condition(data.value)])
        elif data.item is ProfileItem.MEDICATION:
            user.medications ^= to_mask([Medication(data.value)])
        else:
            user.weight_loss = not user.weight_loss
        markup = _profile_markup(user)
    await answer_and_edit(query, texts.PROFILE_TEXT, markup)


async def _flags_view(session: AsyncSession, user: User) -> View:
    flags = await latest_flags(session, user.id, 10)
    if not flags:
        return View(texts.NO_FLAGS, None)
    lines, unread = [], []
    for flag, _ in flags:
        title = rule(flag.rule_id).title
        mark = "" if flag.acknowledged_at else " · new"
        urgent = "🚨" if flag.level == Level.URGENT else "🚩"
        lines.append(f"{urgent} {_local(user, flag.raised_at):%a %d %b}: {title}{mark}")
        if flag.acknowledged_at is None:
            unread.append((flag.id, title))
    return View(texts.flags_list(lines), keyboards.acknowledge_flags(unread[:5]))


async def flags(update: Update, context: CoachContext) -> None:
    """/flags: the warnings raised so far, newest first."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as (session, user):
        view = await _flags_view(session, user)
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def acknowledge_flag(update: Update, context: CoachContext) -> None:
    """Got it: mark the presser's own flag as read."""
    query, data = pressed(update, AcknowledgeFlag)
    async with user_transaction(update, context) as (session, user):
        flag = await session.get(Flag, data.flag_id)
        mine = flag is not None and flag.user_id == user.id
        if flag is not None and mine and flag.acknowledged_at is None:
            flag.acknowledged_at = context.now()
        view = await _flags_view(session, user) if mine and data.in_list else None
    await query.answer(texts.FLAG_ACKNOWLEDGED if mine else texts.STALE_BUTTON)
    if view is not None:
        await edit_screen(query, view.text, view.markup)
    elif mine:
        await remove_buttons(query)
