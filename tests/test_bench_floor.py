"""Scenario 4's floor bot answers the benchmark's flows with the bot's own report screens:
the bot's CPU per update over the floor's is only a fair ratio if both send the same."""

from collections.abc import AsyncIterator

import pytest

from bench import floor_bot
from bench.fake_users import STEPS
from bot.callbacks import Draft, FormTap, parse_callback_data
from bot.handlers.cramps import after_tap, form_screen
from tests.conftest import TOKEN
from tests.e2e import tap
from tests.fake_bot_api import FakeBotApi


@pytest.fixture
async def floor(api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """The floor bot, polling the fake Bot API in this process."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
    monkeypatch.setenv("TELEGRAM_API_BASE_FILE_URL", api.base_file_url)
    application = floor_bot.build()
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        await application.start()
        yield
        await application.updater.stop()
        await application.stop()


@pytest.mark.usefixtures("floor")
async def test_the_floor_bot_draws_the_bots_screens_through_the_benchmarks_steps(
    api: FakeBotApi,
) -> None:
    user = api.user(1)
    form = await user.ask(STEPS[0])
    draft = Draft()
    assert (form.text, form.button_texts()) == _drawn(draft)
    for label in STEPS[1:-1]:
        pressed = parse_callback_data(form.data_of(label))
        assert isinstance(pressed, FormTap)
        await tap(user, form, label)
        draft = after_tap(draft, pressed)
        assert (form.text, form.button_texts()) == _drawn(draft)
    await tap(user, form, STEPS[-1])
    assert (form.text, form.button_texts()) == (form_screen(draft).text, [])


def _drawn(draft: Draft) -> tuple[str, list[str]]:
    """The text and button labels the bot shows for `draft`."""
    view = form_screen(draft)
    assert view.markup is not None
    labels = [button.text for row in view.markup.inline_keyboard for button in row]
    return view.text, labels
