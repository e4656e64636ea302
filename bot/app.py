"""Builds the Application: every handler is registered here, and resources live in its hooks."""

import logging
from typing import cast

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot import texts
from bot.callbacks import (
    FinishReminders,
    OpenScreen,
    SetBed,
    SetTimezone,
    SetWake,
    SkipSetup,
    ToggleReminder,
    UndoCramp,
    is_callback,
)
from bot.context import CONTEXT_TYPES, CoachApplication
from bot.handlers import cramps, general, preferences
from bot.settings import Settings
from core.clock import Clock, utc_now
from db.migrate import upgrade_database
from db.session import create_engine, create_session_factory

logger = logging.getLogger(__name__)

# Only what the handlers use: fewer updates to fetch and parse.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


async def post_init(application: CoachApplication) -> None:
    """Open the database, migrate it, and publish the command menu."""
    data = application.bot_data
    data.engine = create_engine(data.database_url)
    await upgrade_database(data.engine)
    data.sessions = create_session_factory(data.engine)
    await application.bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMANDS])
    logger.info("Ready as @%s", application.bot.username)


async def post_shutdown(application: CoachApplication) -> None:
    """Close the database connections."""
    data = application.bot_data
    if data.engine is not None:
        await data.engine.dispose()
        data.engine = data.sessions = None


def register_handlers(application: CoachApplication) -> None:
    """All update handlers, in the order they are tried."""
    private = filters.ChatType.PRIVATE
    menu_buttons = filters.Text(
        [texts.BUTTON_REPORT_CRAMP, texts.BUTTON_SETTINGS, texts.BUTTON_HELP]
    )
    application.add_handlers(
        [
            CommandHandler("start", preferences.start, filters=private),
            CommandHandler("settings", preferences.settings, filters=private),
            CommandHandler(
                ["timezone", "waketime", "bedtime"], preferences.set_by_command, filters=private
            ),
            CommandHandler("help", general.help_command, filters=private),
            CommandHandler("cramp", cramps.report_cramp, filters=private),
            MessageHandler(
                private & filters.Text([texts.BUTTON_REPORT_CRAMP]), cramps.report_cramp
            ),
            MessageHandler(private & filters.Text([texts.BUTTON_SETTINGS]), preferences.settings),
            MessageHandler(private & filters.Text([texts.BUTTON_HELP]), general.help_command),
            MessageHandler(private & filters.LOCATION, preferences.location),
            MessageHandler(
                private & filters.TEXT & ~filters.COMMAND & ~menu_buttons, preferences.typed_text
            ),
            MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, general.private_only),
            MessageHandler(private, general.unexpected_message),
            CallbackQueryHandler(
                preferences.choose, pattern=is_callback(SetTimezone | SetWake | SetBed)
            ),
            CallbackQueryHandler(preferences.toggle_reminder, pattern=is_callback(ToggleReminder)),
            CallbackQueryHandler(
                preferences.finish_reminders, pattern=is_callback(FinishReminders)
            ),
            CallbackQueryHandler(preferences.skip_setup, pattern=is_callback(SkipSetup)),
            CallbackQueryHandler(preferences.open_screen, pattern=is_callback(OpenScreen)),
            CallbackQueryHandler(cramps.undo_cramp, pattern=is_callback(UndoCramp)),
            CallbackQueryHandler(general.stale_button),
            ChatMemberHandler(general.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        ]
    )
    # Group -1 runs first and can stop a press before any handler above sees it.
    application.add_handler(CallbackQueryHandler(general.guard_button), group=-1)
    application.add_error_handler(general.error_handler)


def build_application(settings: Settings, *, clock: Clock = utc_now) -> CoachApplication:
    """The bot, configured from settings; `clock` is injectable for tests."""
    telegram = settings.telegram
    builder = (
        ApplicationBuilder()
        .token(telegram.bot_token.get_secret_value())
        .base_url(telegram.api_base_url)
        .base_file_url(telegram.api_base_file_url)
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    application = cast(CoachApplication, builder.build())
    application.bot_data.database_url = settings.database.url
    application.bot_data.admin_user_ids = settings.app.admin_user_ids
    application.bot_data.clock = clock
    register_handlers(application)
    return application
