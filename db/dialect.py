"""The one place that picks dialect-specific SQL (upserts) for SQLite or PostgreSQL."""

from functools import cache
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.dml import ReturningInsert


def is_postgres(on: AsyncSession | AsyncConnection) -> bool:
    bind = on.get_bind() if isinstance(on, AsyncSession) else on
    return bind.dialect.name == "postgresql"


def upsert(session: AsyncSession, model: Any) -> PgInsert | SqliteInsert:
    """INSERT with ON CONFLICT support (same API on both dialects)."""
    return pg_insert(model) if is_postgres(session) else sqlite_insert(model)


def insert_or_skip(
    on: AsyncSession | AsyncConnection, model: Any, unique: tuple[str, ...], returning: str
) -> ReturningInsert[Any]:
    """INSERT ... ON CONFLICT (`unique`) DO NOTHING RETURNING `returning`, for rows given
    as parameters: a conflicting row returns nothing. Built once per dialect, on the
    table: on hot paths, building the statement and the ORM's bulk-insert path each
    cost more than the insert."""
    return _insert_or_skip(is_postgres(on), model, unique, returning)


@cache
def _insert_or_skip(
    postgres: bool, model: Any, unique: tuple[str, ...], returning: str
) -> ReturningInsert[Any]:
    table = cast(Table, model.__table__)
    return (
        (pg_insert(table) if postgres else sqlite_insert(table))
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c[returning])
    )
