"""The base of every settings class: read from the environment and from `.env` in the
working directory; keys it does not know are someone else's and are ignored.

A subclass names its concern's prefix as a class keyword (`env_prefix="SEND_"`); the
one-line refusal of a bad value is bot.settings.load_env_settings's job.
"""

from pydantic_settings import BaseSettings, SettingsConfigDict


class EnvSettings(BaseSettings):
    """Settings of one concern."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
