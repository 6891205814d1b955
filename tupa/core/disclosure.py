"""When a published sum of hidden counts gives them away: the rule that the suppression
(:mod:`tupa.core.suppression`) applies to every row and column of a table.

A table's equation (a row's cells add up to the row's total) publishes the sum of its hidden
parts when they all stand on one side of it: the total minus the shown cells. The attacker
knows more than the sum: what each hidden part's symbol says of it (:data:`SMALL`,
:data:`UNDER`, :data:`APART`). A ``"< 5"`` is 1–4 where zeros are shown, 0–4 in an equation
whose total is itself ``"< 5"`` (there a zero is hidden too, ADR 0036); an ``"x"`` is 0 or at
least 5, since 1–4 would have been ``"< 5"``. So:

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
from typing import Any, TypeVar

Span = tuple[int, int]
Part = TypeVar("Part", bound=Hashable)

#: What a hidden part's symbol says of it, as the attacker reads it:
SMALL = "small"  #: a "< 5" where a zero would be shown: 1 … threshold − 1
UNDER = "under"  #: a "< 5" in an equation whose total is a "< 5": 0 … threshold − 1
APART = "apart"  #: an "x": 0, or at least the threshold

#: The symbols of a "< 5" (the others are :data:`APART`).
UNDER_THRESHOLD = (SMALL, UNDER)


def least(symbol: str) -> int:
    """The least value a part with the "< 5" ``symbol`` can have (1, or 0 for :data:`UNDER`)."""
    return 0 if symbol == UNDER else 1


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


def _common(a: list[Span], b: list[Span]) -> list[Span]:
    """The whole numbers two sets of disjoint spans have in common, as spans."""
    return _merged((max(al, bl), min(ah, bh)) for al, ah in a for bl, bh in b)


def _sums(symbols: list[str], threshold: int, ceiling: int) -> list[Span]:
    """The possible sums (up to ``ceiling``) of parts with these ``symbols``: each "< 5" from
    its :func:`least` to threshold − 1, each "x" 0 or at least ``threshold``."""
    small = [s for s in symbols if s in UNDER_THRESHOLD]
    floor = sum(least(s) for s in small)
    spans = [(floor, len(small) * (threshold - 1))]
    if len(small) < len(symbols):
        spans.append((floor + threshold, ceiling))
    return _merged(spans)


def _own(symbol: str, threshold: int, ceiling: int) -> list[Span]:
    """What one part with ``symbol`` can be, up to ``ceiling``."""
    if symbol in UNDER_THRESHOLD:
        return [(least(symbol), threshold - 1)]
    return _merged([(0, 0), (threshold, ceiling)])


def exposed(hidden: Iterable[tuple[int, str]], threshold: int) -> bool:
    """Whether publishing the sum of ``hidden`` parts — ``(value, symbol)`` — gives people
    away: the sum is small, or some part has only one value that the sum allows. A "< 5" that
    may be 0 (:data:`UNDER`) and can only be 0 gives nobody away: it says that nobody is there,
    which a zero elsewhere shows.

    Examples (threshold 5): 1 and 1 (sum 2, small); 4 and 4 (8: both 4); a "< 5" and an "x"
    summing to 6 (1 and 5); but not 3 and 4 (7: 3 + 4 or 4 + 3), nor 1, 1 and an "x" of 20,
    nor a "< 5" that may be 0 beside an "x", summing to 0.
    """
    parts = list(hidden)
    total = sum(value for value, _symbol in parts)
    if is_small(total, threshold):
        return True
    if threshold < 2 or not parts:
        return False
    symbols = [symbol for _value, symbol in parts]
    for i, symbol in enumerate(symbols):
        if symbol in symbols[:i]:
            continue  # the same question as the first part with this symbol
        rest = _sums(symbols[:i] + symbols[i + 1 :], threshold, ceiling=total)
        allowed = _merged((total - hi, total - lo) for lo, hi in rest)
        fits = _common(_own(symbol, threshold, total), allowed)
        if sum(hi - lo + 1 for lo, hi in fits) < 2 and not (symbol == UNDER and fits == [(0, 0)]):
            return True
    return False


class _Programme:
    """A mixed-integer programme being written: whole-number variables with their bounds, and
    linear rows ``low ≤ Σ coefficient · variable ≤ high``. Solved by HiGHS through SciPy."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.rows: list[dict[int, float]] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def variable(self, lower: float, upper: float) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.lower) - 1

    def row(self, entries: Mapping[int, float], low: float, high: float) -> None:
        if any(entries.values()):
            self.rows.append(dict(entries))
            self.low.append(low)
            self.high.append(high)

    def zero_or_at_least(self, i: int, threshold: int) -> None:
        """What an "x" says of variable ``i``: 0, or ``threshold`` up to its upper bound (a
        switch variable, 0 or 1)."""
        switch = self.variable(0, 1)
        self.row({i: 1, switch: -threshold}, 0, math.inf)
        self.row({i: 1, switch: -self.upper[i]}, -math.inf, 0)

    def solve(
        self,
        objective: Mapping[int, float],
        bounds: Mapping[int, tuple[float, float]] | None = None,
        **options: Any,
    ) -> Any:
        """SciPy's ``milp`` result minimising ``objective``, with ``bounds`` instead of some
        variables' own."""
        from scipy.optimize import Bounds, LinearConstraint, milp  # lazily: a heavy import

        width = len(self.lower)
        lower, upper = list(self.lower), list(self.upper)
        for i, (lo, hi) in (bounds or {}).items():
            lower[i], upper[i] = lo, hi
        matrix = [[0.0] * width for _row in self.rows]
        for line, entries in zip(matrix, self.rows, strict=True):
            for i, c in entries.items():
                line[i] += c
        cost = [0.0] * width
        for i, c in objective.items():
            cost[i] = c
        return milp(
            cost,
            constraints=[LinearConstraint(matrix, self.low, self.high)] if matrix else [],
            integrality=[1] * width,
            bounds=Bounds(lower, upper),
            options=options,
        )


def pinned(
    hidden: Mapping[Part, tuple[int, str]],
    equations: Iterable[tuple[Mapping[Part, int], int]],
    threshold: int,
    among: Collection[Part] | None = None,
    *,
    first: bool = False,
) -> list[Part]:
    """The ``hidden`` parts — ``{part: (value, symbol)}`` — that only one value fits, given
    the published ``equations`` (``({part: coefficient}, right-hand side)``: the coefficients of
    hidden parts, the published ones moved to the right) and what the symbols say: a "< 5"
    is its :func:`least` … threshold − 1, an "x" 0 or at least the threshold; every part is a
    whole number. ``among``: ask only about these parts (default: all); ``first``: stop at the first
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
    equations = list(equations)
    rhs_size = max((abs(rhs) for _coefficients, rhs in equations), default=0)
    # A bound no part can reach: never the reason a part has one value only.
    ceiling = 2 * (sum(value for value, _symbol in hidden.values()) + rhs_size) + threshold
    programme = _Programme()
    column = {
        p: programme.variable(least(symbol), threshold - 1)
        if symbol in UNDER_THRESHOLD
        else programme.variable(0, ceiling)
        for p, (_value, symbol) in hidden.items()
    }
    for p, (_value, symbol) in hidden.items():
        if symbol not in UNDER_THRESHOLD:
            programme.zero_or_at_least(column[p], threshold)
    for coefficients, rhs in equations:
        entries: dict[int, float] = {}
        for p, coefficient in coefficients.items():
            entries[column[p]] = entries.get(column[p], 0) + coefficient
        programme.row(entries, rhs, rhs)

    open_ = {p: hidden[p][0] for p in asked}  # not yet shown to fit another value

    def solve(objective: dict[int, float]) -> None:
        result = programme.solve(objective, mip_rel_gap=0.0, time_limit=10.0)
        if result.x is not None:  # a solution, optimal or not, clears what it moves
            for p in [p for p, value in open_.items() if round(result.x[column[p]]) != value]:
                del open_[p]

    while open_:  # the open parts' least and greatest sum, while that clears any
        before = len(open_)
        for sign in (1, -1):
            solve({column[p]: sign for p in open_})
        if len(open_) == before:
            break
    for p in list(open_):
        for sign in (1, -1):
            if p in open_:
                solve({column[p]: sign})
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

    ``parts``: every part as ``(value, state)``; the state is a hidden part's symbol
    (:data:`SMALL`, :data:`UNDER`, :data:`APART`), ``"shown"`` (published here: may be hidden
    at its ``cost``) or ``"known"`` (published elsewhere: fixed). ``equations``: ``{part: coefficient}``, each
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
    programme = _Programme()
    y: dict[Part, int] = {}
    for p in value:
        if state[p] == "known":
            continue
        if window is None:
            lo, hi = 0, ceiling
        else:
            lo, hi = max(0, value[p] - window), value[p] + window
        if state[p] in UNDER_THRESHOLD:
            lo, hi = max(lo, least(state[p])), min(hi, threshold - 1)
        y[p] = programme.variable(lo, hi)
    for p, i in y.items():
        if state[p] in (APART, "shown"):
            programme.zero_or_at_least(i, threshold)
    hide: dict[Part, int] = {}
    for p, i in y.items():
        if state[p] == "shown":  # its value unless hidden
            hide[p] = h = programme.variable(0, 1)
            above, below = programme.upper[i] - value[p], value[p] - programme.lower[i]
            programme.row({i: 1, h: -above}, -math.inf, value[p])
            programme.row({i: 1, h: below}, value[p], math.inf)
    for equation in equations:
        constant = sum(c * value[p] for p, c in equation.items() if p not in y)
        programme.row({y[p]: c for p, c in equation.items() if p in y}, -constant, -constant)
    objective = {h: cost[p] for p, h in hide.items()}
    i = y[given]
    best: tuple[float, list[Part]] | None = None
    below_or_above: list[tuple[float, float]] = [
        (programme.lower[i], value[given] - 1),
        (value[given] + 1, programme.upper[i]),
    ]
    for start, stop in below_or_above:
        if start > stop:
            continue
        result = programme.solve(
            objective,
            {i: (start, stop)},
            # Without presolve: faster here, and HiGHS 1.12 (in SciPy 1.17) prints a stray line
            # to the process's output when it repairs a presolved solution (ERGO-Code/HiGHS#2783).
            mip_rel_gap=0.1,
            time_limit=10.0,
            presolve=False,
        )
        if result.x is None:
            if result.status != INFEASIBLE and window is None:  # unfinished: fail closed
                return list(hide)
            continue
        chosen = [p for p, h in hide.items() if result.x[h] > 0.5]
        total = sum(cost[p] for p in chosen)
        if best is None or total < best[0]:
            best = (total, chosen)
    return None if best is None else best[1]
