"""Tables."""

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.delivery import DeliveryStatus
from core.timezones import DEFAULT_TIMEZONE
from db.base import AutoId, Base, UTCDateTime

DEFAULT_WAKE_TIME = time(7, 0)
DEFAULT_BED_TIME = time(23, 0)
DEFAULT_SUMMARY_TIME = time(18, 0)
# New users sit at work on weekdays until they say otherwise (users.sitting_from/to).
DEFAULT_SITTING_FROM = time(9, 0)
DEFAULT_SITTING_TO = time(17, 0)
WEEKDAYS_ONLY = 0b0011111


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
    # The days movement reminders run: Monday = bit 0 ... Sunday = bit 6.
    movement_days: Mapped[int] = mapped_column(SmallInteger, default=WEEKDAYS_ONLY)
    # The hours they sit on those days, when movement reminders come (may cross midnight);
    # both NULL: all waking hours (what users from before 0010 keep).
    sitting_from: Mapped[time | None] = mapped_column(Time, default=DEFAULT_SITTING_FROM)
    sitting_to: Mapped[time | None] = mapped_column(Time, default=DEFAULT_SITTING_TO)
    stretch_lead_minutes: Mapped[int] = mapped_column(SmallInteger, default=30)
    tips_on: Mapped[bool] = mapped_column(Boolean, default=True)
    # Reminder kinds switched on, a bit per kind in scheduler.planning.KINDS order, for
    # kinds added after the four with columns of their own (see scheduler.schedules.is_on).
    reminders_on: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # /profile, as bit sets of core.diary.Condition and Medication.
    conditions: Mapped[int] = mapped_column(Integer, default=0)
    medications: Mapped[int] = mapped_column(Integer, default=0)
    weight_loss: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the weekly summary comes: Monday = 0 ... Sunday = 6, at this local time.
    summary_weekday: Mapped[int] = mapped_column(SmallInteger, default=6)
    summary_time: Mapped[time] = mapped_column(Time, default=DEFAULT_SUMMARY_TIME)
    # The language the user chose ("en", "ru", "es", "de"; bot/i18n.py); None: their
    # Telegram app's language, as each update gives it.
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CrampReport(Base):
    """One cramp (or twitch, or stiffness) the user told us about.

    Places and symptoms are bit sets of core.diary.Place and Symptom, so SQL can count
    them. The message the report came from is unique per user: a duplicated update or a
    second tap on Save finds it already there.
    """

    __tablename__ = "cramp_reports"
    __table_args__ = (
        Index("ix_cramp_reports_user_occurred", "user_id", "occurred_at"),
        Index("ix_cramp_reports_user_day", "user_id", "day"),
        UniqueConstraint("user_id", "source_message_id", name="uq_cramp_reports_user_message"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The user's day it belongs to (wake-up to wake-up, as for water): weekly sums by date.
    day: Mapped[date | None] = mapped_column(Date)  # always set; NULL only before 0004
    # How it was entered: "button" (quick replies) or "command" (one line).
    source: Mapped[str] = mapped_column(String(16))
    source_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    kind: Mapped[str] = mapped_column(String(16), default="cramp")
    places: Mapped[int] = mapped_column(Integer, default=0)
    severity: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    duration: Mapped[str | None] = mapped_column(String(8), default=None)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    context: Mapped[str | None] = mapped_column(String(16), default=None)
    symptoms: Mapped[int] = mapped_column(Integer, default=0)
    # Between the user's bedtime and wake-up, by the clock (None: kept before 0008).
    at_night: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # That day's adherence when the report was made, for later insight.
    cups_today: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    cups_goal: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    hours_since_movement: Mapped[float | None] = mapped_column(Float, default=None)
    stretched_last_night: Mapped[bool | None] = mapped_column(Boolean, default=None)


class ReportDraft(Base):
    """A report form being filled in, by its message: its state (bot.callbacks.Draft's
    state string), changed by each tap in the user's order, so a tap on a screen drawn
    before the last one still counts them all. Made when the form is shown (or at its
    first tap); marked closed (db.reports.CLOSED) once saved or cancelled (by its button
    or /cancel); pruned after a week untouched."""

    __tablename__ = "report_drafts"
    __table_args__ = (Index("ix_report_drafts_updated_at", "updated_at"),)

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderSchedule(Base):
    """When a user's next reminder of one kind is due: the schedule, kept as data.

    One series row per enabled kind, plus at most one one-off snooze row per kind.
    The dispatcher claims rows whose time has come and advances them.
    """

    __tablename__ = "reminder_schedules"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "is_snooze", name="uq_reminder_schedules_user_kind"),
        Index("ix_reminder_schedules_next_due_at", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    is_snooze: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One reminder slot handed to Telegram (or deliberately not), and the user's answer.

    Unique per (user, kind, slot): whatever crashes or how many dispatchers run, a slot
    is claimed once. Its status is a DeliveryStatus (core/delivery.py: what each means
    and the moves between them).
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "slot_at", name="uq_deliveries_user_kind_slot"),
        Index("ix_deliveries_status", "status"),
        Index("ix_deliveries_user_day", "user_id", "day"),
        Index("ix_deliveries_merged_into", "merged_into"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The user's day of the slot, for weekly sums (None for rows from before it was kept).
    day: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The button the user pressed (cup, snooze, skip, moved, done); one answer per delivery.
    response: Mapped[str | None] = mapped_column(String(16), default=None)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Sent inside that delivery's message (due close together for one user): its status,
    # sent_at and message_id follow that one's; its answer is its own.
    merged_into: Mapped[int | None] = mapped_column(BigInteger, default=None)


class ReminderRhythm(Base):
    """How often one kind of reminder goes out for one user, when not the usual: a row is
    made once they let a reminder of the kind pass (scheduler/rhythm.py has the rules)."""

    __tablename__ = "reminder_rhythms"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Sent reminders of the kind left unanswered in a row.
    ignored: Mapped[int] = mapped_column(SmallInteger, default=0)
    # Every other slot until then (backing off); None: the usual rhythm.
    backoff_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # They chose "Fewer": every other slot until they undo it in /reminders.
    lighter: Mapped[bool] = mapped_column(Boolean, default=False)
    # The reminder that asked keep / fewer / stop (asked once), and what they answered.
    asked_delivery_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    answer: Mapped[str | None] = mapped_column(String(8), default=None)


class WaterLog(Base):
    """One cup of water, counted towards the day it belongs to (wake-up to wake-up)."""

    __tablename__ = "water_logs"
    __table_args__ = (Index("ix_water_logs_user_day", "user_id", "day"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    day: Mapped[date] = mapped_column(Date)
    # "reminder", "button" or "command".
    source: Mapped[str] = mapped_column(String(16))


class HydrationDay(Base):
    """Per-day hydration goal changes ("hot day / exercise")."""

    __tablename__ = "hydration_days"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    extra_cups: Mapped[int] = mapped_column(Integer, default=0)


class Flag(Base):
    """A red-flag rule that fired, with the reports that made it fire."""

    __tablename__ = "flags"
    __table_args__ = (Index("ix_flags_user_raised", "user_id", "raised_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    rule_id: Mapped[int] = mapped_column(SmallInteger)
    level: Mapped[str] = mapped_column(String(16))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class FlagReport(Base):
    """Which reports triggered a flag."""

    __tablename__ = "flag_reports"

    flag_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("flags.id", ondelete="CASCADE"),
        primary_key=True,
    )
    report_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("cramp_reports.id", ondelete="CASCADE"),
        primary_key=True,
    )


class DayStat(Base):
    """One user-day's figures, kept up to date by database triggers (migration 0005) on
    every write to cramp_reports, water_logs, hydration_days and deliveries, so that a
    weekly sweep reads one row per user-day instead of grouping the raw rows.

    Exactly what a core.weekly.DayRecord needs; a column per Place and SpasmKind (a new
    member needs a migration adding its column and recreating the triggers).
    """

    __tablename__ = "day_stats"
    # Clustered by (user, day) on SQLite: a sweep reads each user's days as one range.
    __table_args__ = ({"sqlite_with_rowid": False},)

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    cramps: Mapped[int] = mapped_column(Integer, server_default="0")
    night_cramps: Mapped[int] = mapped_column(Integer, server_default="0")
    severity_sum: Mapped[int] = mapped_column(Integer, server_default="0")
    severity_count: Mapped[int] = mapped_column(Integer, server_default="0")
    max_severity: Mapped[int | None] = mapped_column(SmallInteger)
    # The longest duration as db.stats ranks it; 0: none given.
    longest_rank: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    place_calf: Mapped[int] = mapped_column(Integer, server_default="0")
    place_foot: Mapped[int] = mapped_column(Integer, server_default="0")
    place_hamstring: Mapped[int] = mapped_column(Integer, server_default="0")
    place_quadriceps: Mapped[int] = mapped_column(Integer, server_default="0")
    place_back: Mapped[int] = mapped_column(Integer, server_default="0")
    place_neck: Mapped[int] = mapped_column(Integer, server_default="0")
    place_arm: Mapped[int] = mapped_column(Integer, server_default="0")
    place_abdomen: Mapped[int] = mapped_column(Integer, server_default="0")
    place_other: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_cramp: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_twitch: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_stiffness: Mapped[int] = mapped_column(Integer, server_default="0")
    cups: Mapped[int] = mapped_column(Integer, server_default="0")
    # The day's goal is DEFAULT_CUPS plus these (a hot day's).
    extra_cups: Mapped[int] = mapped_column(Integer, server_default="0")
    movement_sent: Mapped[int] = mapped_column(Integer, server_default="0")
    movement_done: Mapped[int] = mapped_column(Integer, server_default="0")
    stretch_done: Mapped[int] = mapped_column(Integer, server_default="0")  # DayRecord: any


class ProcessedUpdate(Base):
    """A Telegram update already taken in, by update_id: a webhook retry or an update
    delivered again after a crash is dropped, by whichever instance sees it. Rows older
    than Telegram's 24 h redelivery window are pruned."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_received_at", "received_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Instance(Base):
    """A running bot process on this database (PostgreSQL, several instances): it
    heartbeats here, and the live ones share the send budget and the users between them
    (db/instances.py, bot/budget.py). `send_rate` is the share it has taken, so a newcomer
    takes only what the others have given back."""

    __tablename__ = "instances"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))  # host and pid, for operators
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    send_rate: Mapped[float] = mapped_column(Float, default=0.0)
