"""User repository. Functions here never commit: the caller owns the transaction."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import upsert
from db.models import User


async def get_user(session: AsyncSession, user_id: int, *, lock: bool = False) -> User | None:
    """The user with this Telegram id, or None if they never started the bot; with `lock`,
    the row is locked until the transaction ends (PostgreSQL; SQLite has one writer)."""
    return await session.get(User, user_id, with_for_update=lock)


async def get_or_create_user(
    session: AsyncSession, user_id: int, chat_id: int, now: datetime, *, lock: bool = False
) -> tuple[User, bool]:
    """Load the user, creating them with default settings first if needed.

    The insert ignores a conflict, so two updates (or two instances) racing to create
    the same user both end up with the one row. Returns (user, created); `lock` as in
    get_user.
    """
    user = await session.get(User, user_id, with_for_update=lock)
    if user is not None:
        return user, False
    values = {c.key: c.default.arg for c in User.__table__.columns if c.default is not None}
    values |= {"id": user_id, "chat_id": chat_id, "created_at": now, "updated_at": now}
    result = await session.execute(
        upsert(session, User).values(**values).on_conflict_do_nothing(index_elements=["id"])
    )
    created = result.rowcount == 1  # type: ignore[attr-defined]
    query = select(User).where(User.id == user_id)
    user = (await session.execute(query.with_for_update() if lock else query)).scalar_one()
    return user, created
