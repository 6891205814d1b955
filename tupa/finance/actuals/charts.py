"""The board's chart: budget against actuals, cumulative by month, in Tupa's chart style
(:mod:`tupa.core.svg`): inline SVG that a strict CSP allows, always beside a table of the numbers.

The budget is a dashed grey line, the actuals a solid blue line with round markers, so the two
differ by more than colour (WCAG 1.4.1); both have at least 3:1 contrast on white (1.4.11).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString

from tupa.core import svg

BUDGET = svg.REFERENCE
ACTUAL = svg.PRIMARY
TEXT = svg.TEXT
GRID = svg.GRID


def _nice_top(value: Decimal) -> Decimal:
    """A round upper bound (1, 2, 2.5 or 5 × a power of ten) not below ``value``."""
    if value <= 0:
        return Decimal(1000)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * step >= value:
            return magnitude * step
    return magnitude * 10


def _thousands(value: Decimal) -> str:
    """``1200000`` → ``1 200 t€`` (Finnish grouping with a no-break space)."""
    return f"{int(value / 1000):,}".replace(",", "\u00a0") + "\u00a0t€"


def cumulative_chart(
    *,
    title: str,
    labels: Sequence[str],
    budget: Sequence[Decimal],
    actual: Sequence[Decimal | None],
    budget_label: str,
    actual_label: str,
    width: int = 480,
    height: int = 220,
) -> SafeString:
    """Two lines over the months: the cumulative budget and the cumulative actuals (``None``
    for a month without actuals: the line stops there)."""
    left, right, top_pad, bottom = 64, 12, 28, 24
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    peak = max([Decimal(0), *budget, *(a for a in actual if a is not None)])
    top = _nice_top(peak)
    count = max(1, len(labels))

    def x(i: int) -> float:
        return round(left + plot_w * (i + 0.5) / count, 1)

    def y(value: Decimal) -> float:
        clipped = max(Decimal(0), value)
        return round(top_pad + plot_h - float(clipped / top) * plot_h, 1)

    parts = []
    for step in range(5):
        value = top * step / 4
        gy = y(value)
        parts.append(
            f'<line x1="{left}" y1="{gy}" x2="{width - right}" y2="{gy}" stroke="{GRID}" '
            f'stroke-width="1"/>'
            f'<text x="{left - 4}" y="{gy + 3}" font-size="9" text-anchor="end" fill="{TEXT}">'
            f"{escape(_thousands(value))}</text>"
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i)}" y="{height - 8}" font-size="9" text-anchor="middle" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    budget_points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(budget))
    parts.append(
        f'<polyline points="{budget_points}" fill="none" stroke="{BUDGET}" stroke-width="2" '
        f'stroke-dasharray="6 4"/>'
    )
    shown = [(i, v) for i, v in enumerate(actual) if v is not None]
    if shown:
        actual_points = " ".join(f"{x(i)},{y(v)}" for i, v in shown)
        parts.append(
            f'<polyline points="{actual_points}" fill="none" stroke="{ACTUAL}" stroke-width="2.5"/>'
        )
        for i, v in shown:
            parts.append(
                f'<circle cx="{x(i)}" cy="{y(v)}" r="3" fill="{ACTUAL}">'
                f"<title>{escape(labels[i])}: {escape(_thousands(v))}</title></circle>"
            )
    legend_y = 12
    parts.append(
        f'<line x1="{left}" y1="{legend_y}" x2="{left + 24}" y2="{legend_y}" stroke="{BUDGET}" '
        f'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{left + 30}" y="{legend_y + 3}" font-size="10" fill="{TEXT}">'
        f"{escape(budget_label)}</text>"
        f'<line x1="{left + 170}" y1="{legend_y}" x2="{left + 194}" y2="{legend_y}" '
        f'stroke="{ACTUAL}" stroke-width="2.5"/>'
        f'<circle cx="{left + 182}" cy="{legend_y}" r="3" fill="{ACTUAL}"/>'
        f'<text x="{left + 200}" y="{legend_y + 3}" font-size="10" fill="{TEXT}">'
        f"{escape(actual_label)}</text>"
    )
    return svg.chart(title, width, height, parts)
