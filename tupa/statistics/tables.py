"""A return line's figure as a table (:class:`tupa.core.tables.Table`).

A return line (``returns.base.Line``) turns an indicator's :class:`~.indicators.base.Result`
into a table by its breakdown (none, one or two dimensions). Tables are what is frozen in a
submission, suppressed before anything leaves the organisation (:mod:`.suppression`) and exported (:mod:`.exports`).
"""

from __future__ import annotations

from tupa.core.tables import TOTAL, Table

from .indicators.base import Indicator, Label, Params, Result


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
