"""`make demo` in a real browser: Debian's Chromium driven by Playwright walks the page
through a week of the bot (setup, a cramp report, a reminder, the weekly summary, the PDF).

Browsers cannot be downloaded here, so the system's Chromium is used (`.ci/run` installs
it with apt); without it the test is skipped. A failing walk leaves a screenshot in the
test's tmp folder. With DEMO_SCREENSHOT=docs/demo.png the walk also takes the README's.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.texts import GOAL_RAISED
from bot.texts.weekly_message import CHART_CAPTION
from tests.demo_page import ANN, BEN, Page, served

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytest.importorskip("playwright.async_api", reason="playwright is not installed")
from playwright.async_api import Page as Tab  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    ),
    pytest.mark.timeout(240),
]


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Page]:
    async with served(tmp_path / "data") as page:
        yield page


@pytest.fixture
async def browser(demo: Page) -> AsyncIterator[Tab]:
    """A Chromium tab; the test fails if the page's script raised."""
    async with async_playwright() as driver:
        chromium = await driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = await chromium.new_context(viewport={"width": 960, "height": 1000})
            tab = await context.new_page()
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            yield tab
            assert errors == [], errors
        finally:
            await chromium.close()


async def tap(tab: Tab, label: str, *, exact: bool = False) -> None:
    """Tap an inline button (of the last message that shows it) by its label."""
    buttons = tab.locator(".ikb-btn")
    button = buttons.get_by_text(label, exact=True) if exact else buttons.filter(has_text=label)
    await button.last.click()


async def bubble(tab: Tab, text: str, timeout: float = 15_000) -> None:  # noqa: ASYNC109
    """Wait until a message in the chat shows `text`."""
    await tab.locator(".msg", has_text=text).last.wait_for(timeout=timeout)


async def test_a_week_in_the_browser(demo: Page, browser: Tab, tmp_path: Path) -> None:
    try:
        await walk(demo, browser, tmp_path)
    except BaseException:
        shot = tmp_path / "failure.png"
        await browser.screenshot(path=str(shot))
        print(f"screenshot of the failure: {shot}")
        raise


async def walk(demo: Page, tab: Tab, tmp_path: Path) -> None:
    """Setup, a report, a reminder, the summary and the PDF, as a person would click."""
    await tab.goto(f"{demo.demo.page_url}/?user={ANN}")
    await tab.get_by_text("Send /start to begin").wait_for()

    # /start, typed, then setup in four taps.
    await tab.locator("#text").fill("/start")
    await tab.locator("#send").click()
    await bubble(tab, "Step 1 of 4")
    await tab.locator(".rkb-btn", has_text="Report cramp").wait_for()  # the reply keyboard
    await tap(tab, "London")
    await bubble(tab, "Step 2 of 4")
    await tap(tab, "Keep 07:00")
    await bubble(tab, "Step 3 of 4")
    await tap(tab, "Keep 23:00")
    await bubble(tab, "Step 4 of 4")
    await tap(tab, "Done")
    await bubble(tab, "All set")
    await tab.locator("#clock", has_text="(Europe/London)").wait_for()  # in Ann's zone

    # A cramp by buttons: the reply keyboard's button, then the common five taps.
    await tab.locator(".rkb-btn", has_text="Report cramp").click()
    await bubble(tab, "What was it?")
    for label in ("Cramp", "Calf", "7", "1–10 min"):
        await tap(tab, label, exact=True)
        await tab.wait_for_timeout(150)
    await tap(tab, "Save")
    await bubble(tab, "Saved")

    # Fast-forward to a hydration reminder, then answer it.
    await tab.locator(".speed", has_text="×600").click()
    drink = tab.locator(".ikb-btn", has_text="Drank a cup").last
    await drink.wait_for(timeout=60_000)
    await tab.locator(".speed", has_text="×1").click()
    await tap(tab, "Hot day / exercise")  # answered with a toast
    await tab.locator("#toast.on", has_text=GOAL_RAISED.format(goal=10)).wait_for()
    await drink.click()
    await bubble(tab, "Cup logged")

    # Sunday 18:00, then on to the summary's slot (within the hour after it).
    await tab.locator("#jump-at").fill("2026-11-22T18:00")
    await tab.locator("#jump").click()
    await tab.locator("#clock", has_text="Sun 22 Nov, 18:").wait_for()
    await tab.locator("#summary").click()
    await bubble(tab, CHART_CAPTION, timeout=30_000)
    chart = tab.locator("img.photo").last
    await chart.wait_for(timeout=30_000)
    assert await chart.evaluate("img => img.complete && img.naturalWidth > 100")
    if shot := os.environ.get("DEMO_SCREENSHOT"):
        await tab.locator("#chat").evaluate("chat => { chat.scrollTop = chat.scrollHeight; }")
        await tab.wait_for_timeout(300)
        await tab.screenshot(path=shot)

    # The PDF for a doctor, from the command menu, downloaded from the chat.
    await tab.locator("#menu").click()
    await tab.locator(".cmd[data-command=export]").click()
    pdf = tab.locator("a.doc", has_text=".pdf")
    await pdf.wait_for(timeout=30_000)
    async with tab.expect_download() as download_info:
        await pdf.click()
    download = await download_info.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")

    # Ben, in the same page, sees none of Ann's chat.
    await tab.locator(".tab", has_text="Ben").click()
    await tab.get_by_text("Chatting as Ben. Send /start to begin.").wait_for()
    assert await tab.locator(".msg").count() == 0
    assert (await demo.state(BEN))["messages"] == []
