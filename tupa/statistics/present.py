"""A computed return laid out for a page: rows of cells with their display text and drill link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.safestring import SafeString

from .charts import column_bars
from .engine import Computed, ComputedLine
from .indicators.dimensions import MONTH
from .indicators.protection import AGGREGATE_ONLY
from .returns.base import Provenance
from .suppression import SHOWN, display
from .tables import TOTAL, Key, Table

#: The address of a line's drill-down page, by the line's index.
DrillUrl = Callable[[int], str]


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


@dataclass
class ShownRow:
    label: str
    cells: list[ShownCell]
    total: ShownCell | None = None


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


@dataclass
class ShownSection:
    title: str
    note: str
    lines: list[ShownLine]


def _cell(
    table: Table,
    key: Key,
    states: dict[Key, str] | None,
    drillable: bool,
    base: dict[str, str],
    decimals: int = 0,
    link: str = "",
) -> ShownCell:
    value = table.values.get(key, 0)
    state = states.get(key, SHOWN) if states is not None else SHOWN
    # The total is the whole line, a way into its records even when its cells are not.
    linked = drillable or key == TOTAL
    query = urlencode({**base, **table.selection(key)}) if linked else ""
    href = f"{link}?{query}" if link and linked and value and state == SHOWN else ""
    return ShownCell(display(value, state, decimals=decimals), state, query, value, href)


def present_line(
    line: ComputedLine,
    states: dict[Key, str] | None,
    *,
    drillable: bool = True,
    base: dict[str, str] | None = None,
    drill_url: DrillUrl | None = None,
) -> ShownLine:
    """``base``: query parameters every drill link keeps (e.g. the part of the year);
    ``drill_url``: the address of a line's drill-down page by its index (no links without it)."""
    base = base or {}
    if {line.table.row_dimension, line.table.col_dimension} & AGGREGATE_ONLY:
        drillable = False  # a person's municipality is never a way into the records
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
    d = line.indicator.decimals

    link = drill_url(line.index) if drill_url is not None else ""

    def cell(key: Key) -> ShownCell:
        return _cell(t, key, states, drillable, base, d, link)

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
                )
                for line in section.lines
            ],
        )
        for section in computed.sections
    ]
