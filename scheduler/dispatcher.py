"""The dispatcher: claims due reminder slots from the database and hands them to a sender.

A pass claims a batch of due schedule rows in one transaction, in three steps: select
the rows (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite transactions are serial) with
their users and hydration counts, and the same users' rows due soon (planning.rides_along:
within MERGE_AHEAD; a tip, a few hours); decide without the database
(scheduler/claims.py) whether to send each and when its row is due next (a series slot
near a snooze of its kind is skipped: claims.stood_in_for), then which
slots share a message, in what order messages go, and what the send rate
cannot get out within its grace; persist that, advancing or deleting each row and
recording each slot as a delivery, unique per (user, kind, slot): to send, or dropped.
Only the transaction that inserted that delivery sends it, so a slot goes out at most
once however many dispatchers run or crash. A message of several slots is sent under
its first delivery; the others point at it (merged_into) and follow its status.

Sending happens outside the claim: messages are marked "sending" just before they go
out and "sent" after (core/delivery.py has every status; Dispatcher.deliver draws them).
After a crash, "pending" deliveries (never tried) are sent by a later pass while still
within their grace; "sending" ones may or may not have reached Telegram, which offers no
way to ask, so they are never sent again (at most once). So that a crash writes off
little, only a small window is marked ahead of the send limiter (chunk_size; about half
a second of sending, see bot/app.py), and a chat's second message of a pass comes after
every chat's first, by when Telegram's one-second gap between a chat's messages has
mostly passed and it holds up nobody in the window.

Several instances on one PostgreSQL split the users between them (`membership`,
db/instances.py): each claims and recovers only the rows of its own users, read from the
live instances inside the claim's transaction, so one chat's reminders come from one
instance at a time; when instances come or go, users move, and the row locks above still
send each slot once. An instance with no share of the send budget (`send_rate` 0) claims
nothing until it has one.

While the database is unreachable a pass fails and the next wake-up tries again: what
was claimed stays claimed and goes out late, within its grace. Marking and recording
what Telegram answered are retried through an outage (for up to OUTAGE_RETRY_SECONDS):
until written, those outcomes live only in this process.
"""

import asyncio
import contextlib
import itertools
import logging
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar, cast

from sqlalchemy import Row, Table, bindparam, case, delete, func, or_, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.delivery import DeliveryStatus, SendResult, after_send
from db.base import UTCDateTime
from db.dialect import is_postgres, upsert
from db.instances import Membership, Partition
from db.models import Delivery, HydrationDay, ReminderRhythm, ReminderSchedule, User, WaterLog
from db.reports import clot_signs
from scheduler.claims import (
    HELD_BY_CLOT_SIGN,
    NO_WATER,
    Candidate,
    ClaimDecision,
    Decide,
    MessagePlan,
    Recipient,
    Water,
    decide_claim,
    plan_messages,
    stood_in_for,
)
from scheduler.planning import (
    DEFAULT_CUPS,
    KINDS,
    LOOK_AHEAD,
    Kind,
    day_of,
    due_is_fresh,
    rides_along,
)
from scheduler.rhythm import (
    ADAPTIVE,
    Rhythm,
    after_previous,
    previous_slot,
    wants_to_ask,
    was_ignored,
)
from scheduler.schedules import prefs_of, wanted_kinds

logger = logging.getLogger(__name__)

# A pending delivery older than this was left by a pass that died: try it again.
ORPHAN_AFTER = timedelta(seconds=60)
# A delivery still "sending" after this was cut off mid-send; its fate is unknown.
LOST_AFTER = timedelta(minutes=10)
# How long marking and recording are retried while the database is unreachable.
OUTAGE_RETRY_SECONDS = 60.0
_OUTAGE_BACKOFF = (0.25, 0.5, 1.0, 2.0, 5.0)
# The next claim starts while this many seconds of sending are left (a claim of 500 takes
# about a second on a loaded machine): a backlog goes out at the full rate, without gaps.
FOLLOW_ON_SECONDS = 2.0


_deliveries = cast(Table, Delivery.__table__)
# A message's outcome is its lead delivery's and that of every delivery merged into it.
_RECORD_OUTCOME = (
    update(_deliveries)
    .where(
        or_(
            _deliveries.c.id == bindparam("delivery_id"),
            _deliveries.c.merged_into == bindparam("delivery_id"),
        )
    )
    .values(
        status=bindparam("new_status"),
        sent_at=bindparam("new_sent_at"),
        message_id=bindparam("new_message_id"),
        claimed_at=func.coalesce(
            bindparam("new_claimed_at", type_=UTCDateTime()), _deliveries.c.claimed_at
        ),
    )
)


T = TypeVar("T")
_EVERYONE = Partition(0, 1)


def _is_outage(error: BaseException) -> bool:
    """Whether an error means the database is unreachable (worth retrying), not a bad query."""
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError))
    # asyncpg raises connection failures (refused, reset) as plain OSErrors.
    return isinstance(error, OSError)


@dataclass(frozen=True)
class Outgoing:
    """A claimed slot, with what the message needs to say."""

    delivery_id: int
    user_id: int
    chat_id: int
    kind: Kind
    slot_at: datetime
    cups: int = 0
    goal: int = DEFAULT_CUPS
    day: date | None = None
    payload: object = None  # what `prepare` worked out for this message (e.g. a summary)
    # Reminders sent in this one's message (due close together): each keeps its own id.
    parts: tuple["Outgoing", ...] = ()
    paid: bool = False  # sent as a paid broadcast: the free rate could not get it out in time
    ask: bool = False  # carries the question keep / fewer / stop (scheduler/rhythm.py)
    language: str | None = None  # the user's (bot/i18n.py; None: not chosen, English)


Sender = Callable[[Outgoing], Awaitable[tuple[SendResult, int | None]]]
_Outcome = tuple[Outgoing, tuple[SendResult, int | None]]
# Work for a batch before sending (one set of queries for many summaries).
Preparer = Callable[[Sequence[Outgoing]], Awaitable[Sequence[Outgoing]]]
# A claimed delivery, as the claim's insert returns it: id, user id, kind, slot, status.
_Claimed = Row[int, int, str, datetime, str]
# Kinds that share a message, and the claim's order of due rows: by priority (claims).
_MERGING = [kind.value for kind, plan in KINDS.items() if plan.merges]
_PRIORITY = case(
    {kind.value: plan.priority for kind, plan in KINDS.items()},
    value=ReminderSchedule.kind,
    else_=len(KINDS),
)


@dataclass
class PassStats:
    """Counts from one dispatcher pass."""

    rows: int = 0  # schedule rows looked at
    claimed: int = 0
    skipped: int = 0
    sent: int = 0
    merged: int = 0  # deliveries sent inside another's message
    dropped: Counter[str] = field(default_factory=Counter)  # by kind
    outcomes: dict[SendResult, int] = field(default_factory=dict)


class Dispatcher:
    """Claims due slots and sends them; `run()` loops until stopped, woken by `wake()`."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        send: Sender,
        clock: Clock,
        *,
        batch_size: int = 500,
        chunk_size: int = 100,
        idle_seconds: float = 60.0,
        on_idle: Callable[[datetime | None], None] | None = None,
        prepare: Preparer | None = None,
        decide: Decide = decide_claim,
        merge: bool = True,
        send_rate: float | None = None,
        paid_rate: float | None = None,
        adapt: bool = True,
        membership: Membership | None = None,
    ) -> None:
        self.sessions = sessions
        self.send = send
        self.clock = clock
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.idle_seconds = idle_seconds
        self.on_idle = on_idle
        self.prepare = prepare
        self.decide = decide  # another only for a comparison (bench/scale.py)
        self.merge = merge  # off only for a comparison with the old design (bench/)
        # What this sender can count on a second (None: no overload planning, no drops),
        # and the paid broadcast's rate when the operator allows it (None: never paid).
        self.send_rate = send_rate
        self.paid_rate = paid_rate
        self.dropped: Counter[str] = Counter()  # by kind, since start (/healthz)
        self.adapt = adapt  # kinds a user keeps letting pass back off (scheduler/rhythm.py)
        self.membership = membership  # None: the only instance, every user is its own
        self._wake = asyncio.Event()
        self._stop: asyncio.Event | None = None

    def wake(self) -> None:
        """Ask for a pass now (called by the JobQueue and when something becomes due)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until `stop`; between passes wait for a wake-up or idle_seconds."""
        self._stop = stop
        while not stop.is_set():
            try:
                while not stop.is_set():
                    stats = await self.run_once(follow_on=True)
                    if not (stats.rows or stats.claimed):
                        break
                if self.on_idle is not None:
                    self.on_idle(await self.next_due_at())
            except Exception:
                # The database or Telegram may be down: nothing claimed is lost (see module
                # docstring), so log and try again on the next wake-up.
                logger.exception("Dispatcher pass failed")
            self._wake.clear()
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=self.idle_seconds, return_when="FIRST_COMPLETED")
            for waiter in waiters:
                waiter.cancel()

    async def run_once(self, *, follow_on: bool = False) -> PassStats:
        """Claim one batch of due slots (and orphaned ones) and send them. With
        `follow_on`, the next batch is claimed while the last seconds of this one are
        sent, and so on until nothing is due: the limiter never waits on a claim."""
        stats = PassStats()
        outgoing = await self._claim_all(stats)
        await self.deliver(outgoing, stats, partial(self._claim_all, stats) if follow_on else None)
        return stats

    async def _claim_all(self, stats: PassStats) -> list[Outgoing]:
        outgoing = await self.claim(stats)
        outgoing += await self.recover()
        stats.claimed += len(outgoing)
        return outgoing

    async def next_due_at(self) -> datetime | None:
        """When the earliest schedule row of this instance's users is due."""
        async with self.sessions() as session:
            mine = await self._mine(session)
            if mine is None:
                return None  # woken when that changes (bot/budget.py)
            query = select(func.min(ReminderSchedule.next_due_at))
            if mine.count > 1:
                query = query.where(mine.where(ReminderSchedule.user_id))
            return await session.scalar(query)

    async def _mine(self, session: AsyncSession) -> Partition | None:
        """The users this instance claims for now (all of them when it is the only one);
        None: none (no share of the send budget yet, or not live among the instances)."""
        if self.send_rate == 0:
            return None
        if self.membership is None:
            return _EVERYONE
        return await self.membership.partition(session)

    async def claim(self, stats: PassStats | None = None) -> list[Outgoing]:
        """Advance due schedule rows and record the slots to send; returns them."""
        stats = stats if stats is not None else PassStats()
        now = self.clock()
        async with self.sessions.begin() as session:
            mine = await self._mine(session)
            if mine is None:
                return []
            due = await self._select_due(session, now, mine)
            rhythms = await _Rhythms.load(session, due) if self.adapt else None
            if rhythms is not None:
                due = rhythms.due
            decisions = _decide_each(due, self.decide, now)
            snoozes: list[ReminderSchedule] = []  # still to come, for these users
            if self.merge and due.rows:
                due, decisions, snoozes = await self._with_ahead(session, due, decisions, now)
            due, decisions = _skip_near_snoozes(due, decisions, snoozes)
            plan = plan_messages(
                _candidates(due, decisions), now, merge=self.merge,
                send_rate=self.send_rate, paid_rate=self.paid_rate,
            )  # fmt: skip
            messages = await _persist(session, due, decisions, plan, now)
            sending = [
                claimed[:4]
                for lead, companions, _ in messages
                if lead.status != DeliveryStatus.DROPPED
                for claimed in (lead, *companions)
            ]
            asking = rhythms.ask(sending) if rhythms is not None else set()
        stats.rows += len(due.rows) - len(due.ahead)
        stats.skipped += sum(
            decision.skipped for index, decision in enumerate(decisions) if index not in due.ahead
        )
        outgoing = []
        for lead, companions, paid in messages:
            if lead.status == DeliveryStatus.DROPPED:
                stats.dropped[lead.kind] += 1
                continue
            message = self._outgoing_of(due, lead, asking)
            parts = tuple(self._outgoing_of(due, part, asking) for part in companions)
            stats.merged += len(parts)
            outgoing.append(replace(message, parts=parts, paid=paid))
        if stats.dropped:
            self.dropped.update(stats.dropped)
            logger.warning(
                "Dropped %d reminders that could not go out within their grace: %s",
                stats.dropped.total(),
                ", ".join(f"{kind} {count}" for kind, count in sorted(stats.dropped.items())),
            )
        return outgoing

    @staticmethod
    def _outgoing_of(due: "_Due", claimed: _Claimed, asking: set[int]) -> Outgoing:
        delivery_id, user_id, kind, slot, _ = claimed
        water = due.water.get(user_id, NO_WATER)
        outgoing = _outgoing(due.users[user_id], water, delivery_id, kind, slot)
        return replace(outgoing, ask=True) if delivery_id in asking else outgoing

    async def _with_ahead(
        self, session: AsyncSession, due: "_Due", decisions: list[ClaimDecision], now: datetime
    ) -> tuple["_Due", list[ClaimDecision], list[ReminderSchedule]]:
        """The batch, plus the same users' rows due soon (rides_along) that could share a
        message going now. They are decided as if claimed now; those that end up in no
        message are left as they are (claims.plan_messages). Also returned: the users'
        snoozes still to come, which never ride along (a snooze keeps the time the user
        asked for) but may stand in for a series slot (_skip_near_snoozes)."""
        users = {
            row.user_id
            for row, decision in zip(due.rows, decisions, strict=True)
            if decision.send and KINDS[Kind(row.kind)].merges
        }
        if not users:
            return due, decisions, []
        query = select(ReminderSchedule).where(
            ReminderSchedule.user_id.in_(users),
            ReminderSchedule.kind.in_(_MERGING),
            ReminderSchedule.next_due_at > now,
            ReminderSchedule.next_due_at <= now + LOOK_AHEAD,
        )
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        rows_ahead = (await session.scalars(query)).all()
        snoozes = [r for r in rows_ahead if r.is_snooze]
        ahead = [
            r
            for r in rows_ahead
            if not r.is_snooze and rides_along(Kind(r.kind), r.next_due_at, now)
        ]
        if not ahead:
            return due, decisions, snoozes
        rows = due.rows + ahead
        days = {
            (row.user_id, day_of(due.recipients[row.user_id].prefs, row.next_due_at))
            for row in rows
            if row.kind == Kind.HYDRATION and row.user_id in due.recipients
        }
        water = (
            await _load_water(session, days)
            if any(row.kind == Kind.HYDRATION for row in ahead)
            else due.water
        )
        more = _Due(rows, due.users, due.recipients, water, set(range(len(due.rows), len(rows))))
        only_ahead = _Due(ahead, due.users, due.recipients, water)
        return more, decisions + _decide_each(only_ahead, self.decide, now), snoozes

    async def _select_due(self, session: AsyncSession, now: datetime, mine: Partition) -> "_Due":
        """The claim's batch of due rows, locked, with their users and hydration counts."""
        # By priority, then due time: under a backlog the summary and the stretch go
        # before drink and move nudges, and what waits longest is what gets dropped.
        query = (
            select(ReminderSchedule)
            .where(ReminderSchedule.next_due_at <= now)
            .order_by(_PRIORITY, ReminderSchedule.next_due_at, ReminderSchedule.user_id)
            .limit(self.batch_size)
        )
        if mine.count > 1:
            query = query.where(mine.where(ReminderSchedule.user_id))
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        rows = list((await session.scalars(query)).all())
        if not rows:
            return _Due(rows, {}, {}, {})
        users = await self._users(session, {row.user_id for row in rows})
        held = {row.user_id for row in rows if row.kind in HELD_BY_CLOT_SIGN}
        signs = await clot_signs(session, held, now) if held else {}
        recipients = {
            user.id: Recipient(
                prefs_of(user),
                wanted_kinds(user),
                user.paused_until,
                clot_sign_at=signs.get(user.id),
            )
            for user in users.values()
        }
        days = {
            (row.user_id, day_of(recipients[row.user_id].prefs, row.next_due_at))
            for row in rows
            if row.kind == Kind.HYDRATION and row.user_id in recipients
        }
        return _Due(rows, users, recipients, await _load_water(session, days))

    async def recover(self) -> list[Outgoing]:
        """Deliveries a dead pass left behind: resend the untried, write off the unknown."""
        now = self.clock()
        async with self.sessions.begin() as session:
            mine = await self._mine(session)
            if mine is None:
                return []
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.status == DeliveryStatus.SENDING,
                    Delivery.claimed_at < now - LOST_AFTER,
                )
                .values(status=DeliveryStatus.UNKNOWN)
            )
            query = (
                select(Delivery)
                .where(
                    Delivery.status == DeliveryStatus.PENDING,
                    Delivery.claimed_at < now - ORPHAN_AFTER,
                    Delivery.merged_into.is_(None),  # these go with their message
                )
                .limit(self.batch_size)
            )
            if mine.count > 1:
                query = query.where(mine.where(Delivery.user_id))
            if is_postgres(session):
                query = query.with_for_update(skip_locked=True)
            orphans = list((await session.scalars(query)).all())
            if not orphans:
                return []
            users = await self._users(session, {d.user_id for d in orphans})
            companions: defaultdict[int, list[Delivery]] = defaultdict(list)
            for part in await session.scalars(
                select(Delivery)
                .where(Delivery.merged_into.in_([d.id for d in orphans]))
                .order_by(Delivery.id)
            ):
                companions[cast(int, part.merged_into)].append(part)
            recovered = []
            for delivery in orphans:
                kind, user = Kind(delivery.kind), users.get(delivery.user_id)
                if (
                    user is None
                    or not user.is_active
                    or not due_is_fresh(kind, delivery.slot_at, now)
                ):
                    for expired in (delivery, *companions[delivery.id]):
                        expired.status = DeliveryStatus.EXPIRED
                    continue
                delivery.claimed_at = now  # tried again now; not an orphan for a while
                recovered.append(delivery)
            days = {
                (d.user_id, day_of(prefs_of(users[d.user_id]), d.slot_at))
                for lead in recovered
                for d in (lead, *companions[lead.id])
                if d.kind == Kind.HYDRATION
            }
            water = await _load_water(session, days)

            def outgoing(d: Delivery) -> Outgoing:
                user = users[d.user_id]
                return _outgoing(user, water.get(d.user_id, NO_WATER), d.id, d.kind, d.slot_at)

            return [
                replace(outgoing(d), parts=tuple(outgoing(p) for p in companions[d.id]))
                for d in recovered
            ]

    async def deliver(
        self,
        outgoing: Sequence[Outgoing],
        stats: PassStats,
        follow_on: Callable[[], Coroutine[Any, Any, list[Outgoing]]] | None = None,
    ) -> None:
        """Send: mark messages sending, send them, record what happened; with `follow_on`,
        claim more once FOLLOW_ON_SECONDS of sending are left, until it finds nothing.

        A delivery's statuses, and the steps that move it (core/delivery.py has them all):

                 claim            mark             send             record
            row -------> pending -------> sending ------> answered -------> sent, failed,
                            |  ^             |               |              blocked, unknown
                            |  +-------------|---------------+ record: retry
                            |                |                 (Telegram was unreachable)
                            | recover: past  | recover: still sending after
                            | its grace      | LOST_AFTER (a crash cut it off)
                            v                v
                         expired          unknown

        The window is what is marked and not yet recorded: on its way, or answered (which
        only this process knows). It holds at most chunk_size messages, all that a crash
        can write off. Once half of it is free it is filled up again, and answers are
        recorded once half the window has them (or nothing else is on its way), so the
        limiter always has messages waiting.
        Once `stop` is set nothing more is marked; what is on its way is finished.
        """
        waiting = deque(_spread_chats(outgoing))
        half = max(1, self.chunk_size // 2)
        finished: asyncio.Queue[_Outcome] = asyncio.Queue()
        tasks: set[asyncio.Task[None]] = set()
        in_flight = 0
        done: list[_Outcome] = []
        claiming: asyncio.Task[list[Outgoing]] | None = None

        async def send(message: Outgoing) -> None:
            finished.put_nowait(await self._send_safely(message))

        try:
            while waiting or in_flight or claiming is not None:
                if claiming is not None and claiming.done():
                    more = _claimed_more(claiming)
                    claiming, follow_on = None, follow_on if more else None
                    waiting.extend(_spread_chats(more))
                    continue
                if (
                    follow_on is not None
                    and claiming is None
                    and not self._stopping()
                    and len(waiting) + in_flight <= self._follow_on_at()
                ):
                    claiming = asyncio.create_task(follow_on())
                room = self.chunk_size - in_flight - len(done)
                if waiting and room >= half and not self._stopping():
                    batch = [waiting.popleft() for _ in range(min(room, len(waiting)))]
                    for message in await self._take(batch):
                        task = asyncio.create_task(send(message))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                        in_flight += 1
                    continue
                if not in_flight:
                    if claiming is not None:
                        await asyncio.wait([claiming])
                        continue
                    break  # stopping: the rest stays pending, for a later pass or instance
                getting = asyncio.ensure_future(finished.get())
                await asyncio.wait(
                    [getting] if claiming is None else [getting, claiming],
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if not getting.done():
                    getting.cancel()  # the claim came first (a cancelled get takes nothing)
                    continue
                arrived = [getting.result()]
                while not finished.empty():
                    arrived.append(finished.get_nowait())
                done += arrived
                in_flight -= len(arrived)
                if len(done) >= half or not in_flight:
                    recording, done = done, []
                    await self._record(recording, stats)
        finally:
            if claiming is not None:  # what it claims stays pending, for a later pass
                await asyncio.wait([claiming])
            if tasks:  # an error: still record what is already on its way
                await asyncio.wait(tasks)
            while not finished.empty():
                done.append(finished.get_nowait())
            if done:
                await self._record(done, stats)

    async def _take(self, batch: Sequence[Outgoing]) -> list[Outgoing]:
        """Prepare a batch and mark it sending; only what this pass marked is returned."""
        if self.prepare is not None:
            # Before marking: a failure here leaves the batch pending, to be sent later.
            batch = list(await self._through_outage(partial(self.prepare, batch)))
        return await self._through_outage(partial(self._mark_sending, batch))

    def _follow_on_at(self) -> int:
        """Messages left to send (waiting and on their way) when the next claim starts."""
        if not self.send_rate:
            return self.chunk_size
        return max(self.chunk_size, round(self.send_rate * FOLLOW_ON_SECONDS))

    def _stopping(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    async def _mark_sending(self, batch: Sequence[Outgoing]) -> list[Outgoing]:
        by_id = {o.delivery_id: o for o in batch}
        async with self.sessions.begin() as session:
            taken = await session.execute(
                update(Delivery)
                .where(
                    or_(Delivery.id.in_(list(by_id)), Delivery.merged_into.in_(list(by_id))),
                    Delivery.status == DeliveryStatus.PENDING,
                )
                .values(status=DeliveryStatus.SENDING)
                .returning(Delivery.id)
            )
            return [by_id[delivery_id] for delivery_id in taken.scalars() if delivery_id in by_id]

    async def _through_outage(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt()`, tried again while the database is unreachable, for a while."""
        started = time.monotonic()
        for tries in itertools.count():
            try:
                return await attempt()
            except Exception as error:
                delay = _OUTAGE_BACKOFF[min(tries, len(_OUTAGE_BACKOFF) - 1)]
                late = time.monotonic() - started + delay > OUTAGE_RETRY_SECONDS
                if not _is_outage(error) or self._stopping() or late:
                    raise
                logger.warning("Database unavailable (%s); retrying in %.2fs", error, delay)
            if self._stop is None:
                await asyncio.sleep(delay)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
        raise AssertionError("unreachable")

    async def _send_safely(self, outgoing: Outgoing) -> _Outcome:
        try:
            return outgoing, await self.send(outgoing)
        except Exception:
            logger.exception("Sending delivery %s failed", outgoing.delivery_id)
            return outgoing, (SendResult.UNKNOWN, None)

    async def _record(self, outcomes: Sequence[_Outcome], stats: PassStats) -> None:
        now = self.clock()
        rows: list[dict[str, object]] = []
        blocked: set[int] = set()
        for outgoing, (result, message_id) in outcomes:
            stats.outcomes[result] = stats.outcomes.get(result, 0) + 1
            stats.sent += result is SendResult.SENT
            if result is SendResult.BLOCKED:
                blocked.add(outgoing.user_id)
            retry = result is SendResult.RETRY
            rows.append(
                {
                    "delivery_id": outgoing.delivery_id,
                    "new_status": after_send(result),
                    "new_sent_at": now if result is SendResult.SENT else None,
                    "new_message_id": message_id,
                    "new_claimed_at": now if retry else None,  # retried after ORPHAN_AFTER
                }
            )
        await self._through_outage(partial(self._write_outcomes, rows, blocked))

    async def _write_outcomes(self, rows: list[dict[str, object]], blocked: set[int]) -> None:
        async with self.sessions.begin() as session:
            await session.execute(_RECORD_OUTCOME, rows)  # one executemany per half window
            if blocked:
                # Telegram says they blocked us: stop their reminders until /start.
                await session.execute(
                    update(User).where(User.id.in_(blocked)).values(is_active=False)
                )
                await session.execute(
                    delete(ReminderSchedule).where(ReminderSchedule.user_id.in_(blocked))
                )

    @staticmethod
    async def _users(session: AsyncSession, ids: set[int]) -> dict[int, User]:
        result = await session.scalars(select(User).where(User.id.in_(ids)))
        return {user.id: user for user in result}


def _claimed_more(claiming: "asyncio.Task[list[Outgoing]]") -> list[Outgoing]:
    """What a follow-on claim found; nothing if it failed (logged: the next pass tries)."""
    error = claiming.exception()
    if error is None:
        return claiming.result()
    logger.error("Dispatcher pass failed", exc_info=error)
    return []


def _spread_chats(outgoing: Sequence[Outgoing]) -> list[Outgoing]:
    """Every chat's first message, then every chat's second, and so on (each chat's own in
    order): a chat's next message then rarely waits out its one-second gap in the window."""
    rounds: list[list[Outgoing]] = []
    seen: dict[int, int] = {}
    for message in outgoing:
        index = seen.get(message.chat_id, 0)
        seen[message.chat_id] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(message)
    return [message for round_ in rounds for message in round_]


@dataclass(frozen=True)
class _Due:
    """A claim's due rows, with what deciding on them needs, by user id."""

    rows: list[ReminderSchedule]
    users: dict[int, User]
    recipients: dict[int, Recipient]
    water: dict[int, Water]
    ahead: set[int] = field(default_factory=set)  # indices of rows not due yet (rides_along)


def _candidates(due: _Due, decisions: Sequence[ClaimDecision]) -> list[Candidate]:
    """The rows decided to be sent, as plan_messages takes them (key: the row's index)."""
    return [
        Candidate(index, row.user_id, Kind(row.kind), row.next_due_at, index in due.ahead)
        for index, (row, decision) in enumerate(zip(due.rows, decisions, strict=True))
        if decision.send
    ]


@dataclass
class _Rhythms:
    """The claim's rhythms (scheduler/rhythm.py): each due series slot of an adaptive kind
    judges the slot before it (ignored or answered), so each sent reminder is judged once,
    when the next slot of its kind comes; changes are written in the claim's transaction."""

    due: _Due  # with each recipient's rhythms
    rows: dict[tuple[int, Kind], ReminderRhythm]  # stored, loaded or added (ORM: flushed)

    @classmethod
    async def load(cls, session: AsyncSession, due: _Due) -> "_Rhythms | None":
        """The batch's rhythms after judging, in four queries at most; None: none needed."""
        series = [
            row
            for row in due.rows
            if not row.is_snooze and row.kind in ADAPTIVE and row.user_id in due.recipients
        ]
        if not series:
            return None
        user_ids = {row.user_id for row in series}
        query = select(ReminderRhythm).where(ReminderRhythm.user_id.in_(user_ids))
        if is_postgres(session):
            query = query.with_for_update()  # an answer's reset is not overwritten
        rows = {(r.user_id, Kind(r.kind)): r for r in await session.scalars(query)}
        before: dict[tuple[int, Kind, datetime], datetime] = {}
        for row in series:
            water = due.water.get(row.user_id, NO_WATER)
            prefs = due.recipients[row.user_id].prefs
            slot = previous_slot(Kind(row.kind), prefs, row.next_due_at, water.goal_on)
            if slot is not None:
                before[row.user_id, Kind(row.kind), row.next_due_at] = slot
        sent = await _sent_slots(session, before)
        cups = await _last_cups(session, sent)
        for row in series:
            kind = Kind(row.kind)
            previous = sent.get((row.user_id, kind, row.next_due_at))
            judged = (
                was_ignored(kind, previous.sent_at, previous.response, cups.get(row.user_id))
                if previous is not None
                else None
            )
            stored = rows.get((row.user_id, kind))
            old = _rhythm_of(stored)
            new = after_previous(
                kind, old, judged, due.recipients[row.user_id].prefs, row.next_due_at
            )
            if new != old:
                if stored is None:
                    stored = rows[row.user_id, kind] = ReminderRhythm(
                        user_id=row.user_id, kind=kind.value
                    )
                    session.add(stored)
                stored.ignored, stored.backoff_until = new.ignored, new.backoff_until
        by_user: defaultdict[int, dict[Kind, Rhythm]] = defaultdict(dict)
        for (user_id, kind), stored in rows.items():
            by_user[user_id][kind] = _rhythm_of(stored)
        recipients = {
            user_id: replace(recipient, rhythm=by_user[user_id])
            if user_id in by_user
            else recipient
            for user_id, recipient in due.recipients.items()
        }
        return cls(replace(due, recipients=recipients), rows)

    def ask(self, claimed: Sequence[tuple[int, int, str, datetime]]) -> set[int]:
        """The claimed deliveries that carry the question (each kind's first, once ever)."""
        asking: set[int] = set()
        for delivery_id, user_id, kind, slot in claimed:
            stored = self.rows.get((user_id, Kind(kind)))
            if stored is not None and wants_to_ask(Kind(kind), _rhythm_of(stored), slot):
                stored.asked_delivery_id = delivery_id
                asking.add(delivery_id)
        return asking


@dataclass(frozen=True)
class _Sent:
    """A slot's reminder as the judge of its answer needs it."""

    sent_at: datetime | None
    response: str | None
    day: date | None


def _rhythm_of(stored: ReminderRhythm | None) -> Rhythm:
    if stored is None:
        return Rhythm()
    return Rhythm(
        stored.ignored or 0,
        stored.backoff_until,
        bool(stored.lighter),
        stored.asked_delivery_id is not None,
    )


async def _sent_slots(
    session: AsyncSession, before: dict[tuple[int, Kind, datetime], datetime]
) -> dict[tuple[int, Kind, datetime], _Sent]:
    """The deliveries of the slots before these (user, kind, slot), by the slot after."""
    if not before:
        return {}
    user_ids = {user_id for user_id, _, _ in before}
    kinds = {kind.value for _, kind, _ in before}
    slots = set(before.values())
    found: dict[tuple[int, Kind, datetime], _Sent] = {}
    # Three IN lists on the (user, kind, slot) index: a little more than asked for, at times.
    for user_id, kind, slot_at, sent_at, response, day in await session.execute(
        select(Delivery.user_id, Delivery.kind, Delivery.slot_at, Delivery.sent_at,
               Delivery.response, Delivery.day)
        .where(Delivery.user_id.in_(user_ids), Delivery.kind.in_(kinds),
               Delivery.slot_at.in_(slots))
    ):  # fmt: skip
        found[user_id, Kind(kind), slot_at] = _Sent(sent_at, response, day)
    return {
        (user_id, kind, slot): found[user_id, kind, previous]
        for (user_id, kind, slot), previous in before.items()
        if (user_id, kind, previous) in found
    }


async def _last_cups(
    session: AsyncSession, sent: dict[tuple[int, Kind, datetime], _Sent]
) -> dict[int, datetime]:
    """When each user whose last drink reminder went unanswered last logged a cup."""
    waiting = {
        (user_id, previous.day)
        for (user_id, kind, _), previous in sent.items()
        if kind is Kind.HYDRATION and previous.response is None and previous.sent_at is not None
    }
    days = [day for _, day in waiting if day is not None]
    if not waiting or not days:
        return {}
    rows = await session.execute(
        select(WaterLog.user_id, func.max(WaterLog.logged_at))
        .where(WaterLog.user_id.in_({user_id for user_id, _ in waiting}), WaterLog.day >= min(days))
        .group_by(WaterLog.user_id)
    )
    return {user_id: logged_at for user_id, logged_at in rows if logged_at is not None}


def _skip_near_snoozes(
    due: _Due, decisions: list[ClaimDecision], to_come: Sequence[ReminderSchedule]
) -> tuple[_Due, list[ClaimDecision]]:
    """The series slots a snooze of their kind stands in for (claims.stood_in_for), from
    this batch's snoozes being sent and those `to_come`, held back; one that was to ride
    along is claimed now instead, so that its row moves on past it."""
    snoozes: defaultdict[tuple[int, str], list[datetime]] = defaultdict(list)
    for row, decision in zip(due.rows, decisions, strict=True):
        if row.is_snooze and decision.send:
            snoozes[row.user_id, row.kind].append(row.next_due_at)
    for row in to_come:
        snoozes[row.user_id, row.kind].append(row.next_due_at)
    if not snoozes:
        return due, decisions
    skipped = {
        index
        for index, (row, decision) in enumerate(zip(due.rows, decisions, strict=True))
        if decision.send
        and not row.is_snooze
        and stood_in_for(row.next_due_at, snoozes.get((row.user_id, row.kind), ()))
    }
    if not skipped:
        return due, decisions
    held = [replace(d, send=False) if i in skipped else d for i, d in enumerate(decisions)]
    return replace(due, ahead=due.ahead - skipped), held


def _decide_each(due: _Due, decide: Decide, now: datetime) -> list[ClaimDecision]:
    """The claim's decision for each due row, in order."""
    return [
        decide(
            Kind(row.kind),
            row.next_due_at,
            due.recipients.get(row.user_id),
            now,
            row.is_snooze,
            due.water.get(row.user_id, NO_WATER),
        )
        for row in due.rows
    ]


# A claimed message: its lead delivery, those merged into it, whether it goes paid.
_ClaimedMessage = tuple[_Claimed, list[_Claimed], bool]


async def _persist(
    session: AsyncSession,
    due: _Due,
    decisions: Sequence[ClaimDecision],
    plan: MessagePlan,
    now: datetime,
) -> list[_ClaimedMessage]:
    """Delete or advance the rows as decided; record each slot to send or dropped, unless it
    already is; point merged slots at their message's lead. Returns the messages in the
    plan's order, then one per dropped slot (a lead with status DROPPED)."""
    planned = {part.key for message in plan.messages for part in message.parts}
    dropped = {candidate.key for candidate in plan.dropped}
    records: list[dict[str, object]] = []
    slots = [row.next_due_at for row in due.rows]  # before the rows advance
    for index, (row, decision) in enumerate(zip(due.rows, decisions, strict=True)):
        if index in due.ahead and index not in planned:
            continue  # not riding along after all: left to come due on its own
        if index in planned or index in dropped or decision.dropped:
            slot, prefs = row.next_due_at, due.recipients[row.user_id].prefs
            status = DeliveryStatus.PENDING if index in planned else DeliveryStatus.DROPPED
            records.append(
                {"user_id": row.user_id, "kind": row.kind, "slot_at": slot,
                 "day": day_of(prefs, slot), "status": status, "claimed_at": now}
            )  # fmt: skip
        if decision.next_due_at is None:
            await session.delete(row)
        else:
            row.next_due_at = decision.next_due_at
    if not records:
        return []
    # Only the transaction that inserts a slot's delivery sends it: at most once.
    inserted = await session.execute(
        upsert(session, Delivery)
        .values(records)
        .on_conflict_do_nothing(index_elements=["user_id", "kind", "slot_at"])
        .returning(Delivery.id, Delivery.user_id, Delivery.kind, Delivery.slot_at, Delivery.status)
    )
    by_slot = {(c.user_id, c.kind, c.slot_at): c for c in inserted.all()}
    messages: list[_ClaimedMessage] = []
    merged: list[dict[str, object]] = []
    for message in plan.messages:
        keys = [(part.user_id, part.kind.value, slots[part.key]) for part in message.parts]
        present = [claimed for key in keys if (claimed := by_slot.pop(key, None)) is not None]
        if not present:
            continue
        lead, *companions = present
        merged += [{"part_id": c.id, "lead_id": lead.id} for c in companions]
        messages.append((lead, companions, message.paid))
    if merged:
        await session.execute(
            update(_deliveries)
            .where(_deliveries.c.id == bindparam("part_id"))
            .values(merged_into=bindparam("lead_id")),
            merged,
        )
    messages += [(claimed, [], False) for claimed in by_slot.values()]  # the dropped
    return messages


async def _load_water(session: AsyncSession, days: set[tuple[int, date]]) -> dict[int, Water]:
    """Cups logged and hydration goals for these (user id, day) pairs, by user id."""
    if not days:
        return {}
    user_ids = {user_id for user_id, _ in days}
    dates = {day for _, day in days}
    cups: defaultdict[int, dict[date, int]] = defaultdict(dict)
    for user_id, day, count in await session.execute(
        select(WaterLog.user_id, WaterLog.day, func.count())
        .where(WaterLog.user_id.in_(user_ids), WaterLog.day.in_(dates))
        .group_by(WaterLog.user_id, WaterLog.day)
    ):
        cups[user_id][day] = int(count)
    goals: defaultdict[int, dict[date, int]] = defaultdict(dict)
    for user_id, day, extra in await session.execute(
        select(HydrationDay.user_id, HydrationDay.day, HydrationDay.extra_cups).where(
            HydrationDay.user_id.in_(user_ids), HydrationDay.day.in_(dates)
        )
    ):
        goals[user_id][day] = DEFAULT_CUPS + extra
    return {user_id: Water(cups[user_id], goals[user_id]) for user_id in cups.keys() | goals}


def _outgoing(user: User, water: Water, delivery_id: int, kind: str, slot: datetime) -> Outgoing:
    """A claimed slot as the sender gets it; a drink reminder says how the day is going."""
    if kind != Kind.HYDRATION:
        return Outgoing(
            delivery_id, user.id, user.chat_id, Kind(kind), slot, language=user.language
        )
    day = day_of(prefs_of(user), slot)
    return Outgoing(
        delivery_id, user.id, user.chat_id, Kind.HYDRATION, slot,
        cups=water.cups_on(day), goal=water.goal_on(day), day=day, language=user.language,
    )  # fmt: skip
