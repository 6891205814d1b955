"""A distribution as a small horizontal bar chart, in Tupa's chart style (:mod:`tupa.core.svg`):
inline SVG that a strict CSP allows, always beside a table with the same numbers. A suppressed
row has no bar."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString

from tupa.core import svg


def bars(
    title: str, rows: Sequence[tuple[str, int | None, str]], *, width: int = 320
) -> SafeString:
    """One bar per ``(label, value or None when suppressed, text shown at the bar's end)``."""
    bar, gap, label_w = 14, 6, 130
    height = max(1, len(rows)) * (bar + gap) + 4
    top = max([1, *(v for _l, v, _t in rows if v is not None)])
    span = width - label_w - 40
    parts = []
    y = 2
    for label, value, text in rows:
        parts.append(
            f'<text x="0" y="{y + bar - 3}" font-size="10" fill="{svg.TEXT}">'
            f"{escape(label[:24])}</text>"
        )
        w = round(span * value / top) if value is not None else 0
        if value is not None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar - 1}" fill="{svg.PRIMARY}">'
                f"<title>{escape(label)}: {escape(text)}</title></rect>"
            )
        parts.append(
            f'<text x="{label_w + w + 3}" y="{y + bar - 3}" font-size="9" fill="{svg.TEXT}">'
            f"{escape(text)}</text>"
        )
        y += bar + gap
    # Drawn at its size in pixels: fits a phone (390 px) and stays legible on a wide screen.
    return svg.chart(title, width, height, parts)
