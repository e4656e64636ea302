"""deliveries.merged_into: a reminder sent inside another's message (due close together
for one user) points at the delivery whose message carried it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no foreign key): SQLite's batch mode would rebuild the table and
    # drop the day_stats triggers on it. Rows go with their user (ON DELETE CASCADE).
    op.add_column("deliveries", sa.Column("merged_into", sa.BigInteger(), nullable=True))
    op.create_index("ix_deliveries_merged_into", "deliveries", ["merged_into"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_merged_into", table_name="deliveries")
    op.drop_column("deliveries", "merged_into")
