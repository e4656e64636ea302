"""Logging a cramp in one tap, with relief steps and an undo."""

from telegram import Update

from bot import keyboards, texts
from bot.callbacks import UndoCramp
from bot.context import CoachContext
from bot.handlers.common import pressed, undo_own_row, user_transaction
from core.timezones import local_now
from db.models import CrampReport


async def report_cramp(update: Update, context: CoachContext) -> None:
    """Store a cramp happening now and answer with what helps while it lasts."""
    message = update.effective_message
    assert message is not None
    source = "command" if (message.text or "").startswith("/") else "button"
    async with user_transaction(update, context) as (session, user):
        now = context.now()
        report = CrampReport(user_id=user.id, occurred_at=now, reported_at=now, source=source)
        session.add(report)
        await session.flush()
        report_id, zone = report.id, user.timezone
    await message.reply_text(
        texts.cramp_logged(local_now(zone, now)), reply_markup=keyboards.undo_cramp(report_id)
    )


async def undo_cramp(update: Update, context: CoachContext) -> None:
    """Remove the report named by the button, if it is the presser's and still there."""
    _, data = pressed(update, UndoCramp)
    await undo_own_row(
        update, context, CrampReport, data.report_id, texts.CRAMP_ALREADY_GONE, texts.CRAMP_UNDONE
    )
