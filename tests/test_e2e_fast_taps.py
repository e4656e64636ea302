"""What a user tapped is what is saved (issue 19), however fast they tap: every press on
a multi-tap screen is sent here back to back, the later ones carrying the screen as it was
drawn before the earlier ones were handled, as Telegram sends them on a slow network."""

from datetime import timedelta

from sqlalchemy import select, update

from bot import texts
from core.diary import Condition, Place, to_mask
from db.models import ReportDraft
from db.report_forms import forget_forms_before
from tests.conftest import RunningBot
from tests.e2e import (
    new_report,
    press_data,
    press_together,
    reports,
    set_up,
    settings_of,
    start,
    tap,
)


async def test_save_right_after_a_place_saves_the_place(running_bot: RunningBot) -> None:
    eva = await set_up(running_bot.user(401, "Eva"))
    form = await new_report(eva)
    await tap(eva, form, "Cramp")
    await press_together(eva, form, "Hamstring", "Save")
    [report] = await reports(running_bot, 401)
    assert (report.kind, report.places) == ("cramp", to_mask([Place.HAMSTRING]))
    await running_bot.api.wait_for(lambda: "Saved: cramp · hamstring" in (form.text or ""))


async def test_the_walk_of_the_issue_with_buttons_an_older_version_drew(
    running_bot: RunningBot,
) -> None:
    """Data as issue 19 saw it: a place on a form whose state was in its buttons, then
    Save from the drawing before that tap."""
    fay = await set_up(running_bot.user(402, "Fay"))
    form = await new_report(fay)
    for data in ("cd:sc0040--0", "cs:pc0000--0"):
        await fay.wait_answer(await fay.press(form, data=data))
    [report] = await reports(running_bot, 402)
    assert (report.kind, report.places) == ("cramp", to_mask([Place.HAMSTRING]))


async def test_every_tap_counts_in_the_order_made(running_bot: RunningBot) -> None:
    gus = await set_up(running_bot.user(403, "Gus"))
    form = await new_report(gus)
    await tap(gus, form, "Cramp")
    await tap(gus, form, "Calf")  # the first place moves on to strength
    await tap(gus, form, "Back")
    # Add two places and take the calf away, all from this one drawing; then strength.
    await press_together(gus, form, "Foot / toes", "Neck", "Calf")
    await running_bot.api.wait_for(lambda: "Calf" in form.button_texts())  # the last redraw
    await tap(gus, form, "Next")
    await press_together(gus, form, "8", "Save")
    [report] = await reports(running_bot, 403)
    assert report.places == to_mask([Place.FOOT, Place.NECK]) and report.severity == 8


async def test_a_form_survives_a_restart(running_bot: RunningBot) -> None:
    hal = await set_up(running_bot.user(404, "Hal"))
    form = await new_report(hal)
    await tap(hal, form, "Twitch")
    await running_bot.restart()
    await tap(hal, form, "Calf")
    await tap(hal, form, "Save")
    [report] = await reports(running_bot, 404)
    assert (report.kind, report.places) == ("twitch", to_mask([Place.CALF]))


async def test_forged_stale_and_foreign_taps_on_a_form_change_nothing(
    running_bot: RunningBot,
) -> None:
    ivy, jon = await set_up(running_bot.user(405, "Ivy")), await set_up(running_bot.user(406))
    form = await new_report(ivy)
    for forged in ("ft:p:knee:1", "ft:k:cramp:1", "ft:s:11", "ft:v:all", "ft:q"):
        answer = await press_data(running_bot.api, ivy, form, forged)
        assert answer.params["text"] == texts.STALE_BUTTON
    form = await new_report(ivy)
    answer = await press_data(running_bot.api, jon, form, "ft:v")  # Ivy's message
    assert answer.params["text"] == texts.NOT_YOURS
    welcome = ivy.messages[0]  # a message of Ivy's with no form behind it
    answer = await press_data(running_bot.api, ivy, welcome, "ft:k:cramp")
    assert answer.params["text"] == texts.FORM_CLOSED

    await tap(ivy, form, "Cramp")
    save = form.data_of("Save")
    await tap(ivy, form, "Save")
    assert (await press_data(running_bot.api, ivy, form, save)).params["text"] == (
        texts.REPORT_ALREADY_SAVED
    )
    assert len(await reports(running_bot, 405)) == 1 and await reports(running_bot, 406) == []


async def test_forms_are_kept_a_week_and_closed_ones_refuse_taps(running_bot: RunningBot) -> None:
    kit = await set_up(running_bot.user(407, "Kit"))
    saved, old, recent = await new_report(kit), await new_report(kit), await new_report(kit)
    cramp = saved.data_of("Cramp")  # the first screen, as drawn
    for form in (saved, old, recent):
        await tap(kit, form, "Cramp")
    await tap(kit, saved, "Save")
    answer = await press_data(running_bot.api, kit, saved, cramp)
    assert answer.params["text"] == texts.FORM_CLOSED  # saved: a late tap starts nothing

    now = running_bot.clock.now
    async with running_bot.db.begin() as session:
        await session.execute(
            update(ReportDraft)
            .where(ReportDraft.message_id.in_([saved.message_id, old.message_id]))
            .values(updated_at=now - timedelta(days=8))
        )
        await forget_forms_before(session, now - timedelta(days=7))
    async with running_bot.db() as session:
        kept = await session.scalars(select(ReportDraft.message_id).filter_by(user_id=407))
        assert list(kept) == [recent.message_id]
    await tap(kit, old, "Calf")  # a week later, the old form starts over from this tap
    await tap(kit, old, "Save")
    assert [r.places for r in await reports(running_bot, 407)] == [0, to_mask([Place.CALF])]


async def test_setup_switches_and_done_keep_what_was_tapped(running_bot: RunningBot) -> None:
    lou = running_bot.user(408, "Lou")
    _, setup = await start(lou)
    for label in ("Berlin", "06:30", "22:30"):
        await tap(lou, setup, label)
    # Movement twice from one drawing (a double tap), hydration, then Done from that drawing.
    await press_together(lou, setup, "Movement", "Movement", "Hydration", "Done")
    row = await settings_of(running_bot.db, 408)
    assert (row["movement_on"], row["hydration_on"], row["stretch_on"]) == (False, False, True)
    assert row["setup_step"] is None


async def test_profile_switches_keep_what_was_tapped(running_bot: RunningBot) -> None:
    max_ = await set_up(running_bot.user(409, "Max"))
    profile = await max_.ask("/profile")
    await press_together(max_, profile, "Kidney disease", "Diabetes", "Kidney disease")
    await press_together(max_, profile, "Unexplained weight loss", "Unexplained weight loss")
    row = await settings_of(running_bot.db, 409)
    assert row["conditions"] == to_mask([Condition.KIDNEY, Condition.DIABETES])
    assert row["weight_loss"] is True
    await running_bot.api.wait_for(lambda: "✅ Diabetes" in profile.button_texts())
    await press_together(max_, profile, "Diabetes", "Diabetes")  # now it says: off
    assert (await settings_of(running_bot.db, 409))["conditions"] == to_mask([Condition.KIDNEY])


async def test_reminder_switches_and_movement_days_keep_what_was_tapped(
    running_bot: RunningBot,
) -> None:
    ned = await set_up(running_bot.user(410, "Ned"))
    overview = await ned.ask("/reminders")
    await press_together(ned, overview, "Hydration", "Hydration", "Movement")
    row = await settings_of(running_bot.db, 410)
    assert (row["hydration_on"], row["movement_on"], row["stretch_on"]) == (False, False, True)

    await running_bot.api.wait_for(lambda: "⬜ Movement" in overview.button_texts())
    await tap(ned, overview, texts.SITTING_HOURS)
    await press_together(ned, overview, "✅ Mon", "✅ Tue", "✅ Mon")
    assert (await settings_of(running_bot.db, 410))["movement_days"] == 0b0011100


async def test_a_form_of_someone_who_had_everything_deleted_takes_no_tap(
    running_bot: RunningBot,
) -> None:
    ola = await set_up(running_bot.user(411, "Ola"))
    form = await new_report(ola)
    await tap(ola, form, "Cramp")  # the form is known to this instance
    await tap(ola, await ola.ask("/forget"), texts.DELETE_EVERYTHING)
    answer = await press_data(running_bot.api, ola, form, form.data_of("Calf"))
    assert answer.params["text"] == texts.FORM_CLOSED
    async with running_bot.db() as session:
        assert list(await session.scalars(select(ReportDraft).filter_by(user_id=411))) == []
