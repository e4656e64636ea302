"""The cramp diary end to end: quick replies, one-line reports, red flags in the same
exchange, history and undo, the profile, and every way a tap or update can repeat."""

from sqlalchemy import func, select

from bot import texts
from bot.texts.medical import URGENT_SWELLING
from db.models import CrampReport, Flag, FlagReport
from tests.conftest import RunningBot
from tests.e2e import new_report, press_data, reports, set_up, tap


async def count(bot: RunningBot, model: type, **where: object) -> int:
    async with bot.db() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


async def test_a_report_by_buttons_takes_five_taps_and_is_stored_with_its_snapshot(
    running_bot: RunningBot,
) -> None:
    kim = await set_up(running_bot.user(31, "Kim"))
    form = await new_report(kim)
    assert "What was it?" in (form.text or "")
    for button in ("Cramp", "Calf", "7", "1–10 min", "Save"):
        await tap(kim, form, button)
    assert "Saved: cramp · calf · 7/10 · 1–10 min" in (form.text or "")
    assert form.button_texts() == ["↩️ Undo"]

    [row] = await reports(running_bot, 31)
    assert (row.kind, row.places, row.severity, row.duration, row.source) == (
        "cramp",
        1,
        7,
        "1to10",
        "button",
    )
    assert row.occurred_at == running_bot.clock.now and row.reported_at == running_bot.clock.now
    assert (row.cups_today, row.cups_goal, row.stretched_last_night) == (0, 8, False)
    assert row.source_message_id == form.message_id


async def test_several_places_and_going_back(running_bot: RunningBot) -> None:
    lee = await set_up(running_bot.user(32, "Lee"))
    form = await new_report(lee)
    await tap(lee, form, "Twitch")
    await tap(lee, form, "Calf")  # the first place moves on to strength
    assert "How strong" in (form.text or "")
    await tap(lee, form, "Back")
    await tap(lee, form, "Foot / toes")  # now taps add places
    await tap(lee, form, "Next")
    await tap(lee, form, "Save")
    [row] = await reports(running_bot, 32)
    assert (row.kind, row.places, row.severity) == ("twitch", 0b11, None)


async def test_a_one_line_report_shows_what_was_understood(running_bot: RunningBot) -> None:
    max_ = await set_up(running_bot.user(33, "Max"))
    reply = await max_.ask("/cramp calf 7 3m night")
    assert "Saved: cramp · calf · 7/10 · 3 min · in bed / at night" in (reply.text or "")
    [row] = await reports(running_bot, 33)
    assert (row.duration_seconds, row.duration, row.context, row.source) == (
        180,
        "1to10",
        "night",
        "command",
    )


async def test_unknown_words_get_the_accepted_list_and_nothing_is_saved(
    running_bot: RunningBot,
) -> None:
    ned = await set_up(running_bot.user(34, "Ned"))
    reply = await ned.ask("/cramp calf banana 7 <b>x</b>")
    assert "banana" in (reply.text or "") and "Nothing was saved" in (reply.text or "")
    assert "&gt;x&lt;" in (reply.text or "") and ">x<" not in (reply.text or "")  # escaped
    assert await count(running_bot, CrampReport) == 0


async def test_long_spasm_and_swelling_raise_their_warnings_in_the_same_exchange(
    running_bot: RunningBot,
) -> None:
    oda = await set_up(running_bot.user(35, "Oda"))
    form = await new_report(oda)
    for button in ("Cramp", "Calf", "5", "Over 10 min", "Just now", "Swelling"):
        await tap(oda, form, button)
    before = len(oda.messages)
    await tap(oda, form, "💾 Save")
    assert "Saved" in (form.text or "")
    assert URGENT_SWELLING.split("</b>")[0] in (form.text or "")  # urgent: in the confirmation
    await running_bot.api.wait_for(lambda: len(oda.messages) > before, description="a warning")
    warning = oda.messages[before]
    assert "10 minutes" in (warning.text or "") and "not a diagnosis" in (warning.text or "")
    assert warning.button_texts() == ["✓ Got it"]

    async with running_bot.db() as session:
        rules = sorted((await session.scalars(select(Flag.rule_id).filter_by(user_id=35))).all())
        linked = await session.scalar(select(func.count()).select_from(FlagReport))
    assert rules == [1, 4] and linked == 2


async def test_a_second_tap_on_save_saves_nothing_twice(running_bot: RunningBot) -> None:
    pia = await set_up(running_bot.user(36, "Pia"))
    form = await new_report(pia)
    save = next(data for row in form.buttons() for text, data in row if "Save" in text)
    assert save is not None
    await tap(pia, form, "Save")
    again = await press_data(running_bot.api, pia, form, save)
    assert again.params["text"] == texts.REPORT_ALREADY_SAVED
    assert await count(running_bot, CrampReport, user_id=36) == 1


async def test_a_duplicated_update_saves_one_report(running_bot: RunningBot) -> None:
    que = await set_up(running_bot.user(37, "Que"))
    update_id = await que.send("/cramp calf 6")
    await que.next_message()
    await que.resend(update_id)
    await que.send("/history")  # handled after the duplicate: the duplicate is done by then
    history = await que.next_message()
    assert (history.text or "").count("calf") == 1
    assert await count(running_bot, CrampReport, user_id=37) == 1


async def test_forged_and_foreign_report_buttons_change_nothing(running_bot: RunningBot) -> None:
    ron, sue = await set_up(running_bot.user(38, "Ron")), await set_up(running_bot.user(39, "Sue"))
    scratch = await new_report(ron)
    for data in ("cs:zzzzzzzzz", "cd:k-fff0---f", "cs:kc000----0x"):
        answer = await press_data(running_bot.api, ron, scratch, data)
        assert answer.params["text"] == texts.STALE_BUTTON
    assert scratch.reply_markup is None  # a stale keyboard is taken away
    ron_form = await new_report(ron)
    sue_form = await new_report(sue)
    answer = await press_data(running_bot.api, sue, ron_form, "cs:kc0010---0")  # Ron's message
    assert answer.params["text"] == texts.NOT_YOURS
    await tap(ron, ron_form, "Save")
    [ron_report] = await reports(running_bot, 38)
    answer = await press_data(running_bot.api, sue, sue_form, f"cr:undo:{ron_report.id}")
    assert answer.params["text"] == texts.NOT_YOURS
    assert await count(running_bot, CrampReport, user_id=38) == 1
    assert await count(running_bot, CrampReport, user_id=39) == 0


async def test_history_and_undo_after_confirming(running_bot: RunningBot) -> None:
    tom = await set_up(running_bot.user(40, "Tom"))
    await tom.send("/cramp calf 4")
    await tom.next_message()
    running_bot.clock.advance(hours=1)
    await tom.send("/cramp neck 2 rest")
    await tom.next_message()
    history = (await tom.ask("/history")).text or ""
    assert history.index("neck") < history.index("calf")  # newest first

    question = await tom.ask("/undo")
    assert "neck" in (question.text or "")
    assert await count(running_bot, CrampReport, user_id=40) == 2  # nothing gone until confirmed
    await tap(tom, question, "Yes, remove it")
    assert [r.places for r in await reports(running_bot, 40)] == [1]


async def test_the_profile_changes_what_is_watched_and_flags_can_be_acknowledged(
    running_bot: RunningBot,
) -> None:
    uma = await set_up(running_bot.user(41, "Uma"))
    profile = await uma.ask("/profile")
    await tap(uma, profile, "Kidney disease")
    assert "✅ Kidney disease" in profile.button_texts()

    await uma.send("/cramp calf 3")
    await uma.next_message()
    warning = await uma.next_message()
    assert "kidney" in (warning.text or "").lower()

    listing = await uma.ask("/flags")
    assert "new" in (listing.text or "")
    await tap(uma, listing, "Got it")
    async with running_bot.db() as session:
        flag = (await session.scalars(select(Flag).filter_by(user_id=41))).one()
    assert flag.acknowledged_at == running_bot.clock.now


async def test_hostile_input_never_breaks_a_reply(running_bot: RunningBot) -> None:
    val = await set_up(running_bot.user(42, "Val"))
    for text in (
        "/cramp " + "calf " * 2000,
        "/cramp " + "x" * 5000,
        "/cramp 🦵 ١٠ ∞ ‮",
        "<script>" * 100,
    ):
        reply = await val.ask(text)
        assert reply.text != texts.ERROR_REPLY
        assert len(reply.text or "") <= 4096
