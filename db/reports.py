"""Cramp reports and red flags. Functions here never commit: the caller owns the transaction."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.diary import Profile, Report, Symptom, to_mask
from core.redflags import CLOT_SIGN_DAYS, PastFlag
from db.dialect import insert_or_skip
from db.models import CrampReport, Flag, FlagReport, User

_REPORT_COLUMNS = (
    CrampReport.id,
    CrampReport.occurred_at,
    CrampReport.kind,
    CrampReport.places,
    CrampReport.severity,
    CrampReport.duration,
    CrampReport.duration_seconds,
    CrampReport.context,
    CrampReport.symptoms,
    CrampReport.day,
    CrampReport.at_night,
)

# Built once, as columns rather than entities: a report is stored under SQLite's one
# write lock, which statement building and the ORM's per-row bookkeeping would hold longer.
_REPORTS_SINCE = (
    select(*_REPORT_COLUMNS)
    .where(
        CrampReport.user_id == bindparam("user_id"), CrampReport.occurred_at >= bindparam("since")
    )
    .order_by(CrampReport.occurred_at, CrampReport.id)
)
_FLAGS_SINCE = (
    select(Flag.id, Flag.rule_id, Flag.raised_at, FlagReport.report_id)
    .outerjoin(FlagReport, FlagReport.flag_id == Flag.id)
    .where(Flag.user_id == bindparam("user_id"), Flag.raised_at >= bindparam("since"))
)


def profile_of(user: User) -> Profile:
    """The user's /profile, for the rules."""
    return Profile.stored(user.conditions, user.medications, user.weight_loss)


async def add_report(session: AsyncSession, values: dict[str, object]) -> int | None:
    """Insert a report; None if one from the same message exists (a repeat), else its id."""
    statement = insert_or_skip(session, CrampReport, ("user_id", "source_message_id"), "id")
    report_id: int | None = await session.scalar(statement, values)
    return report_id


_CLOT_SIGN = to_mask([Symptom.SWELLING])


async def clot_signs(
    session: AsyncSession, user_ids: Iterable[int], now: datetime
) -> dict[int, datetime]:
    """Each of these users' latest report with a clot sign (swelling, redness or warmth:
    red flag 4) within the CLOT_SIGN_DAYS before `now`; users without one are left out."""
    rows = await session.execute(
        select(CrampReport.user_id, func.max(CrampReport.occurred_at))
        .where(
            CrampReport.user_id.in_(list(user_ids)),
            CrampReport.occurred_at > now - timedelta(days=CLOT_SIGN_DAYS),
            CrampReport.occurred_at <= now,
            CrampReport.symptoms.op("&")(_CLOT_SIGN) != 0,
        )
        .group_by(CrampReport.user_id)
    )
    return {user_id: at for user_id, at in rows if at is not None}


async def latest_clot_sign(session: AsyncSession, user_id: int, now: datetime) -> datetime | None:
    """The user's latest clot sign within CLOT_SIGN_DAYS of `now` (clot_signs), or None."""
    return (await clot_signs(session, [user_id], now)).get(user_id)


async def reports_since(session: AsyncSession, user_id: int, since: datetime) -> list[Report]:
    """The user's reports that happened since `since`, oldest first."""
    rows = await session.execute(_REPORTS_SINCE, {"user_id": user_id, "since": since})
    return [Report.stored(row) for row in rows]


async def latest_reports(session: AsyncSession, user_id: int, limit: int) -> list[CrampReport]:
    """The user's newest reports, newest first."""
    rows = await session.scalars(
        select(CrampReport)
        .where(CrampReport.user_id == user_id)
        .order_by(CrampReport.occurred_at.desc(), CrampReport.id.desc())
        .limit(limit)
    )
    return list(rows)


async def flags_since(session: AsyncSession, user_id: int, since: datetime) -> list[PastFlag]:
    """The user's flags raised since `since`, with the reports that raised each."""
    found: dict[int, tuple[int, datetime, set[int]]] = {}
    for flag_id, rule_id, raised_at, report_id in await session.execute(
        _FLAGS_SINCE, {"user_id": user_id, "since": since}
    ):
        reports = found.setdefault(flag_id, (rule_id, raised_at, set()))[2]
        if report_id is not None:
            reports.add(report_id)
    return [PastFlag(rule_id, at, frozenset(ids)) for rule_id, at, ids in found.values()]


async def add_flag(
    session: AsyncSession,
    user_id: int,
    rule_id: int,
    level: str,
    now: datetime,
    report_ids: Sequence[int],
) -> int:
    """Store a raised flag with the reports that triggered it."""
    flag = Flag(user_id=user_id, rule_id=rule_id, level=level, raised_at=now)
    session.add(flag)
    await session.flush()
    session.add_all(FlagReport(flag_id=flag.id, report_id=report_id) for report_id in report_ids)
    return flag.id


async def latest_flags(
    session: AsyncSession, user_id: int, limit: int
) -> list[tuple[Flag, list[int]]]:
    """The user's newest flags with their triggering report ids."""
    flags = list(
        await session.scalars(
            select(Flag)
            .where(Flag.user_id == user_id)
            .order_by(Flag.raised_at.desc(), Flag.id.desc())
            .limit(limit)
        )
    )
    links = await session.execute(
        select(FlagReport.flag_id, FlagReport.report_id).where(
            FlagReport.flag_id.in_([flag.id for flag in flags])
        )
    )
    by_flag: dict[int, list[int]] = {}
    for flag_id, report_id in links:
        by_flag.setdefault(flag_id, []).append(report_id)
    return [(flag, sorted(by_flag.get(flag.id, []))) for flag in flags]
