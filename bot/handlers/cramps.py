"""The cramp diary: reporting by quick replies or one line, history, undo, the health
profile, and the red-flag warnings that reports can raise."""

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot import texts
from bot.callbacks import (
    AcknowledgeFlag,
    CancelDraft,
    Draft,
    DraftStep,
    ProfileItem,
    SaveDraft,
    ShowDraft,
    ToggleProfile,
    UndoCramp,
)
from bot.context import CoachContext
from bot.flags import RaisedFlag, raise_flags, tell_flags
from bot.handlers.common import (
    View,
    answer_and_edit,
    edit_screen,
    pressed,
    remove_buttons,
    undo_own_row,
    user_transaction,
)
from bot.keyboards import Rows, button, rows
from bot.texts.medical import RULE_TITLES
from core.cramp_parser import parse_cramp_words
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
from core.redflags import Level
from db.models import CrampReport, Flag, User
from db.reports import add_report, latest_flags, latest_reports
from scheduler.planning import FOLLOW_UP_AFTER, Kind, at_night, day_of
from scheduler.schedules import adherence_at, prefs_of, schedule_once

HISTORY_LINES = 10


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


async def _save(
    session: AsyncSession,
    user: User,
    fields: dict[str, object],
    source: str,
    message_id: int,
    now: datetime,
) -> SavedReport | None:
    """Store a report with its adherence snapshot, run the red-flag rules on the user's
    history, and word the reply. None if this message's report was saved before (a
    repeat). A report still going gets its follow-up in 10 minutes."""
    prefs = prefs_of(user)
    snapshot = await adherence_at(session, user, now)
    report_id = await add_report(
        session,
        {"user_id": user.id, "occurred_at": now, "reported_at": now, "source": source,
         "day": day_of(prefs, now), "at_night": at_night(prefs, now),
         "source_message_id": message_id, **fields, **snapshot},
    )  # fmt: skip
    if report_id is None:
        return None
    raised, by_id = await raise_flags(session, user, now)
    saved = by_id[report_id]
    if saved.duration is Duration.STILL_GOING:
        await schedule_once(session, user.id, Kind.FOLLOW_UP, now + FOLLOW_UP_AFTER)
    urgent = [flag.text for flag in raised if flag.urgent]
    if Symptom.SWELLING in saved.symptoms and not urgent:
        urgent = [texts.urgent_message(4, [_local(user, now)])]  # said with every such report
    text = texts.report_confirmation(
        texts.report_summary(saved),
        _local(user, now),
        urgent=urgent,
        relief=saved.context in (None, Context.JUST_NOW) or saved.duration is Duration.STILL_GOING,
    )
    return SavedReport(report_id, text, raised)


def _undo_report(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.UNDO, UndoCramp(report_id))]])


# --- The report form: one message, edited in place, its state in its buttons -------------

_PREVIOUS_STEP = {
    DraftStep.PLACE: DraftStep.KIND,
    DraftStep.SEVERITY: DraftStep.PLACE,
    DraftStep.DURATION: DraftStep.SEVERITY,
    DraftStep.WHEN: DraftStep.DURATION,
    DraftStep.EXTRA: DraftStep.WHEN,
}


def _show(label: str, draft: Draft) -> InlineKeyboardButton:
    return button(label, ShowDraft(draft))


def _choose_one(d: Draft, labels: dict[Any, str], field: str, then: DraftStep) -> Rows:
    """A button per value of one field (the current one ticked); a tap moves on."""
    options = [
        _show(texts.tick(getattr(d, field) == value, label.capitalize()),
              replace(d, **{field: value, "step": then}))
        for value, label in labels.items()
    ]  # fmt: skip
    return rows(options, 2)


@lru_cache(maxsize=1024)  # a Draft is frozen, and so is the markup PTB builds
def _form(d: Draft) -> InlineKeyboardMarkup:
    """The buttons of one report screen. Each carries the draft as it will be after the tap."""
    form: Rows
    skip = None
    match d.step:
        case DraftStep.KIND:
            form = [[_show(label, replace(d, kind=kind, step=DraftStep.PLACE))
                     for kind, label in texts.KIND_LABELS.items()]]  # fmt: skip
        case DraftStep.PLACE:
            after = DraftStep.PLACE if d.places else DraftStep.SEVERITY  # the first tap moves on
            places = [
                _show(texts.tick(p in d.places, label),
                      replace(d, places=d.places ^ {p}, step=after))
                for p, label in texts.PLACE_LABELS.items()
            ]  # fmt: skip
            form = rows(places, 3)
            if d.places:
                form.append([_show(texts.NEXT, replace(d, step=DraftStep.SEVERITY))])
        case DraftStep.SEVERITY:
            levels = [
                _show(texts.tick(d.severity == n, str(n)),
                      replace(d, severity=n, step=DraftStep.DURATION))
                for n in range(1, 11)
            ]  # fmt: skip
            form, skip = rows(levels, 5), DraftStep.DURATION
        case DraftStep.DURATION:
            form = _choose_one(d, texts.DURATION_LABELS, "duration", DraftStep.WHEN)
            skip = DraftStep.WHEN
        case DraftStep.WHEN:
            form = _choose_one(d, texts.CONTEXT_LABELS, "context", DraftStep.EXTRA)
            skip = DraftStep.EXTRA
        case DraftStep.EXTRA:
            form = [
                [_show(texts.tick(s in d.symptoms, label.capitalize()),
                       replace(d, symptoms=d.symptoms ^ {s}))]
                for s, label in texts.SYMPTOM_LABELS.items()
            ]  # fmt: skip
            form.append(
                [button(texts.SAVE_WITHOUT_EXTRAS, SaveDraft(replace(d, symptoms=frozenset())))]
            )
    if skip is not None:
        form.append([_show(texts.SKIP_STEP, replace(d, step=skip))])
    footer = [button(texts.SAVE, SaveDraft(d)), button(texts.CANCEL, CancelDraft())]
    if d.step in _PREVIOUS_STEP:
        footer.insert(0, _show(texts.BACK, replace(d, step=_PREVIOUS_STEP[d.step])))
    return InlineKeyboardMarkup([*form, footer])


async def report_cramp(update: Update, context: CoachContext) -> None:
    """/cramp or the Report cramp button: quick-reply screens, or one line with words."""
    message = update.effective_message
    assert message is not None
    words = " ".join(context.args or ()) if (message.text or "").startswith("/") else ""
    if not words.strip():
        draft = Draft()
        await message.reply_text(texts.draft_screen(None, draft.step), reply_markup=_form(draft))
        return
    result = parse_cramp_words(words)
    if result.report is None:
        await message.reply_text(texts.bad_cramp_words(result.unknown, result.problems))
        return
    parsed = result.report
    fields: dict[str, object] = {
        "kind": parsed.kind.value, "places": to_mask(parsed.places), "severity": parsed.severity,
        "duration": parsed.duration.value if parsed.duration else None,
        "duration_seconds": parsed.duration_seconds,
        "context": parsed.context.value if parsed.context else None,
        "symptoms": to_mask(parsed.symptoms),
    }  # fmt: skip
    async with user_transaction(update, context) as tx:
        saved = await _save(tx.session, tx.user, fields, "command", message.message_id, tx.now)
    if saved is None:
        return  # the same message again (a duplicated update): it was answered the first time
    await message.reply_text(saved.text, reply_markup=_undo_report(saved.report_id))
    await tell_flags(message, saved.flags)


async def show_draft(update: Update, _context: CoachContext) -> None:
    """A tap on a report screen: show the screen the button leads to."""
    query, data = pressed(update, ShowDraft)
    summary = texts.report_summary(_report_of(data.draft)) if data.draft.kind else None
    await answer_and_edit(query, texts.draft_screen(summary, data.draft.step), _form(data.draft))


async def save_draft(update: Update, context: CoachContext) -> None:
    """Save: store what is filled in, once per report message."""
    query, data = pressed(update, SaveDraft)
    message = query.message
    assert isinstance(message, Message)
    fields = _fields_from_draft(data.draft)
    async with user_transaction(update, context) as tx:
        saved = await _save(tx.session, tx.user, fields, "button", message.message_id, tx.now)
    if saved is None:
        await query.answer(texts.REPORT_ALREADY_SAVED)
        return
    await answer_and_edit(query, saved.text, _undo_report(saved.report_id))
    await tell_flags(message, saved.flags)


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
    summary = texts.report_summary(Report.stored(row))
    return texts.HISTORY_LINE.format(time=_local(user, row.occurred_at), summary=summary)


async def history(update: Update, context: CoachContext) -> None:
    """/history: the last 10 reports, newest first."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as tx:
        latest = await latest_reports(tx.session, tx.user.id, HISTORY_LINES)
        lines = [_history_line(tx.user, row) for row in latest]
    await update.effective_message.reply_text(texts.history(lines) if lines else texts.NO_REPORTS)


async def undo_last(update: Update, context: CoachContext) -> None:
    """/undo: offer to remove the last report (a button confirms)."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as tx:
        last = await latest_reports(tx.session, tx.user.id, 1)
        question = (
            texts.undo_question(
                texts.report_summary(Report.stored(last[0])), _local(tx.user, last[0].occurred_at)
            )
            if last
            else None
        )
    if question is None:
        await update.effective_message.reply_text(texts.NO_REPORTS)
        return
    confirm = InlineKeyboardMarkup([[button(texts.CONFIRM_UNDO, UndoCramp(last[0].id))]])
    await update.effective_message.reply_text(question, reply_markup=confirm)


def _profile_markup(user: User) -> InlineKeyboardMarkup:
    """A switch per condition and medication, and one for weight loss."""
    conditions, medications = (
        from_mask(Condition, user.conditions),
        from_mask(Medication, user.medications),
    )
    switches = [
        *((texts.tick(c in conditions, label), ToggleProfile(ProfileItem.CONDITION, c.value))
          for c, label in texts.CONDITION_LABELS.items()),
        *((texts.tick(m in medications, label), ToggleProfile(ProfileItem.MEDICATION, m.value))
          for m, label in texts.MEDICATION_LABELS.items()),
        (texts.tick(user.weight_loss, texts.WEIGHT_LOSS), ToggleProfile(ProfileItem.WEIGHT_LOSS)),
    ]  # fmt: skip
    return InlineKeyboardMarkup([[button(label, data)] for label, data in switches])


async def profile(update: Update, context: CoachContext) -> None:
    """/profile: conditions, medicines and weight loss, as switches."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as tx:
        markup = _profile_markup(tx.user)
    await update.effective_message.reply_text(texts.PROFILE_TEXT, reply_markup=markup)


async def toggle_profile(update: Update, context: CoachContext) -> None:
    """Switch one profile item."""
    query, data = pressed(update, ToggleProfile)
    async with user_transaction(update, context) as tx:
        user = tx.user
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
    lines = [
        texts.flags_line(_local(user, flag.raised_at), flag.rule_id,
                         urgent=flag.level == Level.URGENT, new=flag.acknowledged_at is None)
        for flag, _ in flags
    ]  # fmt: skip
    unread = [flag for flag, _ in flags if flag.acknowledged_at is None][:5]
    got_it = [
        [
            button(
                texts.GOT_IT_FOR.format(title=RULE_TITLES[flag.rule_id]),
                AcknowledgeFlag(flag.id, in_list=True),
            )
        ]
        for flag in unread
    ]
    return View(texts.flags_list(lines), InlineKeyboardMarkup(got_it) if got_it else None)


async def flags(update: Update, context: CoachContext) -> None:
    """/flags: the warnings raised so far, newest first."""
    assert update.effective_message is not None
    async with user_transaction(update, context) as tx:
        view = await _flags_view(tx.session, tx.user)
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def acknowledge_flag(update: Update, context: CoachContext) -> None:
    """Got it: mark the presser's own flag as read."""
    query, data = pressed(update, AcknowledgeFlag)
    async with user_transaction(update, context) as tx:
        flag = await tx.session.get(Flag, data.flag_id)
        mine = flag is not None and flag.user_id == tx.user.id
        if flag is not None and mine and flag.acknowledged_at is None:
            flag.acknowledged_at = tx.now
        view = await _flags_view(tx.session, tx.user) if mine and data.in_list else None
    await query.answer(texts.FLAG_ACKNOWLEDGED if mine else texts.STALE_BUTTON)
    if view is not None:
        await edit_screen(query, view.text, view.markup)
    elif mine:
        await remove_buttons(query)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("cramp", report_cramp),
    CommandHandler("history", history),
    CommandHandler("undo", undo_last),
    CommandHandler("profile", profile),
    CommandHandler("flags", flags),
    MessageHandler(filters.Text([texts.BUTTON_REPORT_CRAMP]), report_cramp),
    ShowDraft.handler(show_draft),
    SaveDraft.handler(save_draft),
    CancelDraft.handler(cancel_draft),
    UndoCramp.handler(undo_cramp),
    ToggleProfile.handler(toggle_profile),
    AcknowledgeFlag.handler(acknowledge_flag),
]
