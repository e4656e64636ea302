"""The typed context every handler receives: database sessions and the clock."""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.budget import SharedBudget
from bot.ratelimit import RateLimitArgs
from core.clock import Clock, utc_now
from db.report_forms import ReportForms
from db.update_log import UpdateLog
from scheduler.dispatcher import Dispatcher


@dataclass
class BotData:
    """Application-wide resources. Engine and sessions are set in post_init."""

    database_url: str = ""
    admin_user_ids: tuple[int, ...] = ()
    clock: Clock = utc_now
    dispatch_interval: float = 5.0
    dispatch_batch_size: int = 500
    retry_backoff_seconds: float = 1.0
    paid_broadcast: bool = False  # SEND_PAID_BROADCAST
    send_max_per_second: float | None = None  # SEND_MAX_PER_SECOND, all instances together
    budget: SharedBudget | None = None  # PostgreSQL: the budget shared with other instances
    engine: AsyncEngine | None = None
    sessions: async_sessionmaker[AsyncSession] | None = None
    update_log: UpdateLog | None = None
    report_forms: ReportForms | None = None
    dispatcher: Dispatcher | None = None
    dispatcher_task: "asyncio.Task[None] | None" = None
    dispatcher_stop: asyncio.Event | None = None


class CoachContext(CallbackContext[ExtBot[RateLimitArgs], dict[Any, Any], dict[Any, Any], BotData]):
    """Handler context with typed access to what BotData holds."""

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        """Session factory; `async with context.db.begin() as session:` is one transaction."""
        sessions = self.bot_data.sessions
        if sessions is None:
            raise RuntimeError("database is not initialised (post_init has not run)")
        return sessions

    @property
    def forms(self) -> ReportForms:
        """The report forms being filled in."""
        forms = self.bot_data.report_forms
        if forms is None:
            raise RuntimeError("database is not initialised (post_init has not run)")
        return forms

    def now(self) -> datetime:
        """Current UTC time from the injected clock."""
        return self.bot_data.clock()


CONTEXT_TYPES = ContextTypes(context=CoachContext, bot_data=BotData)

CoachApplication = Application[
    ExtBot[RateLimitArgs],
    CoachContext,
    dict[Any, Any],
    dict[Any, Any],
    BotData,
    JobQueue[CoachContext],
]
