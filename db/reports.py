"""Cramp reports and red flags. Functions here never commit: the caller owns the transaction."""

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from core.diary import Profile, Report
from core.redflags import PastFlag
from db.dialect import insert_or_skip, is_postgres
from db.models import CrampReport, Flag, FlagReport, ReportDraft, User

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


# --- Report forms (report_drafts) -------------------------------------------------------
# A form has no row until its first tap (its state until then is the fresh one), and
# keeps its row, marked CLOSED, once saved or cancelled, so a late tap on it is refused
# rather than starting it again. Built once, on the table: a tap is one short transaction,
# and on SQLite every transaction takes the one connection.
CLOSED = "-"
_FORMS = cast(Table, ReportDraft.__table__)
_THIS_FORM = (_FORMS.c.user_id == bindparam("form_user")) & (
    _FORMS.c.message_id == bindparam("form_message")
)
# Locked on PostgreSQL: taps on one form go one at a time, whichever instance takes them.
_FORM_STATE = select(_FORMS.c.state).where(_THIS_FORM).with_for_update()
_SET_FORM_STATE = (
    update(_FORMS).where(_THIS_FORM).values(state=bindparam("state"), updated_at=bindparam("now"))
)


@cache
def _new_form(postgres: bool) -> ReturningInsert[Any]:
    insert = pg_insert(_FORMS) if postgres else sqlite_insert(_FORMS)
    return insert.on_conflict_do_nothing().returning(_FORMS.c.message_id)


async def change_form(
    session: AsyncSession,
    user_id: int,
    message_id: int,
    change: Callable[[str], str],
    *,
    fresh: str | None,
    now: datetime,
) -> tuple[str, str] | None:
    """Store the state `change` makes of the form's state (`fresh` if it was never
    tapped): the state before and after; None if the form is closed, or was never tapped
    and is not to start (`fresh` None)."""
    key = {"form_user": user_id, "form_message": message_id}
    while True:
        stored: str | None = await session.scalar(_FORM_STATE, key)
        before = fresh if stored is None else stored
        if before is None or before == CLOSED:
            return None
        after = change(before)
        if stored is not None:
            await session.execute(_SET_FORM_STATE, {**key, "state": after, "now": now})
            return before, after
        row = {"user_id": user_id, "message_id": message_id, "state": after, "updated_at": now}
        if await session.scalar(_new_form(is_postgres(session)), row) is not None:
            return before, after
        # Another instance stored its first tap meanwhile: apply this one after it.


async def close_form(
    session: AsyncSession, user_id: int, message_id: int, *, fresh: str | None, now: datetime
) -> str | None:
    """Close the form (saved or cancelled): the state it had (`fresh` if never tapped),
    or None if it was closed already."""
    changed = await change_form(
        session, user_id, message_id, lambda _: CLOSED, fresh=fresh, now=now
    )
    return None if changed is None else changed[0]


async def forget_forms_before(session: AsyncSession, cutoff: datetime) -> None:
    """Drop forms (open or closed) left untouched since before `cutoff`."""
    await session.execute(delete(ReportDraft).where(ReportDraft.updated_at < cutoff))
