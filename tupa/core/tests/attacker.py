"""The attacker of the suppression tests: the equations a published table gives away, exact
rank over the rationals (a hidden part is recovered iff its unit vector lies in the row space of
the equations over the unknowns), sums of hidden parts that pin them (:func:`exposed_sums`) and
every equation at once with the symbols' bounds (:func:`bound_pinned`). Written apart from
``tupa.core.suppression``: its own equations, its own quantities, its own programmes.

What the attacker reads from a "< 5" (ADR 0036): a zero is hidden as "< 5" where the total of
its equation is a "< 5", so there a "< 5" is 0–4 (:func:`may_be_zero`); elsewhere 1–4. An "x"
is 0 or at least 5."""

from __future__ import annotations

import math
from collections.abc import Collection
from fractions import Fraction

from scipy.optimize import Bounds, LinearConstraint, milp

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


def may_be_zero(lines: list[tuple[Table, dict[Key, str]]]) -> set[Quantity]:
    """The quantities whose "< 5" may be a zero: each stands, in some line, in an equation
    whose total (its part of coefficient −1) is a "< 5" too, and is not that total."""
    found = set()
    for table, states in lines:
        for eq in equations(table):
            total = next(key for key, coef in eq.items() if coef == -1)
            if states[total] == "primary":
                found |= {counted(table, key) for key, coef in eq.items() if coef == 1}
    return found


def shown_small(tables: list[Table], threshold: int = 5) -> set[Quantity]:
    """What the rule says is "< 5" in linked ``tables``: each value 1 … threshold − 1, and a
    zero in an equation whose total is a "< 5" (again and again, a zero so hidden being the
    total of other equations)."""
    small = {counted(t, key) for t in tables for key, v in t.values.items() if 0 < v < threshold}
    while True:
        more = {
            counted(t, key)
            for t in tables
            for eq in equations(t)
            if counted(t, next(k for k, coef in eq.items() if coef == -1)) in small
            for key, coef in eq.items()
            if coef == 1 and t.values[key] == 0
        } - small
        if not more:
            return small
        small |= more


def _values(
    value: int, state: str, ceiling: int, threshold: int, zero: bool = False
) -> range | list[int]:
    """What a hidden part can be, as the attacker reads it: "< 5" is 1-4 (0-4 where it may be
    a zero), "x" 0 or 5 up."""
    if state == "primary":
        return range(0 if zero else 1, threshold)
    return [0, *range(threshold, ceiling + 1)]


def pinned(parts: list[tuple[int, str]], threshold: int, zeros: Collection[int] = ()) -> bool:
    """Whether some part of ``parts`` has one value only, given their published sum: every
    assignment is tried, part by part, as sets of reachable sums (bit masks). ``zeros``: the
    indexes of the "< 5"s that may be zero; one of them that can only be 0 gives nobody away
    (nobody is there)."""
    total = sum(value for value, _state in parts)
    mask = (1 << (total + 1)) - 1
    domains = [_values(v, st, total, threshold, i in zeros) for i, (v, st) in enumerate(parts)]
    for i, own in enumerate(domains):
        reach = 1  # the sums the other parts can make
        for j, dom in enumerate(domains):
            if j != i:
                reach = sum_of_shifts(reach, dom) & mask
        fits = [v for v in own if v <= total and reach >> (total - v) & 1]
        if len(fits) < 2 and not (i in zeros and fits == [0]):
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
    zero = may_be_zero([(table, states)])
    for eq in equations(table):
        hidden = {key: coef for key, coef in eq.items() if states[key] != "shown"}
        if hidden and len(set(hidden.values())) == 1:
            parts = [(table.values[key], states[key]) for key in hidden]
            zeros = [i for i, key in enumerate(hidden) if counted(table, key) in zero]
            total = sum(value for value, _state in parts)
            if 0 < total < threshold or pinned(parts, threshold, zeros):
                found.append(hidden)
    return found


# Bounds: what the symbols say, with every equation at once -----------------------------------

Quantity = frozenset[tuple[str, str]]
Line = tuple[Table, dict[Key, str]]


def counted(table: Table, key: Key) -> Quantity:
    """What a part counts: the units of its selection (the same in every line that shows it)."""
    return frozenset(table.selection(key).items())


def bound_pinned(
    lines: list[Line],
    threshold: int = 5,
    known: Collection[Quantity] = (),
    among: Collection[Quantity] | None = None,
) -> dict[Quantity, int]:
    """The hidden quantities of ``lines`` that one value only fits, with that value: the
    attacker writes every line's equations (:func:`equations`) over the quantities, moves what
    is published (and ``known``: published elsewhere) to the right, and asks for each hidden
    quantity its least and its greatest whole value under the symbols' bounds — a "< 5" is
    1 … threshold − 1, an "x" 0 or at least the threshold (a binary switch) — by one
    mixed-integer programme each (SciPy's HiGHS, no optimality gap). A "< 5" that may be a
    zero (:func:`may_be_zero`) is 0 … threshold − 1. ``among``: ask only about these."""
    value: dict[Quantity, int] = {}
    state: dict[Quantity, str] = {}
    for table, states in lines:
        for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict
            q = counted(table, key)
            value[q] = table.values[key]
            if states[key] == "shown" or q in known:
                state[q] = "shown"
            else:
                state.setdefault(q, states[key])
    zero = may_be_zero(lines)
    unknowns = sorted((q for q in value if state[q] != "shown"), key=sorted)
    if not unknowns:
        return {}
    n = len(unknowns)
    column = {q: i for i, q in enumerate(unknowns)}
    ceiling = 2 * sum(value.values()) + threshold
    matrix: list[list[float]] = []
    low: list[float] = []
    high: list[float] = []
    for table, _states in lines:
        for eq in equations(table):
            row = [0.0] * (2 * n)
            rhs = 0
            for key, coef in eq.items():
                q = counted(table, key)
                if q in column:
                    row[column[q]] += coef
                else:
                    rhs -= coef * value[q]
            matrix.append(row)
            low.append(rhs)
            high.append(rhs)
    lower = [0.0] * (2 * n)
    upper = [float(ceiling)] * n + [0.0] * n
    for q, i in column.items():
        if state[q] == "primary":
            lower[i], upper[i] = (0 if q in zero else 1), threshold - 1
        else:  # x = 0 with the switch off, threshold … ceiling with it on
            upper[n + i] = 1
            above = [0.0] * (2 * n)
            above[i], above[n + i] = 1, -threshold
            below = [0.0] * (2 * n)
            below[i], below[n + i] = 1, -ceiling
            matrix += [above, below]
            low += [0, -math.inf]
            high += [math.inf, 0]
    found = {}
    for q, i in column.items():
        if among is not None and q not in among:
            continue
        ends = []
        for sign in (1, -1):
            objective = [0.0] * (2 * n)
            objective[i] = sign
            result = milp(
                objective,
                constraints=[LinearConstraint(matrix, low, high)] if matrix else [],
                integrality=[1] * (2 * n),
                bounds=Bounds(lower, upper),
                options={"mip_rel_gap": 0.0},
            )
            assert result.success, result.message
            ends.append(round(sign * result.fun))
        assert ends[0] <= value[q] <= ends[1], (q, ends, value[q])
        if ends[0] == ends[1]:
            found[q] = value[q]
    return found


def unprotected(
    lines: list[Line], threshold: int = 5, known: Collection[Quantity] = ()
) -> dict[Quantity, int]:
    """The quantities :func:`bound_pinned` finds that hiding could have protected: pinned as
    published, but not with every part of every line hidden, each as the rule would show it
    ("< 5" when :func:`shown_small`, else "x"). What stays pinned then follows from what is
    published elsewhere (``known``: a form's 0 that the annual pack prints makes its row of
    the return 0), and no suppression of these lines protects it."""
    found = bound_pinned(lines, threshold, known)
    if not found:
        return {}
    small = shown_small([table for table, _states in lines], threshold)
    hidden = [
        (table, {k: "primary" if counted(table, k) in small else "secondary" for k in table.values})
        for table, _states in lines
    ]
    still = bound_pinned(hidden, threshold, known, among=found)
    return {q: v for q, v in found.items() if q not in still}


def of_people(lines: list[Line], found: dict[Quantity, int]) -> dict[Quantity, int]:
    """``found`` (recovered or pinned quantities) less the "< 5"s that may be zero
    (:func:`may_be_zero`) found to be 0: that says nobody is there, as a zero elsewhere does,
    and nothing of anyone."""
    zero = may_be_zero(lines)
    return {q: v for q, v in found.items() if not (v == 0 and q in zero)}
