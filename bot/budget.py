"""One send budget (SEND_MAX_PER_SECOND) for all the instances on one PostgreSQL.

Each instance registers in the `instances` table and heartbeats every HEARTBEAT_SECONDS.
At each beat it takes an equal share of the total among the live instances, but never
more than the others have left: every beat publishes the rate taken, and beats go one
at a time (their rows are locked), so the rates taken never add up to more than the
total, even while an instance joins. A newcomer starts at 0 and gets its share once the
others have given theirs back (a beat or two); an instance that stops beating (killed)
is left out after STALE_AFTER, and the others take its share back at their next beat. A
clean stop deregisters at once. The same beat's view of who is live partitions the users
between instances (db/instances.py), for the dispatcher's claim.
"""

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.ratelimit import SendLimiter
from db import instances
from db.instances import STALE_AFTER, Member, Membership, wall_clock

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
# Each instance takes 2 % less than an equal share: evenly spaced senders each fit one more
# message at the edge of any window (three at 20/s put 303 into some 5 s), and requests
# bunch by milliseconds on their way. So no window goes over the total.
HEADROOM = 0.98


def fair_share(total: float, me: int, live: Sequence[Member]) -> float:
    """The rate to take: an equal share among the live instances (me among them), at most
    what the rates the others have taken leave; both of the total less HEADROOM."""
    count = len({member.id for member in live} | {me})
    others = sum(member.send_rate for member in live if member.id != me)
    allowed = total * HEADROOM
    return max(0.0, min(allowed / count, allowed - others))


class SharedBudget:
    """This instance's registration and heartbeat; applies its share to the limiter and
    tells `on_change` (the dispatcher) the new rate."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limiter: SendLimiter,
        total: float | None,
        *,
        on_change: Callable[[float | None], None] | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        stale_after: timedelta = STALE_AFTER,
        clock: Callable[[], datetime] = wall_clock,
        name: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.limiter = limiter
        self.total = total  # None: no limit; instances then only partition the users
        self.on_change = on_change
        self.heartbeat_seconds = heartbeat_seconds
        self.clock = clock
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.membership = Membership(clock, stale_after)
        self.live = 0  # live instances at the last beat
        self._task: asyncio.Task[None] | None = None

    @property
    def instance_id(self) -> int | None:
        """This instance's row, once registered."""
        return self.membership.instance_id

    async def start(self) -> None:
        """Register, take a first share, and beat on in the background."""
        self._apply(0.0 if self.total else None)
        await self._register()
        await self.beat()
        self._task = asyncio.create_task(self._beating())

    async def stop(self) -> None:
        """Stop beating and deregister (after sending has stopped)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.instance_id is None:
            return
        try:
            async with self.sessions.begin() as session:
                await instances.deregister(session, self.instance_id)
        except Exception as error:  # left to go stale: the others wait STALE_AFTER
            logger.warning("Could not deregister instance %s: %s", self.instance_id, error)
        self.membership.instance_id = None

    async def _register(self) -> None:
        async with self.sessions.begin() as session:
            self.membership.instance_id = await instances.register(session, self.name, self.clock())

    async def beat(self) -> None:
        """One heartbeat: publish liveness and the share taken, under the rows' lock."""
        if self.instance_id is None:
            await self._register()
        me = self.instance_id
        assert me is not None
        now = self.clock()
        current = self.limiter.rate
        async with self.sessions.begin() as session:
            live = await instances.members(
                session,
                now,
                stale_after=self.membership.stale_after,
                lock=True,
                including=me,
            )
            rate = fair_share(self.total, me, live) if self.total else 0.0
            if self.total and current is not None and rate < current:
                self._apply(rate)  # give back before the others can see it given back
            if not await instances.beat(session, me, now, rate):
                self.membership.instance_id = None  # forgotten: a new row next beat
                self._apply(0.0 if self.total else None)
                return
            await instances.forget_dead(session, now)
        self.live = len(live)
        metrics.set_live_instances(self.live)
        if self.total and (current is None or rate > current):
            self._apply(rate)  # take more only once the beat is committed

    async def _beating(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self.beat()
            except Exception as error:
                # The database is unreachable: keep the share taken (the others cannot
                # raise theirs without beating either) and try again next time.
                logger.warning("Heartbeat failed: %s", error)

    def _apply(self, rate: float | None) -> None:
        if rate == self.limiter.rate:
            return
        self.limiter.set_rate(rate)
        if self.on_change is not None:
            self.on_change(rate)
