"""The instances running on one database: they register, heartbeat, and read who is live.

Liveness goes by the instances' own wall clocks (hosts keep NTP time, well within
STALE_AFTER of each other), never by the bot's injectable clock. Functions here never
commit: the caller owns the transaction.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.models import Instance

# An instance not heard from for this long is dead: its share and its users go to the others.
STALE_AFTER = timedelta(seconds=5)
# Dead instances' rows are deleted after this (a live one that stalled longer registers anew).
FORGET_AFTER = timedelta(minutes=10)


def wall_clock() -> datetime:
    """Now, by this host's clock."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Member:
    """A live instance and the send rate it has taken."""

    id: int
    send_rate: float


@dataclass(frozen=True)
class Partition:
    """The users one instance handles: those whose id is `index` modulo `count`."""

    index: int
    count: int

    def owns(self, user_id: int) -> bool:
        """Whether the user falls to this instance."""
        return user_id % self.count == self.index

    def where(self, user_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        """The same test in SQL, on a user id column."""
        return user_id % self.count == self.index


async def register(session: AsyncSession, name: str, now: datetime) -> int:
    """A new instance, live from now and sending nothing yet; its id."""
    statement = insert(Instance).values(
        name=name[:255], started_at=now, heartbeat_at=now, send_rate=0.0
    )
    return int((await session.execute(statement.returning(Instance.id))).scalar_one())


async def members(
    session: AsyncSession,
    now: datetime,
    *,
    stale_after: timedelta = STALE_AFTER,
    lock: bool = False,
    including: int | None = None,
) -> list[Member]:
    """The live instances by id (and `including`, live or not). With `lock`, every row is
    locked (PostgreSQL) in id order, so heartbeats that change rates go one at a time and
    each sees the rates the others took."""
    query = select(Instance.id, Instance.heartbeat_at, Instance.send_rate).order_by(Instance.id)
    if lock:
        query = query.with_for_update()
    cutoff = now - stale_after
    return [
        Member(row.id, row.send_rate)
        for row in await session.execute(query)
        if row.heartbeat_at > cutoff or row.id == including
    ]


async def beat(session: AsyncSession, instance_id: int, now: datetime, send_rate: float) -> bool:
    """Record that the instance is live and the rate it takes; False if its row is gone
    (forgotten after a long stall: it registers anew)."""
    result = await session.execute(
        update(Instance)
        .where(Instance.id == instance_id)
        .values(heartbeat_at=now, send_rate=send_rate)
    )
    return bool(getattr(result, "rowcount", 0))


async def deregister(session: AsyncSession, instance_id: int) -> None:
    """The instance stops: the others take its share and its users at their next beat."""
    await session.execute(delete(Instance).where(Instance.id == instance_id))


async def forget_dead(session: AsyncSession, now: datetime, after: timedelta = FORGET_AFTER) -> int:
    """Delete instances not heard from for `after`; how many went."""
    result = await session.execute(delete(Instance).where(Instance.heartbeat_at < now - after))
    return int(getattr(result, "rowcount", 0) or 0)


def partition_among(live: Sequence[Member], instance_id: int) -> Partition | None:
    """The instance's users: its rank among the live ones by id, of their count; None if
    it is not live (it must claim nothing: the others have taken its users)."""
    ids = [member.id for member in live]
    return Partition(ids.index(instance_id), len(ids)) if instance_id in ids else None


class Membership:
    """One instance's place among the live ones, read in the caller's transaction (the
    dispatcher's claim), so a claim never goes by an older view than the database's."""

    def __init__(
        self, clock: Callable[[], datetime] = wall_clock, stale_after: timedelta = STALE_AFTER
    ) -> None:
        self.clock = clock
        self.stale_after = stale_after
        self.instance_id: int | None = None  # set once registered

    async def partition(self, session: AsyncSession) -> Partition | None:
        """This instance's users now; None: it should claim nothing (not registered yet,
        or not heard from for STALE_AFTER, so the others hold its users)."""
        if self.instance_id is None:
            return None
        live = await members(session, self.clock(), stale_after=self.stale_after)
        return partition_among(live, self.instance_id)
