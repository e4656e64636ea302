"""Report forms' states (db.report_forms): every tap counts once, in order, even when two
instances take a form's taps in turn, each remembering a state the other has changed;
a closed form takes no more taps, and a message that never was a form never starts one."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.models import ReportDraft
from db.report_forms import CLOSED, ReportForms
from db.users import get_or_create_user

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
USER = 7


def add(letter: str) -> Callable[[str], str]:
    return lambda state: state + letter


async def a_user(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await get_or_create_user(session, USER, USER, NOW)


async def stored(sessions: async_sessionmaker[AsyncSession], message_id: int) -> str | None:
    async with sessions() as session:
        query = select(ReportDraft.state).filter_by(user_id=USER, message_id=message_id)
        state: str | None = await session.scalar(query)
        return state


async def test_two_instances_taking_turns_lose_no_tap(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await a_user(sessions)
    first, second = ReportForms(engine), ReportForms(engine)
    assert await first.change(USER, 1, add("a"), fresh="k", now=NOW) == ("k", "ka")
    assert await second.change(USER, 1, add("b"), fresh="k", now=NOW) == ("ka", "kab")
    # `first` remembers "ka", changed since by `second`: it reads the form again.
    assert await first.change(USER, 1, add("c"), fresh="k", now=NOW) == ("kab", "kabc")
    assert await first.change(USER, 1, add("d"), fresh="k", now=NOW) == ("kabc", "kabcd")
    async with sessions.begin() as session:
        assert await second.close(session, USER, 1, fresh="k", now=NOW) == "kabcd"
    assert await stored(sessions, 1) == CLOSED
    assert await first.change(USER, 1, add("e"), fresh="k", now=NOW) is None
    async with sessions.begin() as session:
        assert await first.close(session, USER, 1, fresh="k", now=NOW) is None


async def test_a_close_rolled_back_leaves_the_form_open(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await a_user(sessions)
    forms = ReportForms(engine)
    await forms.change(USER, 1, add("a"), fresh="k", now=NOW)
    try:
        async with sessions.begin() as session:
            assert await forms.close(session, USER, 1, fresh="k", now=NOW) == "ka"
            raise RuntimeError("the report could not be saved")
    except RuntimeError:
        pass
    assert await forms.change(USER, 1, add("b"), fresh="k", now=NOW) == ("ka", "kab")


async def test_a_message_that_never_was_a_form_starts_none(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await a_user(sessions)
    forms = ReportForms(engine)
    assert await forms.change(USER, 2, add("a"), fresh=None, now=NOW) is None
    async with sessions.begin() as session:
        assert await forms.close(session, USER, 2, fresh=None, now=NOW) is None
    assert await stored(sessions, 2) is None


async def test_taps_at_once_on_two_instances_all_count(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await a_user(sessions)
    instances = [ReportForms(engine, remembered=1), ReportForms(engine, remembered=1)]
    letters = "abcdefghijklmnop"
    await asyncio.gather(
        *(
            instances[i % 2].change(USER, 3 + i % 3, add(letter), fresh="k", now=NOW)
            for i, letter in enumerate(letters)
        )
    )
    for message_id in (3, 4, 5):
        state = await stored(sessions, message_id)
        assert state is not None
        expected = {letter for i, letter in enumerate(letters) if 3 + i % 3 == message_id}
        assert state[0] == "k" and sorted(state[1:]) == sorted(expected)


async def test_cancel_closes_every_open_form_of_the_user_only(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await a_user(sessions)
    async with sessions.begin() as session:
        await get_or_create_user(session, USER + 1, USER + 1, NOW)
    first, second = ReportForms(engine), ReportForms(engine)
    await first.opened(USER, 1, "k", NOW)  # shown, never tapped
    await first.opened(USER, 2, "k", NOW)
    assert await first.change(USER, 2, add("a"), fresh="k", now=NOW) == ("k", "ka")
    await first.opened(USER, 3, "k", NOW)
    async with sessions.begin() as session:
        await first.close(session, USER, 3, fresh="k", now=NOW)  # saved before
    await first.opened(USER + 1, 4, "k", NOW)  # someone else's

    async with sessions.begin() as session:
        assert await second.close_all(session, USER, NOW) == [2, 1]
    assert [await stored(sessions, m) for m in (1, 2, 3)] == [CLOSED] * 3
    # The instance that remembered form 2 finds it closed, as a tap on it would.
    assert await first.change(USER, 2, add("b"), fresh="k", now=NOW) is None
    assert await first.change(USER + 1, 4, add("b"), fresh="k", now=NOW) == ("k", "kb")
    async with sessions.begin() as session:
        assert await first.close_all(session, USER, NOW) == []


async def test_a_form_shown_to_someone_forgotten_is_not_stored(engine: AsyncEngine) -> None:
    forms = ReportForms(engine)
    await forms.opened(USER, 1, "k", NOW)  # no user row: nothing stored, and no error
    assert not forms._known
