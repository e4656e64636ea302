"""Red flags the diary raises: the rules run over the user's history (core/redflags.py),
what they raise is stored with its reports, and worded for the user. After a report is
saved, and after a follow-up learns that a cramp is still going."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message

from bot import texts
from bot.callbacks import AcknowledgeFlag
from bot.keyboards import button
from core.diary import Report
from core.redflags import Level, evaluate
from db.models import User
from db.reports import add_flag, flags_since, profile_of, reports_since

# Long enough for every rule's look-back (the longest is 60 days).
HISTORY_FOR_RULES = timedelta(days=60)


@dataclass(frozen=True)
class RaisedFlag:
    """A flag stored just now, worded for the user."""

    flag_id: int
    text: str
    urgent: bool


async def raise_flags(
    session: AsyncSession, user: User, now: datetime
) -> tuple[list[RaisedFlag], dict[int, Report]]:
    """Run the rules on the user's history and store what they raise (urgent first);
    also the history they ran on, by report id."""
    history = await reports_since(session, user.id, now - HISTORY_FOR_RULES)
    past = await flags_since(session, user.id, now - HISTORY_FOR_RULES)
    by_id = {report.id: report for report in history}
    zone = ZoneInfo(user.timezone)
    raised = []
    for flag in evaluate(history, profile_of(user), now, past):
        rule_id, urgent = flag.rule.id, flag.rule.level is Level.URGENT
        flag_id = await add_flag(session, user.id, rule_id, flag.rule.level, now, flag.report_ids)
        when = [by_id[i].occurred_at.astimezone(zone) for i in flag.report_ids if i in by_id]
        text = (
            texts.urgent_message(rule_id, when)
            if urgent
            else texts.flag_message(rule_id, when, earlier=flag.earlier)
        )
        raised.append(RaisedFlag(flag_id, text, urgent))
    return raised, by_id


async def tell_flags(message: Message, flags: list[RaisedFlag]) -> None:
    """Send each warning not already said in the reply, with a button to acknowledge it."""
    for flag in flags:
        if flag.urgent:
            continue  # said first in the reply itself
        got_it = InlineKeyboardMarkup([[button(texts.GOT_IT, AcknowledgeFlag(flag.flag_id))]])
        await message.reply_text(flag.text, reply_markup=got_it)
