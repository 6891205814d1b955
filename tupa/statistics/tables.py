"""A figure as it is shown and sent: a total, or a one- or two-way table with its margins.

A return line (``returns.base.Line``) turns an indicator's :class:`~.indicators.base.Result`
into a :class:`Table` by its breakdown (none, one or two dimensions). Tables are what is frozen
in a submission (:meth:`Table.as_json`), suppressed before anything leaves the organisation
(:mod:`.suppression`) and exported (:mod:`.exports`).

Keys of the parts of a table (used by suppression and rendering):

* ``("cell", row, col)`` – an inner cell (``col`` is ``""`` in a one-way table);
* ``("row", row)`` – a row's total (two-way tables only);
* ``("col", col)`` – a column's total (two-way tables only);
* ``("total",)`` – the grand total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .indicators.base import Indicator, Label, Params, Result

Key = tuple[str, ...]
TOTAL: Key = ("total",)


@dataclass
class Table:
    """Values of a figure. ``rows``/``cols`` are ``(value, label)`` of the breakdown dimensions."""

    row_dimension: str = ""
    col_dimension: str = ""
    row_label: str = ""
    col_label: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)
    cols: list[tuple[str, str]] = field(default_factory=list)
    values: dict[Key, int] = field(default_factory=dict)

    @property
    def ways(self) -> int:
        return (1 if self.row_dimension else 0) + (1 if self.col_dimension else 0)

    @property
    def total(self) -> int:
        return self.values[TOTAL]

    def cell(self, row: str, col: str = "") -> int:
        return self.values[("cell", row, col)]

    def keys(self) -> list[Key]:
        """Every part of the table, inner cells first, then margins, then the total."""
        if self.ways == 0:
            return [TOTAL]
        keys: list[Key] = [
            ("cell", r, c) for r, _ in self.rows for c, _ in (self.cols or [("", "")])
        ]
        if self.ways == 2:
            keys += [("row", r) for r, _ in self.rows] + [("col", c) for c, _ in self.cols]
        return [*keys, TOTAL]

    def selection(self, key: Key) -> dict[str, str]:
        """The dimension values a part of the table stands for (the drill-down's filter)."""
        if key[0] == "cell":
            sel = {self.row_dimension: key[1]} if self.row_dimension else {}
            if self.col_dimension:
                sel[self.col_dimension] = key[2]
            return sel
        if key[0] == "row":
            return {self.row_dimension: key[1]}
        if key[0] == "col":
            return {self.col_dimension: key[1]}
        return {}

    def as_json(self) -> dict[str, Any]:
        return {
            "row_dimension": self.row_dimension,
            "col_dimension": self.col_dimension,
            "row_label": self.row_label,
            "col_label": self.col_label,
            "rows": [list(r) for r in self.rows],
            "cols": [list(c) for c in self.cols],
            "values": [[*k, v] for k, v in self.values.items()],
        }

    def figures(self) -> dict[str, Any]:
        """What the table says, whatever the language it is shown in and the order its rows
        came in: the breakdown's dimensions and each part's value (no labels, keys sorted).
        A return's content hash is made of these (:meth:`~.engine.Computed.content_hash`)."""
        return {
            "row_dimension": self.row_dimension,
            "col_dimension": self.col_dimension,
            "values": sorted(([*k, v] for k, v in self.values.items()), key=lambda i: i[:-1]),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(
            row_dimension=data["row_dimension"],
            col_dimension=data["col_dimension"],
            row_label=data["row_label"],
            col_label=data["col_label"],
            rows=[(r[0], r[1]) for r in data["rows"]],
            cols=[(c[0], c[1]) for c in data["cols"]],
            values={tuple(item[:-1]): item[-1] for item in data["values"]},
        )


def _text(label: Label) -> str:
    return str(label)


def build_table(result: Result, breakdown: tuple[str, ...]) -> Table:
    """The table of ``result`` broken down by up to two dimensions (rows, then columns)."""
    return table_of(result.indicator, result.params, breakdown, result.by(*breakdown), result.total)


def table_of(
    indicator: Indicator,
    params: Params,
    breakdown: tuple[str, ...],
    sums: dict[tuple[str, ...], int],
    total: int,
) -> Table:
    """The table of ``indicator`` broken down by up to two dimensions (rows, then columns),
    from the sum of weights of each combination of the breakdown's values (``sums``: a
    combination not in it counts zero) and the total. The margins are summed here, so a
    table counted by the units (:func:`build_table`) and one counted by the database
    (:attr:`~.returns.base.ReturnTemplate.counted_in_database`) have the same parts."""
    if len(breakdown) > 2:
        raise ValueError("a table has at most two dimensions")
    table = Table()
    if breakdown:
        d = indicator.dimension(breakdown[0])
        table.row_dimension, table.row_label = d.key, _text(d.label)
        table.rows = list(d.texts(params))
    if len(breakdown) == 2:
        d = indicator.dimension(breakdown[1])
        table.col_dimension, table.col_label = d.key, _text(d.label)
        table.cols = list(d.texts(params))
    known_rows = {r for r, _ in table.rows}
    known_cols = {c for c, _ in table.cols}
    for combo in sums:  # a value outside the choices is shown, not dropped
        if breakdown and combo[0] not in known_rows:
            table.rows.append((combo[0], combo[0]))
            known_rows.add(combo[0])
        if len(breakdown) == 2 and combo[1] not in known_cols:
            table.cols.append((combo[1], combo[1]))
            known_cols.add(combo[1])
    values = table.values
    if len(breakdown) == 1:
        for r, _ in table.rows:
            values[("cell", r, "")] = sums.get((r,), 0)
    elif len(breakdown) == 2:
        col_sums = dict.fromkeys((c for c, _ in table.cols), 0)
        row_sums: dict[str, int] = {}
        for r, _ in table.rows:
            in_row = 0
            for c in col_sums:
                n = values[("cell", r, c)] = sums.get((r, c), 0)
                in_row += n
                col_sums[c] += n
            row_sums[r] = in_row
        for r, n in row_sums.items():
            values[("row", r)] = n
        for c, n in col_sums.items():
            values[("col", c)] = n
    values[TOTAL] = total
    return table
