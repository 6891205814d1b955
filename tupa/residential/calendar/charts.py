"""Charts as inline SVG that passes the strict Content-Security-Policy (ARCHITECTURE §2).

matplotlib draws the chart; its SVG carries CSS in ``style="…"`` attributes and a ``<style>``
element, both of which a CSP without ``'unsafe-inline'`` blocks. :func:`csp_safe_svg` turns every
declaration into the equivalent SVG presentation attribute (``fill="…"``, ``stroke-width="…"``),
which CSP does not govern, and drops the ``<style>`` element. Text is drawn as paths, so no font
is needed; the chart is ``role="img"`` with a title, and every chart is accompanied by a data
table with the same numbers (the accessible version).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from html import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_DIMENSIONS = re.compile(r'\s(width|height)="[^"]*"')
#: CSS properties that have an SVG presentation attribute of the same name.
_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "opacity",
        "clip-path",
        "font-family",
        "font-size",
        "font-weight",
        "text-anchor",
    }
)

BAR_COLOUR = "#5b2a86"  # the brand purple (9.3:1 on white)
LINE_COLOUR = "#1a1a1a"


def _attributes(declarations: str) -> str:
    attrs = []
    for declaration in declarations.split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name in _PRESENTATION and value:
            attrs.append(f' {name}="{escape(value, quote=True)}"')
    return "".join(attrs)


def csp_safe_svg(svg: str, *, title: str, title_id: str) -> str:
    """matplotlib's SVG made inline-safe: no style attributes or elements, a title, ``role=img``."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _METADATA.sub("", svg)
    svg = _STYLE_ATTR.sub(lambda m: _attributes(m.group(1)), svg)

    def opening(match: re.Match[str]) -> str:
        attrs = _DIMENSIONS.sub("", match.group(1))
        return (
            f'<svg{attrs} role="img" aria-labelledby="{title_id}" class="chart" '
            f'focusable="false"><title id="{title_id}">{escape(title)}</title>'
        )

    return _SVG_OPEN.sub(opening, svg, count=1)


def bar_chart_svg(
    *,
    labels: Sequence[str],
    values: Sequence[Decimal | float | None],
    title: str,
    title_id: str,
    y_label: str,
    y_max: float | None = None,
) -> str:
    """A simple vertical bar chart (missing values drawn as no bar) as CSP-safe inline SVG."""
    figure = Figure(figsize=(8, 3.2), dpi=72)
    axes = figure.add_subplot()
    heights = [float(v) if v is not None else 0.0 for v in values]
    axes.bar(range(len(labels)), heights, color=BAR_COLOUR, width=0.7)
    axes.set_xticks(range(len(labels)), labels, fontsize=9)
    axes.set_ylabel(y_label, fontsize=9)
    axes.tick_params(axis="y", labelsize=9, colors=LINE_COLOUR)
    axes.tick_params(axis="x", colors=LINE_COLOUR)
    top = y_max if y_max is not None else max([*heights, 1.0]) * 1.1
    axes.set_ylim(0, top)
    axes.grid(axis="y", color="#cccccc", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return csp_safe_svg(buffer.getvalue(), title=title, title_id=title_id)
