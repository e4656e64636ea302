"""Weekly summaries: built for many users at once (the scheduled sweep) or one (/summary)."""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import use_language
from bot.texts.weekly_message import insight_text, nudge_text, summary_text, summary_title
from core.weekly import (
    DayRecord,
    counted_from,
    daily_series,
    first_day,
    insights,
    is_empty,
    nudge,
    period,
    totals,
)
from db.models import Flag, User
from db.stats import day_records
from scheduler.dispatcher import Outgoing, Preparer
from scheduler.planning import Kind, day_of
from scheduler.schedules import prefs_of

# Insights look at the last four weeks of the user's own data.
INSIGHT_DAYS = 28


@dataclass(frozen=True)
class Summary:
    """A finished summary: the message, and the days for its chart (None: no chart)."""

    text: str
    title: str
    chart_days: tuple[DayRecord, ...] | None


async def build_summaries(
    session: AsyncSession,
    users: Sequence[User],
    at: datetime | Mapping[int, datetime],
    which: str = "current",
) -> dict[int, Summary]:
    """Summaries for `users` as of `at` (one instant, or one per user id): one set of
    grouped queries for all of them."""
    if not users:
        return {}
    when = {user.id: at if isinstance(at, datetime) else at[user.id] for user in users}
    now = max(when.values())
    todays = {user.id: day_of(prefs_of(user), when[user.id]) for user in users}
    periods = {user.id: period(user.summary_weekday, todays[user.id], which) for user in users}
    first = min(min(start - timedelta(days=7), todays[uid] - timedelta(days=INSIGHT_DAYS))
                for uid, (start, _) in periods.items())  # fmt: skip
    last = max(end for _, end in periods.values())
    records = await day_records(session, [user.id for user in users], first, last)
    raised = await session.execute(
        select(Flag.user_id, Flag.rule_id, Flag.raised_at).where(
            Flag.user_id.in_([user.id for user in users]),
            Flag.raised_at >= now - timedelta(days=22),
        )
    )
    flags_by_user: dict[int, list[tuple[int, datetime]]] = {}
    for user_id, rule_id, raised_at in raised:
        flags_by_user.setdefault(user_id, []).append((rule_id, raised_at))

    summaries = {}
    for user in users:
        start, end = periods[user.id]
        today = todays[user.id]
        days = records.get(user.id, [])
        prefs = prefs_of(user)
        since = first_day(day_of(prefs, user.created_at), days)
        this = totals(days, start, end, today=min(today, end), since=since)
        previous = totals(days, start - timedelta(days=7), start - timedelta(days=1), since=since)
        rule_ids = sorted(  # one per warning raised: the summary says how often
            rule_id for rule_id, at in flags_by_user.get(user.id, [])
            if start <= day_of(prefs, at) <= end
        )  # fmt: skip
        # Tonight is not over yet: insights look at finished days only.
        finished = today - timedelta(days=1)
        found = insights([d for d in days if d.day <= finished], finished)
        with use_language(user.language):  # None: the update's language (or English)
            title = summary_title(start, end)
            patterns = [insight_text(insight) for insight in found]
            tip = nudge_text(nudge(this, days))
            text = summary_text(this, previous, days, rule_ids, patterns, tip, title)
        # The chart starts on the user's first day: days before it were not missed.
        chart = None if is_empty(this) else tuple(daily_series(days, counted_from(this), end))
        summaries[user.id] = Summary(text, title, chart)
    return summaries


async def chart_png(summary: Summary) -> bytes | None:
    """The summary's chart, drawn in a worker thread so the event loop keeps serving."""
    if summary.chart_days is None:
        return None
    # Imported here: matplotlib costs start-up time and memory that only charts need.
    from bot.documents import week_chart_png

    return await asyncio.to_thread(week_chart_png, summary.chart_days, summary.title)


def make_preparer(sessions: async_sessionmaker[AsyncSession]) -> Preparer:
    """The dispatcher's chunk hook: every weekly summary in a chunk, built in one go."""

    async def prepare(chunk: Sequence[Outgoing]) -> Sequence[Outgoing]:
        due = {o.user_id: o.slot_at for o in chunk if o.kind is Kind.SUMMARY}
        if not due:
            return chunk
        async with sessions() as session:
            users = list(await session.scalars(select(User).where(User.id.in_(list(due)))))
            built = await build_summaries(session, users, due)
        return [
            replace(o, payload=built.get(o.user_id)) if o.kind is Kind.SUMMARY else o for o in chunk
        ]

    return prepare
