"""Small bar charts of the statistics pages, in Tupa's chart style (:mod:`tupa.core.svg`):
inline SVG that a strict Content-Security-Policy allows, always beside a table of the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString

from tupa.core import svg

#: This year's bar and last year's bar.
THIS_YEAR = svg.PRIMARY
LAST_YEAR = svg.SECONDARY


def paired_bars(
    title: str, rows: Sequence[tuple[str, int, int]], *, width: int = 320
) -> SafeString:
    """Horizontal bars, two per row: (label, this year, last year)."""
    bar, gap, label_w = 10, 8, 120
    height = max(1, len(rows)) * (2 * bar + gap) + 4
    top = max([1, *(max(a, b) for _l, a, b in rows)])
    span = width - label_w - 40
    parts = []
    y = 2
    for label, this_year, last_year in rows:
        parts.append(
            f'<text x="0" y="{y + bar + 2}" font-size="10" fill="{svg.TEXT}">'
            f"{escape(label[:22])}</text>"
        )
        for value, colour, dy in ((this_year, THIS_YEAR, 0), (last_year, LAST_YEAR, bar)):
            w = round(span * value / top)
            parts.append(
                f'<rect x="{label_w}" y="{y + dy}" width="{w}" height="{bar - 1}" fill="{colour}">'
                f"<title>{escape(label)}: {value}</title></rect>"
                f'<text x="{label_w + w + 3}" y="{y + dy + bar - 2}" font-size="9" '
                f'fill="{svg.TEXT}">{value}</text>'
            )
        y += 2 * bar + gap
    return svg.chart(title, width, height, parts)


def column_bars(
    title: str, rows: Sequence[tuple[str, int | None]], *, height: int = 120
) -> SafeString:
    """Vertical bars, one per row (e.g. per month); ``None`` is a suppressed value: no bar."""
    count = max(1, len(rows))
    step, bar, base = 26, 18, height - 18
    width = count * step + 4
    top = max([1, *(v for _l, v in rows if v is not None)])
    parts = [
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{svg.TEXT}" stroke-width="1"/>'
    ]
    for i, (label, value) in enumerate(rows):
        x = 2 + i * step
        if value is not None:
            h = round((base - 12) * value / top)
            parts.append(
                f'<rect x="{x}" y="{base - h}" width="{bar}" height="{h}" fill="{THIS_YEAR}">'
                f"<title>{escape(label)}: {value}</title></rect>"
                f'<text x="{x + bar / 2}" y="{base - h - 2}" font-size="8" text-anchor="middle" '
                f'fill="{svg.TEXT}">{value}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2}" y="{height - 6}" font-size="8" text-anchor="middle" '
            f'fill="{svg.TEXT}">{escape(label[:3])}</text>'
        )
    return svg.chart(title, width, height, parts)
