"""Where the data lives."""

from pathlib import Path

from pydantic import Field

from core.env_settings import EnvSettings

SQLITE_FILE_NAME = "cramp_coach.sqlite3"


class DatabaseSettings(EnvSettings):
    """Database location; SQLite in DATA_DIR unless DATABASE_URL says otherwise."""

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL, e.g. postgresql+asyncpg://user@host/db.",
    )
    data_dir: Path = Field(default=Path("data"), description="Folder for the SQLite file.")

    @property
    def url(self) -> str:
        """The URL to connect to, defaulting to the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / SQLITE_FILE_NAME}"
