"""The attacker of the suppression tests: the equations a published table gives away, and exact
rank over the rationals (a hidden part is recovered iff its unit vector lies in the row space of
the equations over the unknowns)."""

from __future__ import annotations

from fractions import Fraction

from tupa.core.tables import TOTAL, Key, Table


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


def _values(value: int, state: str, ceiling: int, threshold: int) -> range | list[int]:
    """What a hidden part can be, as the attacker reads it: "< 5" is 1-4, "x" 0 or 5 up."""
    if state == "primary":
        return range(1, threshold)
    return [0, *range(threshold, ceiling + 1)]


def pinned(parts: list[tuple[int, str]], threshold: int) -> bool:
    """Whether some part of ``parts`` has one value only, given their published sum: every
    assignment is tried, part by part, as sets of reachable sums (bit masks)."""
    total = sum(value for value, _state in parts)
    mask = (1 << (total + 1)) - 1
    domains = [_values(v, st, total, threshold) for v, st in parts]
    for i, own in enumerate(domains):
        reach = 1  # the sums the other parts can make
        for j, dom in enumerate(domains):
            if j != i:
                reach = sum_of_shifts(reach, dom) & mask
        if sum(1 for v in own if v <= total and reach >> (total - v) & 1) < 2:
            return True
    return False


def sum_of_shifts(reach: int, values: range | list[int]) -> int:
    out = 0
    for v in values:
        out |= reach << v
    return out


def exposed_sums(table: Table, states: dict[Key, str], threshold: int = 5) -> list[dict[Key, int]]:
    """The equations of ``table`` whose hidden parts all stand on one side, so that their sum
    is published (the others' difference), when the sum is small or leaves some part one
    value only: a row's hidden 1 and 1 beside a shown 20 in a row of 22 say "2", so each is
    1; two "< 5"s summing to 8 are 4 and 4."""
    found = []
    for eq in equations(table):
        hidden = {key: coef for key, coef in eq.items() if states[key] != "shown"}
        if hidden and len(set(hidden.values())) == 1:
            parts = [(table.values[key], states[key]) for key in hidden]
            total = sum(value for value, _state in parts)
            if 0 < total < threshold or pinned(parts, threshold):
                found.append(hidden)
    return found
