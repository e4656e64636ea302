"""Per-day statistics for many users at once, read from day_stats.

Triggers keep one day_stats row per (user, local day) as reports, cups, goals and
reminder answers are written (migration 0005), so a weekly sweep reads one row per
user-day: no grouping, no raw events.
"""

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from core.diary import Duration, Place, SpasmKind
from core.weekly import DayRecord
from db.models import DayStat
from scheduler.planning import DEFAULT_CUPS

# day_stats.longest_rank (migration 0005 ranks them): "over 10 min" beats "still going"
# beats "1-10 min" beats "under 1 min"; 0 is no duration given.
_RANK_DURATION = {
    1: Duration.UNDER_1_MIN,
    2: Duration.MIN_1_TO_10,
    3: Duration.STILL_GOING,
    4: Duration.OVER_10_MIN,
}
_PLACES = tuple(Place)
_KINDS = tuple(SpasmKind)
_COLUMNS = (
    DayStat.user_id,
    DayStat.day,
    DayStat.cramps,
    DayStat.night_cramps,
    DayStat.severity_sum,
    DayStat.severity_count,
    DayStat.max_severity,
    DayStat.longest_rank,
    DayStat.cups,
    DayStat.extra_cups,
    DayStat.movement_sent,
    DayStat.movement_done,
    DayStat.stretch_done,
    # A Place or SpasmKind without its column fails here, at import.
    *(getattr(DayStat, f"place_{place.value}") for place in _PLACES),
    *(getattr(DayStat, f"kind_{kind.value}") for kind in _KINDS),
)
_COUNTS_AT = 13  # the per-place then per-kind counts

_NONE: Mapping[Any, int] = MappingProxyType({})  # shared "no places / kinds"
_Rows = Sequence[Sequence[Any]]


async def day_records(
    session: AsyncSession, user_ids: Sequence[int], first: date, last: date
) -> dict[int, list[DayRecord]]:
    """Every (user, day) with any data between `first` and `last` (inclusive), by user,
    oldest first. A day whose figures all came back to nothing (a report undone, say)
    has no record, as a day never touched: daily_series fills in both alike."""
    return fold_day_rows(user_ids, await fetch_day_rows(session, user_ids, first, last))


async def sweep_day_records(
    engine: AsyncEngine,
    user_ids: Sequence[int],
    first: date,
    last: date,
    batch: int = 1000,
) -> AsyncIterator[dict[int, list[DayRecord]]]:
    """day_records for many users, a batch at a time; the next batch's query is sent
    before this batch is handed out (on PostgreSQL the server runs it meanwhile).

    Drop each batch before asking for the next: records still referenced while the next
    batch is read get promoted to the garbage collector's oldest generation, whose full
    collections then cost a quarter of a sweep.

    Each query runs on its own, outside any transaction: a session's first statement
    would take SQLite's write lock (db.session's BEGIN IMMEDIATE), holding the bot's
    writers up for the whole read.
    """
    batches = [user_ids[i : i + batch] for i in range(0, len(user_ids), batch)]

    async def fetch(ids: Sequence[int]) -> _Rows:
        async with engine.connect() as connection:
            return await _raw_rows(connection, _day_rows(ids, first, last))

    pending = asyncio.ensure_future(fetch(batches[0])) if batches else None
    for index, ids in enumerate(batches):
        assert pending is not None
        rows = await pending
        if index + 1 < len(batches):
            pending = asyncio.ensure_future(fetch(batches[index + 1]))
        records = fold_day_rows(ids, rows)
        del rows
        yield records
        del records  # as above: nothing of this batch stays alive here


async def _raw_rows(connection: AsyncConnection, statement: Any) -> _Rows:
    """Run a read-only query through the driver itself and return plain tuples.

    A sweep reads millions of rows; SQLAlchemy's per-row Result machinery would cost more
    than the query itself. The statement is still built and compiled by SQLAlchemy (for
    either dialect); only the rows skip its wrapping (so dates may come back as text).
    Executing nothing through SQLAlchemy, it begins no transaction of its own.
    """
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    if dialect.name == "postgresql":
        return await raw.fetch(str(compiled), *params)  # type: ignore[no-any-return]
    return await raw.execute_fetchall(str(compiled), params)  # type: ignore[no-any-return]


def _day_rows(user_ids: Sequence[int], first: date, last: date) -> Select[Any]:
    return (
        select(*_COLUMNS)
        .where(DayStat.user_id.in_(list(user_ids)), DayStat.day.between(first, last))
        .order_by(DayStat.user_id, DayStat.day)
    )


async def fetch_day_rows(
    session: AsyncSession, user_ids: Sequence[int], first: date, last: date
) -> _Rows:
    """The users' day_stats rows from `first` to `last`, by user then day, in the
    session's transaction."""
    return await _raw_rows(await session.connection(), _day_rows(user_ids, first, last))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile. Folding allocates tens of thousands of
    records that all stay alive; the collections they would trigger scan them (and the
    rest of the heap) for nothing, a third of the fold's time. Nothing in between
    awaits, so the pause is as short as the fold."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def fold_day_rows(user_ids: Sequence[int], rows: _Rows) -> dict[int, list[DayRecord]]:
    """Turn fetched rows (by user, then day) into each user's DayRecords, oldest first."""
    with _collector_paused():
        return _fold(user_ids, rows)


def _fold(user_ids: Sequence[int], rows: _Rows) -> dict[int, list[DayRecord]]:
    by_user: dict[int, list[DayRecord]] = {user_id: [] for user_id in user_ids}
    dates: dict[Any, date] = {}
    # Days with cramps mostly repeat a few place and kind counts: one read-only mapping
    # for each, shared by every record with those counts.
    mappings: dict[Sequence[int], tuple[Mapping[Place, int], Mapping[SpasmKind, int]]] = {}
    places, kinds, n_places = _PLACES, _KINDS, len(_PLACES)
    none, ranks, default_cups, record = _NONE, _RANK_DURATION, DEFAULT_CUPS, DayRecord
    # This runs for every user-day of a sweep (millions): plain locals, no per-row calls
    # beyond the record itself.
    current: int | None = None
    days: list[DayRecord] = []
    for row in rows:
        user_id, day, cramps, night, sev_sum, sev_count, sev_max, rank = row[:8]
        cups, extra, sent, done, stretched = row[8:_COUNTS_AT]
        if user_id != current:
            current, days = user_id, by_user[user_id]
        when = dates.get(day)
        if when is None:  # SQLite gives text, PostgreSQL dates
            when = dates[day] = day if isinstance(day, date) else date.fromisoformat(day)
        if cramps:
            counts = row[_COUNTS_AT:]
            shared = mappings.get(counts)
            if shared is None:
                shared = mappings[counts] = (
                    MappingProxyType(
                        {p: n for p, n in zip(places, counts[:n_places], strict=True) if n}
                    ),
                    MappingProxyType(
                        {k: n for k, n in zip(kinds, counts[n_places:], strict=True) if n}
                    ),
                )
            by_place, by_kind = shared
            days.append(
                record(when, cramps, night, sev_sum, sev_count, sev_max, ranks.get(rank),
                       by_place, by_kind, cups, default_cups + extra, sent, done, stretched > 0)
            )  # fmt: skip
        elif cups or extra or sent or done or stretched:
            days.append(
                record(when, 0, 0, 0, 0, None, None, none, none,
                       cups, default_cups + extra, sent, done, stretched > 0)
            )  # fmt: skip
    return by_user
