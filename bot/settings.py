"""Settings, one class per concern, read from the environment and `.env`."""

import re
from collections.abc import Callable
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import NoDecode

from core.env_settings import EnvSettings
from db.database_settings import DatabaseSettings

# Digits (the bot id), a colon, then the secret part. Never echo a rejected value.
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,100}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class TelegramSettings(EnvSettings, env_prefix="TELEGRAM_"):
    """How to reach the Bot API."""

    bot_token: SecretStr = Field(description="Token from @BotFather.")
    api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API URL; the token is appended. Change for a self-hosted Bot API server.",
    )
    api_base_file_url: str = Field(
        default="https://api.telegram.org/file/bot",
        description="Bot API file URL; the token is appended.",
    )

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_RE.match(value.get_secret_value().strip()):
            raise ValueError("malformed")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("api_base_url", "api_base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class AppSettings(EnvSettings):
    """Logging and operators."""

    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    admin_user_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(), description="Comma-separated Telegram user ids told about errors."
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return level

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be comma-separated numeric user ids")
            return tuple(int(part) for part in parts)
        return value


class SendingSettings(EnvSettings, env_prefix="SEND_"):
    """The send budget shared by replies and reminders (Telegram's flood limits)."""

    max_per_second: float = Field(
        default=30.0,
        ge=0,
        description="Messages per second overall, all instances together; 0: no limit.",
    )
    chat_interval_seconds: float = Field(
        default=1.0, ge=0, description="Seconds between background messages to one chat."
    )
    paid_broadcast: bool = Field(
        default=False,
        description="Send reminders a backlog would otherwise drop as paid broadcasts "
        "(allow_paid_broadcast: up to 1,000 a second, paid in Stars from the bot's balance).",
    )


class DispatchSettings(EnvSettings, env_prefix="DISPATCH_"):
    """How the reminder dispatcher works through due slots."""

    interval_seconds: float = Field(
        default=5.0, gt=0, description="How often the JobQueue wakes the dispatcher."
    )
    batch_size: int = Field(default=500, ge=1, description="Due slots claimed per transaction.")
    retry_backoff_seconds: float = Field(
        default=1.0, ge=0, description="First wait before resending after a network error or 5xx."
    )


# Telegram's rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class ServerSettings(EnvSettings):
    """Webhook mode and the HTTP listener (webhook and /healthz)."""

    webhook_url: str = Field(
        default="",
        description="Public HTTPS URL Telegram posts updates to; empty means long polling.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Required with WEBHOOK_URL: 16-256 of A-Z a-z 0-9 _ -."
    )
    listen_address: str = Field(default="127.0.0.1", description="Address the HTTP server binds.")
    listen_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Port of the HTTP server; 8080 in webhook mode if unset. In polling mode "
        "the server (only /healthz) runs only when this is set.",
    )

    @field_validator("webhook_url")
    @classmethod
    def _https_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an https:// URL")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not _SECRET_RE.match(value.get_secret_value().strip()):
            raise ValueError("must be 16 to 256 of A-Z, a-z, 0-9, _ and -")
        return SecretStr(value.get_secret_value().strip())

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> "ServerSettings":
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        return self

    @property
    def webhook_path(self) -> str:
        """The path part of the webhook URL: what the reverse proxy forwards to us."""
        return urlsplit(self.webhook_url).path or "/"

    @property
    def port(self) -> int | None:
        """Where to listen, or None for no HTTP server (polling without health checks)."""
        if self.listen_port is None and self.webhook_url:
            return 8080
        return self.listen_port


class Settings:
    """All settings of one run."""

    def __init__(
        self,
        telegram: TelegramSettings,
        database: DatabaseSettings,
        app: AppSettings,
        sending: SendingSettings | None = None,
        dispatch: DispatchSettings | None = None,
        server: ServerSettings | None = None,
    ) -> None:
        self.telegram = telegram
        self.database = database
        self.app = app
        self.sending = sending or SendingSettings()
        self.dispatch = dispatch or DispatchSettings()
        self.server = server or ServerSettings(webhook_url="", listen_port=None)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values no log line may show."""
        secret = self.server.webhook_secret
        return (self.telegram.bot_token.get_secret_value(),) + (
            (secret.get_secret_value(),) if secret else ()
        )


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line, safe to print."""


_FIELD_HINTS = {
    "bot_token": (
        "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in .env "
        "(see .env.example)",
        "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then 30 or more "
        "letters, digits, - or _)",
    ),
}


def _env_name(prefix: str, field: str) -> str:
    return f"{prefix}{field.upper()}"


def _describe(error: ValidationError, prefix: str) -> str:
    """Each wrong setting by its env name, and why ("; " between them)."""
    # Built from field names and our own messages only: pydantic's default text
    # quotes the input, which for the token would print the secret.
    parts = []
    for item in error.errors(include_input=False, include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "?"
        missing_hint, bad_hint = _FIELD_HINTS.get(field, ("", ""))
        if item["type"] == "missing":
            parts.append(missing_hint or f"{_env_name(prefix, field)} is not set")
        else:
            reason = str(item.get("ctx", {}).get("error", item["msg"]))
            whole = not item["loc"]  # a rule across fields words its own message
            parts.append(reason if whole else bad_hint or f"{_env_name(prefix, field)} {reason}")
    return "; ".join(parts)


def names_not_valid(error: ValidationError, prefix: str) -> str:
    """Only which settings are wrong, by their env names: "DEMO_PORT, DEMO_ADDRESS is not
    valid" ("a DEMO_ setting", when a rule across fields failed)."""
    items = error.errors(include_input=False, include_url=False)
    names = ", ".join(_env_name(prefix, str(item["loc"][0])) for item in items if item["loc"])
    return f"{names or f'a {prefix} setting'} is not valid"


S = TypeVar("S", bound=EnvSettings)


def load_env_settings(
    kind: type[S], describe: Callable[[ValidationError, str], str] = _describe
) -> S:
    """`kind` read from the environment and .env; if a value is wrong or missing, ConfigError
    with the one line `describe(error, kind's env prefix)` makes (settings by their env names,
    no value quoted: one may be a secret)."""
    try:
        return kind()
    except ValidationError as error:
        raise ConfigError(describe(error, kind.model_config.get("env_prefix") or "")) from None


def load_settings() -> Settings:
    """Read every setting; raise ConfigError with one clear line if any is wrong (the
    token first: without it nothing else matters)."""
    return Settings(
        telegram=load_env_settings(TelegramSettings),
        database=load_env_settings(DatabaseSettings),
        app=load_env_settings(AppSettings),
        sending=load_env_settings(SendingSettings),
        dispatch=load_env_settings(DispatchSettings),
        server=load_env_settings(ServerSettings),
    )
