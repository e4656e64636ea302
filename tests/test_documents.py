"""The chart PNGs and the doctor's PDF: they render, open, and hold the user's numbers."""

import asyncio
import io
import struct
from datetime import date, timedelta

from pypdf import PdfReader

from bot.documents import (
    DoctorReport,
    FlagEntry,
    WeekPoint,
    doctor_pdf,
    week_chart_png,
    weekly_history_chart_png,
)
from core.weekly import DayRecord

START = date(2026, 11, 16)


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def days(count: int, cramps: int = 1, cups: int = 6) -> list[DayRecord]:
    return [
        DayRecord(day=START + timedelta(days=i), cramps=cramps, cups=cups) for i in range(count)
    ]


def test_week_chart_renders_for_a_week_a_day_ninety_days_and_no_data() -> None:
    for records in (days(7), days(1), days(90), days(7, cramps=0, cups=0)):
        width, height = png_size(week_chart_png(records, "Your week – 16–22 Nov 🦵"))
        assert width >= 400 and height >= 200


async def test_charts_can_be_drawn_in_worker_threads_at_once() -> None:
    pngs = await asyncio.gather(
        *(asyncio.to_thread(week_chart_png, days(7, cramps=n), f"Week {n}") for n in range(3))
    )
    assert all(png.startswith(b"\x89PNG") for png in pngs)


def test_history_chart_renders_with_and_without_weeks() -> None:
    weeks = [WeekPoint(START - timedelta(days=7 * i), i, 5.5) for i in range(13)]
    assert png_size(weekly_history_chart_png(weeks, "Last 90 days"))[0] >= 400
    assert png_size(weekly_history_chart_png([], "Last 90 days"))[0] >= 400


def report(**overrides: object) -> DoctorReport:
    values: dict[str, object] = {
        "name": "Анна 🦵",
        "period": "23 Aug – 21 Nov 2026",
        "generated": "21 Nov 2026 09:00 (Europe/Berlin)",
        "weeks": (WeekPoint(START - timedelta(days=7), 3, 6.5), WeekPoint(START, 7, 4.25)),
        "total_reports": 10,
        "flags": (
            FlagEntry(
                "17 Nov 2026",
                "A spasm lasting over 10 minutes",
                "see doctor",
                "Consult a physician.",
                ("17 Nov 02:10: cramp · calf · 8/10 · over 10 min",),
            ),
        ),
        "conditions": ("Kidney disease",),
        "medications": ("Diuretic",),
        "weight_loss": False,
        "recent_reports": ("17 Nov 02:10: cramp · calf · 8/10 · over 10 min",),
    }
    values.update(overrides)
    return DoctorReport(**values)  # type: ignore[arg-type]


def test_the_doctor_pdf_opens_and_holds_the_users_numbers() -> None:
    pdf = PdfReader(io.BytesIO(doctor_pdf(report())))
    assert 1 <= len(pdf.pages) <= 3
    content = " ".join(page.extract_text() for page in pdf.pages)
    assert "Anna" in content or "Анна" in content or "report" in content.lower()
    assert "7" in content  # the week with 7 cramps
    assert "A spasm lasting over 10 minutes" in content
    assert "Kidney disease" in content and "Diuretic" in content
    assert "?" in content  # questions to raise with the doctor


def test_an_empty_report_still_renders() -> None:
    empty = report(
        weeks=(), flags=(), conditions=(), medications=(), recent_reports=(), total_reports=0
    )
    assert len(PdfReader(io.BytesIO(doctor_pdf(empty))).pages) >= 1
