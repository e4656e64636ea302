"""day_stats, kept by triggers: after any sequence of the bot's writes it gives the same
DayRecords as grouping the raw rows (the sweep's former queries, kept here as the
reference); the migration's backfill does too."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    column,
    delete,
    func,
    insert,
    inspect,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause

from core.delivery import DeliveryStatus
from core.diary import Context, Duration, Place, SpasmKind
from core.weekly import DayRecord
from db.migrate import alembic_config, upgrade_database
from db.models import CrampReport, DayStat, Delivery, HydrationDay, User, WaterLog
from db.reports import add_report
from db.session import create_engine, create_session_factory
from db.stats import day_records, sweep_day_records
from db.users import get_or_create_user
from scheduler.dispatcher import _RECORD_OUTCOME
from scheduler.planning import DEFAULT_CUPS, Kind
from scheduler.schedules import raise_goal

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
DAYS = [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 21)]
FIRST, LAST = DAYS[0] - timedelta(days=1), DAYS[-1] + timedelta(days=1)
USERS = [1, 2]

# --- The reference: the (user, day) grouping the sweep used to run on the raw rows ------

_RANK = {Duration.UNDER_1_MIN: 1, Duration.MIN_1_TO_10: 2, Duration.STILL_GOING: 3,
         Duration.OVER_10_MIN: 4}  # fmt: skip
_RANK_DURATION = {rank: duration for duration, rank in _RANK.items()}


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _duration_rank() -> ColumnElement[int]:
    seconds = CrampReport.duration_seconds
    by_seconds = case(
        (seconds > 600, _RANK[Duration.OVER_10_MIN]),
        (seconds >= 60, _RANK[Duration.MIN_1_TO_10]),
        else_=_RANK[Duration.UNDER_1_MIN],
    )
    by_bucket = case(*((CrampReport.duration == d.value, r) for d, r in _RANK.items()), else_=0)
    return case(
        (CrampReport.duration == Duration.STILL_GOING.value, by_bucket),
        (seconds.is_not(None), by_seconds),
        else_=by_bucket,
    )


async def reference(
    session: AsyncSession, user_ids: Sequence[int], first: date, last: date, by_clock: bool = True
) -> dict[int, list[DayRecord]]:
    """DayRecords straight from the raw rows, without the days that come out empty
    (`by_clock`: night cramps by at_night too, from 0008 on)."""
    night = CrampReport.context == "night"
    if by_clock:
        night = or_(night, CrampReport.at_night.is_(True))
    places, kinds = list(Place), list(SpasmKind)
    ids = list(user_ids)

    async def rows(statement: Any) -> list[Any]:
        return list(await session.execute(statement))

    cramps = await rows(
        select(
            CrampReport.user_id, cast(CrampReport.day, String), func.count(),
            _count_if(night),
            func.coalesce(func.sum(CrampReport.severity), 0), func.count(CrampReport.severity),
            func.max(CrampReport.severity), func.max(_duration_rank()),
            *(_count_if(CrampReport.places.op("&")(1 << bit) != 0) for bit in range(len(places))),
            *(_count_if(CrampReport.kind == kind.value) for kind in kinds),
        )
        .where(CrampReport.user_id.in_(ids), CrampReport.day.between(first, last))
        .group_by(CrampReport.user_id, CrampReport.day)
    )  # fmt: skip
    cups = await rows(
        select(WaterLog.user_id, cast(WaterLog.day, String), func.count())
        .where(WaterLog.user_id.in_(ids), WaterLog.day.between(first, last))
        .group_by(WaterLog.user_id, WaterLog.day)
    )
    goals = await rows(
        select(HydrationDay.user_id, cast(HydrationDay.day, String), HydrationDay.extra_cups).where(
            HydrationDay.user_id.in_(ids), HydrationDay.day.between(first, last)
        )
    )
    answers = await rows(
        select(
            Delivery.user_id, cast(Delivery.day, String),
            _count_if(and_(Delivery.kind == Kind.MOVEMENT.value,
                           Delivery.status == DeliveryStatus.SENT)),
            _count_if(and_(Delivery.kind == Kind.MOVEMENT.value, Delivery.response == "m")),
            _count_if(and_(Delivery.kind == Kind.STRETCH.value, Delivery.response == "d")),
        )
        .where(Delivery.user_id.in_(ids), Delivery.day.between(first, last))
        .group_by(Delivery.user_id, Delivery.day)
    )  # fmt: skip

    fields: dict[tuple[int, str], dict[str, Any]] = {}

    def at(user_id: int, day: str) -> dict[str, Any]:
        return fields.setdefault((user_id, day), {})

    for user_id, day, count in cups:
        at(user_id, day)["cups"] = count
    for user_id, day, sent, done, stretched in answers:
        at(user_id, day).update(
            movement_sent=sent, movement_done=done, stretch_done=bool(stretched)
        )
    for user_id, day, extra in goals:
        at(user_id, day)["goal"] = DEFAULT_CUPS + extra
    for user_id, day, count, night, sev_sum, sev_count, sev_max, rank, *rest in cramps:
        at(user_id, day).update(
            cramps=count, night_cramps=night, severity_sum=sev_sum or 0,
            severity_count=sev_count, max_severity=sev_max,
            longest=_RANK_DURATION.get(rank or 0),
            by_place={p: n for p, n in zip(places, rest[: len(places)], strict=True) if n},
            by_kind={k: n for k, n in zip(kinds, rest[len(places) :], strict=True) if n},
        )  # fmt: skip
    by_user: dict[int, list[DayRecord]] = {user_id: [] for user_id in ids}
    for (user_id, day), values in sorted(fields.items()):
        record = DayRecord(date.fromisoformat(day[:10]), **values)
        if record != DayRecord(record.day):
            by_user[user_id].append(record)
    return by_user


async def assert_consistent(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        expected = await reference(session, USERS, FIRST, LAST)
        assert await day_records(session, USERS, FIRST, LAST) == expected
        negative = await session.scalar(
            select(func.count()).where(
                (DayStat.cramps < 0) | (DayStat.cups < 0) | (DayStat.movement_sent < 0)
                | (DayStat.movement_done < 0) | (DayStat.stretch_done < 0)
            )
        )  # fmt: skip
        assert negative == 0


# --- Random sequences of the bot's writes ------------------------------------------------

users = st.sampled_from(USERS)
days = st.sampled_from(DAYS)
picks = st.integers(0, 50)
reports = st.fixed_dictionaries(
    {
        "day": st.one_of(days, days, days, st.none()),  # NULL: a report from before 0004
        "kind": st.sampled_from([*SpasmKind, "unknown"]),
        "places": st.integers(0, 2**10 - 1),
        "severity": st.one_of(st.none(), st.integers(1, 10)),
        "duration": st.one_of(st.none(), st.sampled_from(Duration)),
        "duration_seconds": st.one_of(st.none(), st.sampled_from([5, 59, 60, 600, 601, 3600])),
        "context": st.one_of(st.none(), st.sampled_from(Context)),
        "at_night": st.one_of(st.none(), st.booleans()),
    }
)
kinds = st.sampled_from(list(Kind))
answers = st.sampled_from([None, "m", "d", "c", "s", "k"])
outcomes = st.sampled_from(
    [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN,
     DeliveryStatus.PENDING]
)  # fmt: skip
operations = st.one_of(
    st.tuples(st.just("report"), users, reports),
    st.tuples(st.just("unreport"), users, picks),
    st.tuples(st.just("edit report"), users, picks, reports),
    st.tuples(st.just("cup"), users, days),
    st.tuples(st.just("uncup"), users, picks),
    st.tuples(st.just("move cup"), users, picks, days),
    st.tuples(st.just("hot day"), users, days),
    st.tuples(st.just("set extra"), users, picks, st.one_of(st.none(), st.integers(0, 6))),
    st.tuples(st.just("claim"), users, st.one_of(days, days, st.none()), kinds),
    st.tuples(st.just("stretch now"), users, days),
    # Not written so by the bot, but the triggers must not care how a row comes and goes.
    st.tuples(st.just("raw delivery"), users, st.one_of(days, st.none()), kinds, outcomes, answers),
    st.tuples(st.just("drop delivery"), picks),
    st.tuples(st.just("advance"), picks, outcomes),
    st.tuples(st.just("answer"), picks, answers),
    st.tuples(st.just("forget"), users),
)


async def _pick(session: AsyncSession, model: Any, user_id: int | None, pick: int) -> Any:
    query = select(model)
    if user_id is not None:
        query = query.where(model.user_id == user_id)
    rows = list(await session.scalars(query.order_by(*inspect(model).primary_key)))
    return rows[pick % len(rows)] if rows else None


async def apply(session: AsyncSession, op: tuple[Any, ...], serial: int) -> None:
    """One write, as the bot's handlers, dispatcher and schedules make it."""
    name = op[0]
    if name in ("advance", "answer", "drop delivery"):
        delivery = await _pick(session, Delivery, None, op[1])
        if delivery is None:
            return
        if name == "drop delivery":
            await session.delete(delivery)
        elif name == "answer":  # _record_answer, or a response cleared by hand
            delivery.response, delivery.responded_at = op[2], NOW
        elif delivery.status == DeliveryStatus.PENDING:  # Dispatcher.deliver
            await session.execute(
                update(Delivery)
                .where(Delivery.id == delivery.id, Delivery.status == DeliveryStatus.PENDING)
                .values(status=DeliveryStatus.SENDING)
            )
        else:  # Dispatcher._record: one executemany per chunk
            await session.execute(
                _RECORD_OUTCOME,
                [{"delivery_id": delivery.id, "new_status": op[2], "new_message_id": serial,
                  "new_sent_at": NOW if op[2] == DeliveryStatus.SENT else None,
                  "new_claimed_at": NOW if op[2] == DeliveryStatus.PENDING else None}],
            )  # fmt: skip
        return
    user_id = op[1]
    await get_or_create_user(session, user_id, user_id, NOW)
    if name == "report":
        values = {**op[2], "user_id": user_id, "occurred_at": NOW, "reported_at": NOW}
        await add_report(session, values | {"source": "button", "source_message_id": serial})
    elif name == "edit report":
        report = await _pick(session, CrampReport, user_id, op[2])
        if report is not None:
            for key, value in op[3].items():
                setattr(report, key, value)
    elif name == "cup":
        session.add(WaterLog(user_id=user_id, logged_at=NOW, day=op[2], source="button"))
    elif name == "move cup":
        cup = await _pick(session, WaterLog, user_id, op[2])
        if cup is not None:
            cup.day = op[3]
    elif name in ("unreport", "uncup"):  # undo_own_row
        row = await _pick(session, CrampReport if name == "unreport" else WaterLog, user_id, op[2])
        if row is not None:
            await session.delete(row)
    elif name == "hot day":
        await raise_goal(session, user_id, op[2])
    elif name == "set extra":
        goal = await _pick(session, HydrationDay, user_id, op[2])
        if goal is not None and op[3] is None:
            await session.delete(goal)
        elif goal is not None:
            goal.extra_cups = op[3]
    elif name == "claim":  # Dispatcher.claim
        await session.execute(
            insert(Delivery).values(
                user_id=user_id, kind=op[3].value, slot_at=NOW + timedelta(minutes=serial),
                day=op[2], status=DeliveryStatus.PENDING, claimed_at=NOW,
            )
        )  # fmt: skip
    elif name == "raw delivery":
        session.add(
            Delivery(
                user_id=user_id, kind=op[3].value, day=op[2], status=op[4], response=op[5],
                slot_at=NOW + timedelta(days=1, minutes=serial), claimed_at=NOW,
            )
        )  # fmt: skip
    elif name == "stretch now":  # /stretch
        session.add(
            Delivery(
                user_id=user_id, kind=Kind.STRETCH.value, status=DeliveryStatus.SENT, day=op[2],
                slot_at=NOW - timedelta(seconds=serial), claimed_at=NOW, sent_at=NOW,
            )
        )  # fmt: skip
    elif name == "forget":  # /forget: the cascade takes everything of theirs
        user = await session.get(User, user_id)
        assert user is not None
        await session.delete(user)


async def run_sequence(
    sessions: async_sessionmaker[AsyncSession], ops: Sequence[tuple[Any, ...]]
) -> None:
    async with sessions.begin() as session:
        await session.execute(delete(User))  # a clean slate for each example
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DayStat)) == 0
    for serial, op in enumerate(ops):
        async with sessions.begin() as session:
            await apply(session, op, serial)
        await assert_consistent(sessions)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operations, min_size=1, max_size=25))
async def test_day_stats_follow_every_write(
    sessions: async_sessionmaker[AsyncSession], ops: list[tuple[Any, ...]]
) -> None:
    await run_sequence(sessions, ops)


async def test_a_known_sequence_keeps_day_stats_right(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The cases that need more than increments, spelled out."""
    severe = {"day": DAYS[0], "kind": "cramp", "places": 0b11, "severity": 9,
              "duration": "gt10", "duration_seconds": None, "context": "night"}  # fmt: skip
    mild = severe | {"severity": 2, "duration": "lt1", "places": 0b100, "kind": "twitch"}
    await run_sequence(
        sessions,
        [
            ("report", 1, severe),
            ("report", 1, mild),
            ("unreport", 1, 0),  # the maximum goes: recounted from the one left
            ("edit report", 1, 0, mild | {"day": DAYS[1]}),  # to another day
            ("cup", 1, DAYS[0]),
            ("move cup", 1, 0, DAYS[2]),
            ("hot day", 1, DAYS[0]),
            ("hot day", 1, DAYS[0]),  # already raised: nothing happens
            ("set extra", 1, 0, 5),
            ("claim", 2, DAYS[1], Kind.MOVEMENT),
            ("advance", 0, DeliveryStatus.SENT),  # pending -> sending
            ("advance", 0, DeliveryStatus.SENT),  # sending -> sent
            ("answer", 0, "m"),
            ("answer", 0, None),
            ("stretch now", 2, DAYS[2]),
            ("answer", 1, "d"),
            ("forget", 2),
            ("set extra", 1, 0, None),
        ],
    )
    async with sessions() as session:
        reported, cup = (await day_records(session, [1], FIRST, LAST))[1]
        assert reported.day == DAYS[1]
        assert (reported.cramps, reported.max_severity, reported.longest) == (
            1,
            2,
            Duration.UNDER_1_MIN,
        )
        assert (cup.day, cup.cups, cup.goal) == (DAYS[2], 1, DEFAULT_CUPS)
        assert (await day_records(session, [2], FIRST, LAST))[2] == []


async def test_sweep_reads_batches_like_day_records(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ops: list[tuple[Any, ...]] = []
    for user_id in range(1, 8):
        ops += [("cup", user_id, DAYS[user_id % 3]), ("hot day", user_id, DAYS[0])]
    async with sessions.begin() as session:
        for serial, op in enumerate(ops):
            await apply(session, op, serial)
    ids = list(range(1, 9))
    async with sessions() as session:
        whole = await day_records(session, ids, FIRST, LAST)
    swept: dict[int, list[DayRecord]] = {}
    async for batch in sweep_day_records(engine, ids, FIRST, LAST, batch=3):
        swept |= batch
    assert swept == whole
    assert whole[8] == []
    assert [d.goal for d in whole[1]] == [DEFAULT_CUPS + 2, DEFAULT_CUPS]


async def test_days_without_cramps_share_one_empty_mapping(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for serial, op in enumerate([("cup", 1, DAYS[0]), ("cup", 2, DAYS[1])]):
            await apply(session, op, serial)
    async with sessions() as session:
        records = await day_records(session, USERS, FIRST, LAST)
    (one,), (two,) = records[1], records[2]
    assert isinstance(one.by_place, MappingProxyType)
    assert one.by_place is two.by_place
    assert one.by_kind is two.by_kind
    assert not one.by_place
    assert not one.by_kind


# --- The migration -------------------------------------------------------------------


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


# Columns gained after 0004: the schema this test starts from has none of them.
LATER_COLUMNS = {"reminders_on", "at_night", "sitting_from", "sitting_to"}


def as_of_0004(model: type[User] | type[CrampReport]) -> TableClause:
    return table(model.__tablename__, *(column(c.key, c.type) for c in model.__table__.columns
                                        if c.key not in LATER_COLUMNS))  # fmt: skip


def user_row(user_id: int) -> dict[str, object]:
    defaults = {c.key: c.default.arg for c in User.__table__.columns if c.default is not None}
    row = defaults | {"id": user_id, "chat_id": user_id, "created_at": NOW, "updated_at": NOW}
    return {key: value for key, value in row.items() if key not in LATER_COLUMNS}


async def test_migration_fills_day_stats_from_existing_rows_and_downgrades(
    database_url: str,
) -> None:
    engine: AsyncEngine = create_engine(database_url)
    try:
        await upgrade_database(engine, "0004")
        sessions = create_session_factory(engine)
        async with sessions.begin() as session:
            await session.execute(insert(as_of_0004(User)), [user_row(u) for u in USERS])
            report = {"user_id": 1, "occurred_at": NOW, "reported_at": NOW, "source": "button",
                      "kind": "cramp", "places": 0, "duration": None, "duration_seconds": None,
                      "severity": None, "context": None, "symptoms": 0}  # fmt: skip
            await session.execute(
                insert(as_of_0004(CrampReport)),
                [
                    report | {"day": DAYS[0], "severity": 4, "places": 5, "context": "night",
                              "duration_seconds": 700},
                    report | {"day": DAYS[0], "severity": None, "kind": "twitch",
                              "duration": "ongoing"},
                    report | {"day": DAYS[1], "severity": 7, "duration": "1to10"},
                    report | {"day": None, "severity": 10},  # before 0004: counts nowhere
                    report | {"user_id": 2, "day": DAYS[2], "places": 256},
                ],
            )  # fmt: skip
            await session.execute(
                insert(WaterLog),
                [{"user_id": u, "logged_at": NOW, "day": d, "source": "button"}
                 for u, d in [(1, DAYS[0]), (1, DAYS[0]), (2, DAYS[1])]],
            )  # fmt: skip
            await session.execute(
                insert(HydrationDay), [{"user_id": 2, "day": DAYS[0], "extra_cups": 2}]
            )
            delivery = {"claimed_at": NOW, "status": DeliveryStatus.SENT, "response": None}
            await session.execute(
                insert(Delivery),
                [
                    delivery | {"user_id": u, "kind": k, "slot_at": NOW + timedelta(hours=i),
                                "day": d, "status": s, "response": r}
                    for i, (u, k, d, s, r) in enumerate([
                        (1, "movement", DAYS[0], DeliveryStatus.SENT, "m"),
                        (1, "movement", DAYS[0], DeliveryStatus.SENT, None),
                        (1, "movement", DAYS[0], DeliveryStatus.FAILED, None),
                        (1, "movement", None, DeliveryStatus.SENT, "m"),
                        (1, "stretch", DAYS[1], DeliveryStatus.SENT, "d"),
                        (2, "hydration", DAYS[2], DeliveryStatus.SENT, "c"),
                        (2, "stretch", DAYS[2], DeliveryStatus.PENDING, None),
                    ])
                ],
            )  # fmt: skip
        async with sessions() as session:
            before = await reference(session, USERS, FIRST, LAST, by_clock=False)

        await upgrade_database(engine)
        async with sessions() as session:
            assert await day_records(session, USERS, FIRST, LAST) == before
        assert [d.movement_sent for d in before[1]] == [2, 0]
        await assert_consistent(sessions)  # and the triggers keep it from here
        async with sessions.begin() as session:
            await apply(session, ("unreport", 1, 0), 100)
        await assert_consistent(sessions)

        async with engine.begin() as connection:
            await connection.run_sync(_downgrade, "0004")
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        assert "day_stats" not in tables
        async with sessions.begin() as session:  # no trigger left writing to it
            await session.execute(delete(CrampReport))
            await session.execute(delete(WaterLog))
    finally:
        await engine.dispose()
