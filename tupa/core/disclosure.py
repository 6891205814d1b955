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
"""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


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
