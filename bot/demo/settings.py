"""The demo's settings (DEMO_*): where its page listens."""

import ipaddress

from pydantic import Field, field_validator

from bot.settings import load_env_settings, names_not_valid
from core.env_settings import EnvSettings


class DemoSettings(EnvSettings, env_prefix="DEMO_"):
    """Where `make demo` serves its page (the local Bot API takes a free port of its own)."""

    port: int = Field(default=8088, ge=0, le=65535, description="Port of the demo's page.")
    address: str = Field(
        default="127.0.0.1",
        description="Address the page binds; anything but loopback lets others drive the demo.",
    )

    @field_validator("address")
    @classmethod
    def _ip_address(cls, value: str) -> str:
        value = value.strip()
        if value != "localhost":
            ipaddress.ip_address(value)  # a ValueError names the field, never a secret
        return value


def load_demo_settings() -> DemoSettings:
    """DEMO_* from the environment and .env; ConfigError with one line if one is wrong."""
    return load_env_settings(DemoSettings, names_not_valid)
