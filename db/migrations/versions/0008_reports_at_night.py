"""cramp_reports.at_night: a report made between the user's bedtime and wake-up is a night
cramp whatever context was tapped; day_stats counts it so.

Reports from before this revision have NULL: they count by their context, as they did.
The day_stats triggers are 0005's, with "context = 'night'" read as "context = 'night' or
at night by the clock", and a change of at_night recounted like a change of context.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import re
from collections.abc import Sequence
from types import ModuleType

import sqlalchemy as sa
from alembic import context, op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NIGHT = re.compile(r"(\w+)\.context = 'night'")
_CONTEXT_CHANGED = re.compile(r"OLD\.context (IS NOT|IS DISTINCT FROM) NEW\.context")


def _day_stats() -> ModuleType:
    """Revision 0005, which builds the day_stats triggers."""
    revision_0005 = context.script.get_revision("0005")
    assert revision_0005 is not None
    return revision_0005.module


def _at_night_too(sql: str) -> str:
    """0005's trigger, counting a night cramp by the clock too, and recounting when
    at_night changes as when context does."""
    sql = _NIGHT.sub(r"(\1.context = 'night' OR \1.at_night)", sql)
    return _CONTEXT_CHANGED.sub(r"\g<0> OR OLD.at_night \1 NEW.at_night", sql)


def upgrade() -> None:
    dialect, day_stats = op.get_bind().dialect.name, _day_stats()
    op.add_column("cramp_reports", sa.Column("at_night", sa.Boolean(), nullable=True))
    for sql in day_stats.drop_triggers(dialect):
        op.execute(sql)
    for sql in day_stats.create_triggers(dialect):
        op.execute(_at_night_too(sql))


def downgrade() -> None:
    dialect, day_stats = op.get_bind().dialect.name, _day_stats()
    for sql in day_stats.drop_triggers(dialect):
        op.execute(sql)
    with op.batch_alter_table("cramp_reports") as batch:
        batch.drop_column("at_night")
    for sql in day_stats.create_triggers(dialect):
        op.execute(sql)
