"""/summary, /export and /forget."""

import asyncio
import csv
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CommandHandler

from bot import i18n, texts
from bot.callbacks import Forget
from bot.context import CoachContext
from bot.handlers.common import answer_and_edit, pressed, user_transaction
from bot.keyboards import button
from bot.summaries import build_summaries, chart_png
from bot.texts import doctor_report as words
from bot.texts import medical, weekly_message
from core.diary import Condition, Medication, Report, from_mask
from core.redflags import Level
from core.weekly import first_day, period, totals
from db.models import CrampReport, Delivery, User, WaterLog
from db.reports import latest_flags
from db.stats import day_records
from scheduler.planning import day_of
from scheduler.schedules import prefs_of

if TYPE_CHECKING:
    from bot.documents import DoctorReport

REPORT_DAYS = 90


async def summary(update: Update, context: CoachContext) -> None:
    """/summary (this week so far) or /summary last (the previous full week)."""
    message = update.effective_message
    assert message is not None
    words = [a.lower() for a in context.args or ()]
    if words not in ([], ["last"]):
        await message.reply_text(texts.SUMMARY_USAGE)
        return
    which = "last" if words else "current"
    async with user_transaction(update, context) as tx:
        built = (await build_summaries(tx.session, [tx.user], tx.now, which))[tx.user.id]
    await message.reply_text(built.text)
    if built.chart_days is not None:
        await context.bot.send_chat_action(message.chat_id, ChatAction.UPLOAD_PHOTO)
        png = await chart_png(built)
        if png is not None:
            await message.reply_photo(png, caption=weekly_message.CHART_CAPTION)


def _local(zone: ZoneInfo, instant: datetime | None) -> str:
    return instant.astimezone(zone).isoformat(timespec="seconds") if instant else ""


async def _csv(session: AsyncSession, user: User) -> bytes:
    """Everything the user recorded, one row per record, ISO times in their zone."""
    zone = ZoneInfo(user.timezone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(texts.CSV_HEADER)
    reports = await session.scalars(
        select(CrampReport).where(CrampReport.user_id == user.id).order_by(CrampReport.occurred_at)
    )
    for row in reports:
        report = Report.stored(row)
        writer.writerow([
            "cramp", _local(zone, row.occurred_at), row.day or "", report.kind.value,
            " ".join(p.value for p in sorted(report.places)), row.severity or "",
            row.duration or "", row.duration_seconds or "", row.context or "",
            " ".join(s.value for s in sorted(report.symptoms)), row.source, "", "", "", "",
        ])  # fmt: skip
    cups = await session.scalars(
        select(WaterLog).where(WaterLog.user_id == user.id).order_by(WaterLog.logged_at)
    )
    for cup in cups:
        writer.writerow(["cup", _local(zone, cup.logged_at), cup.day, "", "", "", "", "", "", "",
                         cup.source, "", "", "", ""])  # fmt: skip
    answered = await session.scalars(
        select(Delivery)
        .where(Delivery.user_id == user.id, Delivery.response.is_not(None))
        .order_by(Delivery.slot_at)
    )
    for delivery in answered:
        writer.writerow([f"reminder:{delivery.kind}", _local(zone, delivery.responded_at),
                         delivery.day or "", "", "", "", "", "", "", "", "", delivery.response,
                         "", "", ""])  # fmt: skip
    for flag, _ in reversed(await latest_flags(session, user.id, 10_000)):
        writer.writerow(["flag", _local(zone, flag.raised_at), "", "", "", "", "", "", "", "", "",
                         "", medical.RULE_TITLES[flag.rule_id], flag.level,
                         _local(zone, flag.acknowledged_at)])  # fmt: skip
    return out.getvalue().encode("utf-8")


async def _doctor_report(
    session: AsyncSession, user: User, name: str, now: datetime
) -> "DoctorReport":
    """The last 90 days, for a doctor: weekly counts, warnings, profile, recent reports."""
    # Imported here: matplotlib and fpdf cost start-up time and memory only exports need.
    from bot.documents import DoctorReport, FlagEntry, WeekPoint

    zone = ZoneInfo(user.timezone)
    prefs = prefs_of(user)
    today = day_of(prefs, now)
    first = today - timedelta(days=REPORT_DAYS - 1)
    days = (await day_records(session, [user.id], first, today))[user.id]
    # Weeks before the user started are not weeks of zeros, and the first one's average
    # divides by the days since they started.
    since = first_day(day_of(prefs, user.created_at), days)
    first = max(first, min(since, today))
    weeks = []
    start, _ = period(user.summary_weekday, first)
    while start <= today:
        week = totals(days, start, start + timedelta(days=6), today=today, since=since)
        weeks.append(WeekPoint(start, week.cramps, week.avg_cups))
        start += timedelta(days=7)
    recent = list(
        await session.scalars(
            select(CrampReport)
            .where(CrampReport.user_id == user.id, CrampReport.day >= first)
            .order_by(CrampReport.occurred_at.desc())
        )
    )
    by_id = {row.id: row for row in recent}

    def line(row: CrampReport) -> str:
        when = row.occurred_at.astimezone(zone)
        return words.REPORT_LINE.format(
            time=words.report_time(when), summary=texts.report_summary(Report.stored(row))
        )

    flags = []
    for flag, report_ids in reversed(await latest_flags(session, user.id, 200)):
        if flag.raised_at < now - timedelta(days=REPORT_DAYS):
            continue
        flags.append(FlagEntry(
            raised=words.raised_on(flag.raised_at.astimezone(zone)),
            title=medical.RULE_TITLES[flag.rule_id], level=medical.LEVEL_WORDS[Level(flag.level)],
            advice=medical.RULE_ACTIONS[flag.rule_id],
            reports=tuple(line(by_id[i]) for i in report_ids if i in by_id),
        ))  # fmt: skip
    return DoctorReport(
        name=name,
        period=words.period_span(first, today),
        generated=words.generated_at(now.astimezone(zone), user.timezone),
        weeks=tuple(weeks),
        total_reports=len(recent),
        flags=tuple(flags),
        conditions=tuple(
            texts.CONDITION_LABELS[c]
            for c in Condition
            if c in from_mask(Condition, user.conditions)
        ),
        medications=tuple(
            texts.MEDICATION_LABELS[m]
            for m in Medication
            if m in from_mask(Medication, user.medications)
        ),
        weight_loss=user.weight_loss,
        recent_reports=tuple(line(row) for row in recent[:40]),
    )


async def export(update: Update, context: CoachContext) -> None:
    """/export: a CSV of everything recorded and a PDF report for a doctor."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    await context.bot.send_chat_action(message.chat_id, ChatAction.UPLOAD_DOCUMENT)
    async with user_transaction(update, context) as tx:
        now = tx.now
        table = await _csv(tx.session, tx.user)
        report = await _doctor_report(tx.session, tx.user, update.effective_user.first_name, now)
    from bot.documents import doctor_pdf

    pdf = await asyncio.to_thread(doctor_pdf, report)  # charts and layout: off the event loop
    stamp = f"{now:%Y-%m-%d}"
    await message.reply_document(InputFile(table, filename=f"cramp-coach-{stamp}.csv"))
    await message.reply_document(
        InputFile(pdf, filename=f"cramp-coach-report-{stamp}.pdf"), caption=texts.EXPORT_READY
    )


async def forget(update: Update, _context: CoachContext) -> None:
    """/forget: ask before deleting everything."""
    assert update.effective_message is not None
    choice = [button(texts.DELETE_EVERYTHING, Forget(True)), button(texts.KEEP_DATA, Forget(False))]
    await update.effective_message.reply_text(
        texts.FORGET_QUESTION, reply_markup=InlineKeyboardMarkup([choice])
    )


async def confirm_forget(update: Update, context: CoachContext) -> None:
    """Delete the presser's user row; every table's rows go with it (ON DELETE CASCADE)."""
    query, data = pressed(update, Forget)
    if data.confirmed:
        async with context.db.begin() as session:
            user = await session.get(User, query.from_user.id)
            if user is not None:
                await session.delete(user)
        i18n.forget_choice(query.from_user.id)  # the language they chose went with the row
    await answer_and_edit(query, texts.FORGET_DONE if data.confirmed else texts.FORGET_KEPT)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("summary", summary),
    CommandHandler("export", export),
    CommandHandler("forget", forget),
    Forget.handler(confirm_forget),
]
