"""Tables."""

from datetime import datetime, time

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from core.timezones import DEFAULT_TIMEZONE
from db.base import AutoId, Base, UTCDateTime

DEFAULT_WAKE_TIME = time(7, 0)
DEFAULT_BED_TIME = time(23, 0)


class User(Base):
    """A person talking to the bot, keyed by their Telegram user id, with their settings."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    wake_time: Mapped[time] = mapped_column(Time, default=DEFAULT_WAKE_TIME)
    bed_time: Mapped[time] = mapped_column(Time, default=DEFAULT_BED_TIME)
    hydration_on: Mapped[bool] = mapped_column(Boolean, default=True)
    movement_on: Mapped[bool] = mapped_column(Boolean, default=True)
    stretch_on: Mapped[bool] = mapped_column(Boolean, default=True)
    # Setup step still to answer (new users start at the first); None once finished.
    setup_step: Mapped[str | None] = mapped_column(String(16), default="timezone")
    # What a typed message means right now (a time zone, a time); None: nothing expected.
    awaiting: Mapped[str | None] = mapped_column(String(16), default=None)
    # False once Telegram says the user blocked the bot; /start sets it again.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CrampReport(Base):
    """One cramp the user told us about."""

    __tablename__ = "cramp_reports"
    __table_args__ = (Index("ix_cramp_reports_user_occurred", "user_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How it was entered: "button" (reply keyboard) or "command".
    source: Mapped[str] = mapped_column(String(16))
