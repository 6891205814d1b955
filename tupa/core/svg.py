"""The house style of Tupa's hand-drawn charts: inline SVG that a strict Content-Security-Policy
allows (``docs/adr/0002-csp-safe-charts.md``).

A chart uses presentation attributes only (``fill=``, ``stroke=``; no ``style``, no script), has
a ``<title>``, is ``role="img"``, and is always drawn beside a table with the same numbers (the
accessible version). Its colours come from here, so every chart speaks the same visual language:
each has at least 3:1 contrast on white (WCAG 1.4.11), and where two series meet they differ by
more than colour (WCAG 1.4.1: a dashed line, a second bar).

The charts themselves stay with their data (``tupa/statistics/charts.py``,
``tupa/finance/actuals/charts.py``, ``tupa/surveys/results/charts.py``); matplotlib's charts
(``tupa/residential/calendar/charts.py``) are made CSP-safe there.
"""

from __future__ import annotations

from collections.abc import Iterable
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
