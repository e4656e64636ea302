"""Time zone names: validation, common choices, and offline lookup from a location."""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# Shown as buttons (their labels are in bot/texts); anything else can be typed or found
# from a shared location.
COMMON_ZONES: tuple[str, ...] = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)

DEFAULT_TIMEZONE = "UTC"


@cache
def _zones_by_lower_name() -> dict[str, str]:
    zones = available_timezones() | {"UTC"}
    # "localtime" and "Factory" are artefacts of some tz databases, not places.
    zones -= {"localtime", "Factory"}
    return {zone.lower(): zone for zone in zones}


def resolve_timezone(name: str) -> str | None:
    """Return the canonical IANA name for what the user typed, or None if it is not one."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned or len(cleaned) > 64:
        return None
    return _zones_by_lower_name().get(cleaned.lower())


@cache
def _finder() -> object:
    # Imported lazily: the lookup data costs memory and start-up time that only a
    # shared location needs.
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def timezone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point, looked up offline; None at sea or for nonsense coordinates."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    zone = _finder().timezone_at(lat=latitude, lng=longitude)  # type: ignore[attr-defined]
    return resolve_timezone(zone) if isinstance(zone, str) else None


def local_now(zone: str, now_utc: datetime) -> datetime:
    """The wall-clock time in a zone at a given UTC instant."""
    return now_utc.astimezone(ZoneInfo(zone))
