"""Settings: defaults, a clear one-line refusal for a missing or malformed token, no leaks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import Field

from bot.settings import (
    AppSettings,
    ConfigError,
    DispatchSettings,
    SendingSettings,
    ServerSettings,
    load_env_settings,
    load_settings,
    names_not_valid,
)
from core.env_settings import EnvSettings
from db.database_settings import DatabaseSettings

REPO = Path(__file__).resolve().parent.parent
GOOD_TOKEN = "123456789:AAHgoodtoken_abcdefghijklmnopqrstuv"


def given_env(monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """These settings in the environment."""
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No settings in the environment and no .env in the working directory."""
    for key in list(os.environ):
        if key.startswith(
            ("TELEGRAM_", "DATABASE_", "DATA_DIR", "LOG_LEVEL", "ADMIN_", "WEBHOOK_", "LISTEN_")
        ):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_use_telegram_and_sqlite_in_the_data_folder(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN)
    settings = load_settings()
    assert settings.telegram.api_base_url == "https://api.telegram.org/bot"
    assert settings.telegram.api_base_file_url == "https://api.telegram.org/file/bot"
    assert settings.database.url == "sqlite+aiosqlite:///data/cramp_coach.sqlite3"
    assert settings.app.log_level == "INFO"
    assert settings.app.admin_user_ids == ()


def test_reads_the_dot_env_file(clean_env: Path) -> None:
    (clean_env / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={GOOD_TOKEN}\nTELEGRAM_API_BASE_URL=http://localhost:8081/bot\n"
        "DATABASE_URL=postgresql+asyncpg://bot@db/cramps\nADMIN_USER_IDS=1, 22\nLOG_LEVEL=debug\n"
    )
    settings = load_settings()
    assert settings.telegram.api_base_url == "http://localhost:8081/bot"
    assert settings.database.url == "postgresql+asyncpg://bot@db/cramps"
    assert settings.app.admin_user_ids == (1, 22)
    assert settings.app.log_level == "DEBUG"


def test_missing_token_is_one_clear_line(clean_env: Path) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        load_settings()


@pytest.mark.parametrize("bad", ["abc", "123456:short", "not a token at all 123456:" + "x" * 40])
def test_malformed_token_is_refused_without_echoing_it(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", bad)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "does not look like a bot token" in str(caught.value)
    assert bad not in str(caught.value)


def test_other_bad_settings_are_named(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given_env(monkeypatch, TELEGRAM_BOT_TOKEN=GOOD_TOKEN, ADMIN_USER_IDS="1,bob")
    with pytest.raises(ConfigError, match="ADMIN_USER_IDS"):
        load_settings()
    given_env(monkeypatch, ADMIN_USER_IDS="", TELEGRAM_API_BASE_URL="ftp://example")
    with pytest.raises(ConfigError, match="TELEGRAM_API_BASE_URL"):
        load_settings()


class Knobs(EnvSettings, env_prefix="KNOB_"):
    size: int = Field(ge=1)
    name: str


def test_any_settings_class_is_refused_in_one_line_by_env_names(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loader load_settings and the demo's load_demo_settings share: what is wrong and
    # why by default, or only which settings (the demo's wording).
    monkeypatch.setenv("KNOB_SIZE", "0")
    monkeypatch.delenv("KNOB_NAME", raising=False)
    why = r"^KNOB_SIZE Input should be greater than or equal to 1; KNOB_NAME is not set$"
    with pytest.raises(ConfigError, match=why):
        load_env_settings(Knobs)
    with pytest.raises(ConfigError, match=r"^KNOB_SIZE, KNOB_NAME is not valid$"):
        load_env_settings(Knobs, names_not_valid)
    monkeypatch.setenv("KNOB_SIZE", "2")
    monkeypatch.setenv("KNOB_NAME", "dial")
    assert load_env_settings(Knobs) == Knobs(size=2, name="dial")


def test_every_setting_is_documented_in_env_example() -> None:
    documented = (REPO / ".env.example").read_text()
    fields = [
        *(
            f"TELEGRAM_{name.upper()}"
            for name in ("bot_token", "api_base_url", "api_base_file_url")
        ),
        *(name.upper() for name in DatabaseSettings.model_fields),
        *(name.upper() for name in AppSettings.model_fields),
        *(f"SEND_{name.upper()}" for name in SendingSettings.model_fields),
        *(f"DISPATCH_{name.upper()}" for name in DispatchSettings.model_fields),
        *(name.upper() for name in ServerSettings.model_fields),
    ]
    missing = [name for name in fields if f"{name}=" not in documented]
    assert not missing, f"not in .env.example: {missing}"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "TELEGRAM_BOT_TOKEN is not set"),
        ("999:leaky-bad-token", "does not look like a bot token"),
    ],
)
def test_python_m_bot_stops_with_one_line_and_no_traceback(
    clean_env: Path, token: str | None, message: str
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env["PYTHONPATH"] = str(REPO)
    if token:
        env["TELEGRAM_BOT_TOKEN"] = token
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=clean_env,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    if token:
        assert token not in result.stderr
    assert not (clean_env / "data").exists()


def test_polling_by_default_and_no_http_server(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN)
    server = load_settings().server
    assert server.webhook_url == ""
    assert server.port is None


def test_webhook_mode_listens_on_8080_by_default_and_keeps_the_secret_out_of_logs(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cret-value_0123456789abcdef"
    given_env(
        monkeypatch,
        TELEGRAM_BOT_TOKEN=GOOD_TOKEN,
        WEBHOOK_URL="https://bot.example.org/tg/updates",
        WEBHOOK_SECRET=secret,
    )
    settings = load_settings()
    assert settings.server.port == 8080
    assert settings.server.listen_address == "127.0.0.1"
    assert settings.server.webhook_path == "/tg/updates"
    assert secret in settings.secrets and GOOD_TOKEN in settings.secrets
    assert secret not in repr(settings.server)


def test_webhook_without_a_secret_is_refused_in_one_line(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given_env(monkeypatch, TELEGRAM_BOT_TOKEN=GOOD_TOKEN, WEBHOOK_URL="https://bot.example.org/tg")
    with pytest.raises(ConfigError, match=r"^WEBHOOK_SECRET is required when WEBHOOK_URL is set$"):
        load_settings()


@pytest.mark.parametrize(
    "secret", ["short", "has spaces in it 0123456789", "x" * 257, "ünïcode-0123456789ab"]
)
def test_a_malformed_webhook_secret_is_refused_without_echoing_it(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    given_env(
        monkeypatch,
        TELEGRAM_BOT_TOKEN=GOOD_TOKEN,
        WEBHOOK_URL="https://bot.example.org/tg",
        WEBHOOK_SECRET=secret,
    )
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET must be 16 to 256") as error:
        load_settings()
    assert secret not in str(error.value)


def test_a_webhook_url_that_is_not_http_is_refused(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given_env(
        monkeypatch,
        TELEGRAM_BOT_TOKEN=GOOD_TOKEN,
        WEBHOOK_URL="bot.example.org/tg",
        WEBHOOK_SECRET="s3cret-value_0123456789abcdef",
    )
    with pytest.raises(ConfigError, match="WEBHOOK_URL must be an https:// URL"):
        load_settings()
