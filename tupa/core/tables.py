"""A figure as it is shown and sent: a total, or a one- or two-way table with its margins.

The statistics build their tables from an indicator's result (``tupa.statistics.tables``) and
freeze them in a submission (:meth:`Table.as_json`); the feedback results build one-way tables
of a question's answers. Every table that leaves the organisation is suppressed by
:mod:`tupa.core.suppression`, which is why the table lives on the ground floor.

Keys of the parts of a table (used by suppression and rendering):

* ``("cell", row, col)`` – an inner cell (``col`` is ``""`` in a one-way table);
* ``("row", row)`` – a row's total (two-way tables only);
* ``("col", col)`` – a column's total (two-way tables only);
* ``("total",)`` – the grand total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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
        A return's content hash is made of these (``tupa.statistics.engine.Computed.content_hash``)."""
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

    @classmethod
    def one_way(cls, counts: Sequence[int], total: int) -> Table:
        """A one-way table of ``counts`` in their order (rows ``"0"``, ``"1"`` …) and their
        ``total``: a question's answers by option, for :func:`tupa.core.suppression.suppress`."""
        rows = [(str(i), "") for i in range(len(counts))]
        values: dict[Key, int] = {
            ("cell", r, ""): n for (r, _), n in zip(rows, counts, strict=True)
        }
        values[TOTAL] = total
        return cls(row_dimension="part", rows=rows, values=values)
