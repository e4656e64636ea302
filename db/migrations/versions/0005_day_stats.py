"""Per-user-day statistics, kept by triggers on every table they come from.

A weekly sweep of 100,000 users read and grouped millions of raw rows; day_stats holds
one row per (user, local day) with exactly what a core.weekly.DayRecord needs. Triggers
(not application code) keep it: every write path, the bot's, the dispatcher's, a
cascade from a deleted user or a hand-written SQL fix, goes through them.

Rows whose day is NULL (reports and deliveries from before 0004) count nowhere, as the
grouped queries ignored them. Inserts add to the row; a deleted or changed report makes
its day's cramp figures be recomputed from that day's reports (a maximum cannot be
decremented). Cups, goals and reminder answers are plain counts either way.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# core.diary.Place in bit order and SpasmKind, as of this revision: a new member needs a
# migration that adds its column and recreates the triggers.
PLACES = ("calf", "foot", "hamstring", "quadriceps", "back", "neck", "arm", "abdomen", "other")
KINDS = ("cramp", "twitch", "stiffness")
SOURCES = ("cramp_reports", "water_logs", "hydration_days", "deliveries")
COUNTS = [
    "cramps", "night_cramps", "severity_sum", "severity_count",
    *(f"place_{p}" for p in PLACES), *(f"kind_{k}" for k in KINDS),
]  # fmt: skip
DELIVERY_COUNTS = ("movement_sent", "movement_done", "stretch_done")
KEY = "user_id, day"


def _rank(r: str) -> str:
    """db.stats' duration rank of report `r`: seconds beat the bucket, "still going" both."""
    return (
        f"CASE WHEN {r}.duration = 'ongoing' THEN 3"
        f" WHEN {r}.duration_seconds IS NOT NULL THEN"
        f" CASE WHEN {r}.duration_seconds > 600 THEN 4"
        f" WHEN {r}.duration_seconds >= 60 THEN 2 ELSE 1 END"
        f" WHEN {r}.duration = 'lt1' THEN 1 WHEN {r}.duration = '1to10' THEN 2"
        f" WHEN {r}.duration = 'gt10' THEN 4 ELSE 0 END"
    )


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _report(r: str) -> dict[str, str]:
    """Report `r`'s own contribution to each counted column."""
    return {
        "cramps": "1",
        "night_cramps": _flag(f"{r}.context = 'night'"),
        "severity_sum": f"COALESCE({r}.severity, 0)",
        "severity_count": _flag(f"{r}.severity IS NOT NULL"),
        **{f"place_{p}": _flag(f"({r}.places & {1 << bit}) <> 0") for bit, p in enumerate(PLACES)},
        **{f"kind_{k}": _flag(f"{r}.kind = '{k}'") for k in KINDS},
    }


def _delivery(r: str) -> dict[str, str]:
    return {
        "movement_sent": _flag(f"{r}.kind = 'movement' AND {r}.status = 'sent'"),
        "movement_done": _flag(f"{r}.kind = 'movement' AND {r}.response = 'm'"),
        "stretch_done": _flag(f"{r}.kind = 'stretch' AND {r}.response = 'd'"),
    }


def _delivery_counts(r: str) -> str:
    return " + ".join(f"({e})" for e in _delivery(r).values())


def _report_aggregates(r: str) -> dict[str, str]:
    """The cramp columns of one user-day, from its reports `r` (grouped)."""
    return {
        **{c: f"COALESCE(SUM({e}), 0)" for c, e in _report(r).items()},
        "max_severity": f"MAX({r}.severity)",
        "longest_rank": f"COALESCE(MAX({_rank(r)}), 0)",
    }


class _Dialect:
    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"
        self.greatest = "GREATEST" if self.pg else "max"
        self.differs = "IS DISTINCT FROM" if self.pg else "IS NOT"

    def _key(self, row: str) -> str:
        return f"user_id = {row}.user_id AND day = {row}.day"

    def add_report(self) -> list[str]:
        values = _report("NEW")
        values |= {"max_severity": "NEW.severity", "longest_rank": _rank("NEW")}
        merge = [f"{c} = day_stats.{c} + excluded.{c}" for c in _report("NEW")]
        merge += [
            # max() of SQLite is NULL if either is; GREATEST of PostgreSQL skips NULLs.
            "max_severity = COALESCE("
            f"{self.greatest}(day_stats.max_severity, excluded.max_severity),"
            " day_stats.max_severity, excluded.max_severity)",
            f"longest_rank = {self.greatest}(day_stats.longest_rank, excluded.longest_rank)",
        ]
        return [
            f"INSERT INTO day_stats ({KEY}, {', '.join(values)})"
            f" VALUES (NEW.user_id, NEW.day, {', '.join(values.values())})"
            f" ON CONFLICT ({KEY}) DO UPDATE SET {', '.join(merge)}"
        ]

    def recount_reports(self, row: str) -> list[str]:
        """Recompute `row`'s day's cramp figures from its reports (NULL day: nothing)."""
        columns = _report_aggregates("r")
        statements = []
        if self.pg:
            # Lock first, so the recount's own (later) snapshot sees every report whose
            # trigger already added to the row, and reports added after wait for it.
            statements.append(f"PERFORM 1 FROM day_stats WHERE {self._key(row)} FOR UPDATE")
        statements.append(
            f"UPDATE day_stats SET ({', '.join(columns)}) ="
            f" (SELECT {', '.join(columns.values())} FROM cramp_reports r"
            f" WHERE r.user_id = {row}.user_id AND r.day = {row}.day)"
            f" WHERE {self._key(row)}"
        )
        return statements

    def ensure_row(self, row: str) -> list[str]:
        return [
            f"INSERT INTO day_stats ({KEY}) SELECT {row}.user_id, {row}.day"
            f" WHERE {row}.day IS NOT NULL ON CONFLICT ({KEY}) DO NOTHING"
        ]

    def add_cup(self) -> list[str]:
        return [
            f"INSERT INTO day_stats ({KEY}, cups) VALUES (NEW.user_id, NEW.day, 1)"
            f" ON CONFLICT ({KEY}) DO UPDATE SET cups = day_stats.cups + 1"
        ]

    def remove_cup(self) -> list[str]:
        return [f"UPDATE day_stats SET cups = cups - 1 WHERE {self._key('OLD')}"]

    def set_extra(self) -> list[str]:
        return [
            f"INSERT INTO day_stats ({KEY}, extra_cups) VALUES (NEW.user_id, NEW.day,"
            f" NEW.extra_cups) ON CONFLICT ({KEY}) DO UPDATE SET extra_cups = excluded.extra_cups"
        ]

    def clear_extra(self) -> list[str]:
        return [f"UPDATE day_stats SET extra_cups = 0 WHERE {self._key('OLD')}"]

    def add_delivery(self) -> list[str]:
        values = _delivery("NEW")
        merge = ", ".join(f"{c} = day_stats.{c} + excluded.{c}" for c in values)
        return [
            f"INSERT INTO day_stats ({KEY}, {', '.join(values)})"
            f" SELECT NEW.user_id, NEW.day, {', '.join(values.values())}"
            f" WHERE NEW.day IS NOT NULL AND {_delivery_counts('NEW')} > 0"
            f" ON CONFLICT ({KEY}) DO UPDATE SET {merge}"
        ]

    def remove_delivery(self) -> list[str]:
        change = ", ".join(f"{c} = {c} - ({e})" for c, e in _delivery("OLD").items())
        return [
            f"UPDATE day_stats SET {change}"
            f" WHERE {self._key('OLD')} AND {_delivery_counts('OLD')} > 0"
        ]

    def triggers(self) -> list[tuple[str, str, str, str, list[str]]]:
        """(name, table, event, WHEN condition, statements) of every trigger."""
        d = self.differs
        key_moved = f"OLD.user_id <> NEW.user_id OR OLD.day {d} NEW.day"
        report_columns = ("kind", "places", "severity", "duration", "duration_seconds", "context")
        report_changed = " OR ".join([key_moved, *(f"OLD.{c} {d} NEW.{c}" for c in report_columns)])
        old, new = _delivery("OLD"), _delivery("NEW")
        delivery_changed = " OR ".join(
            [*(f"({old[c]}) <> ({new[c]})" for c in old),
             f"(({key_moved}) AND {_delivery_counts('OLD')} > 0)"]
        )  # fmt: skip
        counts = (
            "NEW.day IS NOT NULL AND ((NEW.kind = 'movement' AND (NEW.status = 'sent'"
            " OR NEW.response = 'm')) OR (NEW.kind = 'stretch' AND NEW.response = 'd'))"
        )
        return [
            ("cramp_reports_insert", "cramp_reports", "INSERT", "NEW.day IS NOT NULL",
             self.add_report()),
            ("cramp_reports_delete", "cramp_reports", "DELETE", "OLD.day IS NOT NULL",
             self.recount_reports("OLD")),
            ("cramp_reports_update", "cramp_reports", "UPDATE", report_changed,
             [*self.recount_reports("OLD"), *self.ensure_row("NEW"),
              *self.recount_reports("NEW")]),
            ("water_logs_insert", "water_logs", "INSERT", "NEW.day IS NOT NULL", self.add_cup()),
            ("water_logs_delete", "water_logs", "DELETE", "OLD.day IS NOT NULL",
             self.remove_cup()),
            ("water_logs_update", "water_logs", "UPDATE", key_moved,
             [*self.remove_cup(), *self.add_cup()]),
            ("hydration_days_insert", "hydration_days", "INSERT", "NEW.day IS NOT NULL",
             self.set_extra()),
            ("hydration_days_delete", "hydration_days", "DELETE", "OLD.day IS NOT NULL",
             self.clear_extra()),
            ("hydration_days_update", "hydration_days", "UPDATE",
             f"{key_moved} OR OLD.extra_cups <> NEW.extra_cups",
             [*self.clear_extra(), *self.set_extra()]),
            # The dispatcher's hot path (pending -> sending -> sent of other kinds, and of
            # movement until "sent") fails these conditions and runs nothing.
            ("deliveries_insert", "deliveries", "INSERT", counts, self.add_delivery()),
            ("deliveries_delete", "deliveries", "DELETE", f"{_delivery_counts('OLD')} > 0",
             self.remove_delivery()),
            ("deliveries_update", "deliveries", "UPDATE", delivery_changed,
             [*self.remove_delivery(), *self.add_delivery()]),
        ]  # fmt: skip

    def create(self, name: str, table: str, event: str, when: str, body: list[str]) -> list[str]:
        if not self.pg:
            statements = "".join(f"{s};\n" for s in body)
            return [
                f"CREATE TRIGGER day_stats_{name} AFTER {event} ON {table} FOR EACH ROW"
                f" WHEN {when}\nBEGIN\n{statements}END"
            ]
        statements = "".join(f"    {s};\n" for s in body)
        return [
            f"CREATE FUNCTION day_stats_{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{statements}    RETURN NULL;\nEND\n$$",
            f"CREATE TRIGGER day_stats_{name} AFTER {event} ON {table} FOR EACH ROW"
            f" WHEN ({when}) EXECUTE FUNCTION day_stats_{name}()",
        ]

    def drop(self, name: str, table: str) -> list[str]:
        if not self.pg:
            return [f"DROP TRIGGER IF EXISTS day_stats_{name}"]
        return [
            f"DROP TRIGGER IF EXISTS day_stats_{name} ON {table}",
            f"DROP FUNCTION IF EXISTS day_stats_{name}()",
        ]


def create_triggers(dialect: str) -> list[str]:
    """The SQL creating every trigger (and PostgreSQL function) keeping day_stats."""
    d = _Dialect(dialect)
    return [sql for trigger in d.triggers() for sql in d.create(*trigger)]


def drop_triggers(dialect: str) -> list[str]:
    d = _Dialect(dialect)
    return [sql for name, table, *_ in d.triggers() for sql in d.drop(name, table)]


def backfill() -> str:
    """Every user-day with data so far, grouped once per source table."""
    zero = dict.fromkeys([*COUNTS, "longest_rank", "cups", "extra_cups", *DELIVERY_COUNTS], "0")
    zero["max_severity"] = "NULL"
    parts = [
        (zero | _report_aggregates("r"), "cramp_reports r WHERE r.day IS NOT NULL", True),
        (zero | {"cups": "COUNT(*)"}, "water_logs r", True),
        (zero | {"extra_cups": "r.extra_cups"}, "hydration_days r", False),
        (
            zero | {c: f"SUM({e})" for c, e in _delivery("r").items()},
            f"deliveries r WHERE r.day IS NOT NULL AND {_delivery_counts('r')} > 0",
            True,
        ),
    ]
    selects = [
        f"SELECT r.user_id, r.day, {', '.join(f'{e} AS {c}' for c, e in values.items())}"
        f" FROM {source}" + (" GROUP BY r.user_id, r.day" if grouped else "")
        for values, source, grouped in parts
    ]
    outer = [f"MAX({c})" if c in ("max_severity", "longest_rank") else f"SUM({c})" for c in zero]
    return (
        f"INSERT INTO day_stats ({KEY}, {', '.join(zero)})"
        f" SELECT {KEY}, {', '.join(outer)} FROM ({' UNION ALL '.join(selects)}) AS parts"
        f" GROUP BY {KEY}"
    )


def upgrade() -> None:
    counted = [sa.Column(c, sa.Integer(), nullable=False, server_default="0") for c in COUNTS]
    op.create_table(
        "day_stats",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *counted[:4],
        sa.Column("max_severity", sa.SmallInteger(), nullable=True),
        sa.Column("longest_rank", sa.SmallInteger(), nullable=False, server_default="0"),
        *counted[4:],
        *(
            sa.Column(c, sa.Integer(), nullable=False, server_default="0")
            for c in ("cups", "extra_cups", *DELIVERY_COUNTS)
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_day_stats_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name="pk_day_stats"),
        sqlite_with_rowid=False,
    )
    dialect = op.get_bind().dialect.name
    # Triggers before the backfill: on PostgreSQL, creating them waits for writers in
    # flight and holds later ones until commit, so no write falls between the two.
    for sql in create_triggers(dialect):
        op.execute(sql)
    op.execute(backfill())


def downgrade() -> None:
    for sql in drop_triggers(op.get_bind().dialect.name):
        op.execute(sql)
    op.drop_table("day_stats")
