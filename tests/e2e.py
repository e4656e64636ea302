"""Steps an end-to-end test takes as a user: press a button and wait for its effect."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import User
from tests.fake_bot_api import ApiCall, FakeBotApi, FakeUser, SentMessage


async def tap(
    user: FakeUser, message: SentMessage, button_text: str, *, expect_edit: bool = True
) -> ApiCall:
    """Press a button by its text; wait for the answer and, by default, the message edit."""
    edits = message.edits
    answer = await user.wait_answer(await user.press(message, button_text))
    if expect_edit:
        await user.api.wait_for(lambda: message.edits > edits, description="the message edit")
    return answer


async def press_data(
    api: FakeBotApi, user: FakeUser, message: SentMessage | int, data: str
) -> ApiCall:
    """Press a button with raw (possibly forged or stale) data; return the bot's answer."""
    return await user.wait_answer(await user.press(message, data=data))


async def load_user(db: async_sessionmaker[AsyncSession], user_id: int) -> User | None:
    async with db() as session:
        return await session.get(User, user_id)


async def settings_of(db: async_sessionmaker[AsyncSession], user_id: int) -> dict[str, object]:
    """Every stored column of a user except the bookkeeping timestamps."""
    user = await load_user(db, user_id)
    assert user is not None
    return {
        column.key: getattr(user, column.key)
        for column in User.__table__.columns
        if column.key not in ("created_at", "updated_at")
    }
