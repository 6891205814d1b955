"""A published sum of hidden counts: when it gives them away (hand-computed, threshold 5)."""

from __future__ import annotations

import pytest

from tupa.core import disclosure
from tupa.core.disclosure import exposed, is_small, pinned

P, U, X = disclosure.SMALL, disclosure.UNDER, disclosure.APART  # 1-4, 0-4, 0 or 5 up


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
        ([(4, U), (4, U)], True),  # sum 8: both at their most
        ([(0, U), (5, X)], True),  # sum 5: the "x" is not 0 (the 0-4 would be 5): 0 and 5
        ([(2, U), (3, U)], False),  # sum 5: 1 + 4 … 4 + 1, and 0 + 5 is no 0-4
        ([(0, U), (9, X)], False),  # sum 9: 0 + 9, 4 + 5
        ([(1, P), (4, U)], False),  # sum 5: 1 + 4 … 4 + 1
        ([(0, U), (0, U)], False),  # sum 0: both 0, and a 0-4 that is 0 says nobody is there
        ([(0, U), (0, X)], True),  # sum 0: the "x" is 0 (an "x" that is 0 is protected)
        ([], False),
    ],
)
def test_exposed(parts: list[tuple[int, str]], gives_away: bool) -> None:
    assert exposed(parts, 5) is gives_away


def test_is_small() -> None:
    assert [v for v in range(7) if is_small(v, 5)] == [1, 2, 3, 4]
    assert not is_small(3, 0)  # a threshold of 0 hides nothing (a count of no one)


# Every equation at once (pinned) ----------------------------------------------------------------

#: A row "a + b = r" whose total r is a "< 5", and a column "b + c = 7": the row says b ≤ 3
#: (a ≥ 1, r ≤ 4), the column b ≥ 3 (c ≤ 4). So b = 3, c = 4, and then a = 1, r = 4 — though
#: neither equation alone pins anything (a "< 5" pair summing to 7 is 3 + 4 or 4 + 3).
ROW_AND_COLUMN = [({"a": 1, "b": 1, "r": -1}, 0), ({"b": 1, "c": 1}, 7)]


def test_pinned_by_two_equations_together() -> None:
    hidden = {"a": (1, P), "b": (3, P), "c": (4, P), "r": (4, P)}
    assert pinned(hidden, ROW_AND_COLUMN, 5) == ["a", "b", "c", "r"]
    assert pinned(hidden, ROW_AND_COLUMN, 5, among={"c"}) == ["c"]
    assert exposed([(3, P), (4, P)], 5) is False  # b + c alone: 3 + 4 or 4 + 3
    assert pinned(hidden, ROW_AND_COLUMN[:1], 5) == []  # the row alone
    assert pinned(hidden, ROW_AND_COLUMN[1:], 5) == []  # the column alone


def test_not_pinned_when_another_solution_fits() -> None:
    # b + c = 6: b = 2, c = 4 (a 1 or 2) or b = 3, c = 3 (a 1). Nothing has one value only.
    hidden = {"a": (1, P), "b": (2, P), "c": (4, P), "r": (3, P)}
    assert pinned(hidden, [ROW_AND_COLUMN[0], ({"b": 1, "c": 1}, 6)], 5) == []


def test_pinned_knows_what_an_x_can_be() -> None:
    # A "< 5" and an "x" summing to 6: 1 and 5 (as exposed says for one equation).
    assert pinned({"a": (1, P), "x": (5, X)}, [({"a": 1, "x": 1}, 6)], 5) == ["a", "x"]
    # Summing to 13: 4 + 9, 3 + 10 …
    assert pinned({"a": (4, P), "x": (9, X)}, [({"a": 1, "x": 1}, 13)], 5) == []
    # An "x" that is 0: the row "x + y = 12" with y an "x" too (0 + 12, 5 + 7 …).
    assert pinned({"x": (0, X), "y": (12, X)}, [({"x": 1, "y": 1}, 12)], 5) == []


def test_pinned_asks_nothing_without_a_threshold_or_parts() -> None:
    assert pinned({}, [], 5) == []
    assert pinned({"a": (3, X)}, [({"a": 1}, 3)], 0) == []


def test_a_small_total_lets_its_parts_be_zero() -> None:
    """ROW_AND_COLUMN with the row's parts read as 0–4 (its total is a "< 5", so a zero there
    is hidden too, ADR 0036): a = 0 and b = 4 fits as well as a = 1 and b = 3."""
    hidden = {"a": (1, U), "b": (3, U), "c": (4, P), "r": (4, P)}
    assert pinned(hidden, ROW_AND_COLUMN, 5) == []


# What to hide to free a pinned part (freeing) ---------------------------------------------------


def test_freeing_hides_the_cheapest_part_that_lets_it_move() -> None:
    # ROW_AND_COLUMN, the column with a shown 0 (s) and a shown 9 (n) in it: b + c + s + n = 16.
    # Hiding s (an "x": 0 or at least 5) lets the column be 1 + 1 + 5 + 9, so b is 1 or 3.
    parts = {
        "a": (1, P), "b": (3, P), "c": (4, P), "r": (4, P),
        "s": (0, "shown"), "n": (9, "shown"),
    }  # fmt: skip
    equations = [{"a": 1, "b": 1, "r": -1}, {"b": 1, "c": 1, "s": 1, "n": 1, "t": -1}]
    parts["t"] = (16, "shown")
    cost = {"s": 3.0, "n": 10.0, "t": 17.0}
    assert disclosure.freeing(parts, equations, "b", 5, cost) == ["s"]
    # Published elsewhere, s cannot be hidden. Hiding the 9 (an "x") lets it be 10, and
    # b + c = 6: b is 2 or 3. Hiding the total would free b too, but costs more.
    parts["s"] = (0, "known")
    assert disclosure.freeing(parts, equations, "b", 5, cost) == ["n"]


def test_freeing_finds_nothing_when_the_symbols_alone_pin_it() -> None:
    # Four "< 5"s of 1 read as 1-4 under a "< 5" total: at least 4, at most 4. A shown 0 in
    # the row, hidden as an "x", would be 0 or at least 5: more than the total. Nothing frees
    # them. (The suppression hides such a zero as a "< 5" instead, and reads the row 0-4:
    # test_a_small_total_lets_its_parts_be_zero, ADR 0036.)
    parts = {f"x{i}": (1, P) for i in range(4)}
    parts |= {"z": (0, "shown"), "t": (4, P)}
    equation = {"x0": 1, "x1": 1, "x2": 1, "x3": 1, "z": 1, "t": -1}
    assert disclosure.freeing(parts, [equation], "x0", 5, {"z": 11.0}) is None
