"""A published sum of hidden counts: when it gives them away (hand-computed, threshold 5)."""

from __future__ import annotations

import pytest

from tupa.core.disclosure import exposed, is_small

P, X = True, False  # a "< 5" (1-4), an "x" (0 or 5 up)


@pytest.mark.parametrize(
    ("parts", "gives_away"),
    [
        ([(1, P), (1, P)], True),  # sum 2: small, and each is 1
        ([(1, P), (3, P)], True),  # sum 4: small (1 + 3, 2 + 2, 3 + 1: none pinned)
        ([(4, P), (4, P)], True),  # sum 8: both at their most, 4 and 4
        ([(1, P)] * 5, True),  # sum 5: five people, one in each
        ([(1, P), (5, X)], True),  # sum 6: the "< 5" cannot be 6 nor the "x" 1-4: 1 and 5
        ([(2, P), (3, P)], False),  # sum 5: 1 + 4 … 4 + 1
        ([(3, P), (4, P)], False),  # sum 7: 3 + 4 or 4 + 3
        ([(1, P), (1, P), (20, X)], False),  # sum 22: 1-4, 1-4 and 14-20
        ([(4, P), (9, X)], False),  # sum 13: 4 + 9, 3 + 10 … and 13 + 0 is no "< 5"
        ([(0, X), (12, X)], False),  # two "x"s: 0 + 12, 5 + 7, 6 + 6 …
        ([], False),
    ],
)
def test_exposed(parts: list[tuple[int, bool]], gives_away: bool) -> None:
    assert exposed(parts, 5) is gives_away


def test_is_small() -> None:
    assert [v for v in range(7) if is_small(v, 5)] == [1, 2, 3, 4]
    assert not is_small(3, 0)  # a threshold of 0 hides nothing (a count of no one)
