"""The baseline of scenario 3: reminders scheduled the usual python-telegram-bot way.

`python -m bench.baseline_jobqueue` reads the same environment as `python -m bot`
(TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, DATABASE_URL, ...) and starts a plain PTB
Application (default builder: JobQueue, HTTPX request, no handlers) on the same database.
At start-up it loads every active, set-up user with one plain column query, computes each
enabled kind's next slot with the app's own planner (scheduler.planning.next_slot, no
caching: real users' preferences rarely repeat), and adds one JobQueue job per user and
kind with `run_once` (chat_id, user_id, data=kind, name "kind:user", misfire grace = the
kind's grace), as PTB's timerbot example does. A fired job sends the reminder and adds
the user's next one (the same plan, re-read from the database).

Jobs added before the JobQueue starts wait in APScheduler's pending list and are put into
its job store by `Application.start()`, so "Ready as" is logged after it (the app logs it
in post_init, before its own start(), which adds only the dispatcher's wake-up job).
The line "Baseline timings {json}" gives the seconds spent in the query, in next_slot,
in run_once (the pending jobs) and in Application.start() (the jobs entering the store).
"""

import asyncio
import json
import logging
import signal
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, JobQueue

from bot.settings import load_settings
from db.models import User
from db.session import create_engine
from scheduler.planning import GRACE, Kind, Prefs, next_slot

logger = logging.getLogger("baseline")

TEXTS = {
    Kind.HYDRATION: "Time for a glass of water.",
    Kind.MOVEMENT: "Time to stand up and move for a minute.",
    Kind.STRETCH: "Time for your calf stretches before bed.",
    Kind.TIP: "Tip of the week.",
    Kind.SUMMARY: "Your week in cramps.",
}
JOB_KWARGS = {kind: {"misfire_grace_time": int(GRACE[kind].total_seconds())} for kind in Kind}
_PREFS_COLUMNS = (
    User.timezone,
    User.wake_time,
    User.bed_time,
    User.movement_days,
    User.stretch_lead_minutes,
    User.summary_weekday,
    User.summary_time,
)
_SWITCHES = (User.hydration_on, User.movement_on, User.stretch_on, User.tips_on)
_SWITCHED = (Kind.HYDRATION, Kind.MOVEMENT, Kind.STRETCH, Kind.TIP)


def schedule(
    jobs: JobQueue[Any],
    kind: Kind,
    user_id: int,
    chat_id: int,
    prefs: Prefs,
    after: datetime,
    clock: list[float] | None = None,
) -> bool:
    """Add the job for the user's next slot of `kind`; `clock` sums seconds spent planning."""
    planning = time.perf_counter()
    due = next_slot(kind, prefs, after)
    if clock is not None:
        clock[0] += time.perf_counter() - planning
    if due is None:
        return False
    jobs.run_once(
        remind,
        due,
        data=kind,
        name=f"{kind}:{user_id}",
        chat_id=chat_id,
        user_id=user_id,
        job_kwargs=JOB_KWARGS[kind],
    )
    return True


async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    assert job is not None and job.chat_id is not None and job.user_id is not None
    kind = Kind(str(job.data))
    try:
        await context.bot.send_message(job.chat_id, TEXTS[kind])
    except TelegramError as error:
        logger.warning("Reminder to %s not sent: %s", job.chat_id, error)
    engine: AsyncEngine = context.bot_data["engine"]
    async with engine.connect() as connection:
        row = (
            await connection.execute(select(*_PREFS_COLUMNS).where(User.id == job.user_id))
        ).first()
    if row is not None and context.job_queue is not None:
        prefs = Prefs(*row)
        schedule(context.job_queue, kind, job.user_id, job.chat_id, prefs, datetime.now(UTC))


async def schedule_everyone(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> dict[str, float]:
    """One job per active user and enabled kind, at its next slot; seconds per step."""
    jobs = application.job_queue
    assert jobs is not None
    engine: AsyncEngine = application.bot_data["engine"]
    started = time.perf_counter()
    async with engine.connect() as connection:
        result = await connection.execute(
            select(User.id, User.chat_id, *_SWITCHES, *_PREFS_COLUMNS).where(
                User.is_active, User.setup_step.is_(None)
            )
        )
        rows = result.all()
    loaded = time.perf_counter()
    now, count, planning = datetime.now(UTC), 0, [0.0]
    for user_id, chat_id, *switches_and_prefs in rows:
        switches, prefs = switches_and_prefs[:4], Prefs(*switches_and_prefs[4:])
        wanted = [kind for kind, on in zip(_SWITCHED, switches, strict=True) if on]
        for kind in (*wanted, Kind.SUMMARY):
            count += schedule(jobs, kind, user_id, chat_id, prefs, now, planning)
    return {
        "users": len(rows),
        "jobs": count,
        "query_seconds": loaded - started,
        "plan_seconds": planning[0],
        "run_once_seconds": time.perf_counter() - loaded - planning[0],
    }


async def serve() -> None:
    settings = load_settings()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level="INFO")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    application = (
        ApplicationBuilder()
        .token(settings.telegram.bot_token.get_secret_value())
        .base_url(settings.telegram.api_base_url)
        .base_file_url(settings.telegram.api_base_file_url)
        .build()
    )
    application.bot_data["engine"] = engine = create_engine(settings.database.url)
    # PTB's documented way to run inside a loop of one's own (as bot/runner.py does).
    await application.initialize()
    timings = await schedule_everyone(application)
    assert application.updater is not None
    await application.updater.start_polling()
    started = time.perf_counter()
    await application.start()  # the JobQueue starts: the pending jobs enter its store
    timings["start_seconds"] = time.perf_counter() - started
    logger.info("Baseline timings %s", json.dumps(timings))
    logger.info("Ready as @%s", application.bot.username)
    await stop.wait()
    await application.updater.stop()
    await application.stop()
    await application.shutdown()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(serve())
