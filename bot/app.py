"""Builds the Application: every handler is registered here, and resources live in its hooks."""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import cast

from telegram import Bot, BotCommand, Update
from telegram.constants import FloodLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import i18n, metrics, texts
from bot.budget import SharedBudget
from bot.context import CONTEXT_TYPES, BotData, CoachApplication, CoachContext
from bot.handlers import (
    cancel,
    cramps,
    general,
    language,
    preferences,
    reminders,
    sitting,
    summary,
)
from bot.http import AiohttpRequest
from bot.outgoing import OutgoingBot
from bot.ratelimit import SendLimiter
from bot.sender import make_sender
from bot.settings import Settings
from bot.summaries import make_preparer
from bot.update_processor import PerUserUpdateProcessor
from core.clock import Clock, utc_now
from db.migrate import upgrade_database
from db.report_forms import ReportForms
from db.session import create_engine, create_session_factory
from db.update_log import UpdateLog
from scheduler.dispatcher import Dispatcher

logger = logging.getLogger(__name__)

# Only what the handlers use: fewer updates to fetch and parse.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
NEXT_WAKE_JOB = "dispatcher-next-due"
UPDATE_PRUNE_SECONDS = 3600
UNLIMITED_WINDOW = 200


async def wake_dispatcher(context: CoachContext) -> None:
    """JobQueue callback: the dispatcher does the work, the job only wakes it."""
    if context.bot_data.dispatcher is not None:
        context.bot_data.dispatcher.wake()


def _wake_at_next_due(application: CoachApplication) -> Callable[[datetime | None], None]:
    """Schedule a one-off wake-up when the next slot is due sooner than the next tick."""

    def schedule(due: datetime | None) -> None:
        data, jobs = application.bot_data, application.job_queue
        if due is None or jobs is None:
            return
        delay = (due - data.clock()).total_seconds()
        if delay < data.dispatch_interval:
            for job in jobs.get_jobs_by_name(NEXT_WAKE_JOB):
                job.schedule_removal()
            jobs.run_once(
                wake_dispatcher,
                when=max(delay, 0.0),
                name=NEXT_WAKE_JOB,
                job_kwargs={"misfire_grace_time": None},
            )

    return schedule


def send_window(interval: float) -> int:
    """How many reminders the dispatcher marks "sending" ahead of the send limiter.

    About half a second of sending: a crash writes that off as "unknown" (never resent),
    though most of it had not left yet. With no limit (interval 0: benchmarks) a larger
    window keeps the database round trips per message few.
    """
    return max(1, min(100, round(0.5 / interval))) if interval else UNLIMITED_WINDOW


async def publish_description(bot: Bot) -> None:
    """What Telegram shows before someone presses Start. Only a nicety: a failure is
    logged, and the bot starts all the same."""
    try:
        for code in i18n.LANGUAGES:
            with i18n.use_language(code):
                language_code = None if code == i18n.DEFAULT else code
                await bot.set_my_description(texts.BOT_DESCRIPTION, language_code=language_code)
                await bot.set_my_short_description(
                    texts.BOT_SHORT_DESCRIPTION, language_code=language_code
                )
    except TelegramError as error:
        logger.warning("Could not set the bot's description: %s", error)


async def publish_commands(bot: Bot) -> None:
    """The command menu: each language for the Telegram apps set to it, then English for
    everyone else (last: tests and tools take the default menu's call as the start's end)."""
    for code in reversed(i18n.LANGUAGES):
        with i18n.use_language(code):
            commands = [BotCommand(c, d) for c, d in texts.COMMANDS]
            language_code = None if code == i18n.DEFAULT else code
            await bot.set_my_commands(commands, language_code=language_code)


async def post_init(application: CoachApplication) -> None:
    """Open the database, migrate it, and publish the bot's description and command menu."""
    data = application.bot_data
    i18n.forget_choices()
    data.engine = create_engine(data.database_url)
    await upgrade_database(data.engine)
    data.sessions = create_session_factory(data.engine)
    data.update_log = UpdateLog(data.engine, data.clock)
    data.report_forms = ReportForms(data.engine)
    await publish_description(application.bot)
    await publish_commands(application.bot)
    limiter = application.bot.rate_limiter
    if data.engine.dialect.name == "postgresql" and isinstance(limiter, SendLimiter):
        # Other instances may share the database: the budget and the users are split
        # among the live ones (bot/budget.py). On SQLite this is the only instance.
        data.budget = SharedBudget(
            data.sessions, limiter, data.send_max_per_second, on_change=_follow_budget(data)
        )
        await data.budget.start()
    interval = limiter.overall_interval if isinstance(limiter, SendLimiter) else 0.0
    data.dispatcher = Dispatcher(
        data.sessions,
        metrics.counting_sends(
            make_sender(application.bot, backoff_seconds=data.retry_backoff_seconds), data.clock
        ),
        data.clock,
        batch_size=data.dispatch_batch_size,
        chunk_size=send_window(interval),
        on_idle=_wake_at_next_due(application),
        prepare=make_preparer(data.sessions),
        # What the limiter lets this instance send: a backlog beyond it is planned, not
        # left to go stale; paid broadcast (an operator's choice) is the overflow lane.
        send_rate=1.0 / interval if interval else None,
        paid_rate=FloodLimit.PAID_MESSAGES_PER_SECOND if data.paid_broadcast else None,
        membership=data.budget.membership if data.budget is not None else None,
    )
    if data.budget is not None:
        _follow_budget(data)(limiter.rate if isinstance(limiter, SendLimiter) else None)
    data.dispatcher_stop = asyncio.Event()
    data.dispatcher_task = asyncio.create_task(data.dispatcher.run(data.dispatcher_stop))
    if application.job_queue is not None:
        # A late wake-up is still useful: never let APScheduler's misfire grace drop one.
        application.job_queue.run_repeating(
            wake_dispatcher,
            interval=data.dispatch_interval,
            first=data.dispatch_interval,
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )
        application.job_queue.run_repeating(
            general.forget_old_updates, interval=UPDATE_PRUNE_SECONDS, first=60
        )
    if data.budget is None:
        metrics.set_live_instances(1)  # else counted at every heartbeat (bot/budget.py)
    logger.info("Ready as @%s", application.bot.username)


def _follow_budget(data: BotData) -> Callable[[float | None], None]:
    """What the dispatcher plans with follows this instance's share of the budget."""

    def follow(rate: float | None) -> None:
        dispatcher = data.dispatcher
        if dispatcher is None:
            return
        was = dispatcher.send_rate
        dispatcher.send_rate = rate
        if rate != 0:  # (at 0 it claims nothing)
            dispatcher.chunk_size = send_window(1.0 / rate if rate else 0.0)
        if rate != was:
            dispatcher.wake()  # a share, or other users, to claim for

    return follow


async def post_stop(application: CoachApplication) -> None:
    """Let the dispatcher finish the chunk it is sending, then stop it; then leave the
    shared budget (the others take this instance's share and users at once)."""
    data = application.bot_data
    if data.dispatcher_stop is not None and data.dispatcher_task is not None:
        data.dispatcher_stop.set()
        await data.dispatcher_task
        data.dispatcher_task = None
    if data.budget is not None:
        await data.budget.stop()
        data.budget = None


async def post_shutdown(application: CoachApplication) -> None:
    """Leave the shared budget if post_stop did not (the bot never started), and close
    the database connections."""
    data = application.bot_data
    if data.budget is not None:
        await data.budget.stop()
        data.budget = None
    if data.engine is not None:
        await data.engine.dispose()
        data.engine = data.sessions = data.update_log = data.report_forms = None


def register_handlers(application: CoachApplication) -> None:
    """The guards, every module's handlers in the order each module lists them, the
    fallbacks, and the error handler."""
    # Lower groups run first: -2 drops an update taken in before (by any instance); -1
    # stops messages outside private chats, and presses on another chat's message,
    # before any handler sees them.
    # -3 speaks the sender's language from the first word any handler says.
    application.add_handler(TypeHandler(Update, language.speak_their_language), group=-3)
    application.add_handler(TypeHandler(Update, general.drop_seen_update), group=-2)
    application.add_handlers(
        [
            MessageHandler(~filters.ChatType.PRIVATE, general.private_only),
            CallbackQueryHandler(general.guard_button),
        ],
        group=-1,
    )
    # Each module's handlers match disjoint updates (their own commands, menu buttons
    # and button formats), so the modules' order does not matter; the fallbacks last.
    for module in (preferences, cramps, reminders, sitting, summary, cancel, language, general):
        application.add_handlers(module.HANDLERS)
    application.add_handlers(general.FALLBACKS)
    application.add_error_handler(general.error_handler)


def build_application(settings: Settings, *, clock: Clock = utc_now) -> CoachApplication:
    """The bot, configured from settings; `clock` is injectable for tests."""
    telegram = settings.telegram
    bot = OutgoingBot(  # checks Telegram's size limits on every call before it is made
        telegram.bot_token.get_secret_value(),
        base_url=telegram.api_base_url,
        base_file_url=telegram.api_base_file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML),
        rate_limiter=SendLimiter(
            overall_per_second=settings.sending.max_per_second or None,
            per_chat_interval=settings.sending.chat_interval_seconds,
        ),
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(PerUserUpdateProcessor())
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    application = cast(CoachApplication, builder.build())
    application.bot_data.database_url = settings.database.url
    application.bot_data.admin_user_ids = settings.app.admin_user_ids
    application.bot_data.clock = clock
    application.bot_data.dispatch_interval = settings.dispatch.interval_seconds
    application.bot_data.dispatch_batch_size = settings.dispatch.batch_size
    application.bot_data.retry_backoff_seconds = settings.dispatch.retry_backoff_seconds
    application.bot_data.paid_broadcast = settings.sending.paid_broadcast
    application.bot_data.send_max_per_second = settings.sending.max_per_second or None
    register_handlers(application)
    return application
