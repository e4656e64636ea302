"""The one place that picks dialect-specific SQL (upserts) for SQLite or PostgreSQL."""

from typing import Any

from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def upsert(session: AsyncSession, model: Any) -> PgInsert | SqliteInsert:
    """INSERT with ON CONFLICT support (same API on both dialects)."""
    return pg_insert(model) if is_postgres(session) else sqlite_insert(model)
