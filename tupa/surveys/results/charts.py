"""A distribution as a small horizontal bar chart in inline SVG that a strict CSP allows
(``docs/adr/0002-csp-safe-charts.md``): presentation attributes only, no ``style``, no script,
a ``<title>``, and always beside a table with the same numbers. A suppressed row has no bar."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR = "#0050b3"  # contrast ≥ 3:1 against white (WCAG 1.4.11)
TEXT = "#1a1a1a"


def bars(
    title: str, rows: Sequence[tuple[str, int | None, str]], *, width: int = 320
) -> SafeString:
    """One bar per ``(label, value or None when suppressed, text shown at the bar's end)``."""
    bar, gap, label_w = 14, 6, 130
    height = max(1, len(rows)) * (bar + gap) + 4
    top = max([1, *(v for _l, v, _t in rows if v is not None)])
    span = width - label_w - 40
    parts = [
        # A fixed size in pixels: fits a phone (390 px) and stays legible on a wide screen.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" class="chart" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    y = 2
    for label, value, text in rows:
        parts.append(
            f'<text x="0" y="{y + bar - 3}" font-size="10" fill="{TEXT}">{escape(label[:24])}</text>'
        )
        w = round(span * value / top) if value is not None else 0
        if value is not None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar - 1}" fill="{BAR}">'
                f"<title>{escape(label)}: {escape(text)}</title></rect>"
            )
        parts.append(
            f'<text x="{label_w + w + 3}" y="{y + bar - 3}" font-size="9" fill="{TEXT}">'
            f"{escape(text)}</text>"
        )
        y += bar + gap
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above
