"""The typed context every handler receives: database sessions and the clock."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from core.clock import Clock, utc_now


@dataclass
class BotData:
    """Application-wide resources. Engine and sessions are set in post_init."""

    database_url: str = ""
    admin_user_ids: tuple[int, ...] = ()
    clock: Clock = utc_now
    engine: AsyncEngine | None = None
    sessions: async_sessionmaker[AsyncSession] | None = None


class CoachContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Handler context with typed access to what BotData holds."""

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        """Session factory; `async with context.db.begin() as session:` is one transaction."""
        sessions = self.bot_data.sessions
        if sessions is None:
            raise RuntimeError("database is not initialised (post_init has not run)")
        return sessions

    def now(self) -> datetime:
        """Current UTC time from the injected clock."""
        return self.bot_data.clock()


CONTEXT_TYPES = ContextTypes(context=CoachContext, bot_data=BotData)

CoachApplication = Application[
    ExtBot[None], CoachContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[CoachContext]
]
