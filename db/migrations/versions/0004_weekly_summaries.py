"""Weekly summaries: summary day and time, and each report's and delivery's local day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("summary_weekday", sa.SmallInteger(), nullable=False, server_default="6")
        )
        batch.add_column(
            sa.Column("summary_time", sa.Time(), nullable=False, server_default="18:00:00")
        )
    op.add_column("cramp_reports", sa.Column("day", sa.Date(), nullable=True))
    # Older reports get their UTC date; close enough for summaries of weeks already past.
    op.execute(sa.text("UPDATE cramp_reports SET day = DATE(occurred_at)"))
    op.create_index("ix_cramp_reports_user_day", "cramp_reports", ["user_id", "day"])
    op.add_column("deliveries", sa.Column("day", sa.Date(), nullable=True))
    op.create_index("ix_deliveries_user_day", "deliveries", ["user_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_user_day", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("day")
    op.drop_index("ix_cramp_reports_user_day", table_name="cramp_reports")
    with op.batch_alter_table("cramp_reports") as batch:
        batch.drop_column("day")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("summary_time")
        batch.drop_column("summary_weekday")
