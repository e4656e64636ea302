"""Users with their settings, and cramp reports.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("wake_time", sa.Time(), nullable=False),
        sa.Column("bed_time", sa.Time(), nullable=False),
        sa.Column("hydration_on", sa.Boolean(), nullable=False),
        sa.Column("movement_on", sa.Boolean(), nullable=False),
        sa.Column("stretch_on", sa.Boolean(), nullable=False),
        sa.Column("setup_step", sa.String(length=16), nullable=True),
        sa.Column("awaiting", sa.String(length=16), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "cramp_reports",
        sa.Column("id", AUTO_ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_cramp_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cramp_reports")),
    )
    op.create_index("ix_cramp_reports_user_occurred", "cramp_reports", ["user_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_cramp_reports_user_occurred", table_name="cramp_reports")
    op.drop_table("cramp_reports")
    op.drop_table("users")
