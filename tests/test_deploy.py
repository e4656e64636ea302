"""The deployment files: no Docker engine or systemd runs here, so this checks what can be
checked. The Dockerfile starts what `make run` starts, as a user without privileges, from
the lock file; its start command, with its environment, runs the real bot here, and its
HEALTHCHECK passes against that bot's /healthz and fails once it stops. docker-compose.yml
has the bot and PostgreSQL, the bot waiting for a healthy database; its settings make the
bot listen for /healthz. The systemd unit parses and starts the same command."""

import asyncio
import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from bot.settings import load_settings
from tests.conftest import TOKEN
from tests.e2e import bot_env, free_port
from tests.fake_bot_api import FakeBotApi

REPO = Path(__file__).resolve().parent.parent
UNIT = REPO / "deploy" / "cramp-coach.service"


# -- the Dockerfile -------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), with continuation lines joined and comments left out."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in (REPO / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def arguments_of(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile() if instruction == keyword]


def image_command() -> list[str]:
    [command] = arguments_of("CMD")
    parsed: list[str] = json.loads(command)  # the exec form: python is PID 1, gets SIGTERM
    return parsed


def image_env() -> dict[str, str]:
    found: dict[str, str] = {}
    for arguments in arguments_of("ENV"):
        for pair in shlex.split(arguments):
            name, _, value = pair.partition("=")
            found[name] = value
    return found


def healthcheck_command() -> list[str]:
    [healthcheck] = arguments_of("HEALTHCHECK")
    command = re.search(r"\bCMD (\[.*\])$", healthcheck)
    assert command is not None, healthcheck
    parsed: list[str] = json.loads(command.group(1))
    return parsed


def make_run_command() -> list[str]:
    """What `make run` runs after installing: its recipe's last line, without `$(PY)`."""
    recipe = (REPO / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    last = recipe.strip().splitlines()[-1].split()
    assert last[0] == "$(PY)"
    return last[1:]


def here(command: list[str]) -> list[str]:
    """The image's command line, run with this interpreter."""
    return [sys.executable if part == "python" else part for part in command]


def test_the_image_starts_what_make_run_starts() -> None:
    command = image_command()
    assert command[0] == "python" and command[1:] == make_run_command() == ["-m", "bot"]


def test_the_image_runs_as_a_user_without_privileges() -> None:
    users = arguments_of("USER")
    assert users and users[-1] not in ("root", "0")
    after_user = [kw for kw, _ in dockerfile()][[kw for kw, _ in dockerfile()].index("USER") :]
    assert "CMD" in after_user


def test_the_image_installs_the_locked_versions_on_a_slim_python() -> None:
    [base] = arguments_of("FROM")
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", base)
    installs = [arguments for arguments in arguments_of("RUN") if "pip install" in arguments]
    assert installs[0] == "pip install -r requirements.lock"
    assert all("-r requirements.lock" in line or "--no-deps" in line for line in installs)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".env" in ignored  # the token never goes into an image


def test_the_image_listens_where_its_healthcheck_asks() -> None:
    env = image_env()
    assert env["LISTEN_ADDRESS"] == "0.0.0.0"
    assert arguments_of("EXPOSE") == [env["LISTEN_PORT"]]
    assert "/healthz" in " ".join(healthcheck_command())


async def _healthcheck(port: int) -> int:
    process = await asyncio.create_subprocess_exec(
        *here(healthcheck_command()),
        env={**os.environ, "LISTEN_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), timeout=30)


async def test_the_image_command_serves_healthz_and_its_healthcheck_follows_it(
    api: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    """The bot as the image starts it (its command, its environment; another port, for
    tests run side by side), in polling mode against the fake Bot API."""
    port = free_port()
    assert await _healthcheck(port) != 0  # nothing listens yet
    env = bot_env(
        api,
        database_url,
        **{**image_env(), "LISTEN_PORT": str(port), "DATA_DIR": str(tmp_path / "data")},
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *here(image_command()), cwd=REPO, env=env, stdout=log, stderr=log
        )
        try:
            await api.wait_for(lambda: bool(api.calls_to("getUpdates")), timeout=60)
            assert await _healthcheck(port) == 0, log_path.read_text()[-3000:]
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), timeout=30)
    assert process.returncode == 0
    assert await _healthcheck(port) != 0  # stopped: unhealthy
    assert TOKEN not in log_path.read_text()


# -- docker-compose.yml ---------------------------------------------------------------------


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def test_compose_has_the_bot_and_postgres_on_a_named_volume() -> None:
    services = compose()["services"]
    assert set(services) == {"bot", "db"}
    assert services["db"]["image"].startswith("postgres:")
    [volume] = services["db"]["volumes"]
    name, path = volume.split(":", 1)
    assert name in compose()["volumes"]
    assert path == "/var/lib/postgresql/data"
    assert services["bot"]["build"] == "."


def test_compose_starts_the_bot_once_the_database_is_healthy() -> None:
    services = compose()["services"]
    assert services["bot"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    check = services["db"]["healthcheck"]["test"]
    assert check[0] == "CMD-SHELL" and "pg_isready" in check[1]


def compose_bot_env() -> dict[str, str]:
    """The bot's environment as compose gives it, with the default password."""
    given = compose()["services"]["bot"]["environment"]
    return {
        name: re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", str(value)) for name, value in given.items()
    }


def test_compose_gives_the_bot_its_env_file_and_the_compose_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bot, db = compose()["services"]["bot"], compose()["services"]["db"]["environment"]
    assert bot["env_file"] == ".env"
    # .env as copied from .env.example, plus the token: what compose sets wins over it.
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text())
    monkeypatch.chdir(tmp_path)
    for name in os.environ:
        if name.startswith(("TELEGRAM_", "DATABASE_", "DATA_DIR", "LISTEN_", "WEBHOOK_")):
            monkeypatch.delenv(name)
    for name, value in {"TELEGRAM_BOT_TOKEN": TOKEN, **compose_bot_env()}.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    expected = "postgresql+asyncpg://{POSTGRES_USER}:cramp@db:5432/{POSTGRES_DB}".format(**db)
    assert settings.database.url == expected
    # Long polling, and still /healthz on the published port for the reverse proxy.
    assert settings.server.webhook_url == ""
    assert (settings.server.listen_address, settings.server.port) == ("0.0.0.0", 8080)
    published = [port.rsplit(":", 1)[-1] for port in bot["ports"]]
    assert published == ["8080"]


# -- the systemd unit -----------------------------------------------------------------------


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT)
    return parser


def test_the_unit_runs_the_bot_from_its_checkout_as_its_own_user() -> None:
    service = unit()["Service"]
    home = service["WorkingDirectory"]
    assert service["User"] not in ("", "root")
    assert service["EnvironmentFile"] == f"{home}/.env"
    command = service["ExecStart"].split()
    assert command[0] == f"{home}/.venv/bin/python"  # the venv `make` installs
    assert command[1:] == make_run_command()
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # a configuration error
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_unit_is_hardened() -> None:
    service = unit()["Service"]
    for option, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert service[option] == value, option
    assert service["ReadWritePaths"].lstrip("-") == f"{service['WorkingDirectory']}/data"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    home = unit()["Service"]["WorkingDirectory"]
    python = tmp_path / ".venv" / "bin" / "python"  # so that ExecStart names a program
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    (tmp_path / ".env").touch()
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text().replace(home, str(tmp_path)))
    verified = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, check=False
    )
    complaints = [line for line in verified.stderr.splitlines() if UNIT.name in line]
    assert verified.returncode == 0 and not complaints, verified.stderr
