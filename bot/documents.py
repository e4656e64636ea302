"""Rendered documents: the weekly chart PNG and the PDF report for a doctor.

Layout and drawing only: what they say comes from bot.texts.doctor_report.

Pure and synchronous: no Telegram, no database, no network. Charts use matplotlib's
object-oriented API on the Agg canvas (no pyplot, no global state), so callers can run
them in a worker thread (`asyncio.to_thread`). Both draw with DejaVu Sans, embedded in
the PDF; every string goes through `drawable` first, so what the font cannot draw shows as
a mark instead of vanishing.
"""

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import matplotlib
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.i18n import format_decimal
from bot.texts import doctor_report as words
from core.weekly import DayRecord

CHART_WIDTH_PX = 800
CHART_HEIGHT_PX = 450
CHART_DPI = 100

CRAMP_COLOR = "#d9534f"
CUPS_COLOR = "#1f6fb4"
GOAL_COLOR = "#3a9d5d"


@dataclass(frozen=True)
class WeekPoint:
    """One week of the history chart and table."""

    start: date
    cramps: int
    avg_cups: float


@dataclass(frozen=True)
class FlagEntry:
    """A raised warning, with already formatted strings."""

    raised: str  # local date/time
    title: str
    level: str
    advice: str
    reports: tuple[str, ...]  # summaries of the triggering reports


@dataclass(frozen=True)
class DoctorReport:
    """Everything the doctor PDF shows, already formatted."""

    name: str  # user's first name (may be empty)
    period: str  # e.g. "23 Aug - 21 Nov 2026"
    generated: str  # e.g. "21 Nov 2026 09:00 (Europe/Berlin)"
    weeks: tuple[WeekPoint, ...]  # oldest first
    total_reports: int
    flags: tuple[FlagEntry, ...]  # oldest first
    conditions: tuple[str, ...]
    medications: tuple[str, ...]
    weight_loss: bool
    recent_reports: tuple[str, ...]  # newest first


# --- text ---------------------------------------------------------------------------------

# DejaVu Sans, as matplotlib ships it: the chart's default font, embedded in the PDF too, so
# both draw Latin, Cyrillic and Greek as typed.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FONT = "DejaVuSans"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
# What a character the font has no glyph for becomes (CJK, emoji, ...): seen, not dropped.
MISSING_GLYPH = "\u25a1"  # □
_ZWJ = 0x200D


@cache
def _glyphs() -> frozenset[int]:
    """The code points every style of the PDF's font has a glyph for, and so has the font
    the charts draw with (matplotlib's own DejaVu Sans, unless a system copy is found first)."""
    files = [FONT_DIR / name for name in _FONT_FILES.values()]
    files.append(Path(font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))))
    maps = [set(TTFont(path, lazy=True).getBestCmap()) for path in files]
    return frozenset(maps[0].intersection(*maps[1:]))


def _continues(code: int, category: str) -> bool:
    """Whether a character is drawn as part of the one before it: a joiner, a keycap, a
    tag, a skin tone, a combining mark."""
    return (
        code in (_ZWJ, 0x20E3)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or category in ("Mn", "Mc", "Me")
    )


def drawable(text: str) -> str:
    """`text` as the PDF and the charts can draw it with DejaVu Sans: as typed, except that
    what the font has no glyph for shows as MISSING_GLYPH, one per character as seen (an
    emoji with its skin tone or a family joined by ZWJs is one), invisible formatting the
    font lacks and variation selectors are left out, and control characters other than a
    line break are spaces."""
    glyphs = _glyphs()
    out: list[str] = []
    in_mark = False  # the last character written is a mark, for something still going on
    joined = False  # a ZWJ joined the next character to that mark
    flag_half = False  # the mark is the first of a flag's two regional indicators
    for char in unicodedata.normalize("NFC", text):
        code, category = ord(char), unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            out.append("\n" if char in "\n\u2028\u2029" else " ")
            in_mark = joined = flag_half = False
        elif 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            pass  # a variation selector: the font has one way to draw each character
        elif in_mark and ((joined and code not in glyphs) or _continues(code, category)):
            joined = code == _ZWJ
        elif 0x1F1E6 <= code <= 0x1F1FF and flag_half:  # a flag's second half
            flag_half = False
        elif code in glyphs:
            out.append(char)
            in_mark = joined = flag_half = False
        elif category == "Zs":
            out.append(" ")
            in_mark = joined = flag_half = False
        elif category != "Cf" and code != 0x20E3:  # a keycap: the key it frames shows
            out.append(MISSING_GLYPH)
            in_mark, joined, flag_half = True, False, 0x1F1E6 <= code <= 0x1F1FF
    return "".join(out)


# --- charts -------------------------------------------------------------------------------


def _new_figure() -> Figure:
    """An 800x450 px figure on its own Agg canvas."""
    fig = Figure(
        figsize=(CHART_WIDTH_PX / CHART_DPI, CHART_HEIGHT_PX / CHART_DPI),
        dpi=CHART_DPI,
        layout="constrained",
        facecolor="white",
    )
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=CHART_DPI, facecolor="white")
    return buffer.getvalue()


def _no_data(title: str) -> bytes:
    fig = _new_figure()
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(drawable(title), fontsize=15, parse_math=False)
    ax.text(0.5, 0.5, words.NO_DATA, ha="center", va="center", fontsize=14, color="grey")
    return _png(fig)


def _label_step(count: int, max_labels: int) -> int:
    return max(1, math.ceil(count / max_labels))


def _style_axes(left: Axes, right: Axes, cramps_top: float, cups_top: float) -> None:
    left.set_ylim(0, max(1.0, cramps_top) * 1.2)
    right.set_ylim(0, max(1.0, cups_top) * 1.2)
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_ylabel(words.CRAMPS, color=CRAMP_COLOR, fontsize=12)
    left.tick_params(axis="y", colors=CRAMP_COLOR, labelsize=11)
    left.tick_params(axis="x", labelsize=11)
    right.tick_params(axis="y", colors=CUPS_COLOR, labelsize=11)
    left.grid(axis="y", alpha=0.3)
    left.set_axisbelow(True)
    left.spines["top"].set_visible(False)
    right.spines["top"].set_visible(False)


def _cramp_bars(
    cramps: Sequence[int], label: str, counted_up_to: int
) -> tuple[Figure, Axes, Axes, Any, list[int]]:
    """What both charts share: a figure with cramps as bars on the left axis, each bar's
    count on it while there are few, and a right axis for cups. Returns the figure, both
    axes, the bars and the xs."""
    fig = _new_figure()
    xs = list(range(len(cramps)))
    ax = fig.add_subplot()
    ax2 = ax.twinx()
    bars = ax.bar(xs, cramps, width=0.6, color=CRAMP_COLOR, alpha=0.85, label=label)
    if len(cramps) <= counted_up_to:
        ax.bar_label(bars, labels=[str(c) if c else "" for c in cramps], fontsize=10)
    return fig, ax, ax2, bars, xs


def _finish(
    fig: Figure, axes: tuple[Axes, Axes], title: str, tops: tuple[float, float], legend: Any
) -> bytes:
    """Limits, styles, the title and the legend (handles and their labels), as PNG."""
    ax, ax2 = axes
    ax.set_xlim(-0.6, len(ax.patches) - 0.4)  # the bars: one per x
    _style_axes(ax, ax2, *tops)
    ax.set_title(drawable(title), fontsize=15, parse_math=False)
    handles, labels = legend
    fig.legend(
        handles=handles,
        labels=labels,
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
        fontsize=11,
    )
    return _png(fig)


def week_chart_png(days: Sequence[DayRecord], title: str) -> bytes:
    """Daily cramps (bars, left axis), cups (line, right axis) and the goal (dashed), as PNG."""
    if not days:
        return _no_data(title)
    n, cramps = len(days), [d.cramps for d in days]
    cups, goals = [d.cups for d in days], [d.goal for d in days]
    fig, ax, ax2, bars, xs = _cramp_bars(cramps, words.CRAMPS, counted_up_to=31)
    marker_size = 7 if n <= 14 else 4 if n <= 31 else 2.5
    ax2.plot(xs, cups, color=CUPS_COLOR, marker="o", markersize=marker_size, lw=2, label=words.CUPS)
    edges = [x - 0.5 for x in range(n + 1)]
    goal_label = words.GOAL.format(goal=goals[0]) if len(set(goals)) == 1 else words.GOAL_CHANGED
    ax2.stairs(goals, edges, baseline=None, color=GOAL_COLOR, ls="--", lw=1.8, label=goal_label)

    if n <= 14:
        ticks, labels = xs, [words.day_label(d.day) for d in days]
    else:  # label Mondays, every week or every few weeks
        weeks_step = _label_step(n, 7 * 10)
        mondays = [i for i, d in enumerate(days) if d.day.weekday() == 0]
        ticks = mondays[::weeks_step] or xs[:: _label_step(n, 10)]
        labels = [words.date_label(days[i].day) for i in ticks]
    ax.set_xticks(ticks, labels)
    ax2.set_ylabel(words.CUPS_AXIS, color=CUPS_COLOR, fontsize=12)
    # A BarContainer stands in a legend for its bars; matplotlib's stubs only say Artist.
    handles: list[Any] = [bars, *ax2.get_lines(), *ax2.patches]
    legend = (handles, [str(h.get_label()) for h in handles])
    return _finish(fig, (ax, ax2), title, (max(cramps), max(max(cups), max(goals))), legend)


def weekly_history_chart_png(weeks: Sequence[WeekPoint], title: str) -> bytes:
    """Cramps per week (bars) and average cups per day (line, right axis), as PNG."""
    if not weeks:
        return _no_data(title)
    cramps, cups = [w.cramps for w in weeks], [w.avg_cups for w in weeks]
    fig, ax, ax2, bars, xs = _cramp_bars(cramps, words.CRAMPS_PER_WEEK, counted_up_to=26)
    (line,) = ax2.plot(
        xs, cups, color=CUPS_COLOR, marker="o", markersize=6, lw=2, label=words.AVERAGE_CUPS
    )
    ticks = xs[:: _label_step(len(weeks), 14)]
    ax.set_xticks(ticks, [words.date_label(weeks[i].start) for i in ticks])
    if len(weeks) > 8:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel(words.WEEK_STARTING, fontsize=12)
    ax2.set_ylabel(words.AVERAGE_CUPS, color=CUPS_COLOR, fontsize=12)
    legend = ([bars, line], [words.CRAMPS_PER_WEEK, words.AVERAGE_CUPS])
    return _finish(fig, (ax, ax2), title, (max(cramps), max(cups)), legend)


# --- PDF ----------------------------------------------------------------------------------

_GREY = (90, 90, 90)
_BLACK = (0, 0, 0)
_MAX_PAGES = 3
# (recent reports, warnings, triggering reports per warning), tried until it fits 3 pages.
_LIMITS = ((40, 12, 3), (25, 8, 2), (12, 5, 1), (5, 3, 1))


class _ReportPDF(FPDF):
    """A4 portrait with a page-number footer, in DejaVu Sans."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, name in _FONT_FILES.items():
            self.add_font(_FONT, style, FONT_DIR / name)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, words.FOOTER.format(page=self.page_no(), pages=self.str_alias_nb_pages))


def _line(pdf: FPDF, text: str, size: float = 11, style: str = "", height: float = 5.5) -> None:
    pdf.set_font(_FONT, style=style, size=size)
    pdf.multi_cell(0, height, drawable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_text_color(*_BLACK)
    _line(pdf, text, size=14, style="B", height=8)
    pdf.ln(1)


def _bullet(pdf: FPDF, text: str, size: float = 10, indent: float = 4) -> None:
    pdf.set_x(pdf.l_margin + indent)
    pdf.set_font(_FONT, size=size)
    pdf.multi_cell(0, 5, "- " + drawable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _weeks_table(pdf: FPDF, weeks: Sequence[WeekPoint]) -> None:
    pdf.set_font(_FONT, size=10)
    with pdf.table(
        col_widths=(2, 1, 1.5),
        width=120,
        align=Align.L,
        text_align=(Align.L, Align.R, Align.R),
        line_height=5.5,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        table.row(list(words.WEEKS_COLUMNS))
        for week in weeks:
            start = words.date_label(week.start, year=True)
            table.row([start, str(week.cramps), format_decimal(week.avg_cups)])


def _render(
    report: DoctorReport, chart: bytes, max_recent: int, max_flags: int, max_triggers: int
) -> FPDF:
    pdf = _ReportPDF()
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_title(words.DOCUMENT_TITLE)
    pdf.set_creator(words.APP_NAME)
    pdf.add_page()

    name = drawable(report.name).strip()
    _line(pdf, words.TITLE_FOR.format(name=name) if name else words.DOCUMENT_TITLE, 20, "B", 10)
    pdf.ln(1)
    _line(pdf, words.PERIOD.format(period=report.period))
    _line(pdf, words.GENERATED.format(generated=report.generated))
    _line(pdf, words.REPORTS.format(count=report.total_reports))
    pdf.ln(1)
    pdf.set_text_color(*_GREY)
    _line(pdf, words.DISCLAIMER, size=10, style="I")
    pdf.set_text_color(*_BLACK)

    _heading(pdf, words.WEEKS_HEADING)
    if report.weeks:
        _weeks_table(pdf, report.weeks)
        pdf.ln(3)
        width = pdf.epw * 0.9
        height = width * CHART_HEIGHT_PX / CHART_WIDTH_PX
        pdf.image(BytesIO(chart), x=pdf.l_margin, w=width, h=height)
    else:
        _line(pdf, words.NO_WEEKS, size=10)

    _heading(pdf, words.FLAGS_HEADING)
    if report.flags:
        shown = report.flags[-max_flags:]
        if len(shown) < len(report.flags):
            _line(pdf, words.EARLIER_FLAGS.format(count=len(report.flags) - len(shown)), size=9)
        for flag in shown:
            heading = words.FLAG.format(raised=flag.raised, title=flag.title, level=flag.level)
            _line(pdf, heading, size=10, style="B")
            if flag.advice:
                _line(pdf, flag.advice, size=10, height=5)
            for summary in flag.reports[:max_triggers]:
                _bullet(pdf, summary, size=9)
            if len(flag.reports) > max_triggers:
                _bullet(pdf, words.MORE_TRIGGERS.format(count=len(flag.reports) - max_triggers), 9)
            pdf.ln(1.5)
    else:
        _line(pdf, words.NO_FLAGS, size=10)

    _heading(pdf, words.PROFILE_HEADING)
    items = [*report.conditions, *report.medications]
    if report.weight_loss:
        items.append(words.WEIGHT_LOSS)
    if items:
        for item in items:
            _bullet(pdf, item, indent=0)
    else:
        _line(pdf, words.NO_PROFILE, size=10)

    _heading(pdf, words.RECENT_HEADING)
    if report.recent_reports:
        shown_reports = report.recent_reports[:max_recent]
        for summary in shown_reports:
            _bullet(pdf, summary, size=9, indent=0)
        if len(shown_reports) < len(report.recent_reports):
            older = len(report.recent_reports) - len(shown_reports)
            _line(pdf, words.OLDER_REPORTS.format(count=older), 9)
    else:
        _line(pdf, words.NO_RECENT, size=10)

    _heading(pdf, words.QUESTIONS_HEADING)
    for question in words.QUESTIONS:
        _bullet(pdf, question, indent=0)
    return pdf


def doctor_pdf(report: DoctorReport) -> bytes:
    """The report for a doctor as an A4 PDF of at most three pages."""
    chart = b""  # only drawn when there are weeks
    if report.weeks:
        chart = weekly_history_chart_png(report.weeks, words.HISTORY_CHART_TITLE)
    pdf = _render(report, chart, *_LIMITS[0])
    for limits in _LIMITS[1:]:
        if pdf.pages_count <= _MAX_PAGES:
            break
        pdf = _render(report, chart, *limits)
    return bytes(pdf.output())
