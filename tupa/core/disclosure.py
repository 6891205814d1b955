"""When a published sum of hidden counts gives them away: the rule that the suppression
(:mod:`tupa.core.suppression`) applies to every row and column of a table.

A table's equation (a row's cells add up to the row's total) publishes the sum of its hidden
parts when they all stand on one side of it: the total minus the shown cells. The attacker
knows more than the sum. A hidden count shown as ``"< 5"`` (*primary*) is 1–4; one shown as
``"x"`` (*secondary*) is 0 or at least 5, since 1–4 would have been ``"< 5"``. So:

* two "< 5"s that add up to 2 are 1 and 1; two that add up to 8 are 4 and 4;
* a "< 5" and an "x" that add up to 6 are 1 and 5 (the "< 5" is not 0 or 6, the "x" not
  1–4);
* and a small sum (1–4) is itself a small count of people, published.

:func:`exposed` says whether the sum of such hidden parts is small or pins one of them to a
single value. Everything here is arithmetic on whole numbers: the possible sums of the other
parts are at most two intervals.

One equation at a time is not enough. A row that says "these two are 1–4 and add up to at most
4" and a column that says "this one and that one add up to 7" pin all three together (3 + 4 = 7
and the first ≤ 3): each equation alone leaves two values. :func:`pinned` asks the question of
all the equations at once, as an integer programme (HiGHS, through SciPy): for each hidden
part, the least and the greatest value that every published equation and every symbol allow.
A part whose least and greatest are the same is given away.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import TypeVar

Span = tuple[int, int]
Part = TypeVar("Part", bound=Hashable)


def is_small(value: int, threshold: int) -> bool:
    """Whether ``value`` is hidden by itself: ``0 < value < threshold`` (zero singles nobody
    out)."""
    return 0 < value < threshold


def _merged(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for lo, hi in sorted(s for s in spans if s[0] <= s[1]):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _overlap(a: list[Span], b: list[Span]) -> int:
    """How many whole numbers two sets of disjoint spans have in common."""
    return sum(max(0, min(ah, bh) - max(al, bl) + 1) for al, ah in a for bl, bh in b)


def _sums(primaries: int, secondaries: int, threshold: int, ceiling: int) -> list[Span]:
    """The possible sums (up to ``ceiling``) of ``primaries`` parts of 1 … threshold − 1 and
    ``secondaries`` parts of 0 or at least ``threshold``."""
    spans = [(primaries, primaries * (threshold - 1))]
    if secondaries:
        spans.append((primaries + threshold, ceiling))
    return _merged(spans)


def exposed(hidden: Iterable[tuple[int, bool]], threshold: int) -> bool:
    """Whether publishing the sum of ``hidden`` parts — ``(value, primary)`` — gives people
    away: the sum is small, or some part has only one value that the sum allows.

    Examples (threshold 5): 1 and 1 (sum 2, small); 4 and 4 (8: both 4); a "< 5" and an "x"
    summing to 6 (1 and 5); but not 3 and 4 (7: 3 + 4 or 4 + 3), nor 1, 1 and an "x" of 20.
    """
    parts = list(hidden)
    total = sum(value for value, _primary in parts)
    if is_small(total, threshold):
        return True
    if threshold < 2 or not parts:
        return False
    primaries = sum(1 for _value, primary in parts if primary)
    secondaries = len(parts) - primaries
    for primary in {primary for _value, primary in parts}:
        rest = _sums(primaries - primary, secondaries - (not primary), threshold, ceiling=total)
        allowed = _merged((total - hi, total - lo) for lo, hi in rest)
        own = [(1, threshold - 1)] if primary else _merged([(0, 0), (threshold, total)])
        if _overlap(own, allowed) < 2:
            return True
    return False


def pinned(
    hidden: Mapping[Part, tuple[int, bool]],
    equations: Iterable[tuple[Mapping[Part, int], int]],
    threshold: int,
    among: Collection[Part] | None = None,
    *,
    first: bool = False,
) -> list[Part]:
    """The ``hidden`` parts — ``{part: (value, primary)}`` — that only one value fits, given
    the published ``equations`` (``({part: coefficient}, right-hand side)``: the coefficients of
    hidden parts, the published ones moved to the right) and what the symbols say: a "< 5"
    (primary) is 1 … threshold − 1, an "x" 0 or at least the threshold; every part is a whole
    number. ``among``: ask only about these parts (default: all); ``first``: stop at the first
    part given away. In ``hidden``'s order.

    A part is given away when no other value fits: no whole-number solution of the equations
    within the symbols' bounds gives it another. Every solution the solver finds clears each
    part it gives another value, so the open parts' least and greatest sum (again while that
    clears any) clear most parts at once; the others are asked one by one, least and
    greatest (HiGHS mixed-integer programmes, exact: no optimality gap). A programme the
    solver does not finish clears nothing (the caller hides more: fail closed).
    """
    parts = list(hidden)
    asked = [p for p in parts if among is None or p in among]
    if not asked or threshold < 2:
        return []
    from scipy.optimize import Bounds, LinearConstraint, milp  # lazily: a heavy import

    column = {p: i for i, p in enumerate(parts)}
    secondary = [p for p in parts if not hidden[p][1]]
    flag = {p: len(parts) + i for i, p in enumerate(secondary)}  # 1: the "x" is ≥ threshold
    width = len(parts) + len(secondary)
    rows: list[list[int]] = []
    low: list[float] = []
    high: list[float] = []
    rhs_size = 0
    for coefficients, rhs in equations:
        row = [0] * width
        for p, coefficient in coefficients.items():
            row[column[p]] += coefficient
        if any(row):
            rows.append(row)
            low.append(rhs)
            high.append(rhs)
            rhs_size = max(rhs_size, abs(rhs))
    # A bound no part can reach: never the reason a part has one value only.
    ceiling = 2 * (sum(value for value, _primary in hidden.values()) + rhs_size) + threshold
    lower = [0.0] * width
    upper = [float(ceiling)] * width
    for p in parts:
        i = column[p]
        if hidden[p][1]:
            lower[i], upper[i] = 1, threshold - 1
        else:  # 0 (flag 0) or threshold … ceiling (flag 1)
            upper[flag[p]] = 1
            at_least = [0] * width
            at_least[i], at_least[flag[p]] = 1, -threshold
            at_most = [0] * width
            at_most[i], at_most[flag[p]] = 1, -ceiling
            rows += [at_least, at_most]
            low += [0, float("-inf")]
            high += [float("inf"), 0]
    constraints = [LinearConstraint(rows, low, high)] if rows else []
    options = {"mip_rel_gap": 0.0, "time_limit": 10.0}

    open_ = {p: hidden[p][0] for p in asked}  # not yet shown to fit another value

    def solve(objective: list[int]) -> None:
        result = milp(
            objective,
            constraints=constraints,
            integrality=[1] * width,
            bounds=Bounds(lower, upper),
            options=options,
        )
        if result.x is not None:  # a solution, optimal or not, clears what it moves
            for p in [p for p, value in open_.items() if round(result.x[column[p]]) != value]:
                del open_[p]

    while open_:  # the open parts' least and greatest sum, while that clears any
        before = len(open_)
        for sign in (1, -1):
            solve([sign if i < len(parts) and parts[i] in open_ else 0 for i in range(width)])
        if len(open_) == before:
            break
    for p in list(open_):
        for sign in (1, -1):
            if p in open_:
                solve([sign if i == column[p] else 0 for i in range(width)])
        if first and p in open_:
            return [p]
    return [p for p in asked if p in open_]


#: SciPy's ``milp`` status of a programme proven to have no solution.
INFEASIBLE = 2


def freeing(
    parts: Mapping[Part, tuple[int, str]],
    equations: Iterable[Mapping[Part, int]],
    given: Part,
    threshold: int,
    cost: Mapping[Part, float],
) -> list[Part] | None:
    """The cheapest published parts whose hiding lets the hidden part ``given`` take another
    value (:func:`pinned`), or ``None`` when no hiding does: the symbols alone pin it.

    ``parts``: every part as ``(value, state)``; the state is ``"primary"`` ("< 5"),
    ``"secondary"`` ("x"), ``"shown"`` (published here: may be hidden at its ``cost``) or
    ``"known"`` (published elsewhere: fixed). ``equations``: ``{part: coefficient}``, each
    summing to zero.

    One mixed-integer programme per direction (``given`` below or above its value): another
    table that fits every equation, keeps each hidden part within its symbol and each shown
    part at its value unless that part is hidden (then within an "x": 0 or at least the
    threshold, since a shown part is not small); the least total cost of the parts hidden,
    within a tenth (any such set frees ``given``). The cheaper direction wins. ``None`` only
    when both directions are proven to have no solution; a programme the solver does not
    finish without one answers every shown part (fail closed).
    """
    value = {p: v for p, (v, _state) in parts.items()}
    state = {p: st for p, (_value, st) in parts.items()}
    written = list(equations)
    # Another table close to this one is enough to free a part: each part within twice the
    # threshold of its value first (a small programme, quickly solved), and only if there is
    # none, anywhere up to the bound of pinned.
    ceiling = 2 * sum(value.values()) + threshold
    for window in (2 * threshold, None):
        found = _freeing(value, state, written, given, threshold, cost, ceiling, window)
        if found is not None:
            return found
    return None


def _freeing(
    value: Mapping[Part, int],
    state: Mapping[Part, str],
    equations: list[Mapping[Part, int]],
    given: Part,
    threshold: int,
    cost: Mapping[Part, float],
    ceiling: int,
    window: int | None,
) -> list[Part] | None:
    """:func:`freeing` with every part within ``window`` of its value (``None``: anywhere up
    to ``ceiling``). Unfinished without a solution: ``None`` within a window (the caller looks
    wider), every shown part without one (fail closed)."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # lazily: a heavy import

    free = [p for p in value if state[p] != "known"]
    y = {p: i for i, p in enumerate(free)}
    x_like = [p for p in free if state[p] in ("secondary", "shown")]
    switch = {p: len(free) + i for i, p in enumerate(x_like)}  # 1: at least the threshold
    shown = [p for p in free if state[p] == "shown"]
    hide = {p: len(free) + len(x_like) + i for i, p in enumerate(shown)}
    width = len(free) + len(x_like) + len(shown)
    rows: list[list[float]] = []
    low: list[float] = []
    high: list[float] = []

    def row(entries: dict[int, float], lo: float, hi: float) -> None:
        line = [0.0] * width
        for i, c in entries.items():
            line[i] += c
        rows.append(line)
        low.append(lo)
        high.append(hi)

    for equation in equations:
        entries = {y[p]: float(c) for p, c in equation.items() if p in y}
        constant = sum(c * value[p] for p, c in equation.items() if p not in y)
        if entries:
            row(entries, -constant, -constant)
    lower = [0.0] * width
    upper = [1.0] * width
    for p in free:
        if window is None:
            lower[y[p]], upper[y[p]] = 0, ceiling
        else:
            lower[y[p]], upper[y[p]] = max(0, value[p] - window), value[p] + window
        if state[p] == "primary":
            lower[y[p]] = max(lower[y[p]], 1)
            upper[y[p]] = min(upper[y[p]], threshold - 1)
    for p in x_like:  # 0 with the switch off, at least the threshold with it on
        row({y[p]: 1, switch[p]: -threshold}, 0, math.inf)
        row({y[p]: 1, switch[p]: -upper[y[p]]}, -math.inf, 0)
    for p in shown:  # its value unless hidden
        row({y[p]: 1, hide[p]: -(upper[y[p]] - value[p])}, -math.inf, value[p])
        row({y[p]: 1, hide[p]: value[p] - lower[y[p]]}, value[p], math.inf)
    objective = [0.0] * width
    for p in shown:
        objective[hide[p]] = cost[p]
    best: tuple[float, list[Part]] | None = None
    for bound in ((0, value[given] - 1), (value[given] + 1, upper[y[given]])):
        if bound[0] > bound[1]:
            continue
        lo, hi = list(lower), list(upper)
        lo[y[given]], hi[y[given]] = max(lo[y[given]], bound[0]), min(hi[y[given]], bound[1])
        if lo[y[given]] > hi[y[given]]:
            continue
        result = milp(
            objective,
            constraints=[LinearConstraint(rows, low, high)] if rows else [],
            integrality=[1] * width,
            bounds=Bounds(lo, hi),
            # Without presolve: faster here, and HiGHS 1.12 (in SciPy 1.17) prints a stray line to the
            # process's output when it repairs a presolved solution (ERGO-Code/HiGHS#2783).
            options={"mip_rel_gap": 0.1, "time_limit": 10.0, "presolve": False},
        )
        if result.x is None:
            if result.status != INFEASIBLE and window is None:  # unfinished: fail closed
                return list(shown)
            continue
        chosen = [p for p in shown if result.x[hide[p]] > 0.5]
        total = sum(cost[p] for p in chosen)
        if best is None or total < best[0]:
            best = (total, chosen)
    return None if best is None else best[1]
