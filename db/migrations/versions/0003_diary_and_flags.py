"""Cramp diary details, health profile, red flags.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("conditions", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("medications", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("weight_loss", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("cramp_reports") as batch:
        batch.add_column(sa.Column("source_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="cramp")
        )
        batch.add_column(sa.Column("places", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("severity", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("duration", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("duration_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("context", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("symptoms", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("cups_today", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("cups_goal", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("hours_since_movement", sa.Float(), nullable=True))
        batch.add_column(sa.Column("stretched_last_night", sa.Boolean(), nullable=True))
        batch.create_unique_constraint(
            "uq_cramp_reports_user_message", ["user_id", "source_message_id"]
        )

    op.create_table(
        "flags",
        sa.Column("id", AUTO_ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_id", sa.SmallInteger(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("raised_at", UTC_TIME, nullable=False),
        sa.Column("acknowledged_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_flags_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_flags"),
    )
    op.create_index("ix_flags_user_raised", "flags", ["user_id", "raised_at"])
    op.create_table(
        "flag_reports",
        sa.Column("flag_id", AUTO_ID, nullable=False),
        sa.Column("report_id", AUTO_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["flags.id"], name="fk_flag_reports_flag_id_flags", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["cramp_reports.id"],
            name="fk_flag_reports_report_id_cramp_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("flag_id", "report_id", name="pk_flag_reports"),
    )


def downgrade() -> None:
    op.drop_table("flag_reports")
    op.drop_index("ix_flags_user_raised", table_name="flags")
    op.drop_table("flags")
    with op.batch_alter_table("cramp_reports") as batch:
        batch.drop_constraint("uq_cramp_reports_user_message", type_="unique")
        for column in (
            "stretched_last_night", "hours_since_movement", "cups_goal", "cups_today",
            "symptoms", "context", "duration_seconds", "duration", "severity", "places",
            "kind", "source_message_id",
        ):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("users") as batch:
        for column in ("weight_loss", "medications", "conditions"):
            batch.drop_column(column)
