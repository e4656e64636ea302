"""reminder_rhythms: a kind of reminder someone keeps letting pass backs off, and the bot
asks once whether to keep, have fewer or stop them (scheduler/rhythm.py).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_rhythms",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ignored", sa.SmallInteger(), nullable=False),
        sa.Column("backoff_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lighter", sa.Boolean(), nullable=False),
        sa.Column("asked_delivery_id", sa.BigInteger(), nullable=True),
        sa.Column("answer", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_reminder_rhythms_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name="pk_reminder_rhythms"),
    )


def downgrade() -> None:
    op.drop_table("reminder_rhythms")
