"""The demo's settings (DEMO_*): where its page listens."""

import ipaddress

from pydantic import Field, ValidationError, field_validator

from bot.settings import ConfigError
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
    try:
        return DemoSettings()
    except ValidationError as error:
        fields = ", ".join(f"DEMO_{str(e['loc'][0]).upper()}" for e in error.errors() if e["loc"])
        raise ConfigError(f"{fields or 'a DEMO_ setting'} is not valid") from None
