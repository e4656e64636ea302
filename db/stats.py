"""Per-day statistics for many users at once, aggregated by the database.

Each query groups by (user, day) over the users' own local days (reports, cups and
deliveries all carry the day they belong to), so a weekly sweep reads a few rows per
user-day, never the raw events.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

from sqlalchemy import String, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from core.diary import Duration, Place, SpasmKind
from core.weekly import DayRecord
from db.models import CrampReport, Delivery, HydrationDay, WaterLog
from scheduler.planning import DEFAULT_CUPS, Kind

# Longest first: "over 10 min" beats "still going" beats "1-10 min" beats "under 1 min".
_DURATION_RANK = {
    Duration.UNDER_1_MIN: 1,
    Duration.MIN_1_TO_10: 2,
    Duration.STILL_GOING: 3,
    Duration.OVER_10_MIN: 4,
}
_RANK_DURATION = {rank: duration for duration, rank in _DURATION_RANK.items()}


def _day_text(column: Any) -> ColumnElement[str]:
    # Dates come back as text and are parsed once per distinct day below, not once per
    # row: a sweep reads every user-day of four weeks.
    return cast(column, String)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _duration_rank() -> ColumnElement[int]:
    seconds = CrampReport.duration_seconds
    by_seconds = case(
        (seconds > 600, _DURATION_RANK[Duration.OVER_10_MIN]),
        (seconds >= 60, _DURATION_RANK[Duration.MIN_1_TO_10]),
        else_=_DURATION_RANK[Duration.UNDER_1_MIN],
    )
    by_bucket = case(
        *((CrampReport.duration == d.value, rank) for d, rank in _DURATION_RANK.items()),
        else_=0,
    )
    # A one-line report's seconds are more precise than its bucket, but "still going" wins.
    return case(
        (CrampReport.duration == Duration.STILL_GOING.value, by_bucket),
        (seconds.is_not(None), by_seconds),
        else_=by_bucket,
    )


_NONE: Mapping[Any, int] = MappingProxyType(
    {}
)  # shared "no places / kinds" for days without cramps
_Rows = tuple[Sequence[Any], Sequence[Any], Sequence[Any], Sequence[Any]]


async def day_records(
    session: AsyncSession, user_ids: Sequence[int], first: date, last: date
) -> dict[int, list[DayRecord]]:
    """Every (user, day) with any data between `first` and `last` (inclusive), by user."""
    return fold_day_rows(user_ids, await fetch_day_rows(session, user_ids, first, last))


async def sweep_day_records(
    sessions: async_sessionmaker[AsyncSession],
    user_ids: Sequence[int],
    first: date,
    last: date,
    batch: int = 1000,
) -> AsyncIterator[dict[int, list[DayRecord]]]:
    """day_records for many users, a batch at a time. The next batch's queries run (in the
    database driver's thread) while this batch is folded, so both cores work."""
    batches = [user_ids[i : i + batch] for i in range(0, len(user_ids), batch)]

    async def fetch(ids: Sequence[int]) -> _Rows:
        async with sessions() as session:
            return await fetch_day_rows(session, ids, first, last)

    pending = asyncio.ensure_future(fetch(batches[0])) if batches else None
    for index, ids in enumerate(batches):
        assert pending is not None
        rows = await pending
        if index + 1 < len(batches):
            pending = asyncio.ensure_future(fetch(batches[index + 1]))
        yield fold_day_rows(ids, rows)


async def _raw_rows(session: AsyncSession, statement: Any) -> Sequence[Any]:
    """Run a read-only aggregate through the driver itself and return plain tuples.

    A sweep reads millions of (user, day) rows; SQLAlchemy's per-row Result machinery
    cost three times the query itself. The statement is still built and compiled by
    SQLAlchemy (for either dialect); only the rows skip its wrapping.
    """
    connection = await session.connection()
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    if dialect.name == "postgresql":
        return [tuple(record) for record in await raw.fetch(str(compiled), *params)]
    return list(await raw.execute_fetchall(str(compiled), params))


async def fetch_day_rows(
    session: AsyncSession, user_ids: Sequence[int], first: date, last: date
) -> _Rows:
    """The grouped (user, day) rows of reports, cups, goals and reminder answers."""
    ids = list(user_ids)
    places, kinds = list(Place), list(SpasmKind)
    cramps = _raw_rows(
        session,
        select(
            CrampReport.user_id,
            _day_text(CrampReport.day),
            func.count(),
            _count_if(CrampReport.context == "night"),
            func.coalesce(func.sum(CrampReport.severity), 0),
            func.count(CrampReport.severity),
            func.max(CrampReport.severity),
            func.max(_duration_rank()),
            *(_count_if(CrampReport.places.op("&")(1 << bit) != 0) for bit in range(len(places))),
            *(_count_if(CrampReport.kind == kind.value) for kind in kinds),
        )
        .where(CrampReport.user_id.in_(ids), CrampReport.day.between(first, last))
        .group_by(CrampReport.user_id, CrampReport.day),
    )
    cups = _raw_rows(
        session,
        select(WaterLog.user_id, _day_text(WaterLog.day), func.count())
        .where(WaterLog.user_id.in_(ids), WaterLog.day.between(first, last))
        .group_by(WaterLog.user_id, WaterLog.day),
    )
    goals = _raw_rows(
        session,
        select(HydrationDay.user_id, _day_text(HydrationDay.day), HydrationDay.extra_cups).where(
            HydrationDay.user_id.in_(ids), HydrationDay.day.between(first, last)
        ),
    )
    moved = and_(Delivery.kind == Kind.MOVEMENT.value, Delivery.response == "m")
    deliveries = _raw_rows(
        session,
        select(
            Delivery.user_id,
            _day_text(Delivery.day),
            _count_if(and_(Delivery.kind == Kind.MOVEMENT.value, Delivery.status == "sent")),
            _count_if(moved),
            _count_if(and_(Delivery.kind == Kind.STRETCH.value, Delivery.response == "d")),
        )
        .where(Delivery.user_id.in_(ids), Delivery.day.between(first, last))
        .group_by(Delivery.user_id, Delivery.day),
    )

    return await cramps, await cups, await goals, await deliveries


def fold_day_rows(user_ids: Sequence[int], rows: _Rows) -> dict[int, list[DayRecord]]:
    """Turn fetched rows into each user's DayRecords, oldest first."""
    places, kinds = list(Place), list(SpasmKind)
    cramps, cups, goals, deliveries = rows
    # One list per (user, day) in DayRecord's field order, turned into records at the end.
    # This runs for every user-day of a sweep (millions), so it is plain loops over
    # tuples: no per-row calls, dicts or copies beyond the one list per day.
    fields: dict[tuple[int, str], list[Any]] = {}
    get = fields.get

    def new(key: tuple[int, str]) -> list[Any]:
        row = fields[key] = [
            key[1],
            0,
            0,
            0,
            0,
            None,
            None,
            _NONE,
            _NONE,
            0,
            DEFAULT_CUPS,
            0,
            0,
            False,
        ]
        return row

    for user_id, day, count in cups:
        new((user_id, day))[9] = count
    for user_id, day, sent, done, stretched in deliveries:
        key = (user_id, day)
        row = get(key) or new(key)
        row[11], row[12], row[13] = sent, done, bool(stretched)
    for user_id, day, extra in goals:
        key = (user_id, day)
        (get(key) or new(key))[10] = DEFAULT_CUPS + extra
    for user_id, day, count, night, sev_sum, sev_count, sev_max, rank, *rest in cramps:
        key = (user_id, day)
        row = get(key) or new(key)
        row[1:9] = [
            count, night, sev_sum or 0, sev_count, sev_max, _RANK_DURATION.get(rank or 0),
            {p: n for p, n in zip(places, rest[: len(places)], strict=True) if n},
            {k: n for k, n in zip(kinds, rest[len(places) :], strict=True) if n},
        ]  # fmt: skip
    by_user: dict[int, list[DayRecord]] = {user_id: [] for user_id in user_ids}
    dates: dict[str, date] = {}
    for key in sorted(fields):
        values = fields[key]
        text = values[0]
        values[0] = dates.get(text) or dates.setdefault(text, date.fromisoformat(text[:10]))
        by_user[key[0]].append(DayRecord(*values))
    return by_user
