"""The cramp diary: reporting by quick replies or one line, history, undo, the health
profile, and the red-flag warnings that reports can raise."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot import i18n, texts
from bot.callbacks import (
    AcknowledgeFlag,
    CancelDraft,
    Draft,
    DraftStep,
    FormAction,
    FormTap,
    ProfileItem,
    SaveDraft,
    ShowDraft,
    ToggleProfile,
    UndoCramp,
    switched,
    switched_bit,
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
from bot.i18n import in_every_language
from bot.keyboards import Rows, button, rows
from bot.texts import medical
from core.cramp_parser import parse_cramp_words
from core.diary import (
    Condition,
    Context,
    Duration,
    Medication,
    Place,
    Report,
    SpasmKind,
    Symptom,
    from_mask,
    to_mask,
)
from core.redflags import Level
from core.vocabulary import vocabulary
from db.models import CrampReport, Flag, User
from db.reports import add_report, latest_flags, latest_reports
from scheduler.claims import HELD_BY_CLOT_SIGN
from scheduler.planning import FOLLOW_UP_AFTER, Kind, at_night, day_of
from scheduler.schedules import adherence_at, is_on, prefs_of, schedule_once

logger = logging.getLogger(__name__)

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
    if Symptom.SWELLING in saved.symptoms:
        if not urgent:
            urgent = [texts.urgent_message(4, [_local(user, now)])]  # with every such report
        if any(is_on(user, kind) for kind in HELD_BY_CLOT_SIGN):
            urgent.append(medical.CLOT_SIGN_HOLD_NOTE)
    text = texts.report_confirmation(
        texts.report_summary(saved),
        _local(user, now),
        urgent=urgent,
        relief=saved.context in (None, Context.JUST_NOW) or saved.duration is Duration.STILL_GOING,
    )
    return SavedReport(report_id, text, raised)


def _undo_report(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.UNDO, UndoCramp(report_id))]])


# --- The report form: one message, edited in place, its state on the server -------------

_PREVIOUS_STEP = {
    DraftStep.PLACE: DraftStep.KIND,
    DraftStep.SEVERITY: DraftStep.PLACE,
    DraftStep.DURATION: DraftStep.SEVERITY,
    DraftStep.WHEN: DraftStep.DURATION,
    DraftStep.EXTRA: DraftStep.WHEN,
}
_NEXT_STEP = {before: after for after, before in _PREVIOUS_STEP.items()}


def _tap(label: str, action: FormAction, value: str | None = None, on: bool = False) -> Any:
    return button(label, FormTap(action, value, on))


def _choose_one(current: object, labels: dict[Any, str], action: FormAction) -> Rows:
    """A button per value of one field (the current one ticked); a tap moves on."""
    options = [
        _tap(texts.tick(current == value, label.capitalize()), action, str(value))
        for value, label in labels.items()
    ]
    return rows(options, 2)


def _form(d: Draft) -> InlineKeyboardMarkup:
    """The buttons of one report screen, in the language being spoken."""
    return _form_in(d, i18n.current())


# A Draft is frozen, and so is the markup PTB builds. The language is part of the key:
# the labels are in it.
@lru_cache(maxsize=1024)
def _form_in(d: Draft, language: str) -> InlineKeyboardMarkup:
    """The buttons of one report screen in `language` (the one being spoken): each says
    what the tap does (the form's state is on the server), and a place or symptom whether
    it is added or taken away."""
    form: Rows
    match d.step:
        case DraftStep.KIND:
            form = [
                [_tap(label, FormAction.KIND, kind) for kind, label in texts.KIND_LABELS.items()]
            ]
        case DraftStep.PLACE:
            places = [
                _tap(texts.tick(p in d.places, label), FormAction.PLACE, p, on=p not in d.places)
                for p, label in texts.PLACE_LABELS.items()
            ]
            form = rows(places, 3)
            if d.places:
                form.append([_tap(texts.NEXT, FormAction.GO, DraftStep.SEVERITY)])
        case DraftStep.SEVERITY:
            levels = [
                _tap(texts.tick(d.severity == n, str(n)), FormAction.SEVERITY, str(n))
                for n in range(1, 11)
            ]
            form = rows(levels, 5)
        case DraftStep.DURATION:
            form = _choose_one(d.duration, texts.DURATION_LABELS, FormAction.DURATION)
        case DraftStep.WHEN:
            form = _choose_one(d.context, texts.CONTEXT_LABELS, FormAction.WHEN)
        case DraftStep.EXTRA:
            form = [
                [_tap(texts.tick(s in d.symptoms, label.capitalize()), FormAction.SYMPTOM, s,
                      on=s not in d.symptoms)]
                for s, label in texts.SYMPTOM_LABELS.items()
            ]  # fmt: skip
            form.append([_tap(texts.SAVE_WITHOUT_EXTRAS, FormAction.SAVE, "none")])
    if d.step in (DraftStep.SEVERITY, DraftStep.DURATION, DraftStep.WHEN):
        form.append([_tap(texts.SKIP_STEP, FormAction.GO, _NEXT_STEP[d.step])])
    footer = [_tap(texts.SAVE, FormAction.SAVE), _tap(texts.CANCEL, FormAction.CANCEL)]
    if d.step in _PREVIOUS_STEP:
        footer.insert(0, _tap(texts.BACK, FormAction.GO, _PREVIOUS_STEP[d.step]))
    return InlineKeyboardMarkup([*form, footer])


def after_tap(d: Draft, tap: FormTap) -> Draft:
    """The form after a tap (not Save or Cancel): a choice moves on to the next step, the
    first place too; a place or symptom is added or taken away as the button said."""
    value = tap.value or ""
    match tap.action:
        case FormAction.KIND:
            return replace(d, kind=SpasmKind(value), step=DraftStep.PLACE)
        case FormAction.PLACE:
            place = Place(value)
            places = d.places | {place} if tap.on else d.places - {place}
            first = tap.on and not d.places
            return replace(d, places=places, step=DraftStep.SEVERITY if first else d.step)
        case FormAction.SEVERITY:
            return replace(d, severity=int(value), step=DraftStep.DURATION)
        case FormAction.DURATION:
            return replace(d, duration=Duration(value), step=DraftStep.WHEN)
        case FormAction.WHEN:
            return replace(d, context=Context(value), step=DraftStep.EXTRA)
        case FormAction.SYMPTOM:
            symptom = Symptom(value)
            return replace(d, symptoms=d.symptoms | {symptom} if tap.on else d.symptoms - {symptom})
        case FormAction.GO:
            return replace(d, step=DraftStep(value))
    return d


def form_screen(d: Draft) -> View:
    """The report form's screen for `d`: what it holds so far, and the next step's buttons."""
    summary = texts.report_summary(_report_of(d)) if d.kind else None
    return View(texts.draft_screen(summary, d.step), _form(d))


async def report_cramp(update: Update, context: CoachContext) -> None:
    """/cramp or the Report cramp button: quick-reply screens, or one line with words."""
    message = update.effective_message
    assert message is not None
    words = " ".join(context.args or ()) if (message.text or "").startswith("/") else ""
    if not words.strip():
        # The user's row first (made if new; a setup left open closed, and the user told,
        # before the form shows). The form is stored once shown, so /cancel finds it.
        async with user_transaction(update, context) as tx:
            user_id = tx.user.id
        draft = Draft()
        view = form_screen(draft)
        shown = await message.reply_text(view.text, reply_markup=view.markup)
        try:
            await context.forms.opened(user_id, shown.message_id, draft.state(), context.now())
        except (SQLAlchemyError, OSError):  # it works all the same, stored from its first tap
            logger.warning("Report form %s not stored when shown", shown.message_id, exc_info=True)
        return
    result = parse_cramp_words(words, vocabulary(i18n.current()))
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


# A form's last button, now and as drawn before its state was on the server.
_FORM_ENDS = frozenset((FormTap(FormAction.CANCEL).encode(), CancelDraft().encode()))


def _pressed_form(update: Update) -> Message:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    return query.message


def _fresh(message: Message, draft: Draft) -> str | None:
    """The state a form starts at on its first tap (`draft`'s), if the message is drawn
    as a form now: a message that is not (a saved report, any other message) never
    starts one, even for data made up to look like a form's."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup else ()
    return draft.state() if rows and rows[-1][-1].callback_data in _FORM_ENDS else None


async def form_tap(update: Update, context: CoachContext) -> None:
    """A tap on the report form: apply it to the form's state kept on the server, in the
    user's order, and show the screen it leads to; Save stores what the form holds."""
    _, tap = pressed(update, FormTap)
    message = _pressed_form(update)
    if tap.action is FormAction.SAVE:
        await _save_form(update, context, message, Draft(), without_symptoms=tap.value == "none")
    elif tap.action is FormAction.CANCEL:
        await _cancel_form(update, context, message)
    else:
        await _change_form(update, context, message, lambda d: after_tap(d, tap))


async def _change_form(
    update: Update, context: CoachContext, message: Message, change: Callable[[Draft], Draft]
) -> None:
    """Store the form's state after a tap, and show its screen."""
    query = update.callback_query
    assert query is not None
    # Only the form changes, and it is the presser's by its key: no user row needed.
    changed = await context.forms.change(
        query.from_user.id,
        message.message_id,
        lambda state: change(Draft.from_state(state)).state(),
        fresh=_fresh(message, Draft()),
        now=context.now(),
    )
    if changed is None:  # saved or cancelled: its buttons were already replaced
        await query.answer(texts.FORM_CLOSED)
        return
    view = form_screen(Draft.from_state(changed[1]))
    await answer_and_edit(query, view.text, view.markup)


async def _save_form(
    update: Update,
    context: CoachContext,
    message: Message,
    fresh: Draft,
    *,
    without_symptoms: bool = False,
) -> None:
    """Save what the form holds (`fresh` if it was never tapped), once."""
    query = update.callback_query
    assert query is not None
    saved: SavedReport | None = None
    async with user_transaction(update, context) as tx:
        state = await context.forms.close(
            tx.session, tx.user.id, message.message_id, fresh=_fresh(message, fresh), now=tx.now
        )
        if state is not None:
            draft = Draft.from_state(state)
            if without_symptoms:
                draft = replace(draft, symptoms=frozenset())
            fields = _fields_from_draft(draft)
            saved = await _save(tx.session, tx.user, fields, "button", message.message_id, tx.now)
    if saved is None:  # a second Save: the first one's reply replaced the form
        await query.answer(texts.REPORT_ALREADY_SAVED)
        return
    await answer_and_edit(query, saved.text, _undo_report(saved.report_id))
    await tell_flags(message, saved.flags)


async def _cancel_form(update: Update, context: CoachContext, message: Message) -> None:
    """Drop the report being filled in."""
    query = update.callback_query
    assert query is not None
    async with context.db.begin() as session:
        fresh = _fresh(message, Draft())
        state = await context.forms.close(
            session, query.from_user.id, message.message_id, fresh=fresh, now=context.now()
        )
    if state is None:
        await query.answer(texts.FORM_CLOSED)
    else:
        await answer_and_edit(query, texts.REPORT_CANCELLED)


# Buttons drawn before the form's state was kept on the server carry the whole form.


async def show_draft(update: Update, context: CoachContext) -> None:
    """A tap on a form drawn before its state was kept on the server: from here on it is."""
    _, data = pressed(update, ShowDraft)
    message = _pressed_form(update)
    await _change_form(update, context, message, lambda _: data.draft)


async def save_draft(update: Update, context: CoachContext) -> None:
    """Save on such a form: what its button holds, or, when a tap on that drawing was
    handled first, the state that tap left."""
    _, data = pressed(update, SaveDraft)
    message = _pressed_form(update)
    await _save_form(update, context, message, data.draft)


async def cancel_draft(update: Update, context: CoachContext) -> None:
    """Cancel on such a form."""
    await _cancel_form(update, context, _pressed_form(update))


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
        *((label, ProfileItem.CONDITION, c.value, c in conditions)
          for c, label in texts.CONDITION_LABELS.items()),
        *((label, ProfileItem.MEDICATION, m.value, m in medications)
          for m, label in texts.MEDICATION_LABELS.items()),
        (texts.WEIGHT_LOSS, ProfileItem.WEIGHT_LOSS, "", user.weight_loss),
    ]  # fmt: skip
    return InlineKeyboardMarkup(
        [
            [button(texts.tick(on, label), ToggleProfile(item, value, to=not on))]
            for label, item, value, on in switches
        ]
    )


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
        if data.item is ProfileItem.WEIGHT_LOSS:
            user.weight_loss = switched(data.to, user.weight_loss)
        elif data.item is ProfileItem.CONDITION:
            bit = to_mask([Condition(data.value)])
            user.conditions = switched_bit(user.conditions, bit, data.to)
        else:
            bit = to_mask([Medication(data.value)])
            user.medications = switched_bit(user.medications, bit, data.to)
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
                texts.GOT_IT_FOR.format(title=medical.RULE_TITLES[flag.rule_id]),
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
    MessageHandler(filters.Text(in_every_language(texts.BUTTON_REPORT_CRAMP)), report_cramp),
    FormTap.handler(form_tap),
    ShowDraft.handler(show_draft),
    SaveDraft.handler(save_draft),
    CancelDraft.handler(cancel_draft),
    UndoCramp.handler(undo_cramp),
    ToggleProfile.handler(toggle_profile),
    AcknowledgeFlag.handler(acknowledge_flag),
]
