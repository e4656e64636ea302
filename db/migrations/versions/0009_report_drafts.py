"""report_drafts: the report form's state kept on the server, by its message, so that a
tap on a screen drawn before the last tap still counts every tap.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_drafts",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_report_drafts_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "message_id", name="pk_report_drafts"),
    )
    op.create_index("ix_report_drafts_updated_at", "report_drafts", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_report_drafts_updated_at", table_name="report_drafts")
    op.drop_table("report_drafts")
