"""A computed return laid out for a page: rows of cells with their display text and drill link."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.utils.html import html_safe
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext

from tupa.core.suppression import SHOWN, display
from tupa.core.tables import TOTAL, Key, Table

from .charts import column_bars
from .engine import Computed, ComputedLine
from .indicators.dimensions import MONTH
from .indicators.protection import NEVER_DRILLED
from .returns.base import Provenance

#: The address of a line's drill-down page, by the line's index.
DrillUrl = Callable[[int], str]


@html_safe
@dataclass
class ShownCell:
    text: str
    state: str
    query: str  # the drill-down's query string ("" when the figure is not drillable)
    value: int
    href: str = ""  # the link to the records behind the figure ("" when there is none)

    @property
    def suppressed(self) -> bool:
        return self.state != SHOWN

    def __str__(self) -> SafeString:
        """The figure as HTML (``{{ cell }}`` in a template): a link to its records when it has
        one, else its text. A return has hundreds of figures, and one method call each costs a
        fraction of a template's ``{% if %}`` with its four variable lookups."""
        text = _escaped(self.text)
        if self.href:
            return SafeString(f'<a href="{_escaped(self.href)}">{text}</a>')
        return SafeString(text)


def _escaped(text: Any) -> str:
    """``text`` escaped for HTML unless it is already safe: :func:`conditional_escape`'s result
    without its check for lazy arguments, which cost more than the escaping on a return's
    hundreds of figures and labels."""
    if isinstance(text, SafeData):
        return str(text)
    return html.escape(str(text))


def _capfirst(text: Any) -> str:
    """``text`` with its first letter capitalised (the ``capfirst`` filter, for the same reason)."""
    text = str(text)
    return text[:1].upper() + text[1:]


@dataclass
class ShownRow:
    label: str
    cells: list[ShownCell]
    total: ShownCell | None = None

    def cells_html(self) -> SafeString:
        """The row's figures as table cells, its total last (``{{ row.cells_html }}``)."""
        cells = [*self.cells, self.total] if self.total is not None else self.cells
        return SafeString("".join(f'<td class="num">{c}</td>' for c in cells))


@dataclass
class ShownLine:
    index: int
    title: str
    rule: str
    unit: str
    provenance: str
    indicator: str
    ways: int
    row_label: str
    col_label: str
    columns: list[str]
    rows: list[ShownRow] = field(default_factory=list)
    column_totals: list[ShownCell] = field(default_factory=list)
    total: ShownCell | None = None
    #: A bar chart of a one-way table over months (suppressed months get no bar).
    chart: SafeString | None = None

    def table_html(self) -> SafeString:
        """The figure's table — headers, a row per value, the totals — as HTML
        (``{{ line.table_html }}``). A return's tables have hundreds of rows and cells, and the
        template loops with their lookups and filters cost more than the figures themselves
        (THL's 15 tables: 3.5 ms as template loops; ``docs/performance.md``, sixteenth stop).
        Every text is escaped; a figure renders itself (:class:`ShownCell`)."""
        total_label = _escaped(gettext("Yhteensä"))
        if self.ways == 2:
            heads = "".join(f'<th scope="col" class="num">{_escaped(c)}</th>' for c in self.columns)
            heads += f'<th scope="col" class="num">{total_label}</th>'
        else:
            heads = f'<th scope="col" class="num">{_escaped(_capfirst(self.unit))}</th>'
        body = "".join(
            f'<tr><th scope="row">{_escaped(_capfirst(row.label))}</th>{row.cells_html()}</tr>'
            for row in self.rows
        )
        totals = "".join(f'<td class="num">{c}</td>' for c in self.column_totals)
        return SafeString(
            '<table class="data">'
            f'<thead><tr><th scope="col">{_escaped(_capfirst(self.row_label))}</th>{heads}</tr></thead>'
            f"<tbody>{body}</tbody>"
            f'<tfoot><tr><th scope="row">{total_label}</th>{totals}'
            f'<td class="num" data-figure="{self.index}">{self.total}</td></tr></tfoot>'
            "</table>"
        )


@dataclass
class ShownSection:
    title: str
    note: str
    lines: list[ShownLine]
    #: The section shows the form's goals of the year (the page's ``plan_goals``).
    plan_goals: bool = False


@dataclass
class _Made:
    """What the tables of one return share: each figure's text and each ``dimension=value``
    pair of a drill-down query, made once (in the language of the request)."""

    texts: dict[tuple[int, str, int], str] = field(default_factory=dict)
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)


class _Cells:
    """Makes the :class:`ShownCell` s of one table: its figures' texts and drill-down queries.

    A return has hundreds of figures but few distinct values and dimension values, so each
    text and each ``dimension=value`` pair of a query is made once per return (``urlencode``
    and the locale's number format cost microseconds per call: :class:`_Made`)."""

    def __init__(
        self,
        table: Table,
        states: dict[Key, str] | None,
        drillable: bool,
        base: dict[str, str],
        decimals: int,
        link: str,
        made: _Made,
    ) -> None:
        self.table, self.states, self.drillable = table, states, drillable
        self.decimals, self.link = decimals, link
        dimensions = {table.row_dimension, table.col_dimension}
        # The cell's own dimensions win over a base parameter of the same name.
        self.base = urlencode({k: v for k, v in base.items() if k not in dimensions})
        self.pairs, self.texts = made.pairs, made.texts

    def _query(self, selection: dict[str, str]) -> str:
        parts = [self.base] if self.base else []
        for pair in selection.items():
            encoded = self.pairs.get(pair)
            if encoded is None:
                encoded = self.pairs[pair] = urlencode((pair,))
            parts.append(encoded)
        return "&".join(parts)

    def __call__(self, key: Key) -> ShownCell:
        value = self.table.values.get(key, 0)
        state = self.states.get(key, SHOWN) if self.states is not None else SHOWN
        # The total is the whole line, a way into its records even when its cells are not.
        linked = self.drillable or key == TOTAL
        query = self._query(self.table.selection(key)) if linked else ""
        href = f"{self.link}?{query}" if self.link and linked and value and state == SHOWN else ""
        text = self.texts.get((value, state, self.decimals))
        if text is None:
            text = self.texts[(value, state, self.decimals)] = display(
                value, state, decimals=self.decimals
            )
        return ShownCell(text, state, query, value, href)


def present_line(
    line: ComputedLine,
    states: dict[Key, str] | None,
    *,
    drillable: bool = True,
    base: dict[str, str] | None = None,
    drill_url: DrillUrl | None = None,
    made: _Made | None = None,
) -> ShownLine:
    """``base``: query parameters every drill link keeps (e.g. the part of the year);
    ``drill_url``: the address of a line's drill-down page by its index (no links without it);
    ``made``: the texts and query parts the return's other lines have made."""
    base = base or {}
    if {line.table.row_dimension, line.table.col_dimension} & NEVER_DRILLED:
        drillable = False  # where a person lives is never a way into the records
    t = line.table
    shown = ShownLine(
        index=line.index,
        title=line.title,
        rule=str(line.indicator.rule),
        unit=str(line.indicator.unit_label),
        provenance=str(Provenance(line.line.provenance).label),
        indicator=line.indicator.key,
        ways=t.ways,
        row_label=t.row_label,
        col_label=t.col_label,
        columns=[label for _, label in t.cols],
    )
    link = drill_url(line.index) if drill_url is not None else ""
    cell = _Cells(t, states, drillable, base, line.indicator.decimals, link, made or _Made())

    for r, label in t.rows:
        cells = [cell(("cell", r, c)) for c, _ in (t.cols or [("", "")])]
        row_total = cell(("row", r)) if t.ways == 2 else None
        shown.rows.append(ShownRow(label, cells, row_total))
    if t.ways == 2:
        shown.column_totals = [cell(("col", c)) for c, _ in t.cols]
    shown.total = cell(TOTAL)
    if t.ways == 1 and t.row_dimension == MONTH.key:
        shown.chart = column_bars(
            shown.title,
            [
                (row.label, None if row.cells[0].suppressed else row.cells[0].value)
                for row in shown.rows
            ],
        )
    return shown


def present(
    computed: Computed,
    states: dict[int, dict[Key, str]] | None,
    *,
    drillable: bool = True,
    base: dict[str, str] | None = None,
    drill_url: DrillUrl | None = None,
) -> list[ShownSection]:
    made = _Made()
    return [
        ShownSection(
            section.title,
            section.note,
            [
                present_line(
                    line,
                    states.get(line.index) if states is not None else None,
                    drillable=drillable,
                    base=base,
                    drill_url=drill_url,
                    made=made,
                )
                for line in section.lines
            ],
            section.plan_goals,
        )
        for section in computed.sections
    ]


def grant_targets_text(targets: list[dict[str, Any]] | None) -> str:
    """A return's grant targets (:func:`~.services.grant_targets`) as one line: "Perhetupa
    (Ak 1010), päätös 2025-17; …" ("" when it has none). The return's page, its exports and
    the sent return say it the same way."""
    parts = []
    for target in targets or ():
        text = target["target_name"]
        if target["target_code"]:
            text += f" ({target['target_code']})"
        if target["decision_number"]:
            text += ", " + gettext("päätös %(number)s") % {"number": target["decision_number"]}
        parts.append(text)
    return "; ".join(parts)
