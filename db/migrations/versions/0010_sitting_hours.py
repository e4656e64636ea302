"""users.sitting_from, users.sitting_to: the hours movement reminders come.

Existing users get NULL (all waking hours) and keep their movement days, so nobody's
reminders change without them asking; new users get weekdays 09:00-17:00 from the model.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("sitting_from", sa.Time(), nullable=True))
        batch.add_column(sa.Column("sitting_to", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sitting_to")
        batch.drop_column("sitting_from")
