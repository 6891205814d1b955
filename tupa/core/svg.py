"""The house style of Tupa's hand-drawn charts: inline SVG that a strict Content-Security-Policy
allows (``docs/adr/0002-csp-safe-charts.md``).

A chart uses presentation attributes only (``fill=``, ``stroke=``; no ``style``, no script), has
a ``<title>``, is ``role="img"``, and is always drawn beside a table with the same numbers (the
accessible version). Its colours come from here, so every chart speaks the same visual language:
each has at least 3:1 contrast on white (WCAG 1.4.11), and where two series meet they differ by
more than colour (WCAG 1.4.1: a dashed line, a second bar).

The charts themselves stay with their data (``tupa/statistics/charts.py``,
``tupa/finance/actuals/charts.py``); matplotlib's charts (``tupa/residential/calendar/charts.py``)
are made CSP-safe there. The one chart that several apps draw, a distribution as horizontal bars
(:func:`bars`: the feedback results' answers and changes, a return PDF's one-way figures), is
here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

#: The main series: this year, the actuals, a distribution's bars.
PRIMARY = "#0050b3"
#: The series compared with: last year.
SECONDARY = "#767676"
#: A plan drawn as a reference line: the budget (dashed).
REFERENCE = "#595959"
#: Labels, values and axes.
TEXT = "#1a1a1a"
#: Grid lines (decoration only).
GRID = "#d0d0d0"


def chart(title: str, width: int, height: int, parts: Iterable[str]) -> SafeString:
    """The ``<svg>`` element around ``parts``: a ``viewBox`` of ``width`` × ``height`` units,
    drawn at that size in pixels (so a chart's 10-unit text is 10-pixel text on every screen) and
    shrunk, never stretched, to a narrower column by the stylesheet (``svg.chart``:
    ``max-width: 100%``). A chart that should fill its column instead says so in the stylesheet
    (``.chart-figure``).

    ``parts`` is SVG markup in which the caller has escaped every text it put there."""
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart">'
    )
    markup = "".join([opening, f"<title>{escape(title)}</title>", *parts, "</svg>"])
    return mark_safe(markup)  # noqa: S308 - the title is escaped here, the parts by the caller


#: A bar chart's label is cut to this many characters ("…" says so); the bar's tooltip and the
#: table beside the chart have it whole.
LABEL_LENGTH = 24


def bars(
    title: str, rows: Sequence[tuple[str, int | None, str]], *, width: int = 320
) -> SafeString:
    """A distribution as horizontal bars: one per ``(label, value or None when suppressed, text
    shown at the bar's end)``. A suppressed row has no bar, only its text ("< 5", "x")."""
    bar, gap, label_w = 14, 6, 130
    height = max(1, len(rows)) * (bar + gap) + 4
    top = max([1, *(v for _l, v, _t in rows if v is not None)])
    span = width - label_w - 40
    parts = []
    y = 2
    for label, value, text in rows:
        short = label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"
        parts.append(
            f'<text x="0" y="{y + bar - 3}" font-size="10" fill="{TEXT}">{escape(short)}</text>'
        )
        w = round(span * value / top) if value is not None else 0
        if value is not None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar - 1}" fill="{PRIMARY}">'
                f"<title>{escape(label)}: {escape(text)}</title></rect>"
            )
        parts.append(
            f'<text x="{label_w + w + 3}" y="{y + bar - 3}" font-size="9" fill="{TEXT}">'
            f"{escape(text)}</text>"
        )
        y += bar + gap
    # Drawn at its size in pixels: fits a phone (390 px) and stays legible on a wide screen.
    return chart(title, width, height, parts)
