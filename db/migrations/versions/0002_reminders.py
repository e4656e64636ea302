"""Reminders: schedules as data, deliveries, water logs, per-day goals, reminder settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
    )


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("movement_days", sa.SmallInteger(), nullable=False, server_default="127")
        )
        batch.add_column(
            sa.Column(
                "stretch_lead_minutes", sa.SmallInteger(), nullable=False, server_default="30"
            )
        )
        batch.add_column(
            sa.Column("tips_on", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("paused_until", UTC_TIME, nullable=True))

    op.create_table(
        "reminder_schedules",
        sa.Column("id", AUTO_ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("is_snooze", sa.Boolean(), nullable=False),
        sa.Column("next_due_at", UTC_TIME, nullable=False),
        _user_fk("reminder_schedules"),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_schedules"),
        sa.UniqueConstraint("user_id", "kind", "is_snooze", name="uq_reminder_schedules_user_kind"),
    )
    op.create_index("ix_reminder_schedules_next_due_at", "reminder_schedules", ["next_due_at"])

    op.create_table(
        "deliveries",
        sa.Column("id", AUTO_ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("slot_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("response", sa.String(length=16), nullable=True),
        sa.Column("responded_at", UTC_TIME, nullable=True),
        _user_fk("deliveries"),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("user_id", "kind", "slot_at", name="uq_deliveries_user_kind_slot"),
    )
    op.create_index("ix_deliveries_status", "deliveries", ["status"])

    op.create_table(
        "water_logs",
        sa.Column("id", AUTO_ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("logged_at", UTC_TIME, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        _user_fk("water_logs"),
        sa.PrimaryKeyConstraint("id", name="pk_water_logs"),
    )
    op.create_index("ix_water_logs_user_day", "water_logs", ["user_id", "day"])

    op.create_table(
        "hydration_days",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("extra_cups", sa.Integer(), nullable=False),
        _user_fk("hydration_days"),
        sa.PrimaryKeyConstraint("user_id", "day", name="pk_hydration_days"),
    )


def downgrade() -> None:
    op.drop_table("hydration_days")
    op.drop_index("ix_water_logs_user_day", table_name="water_logs")
    op.drop_table("water_logs")
    op.drop_index("ix_deliveries_status", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_reminder_schedules_next_due_at", table_name="reminder_schedules")
    op.drop_table("reminder_schedules")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("paused_until")
        batch.drop_column("tips_on")
        batch.drop_column("stretch_lead_minutes")
        batch.drop_column("movement_days")
