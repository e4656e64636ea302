"""Rendered documents: chart PNGs decode at the expected size, the doctor PDF opens and says
what it should, and odd input (emoji, dashes, Cyrillic, Greek, CJK, empty data) renders too:
what the font has, as typed; what it lacks, as a visible mark."""

import asyncio
import re
import struct
import warnings
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from matplotlib.image import imread
from pypdf import PdfReader

from bot import texts
from bot.documents import (
    CHART_HEIGHT_PX,
    CHART_WIDTH_PX,
    MISSING_GLYPH,
    DoctorReport,
    FlagEntry,
    WeekPoint,
    doctor_pdf,
    drawable,
    week_chart_png,
    weekly_history_chart_png,
)
from bot.texts import doctor_report, medical
from bot.texts.doctor_report import QUESTIONS
from bot.texts.weekly_message import summary_title
from core.weekly import DayRecord

MONDAY = date(2026, 11, 16)


def _days(count: int, *, zero: bool = False) -> list[DayRecord]:
    return [
        DayRecord(
            day=MONDAY + timedelta(days=i),
            cramps=0 if zero else i % 4,
            cups=0 if zero else (i * 3) % 11,
            goal=8 if i < 40 else 10,
        )
        for i in range(count)
    ]


def _weeks(counts: list[int]) -> tuple[WeekPoint, ...]:
    return tuple(
        WeekPoint(start=MONDAY - timedelta(weeks=len(counts) - i), cramps=c, avg_cups=5.5 + i / 4)
        for i, c in enumerate(counts)
    )


def _assert_png(data: bytes) -> None:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (CHART_WIDTH_PX, CHART_HEIGHT_PX)
    pixels = imread(BytesIO(data), format="png")
    assert pixels.shape[:2] == (CHART_HEIGHT_PX, CHART_WIDTH_PX)
    assert pixels.std() > 0  # something was drawn


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def _report(**changes: Any) -> DoctorReport:
    base = DoctorReport(
        name="Anna",
        period="23 Aug - 21 Nov 2026",
        generated="21 Nov 2026 09:00 (Europe/Berlin)",
        weeks=_weeks([3, 7, 0, 2, 5, 1, 4, 6, 2, 0, 1, 3, 4]),
        total_reports=38,
        flags=(
            FlagEntry(
                raised="12 Oct 2026 22:10",
                title="Cramp lasting over 10 minutes",
                level="see a doctor",
                advice="Cramps that last longer than 10 minutes should be checked.",
                reports=("12 Oct 22:05 - calf, severity 8/10, over 10 min",),
            ),
        ),
        conditions=("Diabetes",),
        medications=("Diuretics (water pills)",),
        weight_loss=False,
        recent_reports=tuple(
            f"{20 - i % 20} Nov 2026 07:{i:02d} - calf - severity {i % 10 + 1}/10"
            for i in range(12)
        ),
    )
    return replace(base, **changes)


@pytest.mark.parametrize("count", [1, 7, 14, 31, 90])
def test_week_chart_png_decodes(count: int) -> None:
    _assert_png(week_chart_png(_days(count), "Your week 16–22 Nov"))


@pytest.mark.parametrize("count", [1, 7, 90])
def test_week_chart_png_all_zero(count: int) -> None:
    _assert_png(week_chart_png(_days(count, zero=True), "Nothing logged"))


def test_week_chart_png_odd_titles_and_no_days() -> None:
    _assert_png(week_chart_png(_days(7), "💧 Неделя 16–22 Nov · $x$ 50% {nb}"))
    _assert_png(week_chart_png([], "Empty"))


def test_charts_draw_any_title_without_missing_glyph_warnings() -> None:
    title = "Анна · Πόνος · 王 💪🏽 👨‍👩‍👧 🇩🇪"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        _assert_png(week_chart_png(_days(7), title))
        _assert_png(week_chart_png([], title))
        _assert_png(weekly_history_chart_png(_weeks([1, 2]), title))


async def test_week_chart_png_in_worker_threads() -> None:
    results = await asyncio.gather(
        *(asyncio.to_thread(week_chart_png, _days(n), f"Chart {n}") for n in (7, 30, 90)),
        asyncio.to_thread(weekly_history_chart_png, _weeks([1, 2, 3]), "History"),
    )
    for data in results:
        _assert_png(data)


@pytest.mark.parametrize("counts", [[7], [3, 7, 0, 2, 5, 1, 4, 6, 2, 0, 1, 3, 4], [0, 0, 0]])
def test_weekly_history_chart_png_decodes(counts: list[int]) -> None:
    _assert_png(weekly_history_chart_png(_weeks(counts), "Cramps and water by week"))
    _assert_png(weekly_history_chart_png((), "Cramps and water by week"))


def test_doctor_pdf_contents() -> None:
    pages, text = _pdf_text(doctor_pdf(_report()))
    assert 1 <= pages <= 3
    assert "Cramp Coach report for Anna" in text
    assert "23 Aug - 21 Nov 2026" in text
    assert "self-reported, not a diagnosis" in text
    # The table row for the week with 7 cramps: its start date, count and average cups.
    assert _report().weeks[1].start == date(2026, 8, 24)
    assert "24 Aug 2026 7 5.8" in text
    assert "Cramp lasting over 10 minutes" in text
    assert "see a doctor" in text
    assert "12 Oct 22:05 - calf" in text
    assert "Diabetes" in text
    assert "Diuretics (water pills)" in text
    assert "20 Nov 2026 07:00 - calf" in text
    assert 5 <= len(QUESTIONS) <= 7
    assert sum(re.sub(r"\s+", " ", q) in text for q in QUESTIONS) >= 5
    assert "electrolytes" in text


def test_doctor_pdf_shows_names_and_notes_as_typed() -> None:
    report = _report(
        name="Анна",
        period="23 Aug – 21 Nov 2026",
        flags=(
            FlagEntry(
                raised="12 Oct 2026 · 22:10",
                title="Swelling – see a doctor today",
                level="urgent",
                advice="Swelling, redness or warmth: get checked today… “now”.",
                reports=("12 Oct · calf · 9/10", "Πόνος στη γάμπα"),
            ),
        ),
        conditions=("Kidney disease",),
        recent_reports=("12 Oct · calf – 9/10 · 王 💪🏽 👨‍👩‍👧 🇩🇪 ok",),
    )
    pages, text = _pdf_text(doctor_pdf(report))
    assert 1 <= pages <= 3
    assert "Cramp Coach report for Анна" in text
    assert "Πόνος στη γάμπα" in text
    assert "Swelling – see a doctor today" in text
    assert "23 Aug – 21 Nov 2026" in text
    assert "get checked today… “now”." in text
    # Each thing the font lacks is one mark: the character, the emoji with its skin tone,
    # the family, the flag.
    assert f"9/10 · {MISSING_GLYPH} {MISSING_GLYPH} {MISSING_GLYPH} {MISSING_GLYPH} ok" in text
    assert "王" not in text


def test_doctor_pdf_name_of_emoji_only() -> None:
    _, text = _pdf_text(doctor_pdf(_report(name="💪")))
    assert f"Cramp Coach report for {MISSING_GLYPH}" in text


def test_doctor_pdf_writes_no_missing_glyph_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doctor_pdf(_report(name="王 Анна 😖", recent_reports=("ß é ő 中文 \t tab",)))
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]


def test_doctor_pdf_empty_report() -> None:
    report = _report(
        name="",
        weeks=(),
        total_reports=0,
        flags=(),
        conditions=(),
        medications=(),
        recent_reports=(),
    )
    pages, text = _pdf_text(doctor_pdf(report))
    assert pages == 1
    assert "Cramp Coach report" in text
    assert "None recorded" in text
    assert "Questions to raise" in text


def test_doctor_pdf_stays_within_three_pages() -> None:
    flag = FlagEntry(
        raised="12 Oct 2026 22:10",
        title="Cramps spreading to several muscles",
        level="see a doctor",
        advice="Spasms spreading to several muscle groups should be checked. " * 3,
        reports=tuple(f"report {i} - calf, thigh, back - severity 7/10" for i in range(6)),
    )
    report = _report(
        flags=(flag,) * 30,
        conditions=("Diabetes", "Kidney disease", "Thyroid disorder"),
        medications=("Diuretics", "Statins", "Asthma medication"),
        weight_loss=True,
        recent_reports=tuple(f"{i} - calf - severity 5/10 - at night - " * 3 for i in range(100)),
    )
    pages, text = _pdf_text(doctor_pdf(report))
    assert 1 <= pages <= 3
    assert "earlier warnings not shown" in text
    assert "Unexplained weight loss" in text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("16–22 Nov · calf", "16–22 Nov · calf"),
        ("Иван Щукин", "Иван Щукин"),
        ("Πόνος", "Πόνος"),
        ("café “ok”… Łódź ő œ", "café “ok”… Łódź ő œ"),
        ("Hi 👋 there", "Hi □ there"),
        ("王小明", "□□□"),
        ("👍🏽 👨‍👩‍👧 🇩🇪 1️⃣", "□ □ □ 1"),
        ("e\u0301", "é"),  # composed: the font has é
        ("a\tb\nc", "a b\nc"),
    ],
)
def test_drawable(raw: str, shown: str) -> None:
    assert drawable(raw) == shown


def _our_words() -> list[str]:
    """Every string of ours that the PDF or a chart can show."""
    found: list[str] = []
    for value in vars(doctor_report).values():
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple):
            found += [v for v in value if isinstance(v, str)]
    for labels in (
        medical.RULE_TITLES, medical.RULE_ACTIONS, medical.LEVEL_WORDS, texts.CONDITION_LABELS,
        texts.MEDICATION_LABELS, texts.KIND_WORDS, texts.PLACE_WORDS, texts.CONTEXT_LABELS,
        texts.SYMPTOM_LABELS,
    ):  # fmt: skip
        found += labels.values()
    found.append(summary_title(date(2026, 11, 16), date(2026, 11, 22)))
    return found


def test_our_own_words_need_no_missing_glyph_mark() -> None:
    words = _our_words()
    assert len(words) > 50
    for text in words:
        assert MISSING_GLYPH not in drawable(text), text
