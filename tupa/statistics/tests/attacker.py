"""The attacker of the suppression tests: the equations a published table gives away, and exact
rank over the rationals (a hidden part is recovered iff its unit vector lies in the row space of
the equations over the unknowns)."""

from __future__ import annotations

from fractions import Fraction

from tupa.statistics.tables import TOTAL, Key, Table


def equations(table: Table) -> list[dict[Key, int]]:
    """The published equations of ``table``: each ``sum(coef * part) == 0``."""
    if table.ways == 0:
        return []
    if table.ways == 1:
        eq: dict[Key, int] = {("cell", r, ""): 1 for r, _ in table.rows}
        eq[TOTAL] = -1
        return [eq]
    eqs = []
    for r, _ in table.rows:
        eq = {("cell", r, c): 1 for c, _ in table.cols}
        eq[("row", r)] = -1
        eqs.append(eq)
    for c, _ in table.cols:
        eq = {("cell", r, c): 1 for r, _ in table.rows}
        eq[("col", c)] = -1
        eqs.append(eq)
    eqs.append({**{("row", r): 1 for r, _ in table.rows}, TOTAL: -1})
    eqs.append({**{("col", c): 1 for c, _ in table.cols}, TOTAL: -1})
    return eqs


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [list(r) for r in matrix]
    width = len(rows[0]) if rows else 0
    rank_ = 0
    for col in range(width):
        pivot = next((i for i in range(rank_, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank_], rows[pivot] = rows[pivot], rows[rank_]
        for i in range(len(rows)):
            if i != rank_ and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank_][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank_], strict=True)]
        rank_ += 1
    return rank_
