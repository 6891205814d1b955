"""Small bar charts of the statistics pages, in Tupa's chart style (:mod:`tupa.core.svg`):
inline SVG that a strict Content-Security-Policy allows, always beside a table of the numbers.

The charts are drawn at their size in pixels (about 360 wide: a phone's column) with 11–12 px
text, so they read the same on a phone and on a desktop.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString

from tupa.core import svg
from tupa.core.suppression import number_text

#: This year's bar and last year's bar.
THIS_YEAR = svg.PRIMARY
LAST_YEAR = svg.SECONDARY

#: The width of a chart in pixels (and SVG units).
WIDTH = 360
#: Room right of the longest bar for its value.
_VALUE_ROOM = 56
#: Room left of a named bar for its name, a year (``paired_bars(named=True)``).
NAME_ROOM = 32
#: The longest label drawn whole on a row's line (12 px text); a longer one is shortened with
#: "…" (the bar's tooltip and the table beside the chart have it whole).
LABEL_CHARS = 48


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def bar_width(value: int, top: int, span: int) -> int:
    """The length of a bar of ``value`` when ``top`` fills ``span`` (nothing for nothing)."""
    return round(span * value / top) if top > 0 else 0


def paired_bars(
    title: str,
    rows: Sequence[tuple[str, int | None, int | None]],
    *,
    legend: tuple[str, str],
    own_scale: bool = False,
    hidden: str = "–",
    named: bool = False,
    decimals: int = 0,
) -> SafeString:
    """Two bars per row, this year's above last year's: ``(label, this year, last year)``.

    Each row's label is a line of its own above its bars, so a long name is not cut or drawn
    over a bar, and a legend (``legend``: this year's and last year's name) says which bar is
    which. With ``named``, each bar also starts with its name (the year) in text, so which bar
    is which year is told without its colour (WCAG 1.4.1); the bars are then
    :data:`NAME_ROOM` shorter. The rows share one scale, unless ``own_scale``: then each row is
    drawn to its own larger value, for rows counted in different units (the overview's care
    days beside visits); the page must say so. ``None`` is a suppressed value: no bar, and
    ``hidden`` (the table's ``"< 5"``) where its number would be. ``decimals``: the values are
    in hundredths (2; hours) and written so, as their table writes them."""
    bar, label_h, gap, legend_h = 12, 16, 10, 22
    x0 = NAME_ROOM if named else 0
    span = WIDTH - _VALUE_ROOM - x0
    drawn = [v for _l, a, b in rows for v in (a, b) if v is not None]
    shared_top = max([0, *drawn])
    parts = [
        f'<rect x="0" y="4" width="12" height="10" fill="{THIS_YEAR}"/>'
        f'<text x="17" y="13" font-size="11" fill="{svg.TEXT}">{escape(legend[0])}</text>'
        f'<rect x="120" y="4" width="12" height="10" fill="{LAST_YEAR}"/>'
        f'<text x="137" y="13" font-size="11" fill="{svg.TEXT}">{escape(legend[1])}</text>'
    ]
    y = legend_h
    for label, this_year, last_year in rows:
        top = max(v or 0 for v in (this_year, last_year)) if own_scale else shared_top
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12" font-weight="600" fill="{svg.TEXT}">'
            f"{escape(_label(label))}</text>"
        )
        y += label_h
        for value, colour, name in (
            (this_year, THIS_YEAR, legend[0]),
            (last_year, LAST_YEAR, legend[1]),
        ):
            text = escape(hidden if value is None else number_text(value, decimals))
            w = 0 if value is None else bar_width(value, top, span)
            if named:
                parts.append(
                    f'<text x="0" y="{y + bar - 2}" font-size="10" fill="{svg.TEXT}">'
                    f"{escape(name)}</text>"
                )
            parts.append(
                f'<rect x="{x0}" y="{y}" width="{w}" height="{bar - 1}" fill="{colour}">'
                f"<title>{escape(label)}, {escape(name)}: {text}</title></rect>"
                f'<text x="{x0 + w + 4}" y="{y + bar - 2}" font-size="11" fill="{svg.TEXT}">'
                f"{text}</text>"
            )
            y += bar
        y += gap
    return svg.chart(title, WIDTH, y, parts)


def column_bars(
    title: str, rows: Sequence[tuple[str, int | None]], *, height: int = 150
) -> SafeString:
    """Vertical bars, one per row (e.g. per month); ``None`` is a suppressed value: no bar."""
    count = max(1, len(rows))
    step, bar, base = 30, 22, height - 20
    width = count * step + 4
    top = max([0, *(v for _l, v in rows if v is not None)])
    parts = [
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{svg.TEXT}" stroke-width="1"/>'
    ]
    for i, (label, value) in enumerate(rows):
        x = 2 + i * step
        if value is not None:
            h = bar_width(value, top, base - 16)
            parts.append(
                f'<rect x="{x}" y="{base - h}" width="{bar}" height="{h}" fill="{THIS_YEAR}">'
                f"<title>{escape(label)}: {number_text(value)}</title></rect>"
                f'<text x="{x + bar / 2}" y="{base - h - 3}" font-size="10" text-anchor="middle" '
                f'fill="{svg.TEXT}">{number_text(value)}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2}" y="{height - 5}" font-size="11" text-anchor="middle" '
            f'fill="{svg.TEXT}">{escape(label[:3])}</text>'
        )
    return svg.chart(title, width, height, parts)
