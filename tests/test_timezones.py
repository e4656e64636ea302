"""Time zone names typed by users, and zones found from a shared location."""

from datetime import UTC, datetime

import pytest

from core.timezones import COMMON_ZONES, local_now, resolve_timezone, timezone_at


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  America/New_York ", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("Pacific/Chatham", "Pacific/Chatham"),
    ],
)
def test_resolves_iana_names_case_insensitively(typed: str, zone: str) -> None:
    assert resolve_timezone(typed) == zone


@pytest.mark.parametrize(
    "typed", ["Mars/Base", "", "Berlin", "../../etc/passwd", "localtime", "x" * 200]
)
def test_refuses_what_is_not_a_zone(typed: str) -> None:
    assert resolve_timezone(typed) is None


def test_common_zones_are_all_valid() -> None:
    assert all(resolve_timezone(zone) == zone for zone in COMMON_ZONES)


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (52.52, 13.40, "Europe/Berlin"),
        (40.71, -74.0, "America/New_York"),
        (28.6, 77.2, "Asia/Kolkata"),
    ],
)
def test_finds_the_zone_of_a_location_offline(lat: float, lon: float, zone: str) -> None:
    assert timezone_at(lat, lon) == zone


def test_no_zone_for_impossible_coordinates() -> None:
    assert timezone_at(91, 0) is None
    assert timezone_at(0, 181) is None


def test_local_now_uses_the_zone() -> None:
    instant = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert local_now("Europe/Berlin", instant).hour == 14
    assert local_now("Asia/Kolkata", instant).strftime("%H:%M") == "17:30"
