"""Small-cell suppression: hand examples, and an attacker who solves the published equations.

The attack does not trust the module's graph argument: it writes the table's equations out
(each row's cells = its total, each column's cells = its total, row totals = grand total,
column totals = grand total; one-way: cells = total), moves the published values to the right
hand side and asks, by exact Gaussian elimination over the rationals, whether some suppressed
part's value is uniquely determined (its unit vector lies in the row space of the coefficient
matrix over the unknowns).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tupa.core import disclosure
from tupa.core.suppression import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    determined,
    display,
    linked,
    reading,
    small_parts,
    suppress,
)
from tupa.core.suppression.graph import suppress_table
from tupa.core.tables import TOTAL, Key, Table
from tupa.core.tests.attacker import (
    bound_pinned,
    counted,
    equations,
    exposed_sums,
    of_people,
    pinned,
    rank,
    shown_small,
)

# Building tables ----------------------------------------------------------------------------


def one_way(cells: list[int]) -> Table:
    rows = [(f"r{i}", f"Rivi {i}") for i in range(len(cells))]
    values: dict[Key, int] = {("cell", r, ""): v for (r, _), v in zip(rows, cells, strict=True)}
    values[TOTAL] = sum(cells)
    return Table(row_dimension="a", row_label="A", rows=rows, values=values)


def two_way(grid: list[list[int]]) -> Table:
    rows = [(f"r{i}", f"Rivi {i}") for i in range(len(grid))]
    cols = [(f"c{j}", f"Sarake {j}") for j in range(len(grid[0]))]
    values: dict[Key, int] = {}
    for (r, _), line in zip(rows, grid, strict=True):
        for (c, _), v in zip(cols, line, strict=True):
            values[("cell", r, c)] = v
        values[("row", r)] = sum(line)
    for j, (c, _) in enumerate(cols):
        values[("col", c)] = sum(line[j] for line in grid)
    values[TOTAL] = sum(map(sum, grid))
    return Table(
        row_dimension="a", col_dimension="b", row_label="A", col_label="B",
        rows=rows, cols=cols, values=values,
    )  # fmt: skip


def parts(table: Table) -> list[Key]:
    return table.keys()


def hidden(states: dict[Key, str], state: str | None = None) -> set[Key]:
    return {k for k, s in states.items() if (s != SHOWN if state is None else s == state)}


# The attacker -------------------------------------------------------------------------------


def recoverable(table: Table, states: dict[Key, str]) -> list[Key]:
    """The suppressed parts an attacker computes exactly from the published values.

    A part is determined iff its unit vector is in the row space of the equations' coefficients
    over the unknowns, i.e. adding it as a row does not raise the rank.
    """
    unknowns = [k for k in parts(table) if states[k] != SHOWN]
    matrix = [[Fraction(eq.get(k, 0)) for k in unknowns] for eq in equations(table)]
    base = rank(matrix)
    found = []
    for i, key in enumerate(unknowns):
        unit = [Fraction(1 if j == i else 0) for j in range(len(unknowns))]
        if rank([*matrix, unit]) == base:
            found.append(key)
    return found


def check(table: Table, states: dict[Key, str], threshold: int = 5) -> None:
    assert set(states) == set(table.keys())
    small = shown_small([table], threshold)
    for key in table.values:
        assert (states[key] == PRIMARY) == (counted(table, key) in small), key
    lines = [(table, states)]
    recovered = {counted(table, key): table.values[key] for key in recoverable(table, states)}
    assert of_people(lines, recovered) == {}
    bridges = {counted(table, key): table.values[key] for key in determined(table, hidden(states))}
    assert of_people(lines, bridges) == {}
    assert exposed_sums(table, states, threshold) == []
    assert of_people(lines, bound_pinned(lines, threshold)) == {}
    # What is published is the table's value itself.
    published = {k: table.values[k] for k, s in states.items() if s == SHOWN}
    assert all(table.values[k] == v for k, v in published.items())


# Hand examples ------------------------------------------------------------------------------


def test_one_way_smallest_complement() -> None:
    table = one_way([3, 10, 12])  # total 25: 3 = 25 - 10 - 12 unless 10 (smallest) is hidden
    states = suppress(table)
    assert states == {
        ("cell", "r0", ""): PRIMARY,
        ("cell", "r1", ""): SECONDARY,
        ("cell", "r2", ""): SHOWN,
        TOTAL: SHOWN,
    }
    check(table, states)


def test_one_way_ties_take_the_first_and_zero_is_not_a_complement() -> None:
    table = one_way([0, 8, 4, 8])  # 4 primary; 0 would protect nothing; 8 and 8 tie: the first
    states = suppress(table)
    assert hidden(states, PRIMARY) == {("cell", "r2", "")}
    assert hidden(states, SECONDARY) == {("cell", "r1", "")}
    assert states[("cell", "r0", "")] == SHOWN
    check(table, states)


def test_one_way_two_small_cells_protect_each_other() -> None:
    table = one_way([3, 4, 20])
    states = suppress(table)
    assert hidden(states) == {("cell", "r0", ""), ("cell", "r1", "")}
    check(table, states)


def test_one_way_two_ones_are_not_given_away_by_their_sum() -> None:
    # 1 and 1 protect each other from exact recomputation, but 22 - 20 = 2 says each is 1.
    # Hiding 20 makes the published sum 22; hiding the total (22) would cost more.
    table = one_way([1, 1, 20])
    states = suppress(table)
    assert hidden(states, PRIMARY) == {("cell", "r0", ""), ("cell", "r1", "")}
    assert hidden(states, SECONDARY) == {("cell", "r2", "")}
    assert states[TOTAL] == SHOWN
    check(table, states)


def test_one_way_two_fours_are_not_given_away_by_their_sum() -> None:
    # 28 - 20 = 8, and two "< 5"s summing to 8 are 4 and 4. Hiding 20 leaves 1-4, 1-4 and
    # 20-26: nothing pinned.
    table = one_way([4, 4, 20])
    states = suppress(table)
    assert hidden(states, SECONDARY) == {("cell", "r2", "")}
    assert states[TOTAL] == SHOWN
    check(table, states)


def test_two_way_a_rows_hidden_sum_is_not_small() -> None:
    # Row 0's 1 and 1 are protected within their columns by row 1's 6 and 7, but row 0's
    # total 11 minus its shown 9 says 2: each is 1. The row's cheapest widening is its 9
    # (cheaper than its total 11); 9 then needs a partner in its column: row 1's 8, which
    # closes a cycle through the hidden 6 and 7.
    table = two_way([[1, 1, 9], [6, 7, 8]])
    states = suppress(table)
    assert hidden(states, PRIMARY) == {("cell", "r0", "c0"), ("cell", "r0", "c1")}
    assert hidden(states, SECONDARY) == {
        ("cell", "r0", "c2"),
        ("cell", "r1", "c0"),
        ("cell", "r1", "c1"),
        ("cell", "r1", "c2"),
    }
    check(table, states)


def test_one_way_small_total_hides_everything_small() -> None:
    table = one_way([1, 0, 2])  # total 3 primary; 1 and 2 primary; the zero beside them too
    states = suppress(table)
    assert hidden(states, PRIMARY) == set(table.keys())
    check(table, states)


def test_a_zero_beside_a_small_total_is_hidden_so_the_symbols_pin_nothing() -> None:
    """Four people, one in each of four rows, and an empty fifth row (ADR 0036). Were the zero
    shown, each "< 5" would be at least 1 and the four at most the total's 4: each exactly 1.
    With the zero a "< 5" too, every row is 0–4 and the total 1–4: 1 + 0 + 2 + 0 + 1 fits."""
    table = one_way([1, 1, 0, 1, 1])
    states = suppress(table)
    assert hidden(states, PRIMARY) == set(table.keys())
    check(table, states)
    cells = {f"r{i}": (table.cell(f"r{i}"), disclosure.SMALL) for i in (0, 1, 3, 4)}
    total = ({**dict.fromkeys(cells, 1), "t": -1}, 0)
    shown_zero = disclosure.pinned({**cells, "t": (4, disclosure.SMALL)}, [total], 5)
    assert shown_zero == ["r0", "r1", "r3", "r4", "t"]
    under = {key: (value, disclosure.UNDER) for key, (value, _symbol) in cells.items()}
    under["r2"] = (0, disclosure.UNDER)
    both = ({**total[0], "r2": 1}, 0)
    assert disclosure.pinned({**under, "t": (4, disclosure.SMALL)}, [both], 5) == []


def test_a_zero_beside_a_small_total_is_not_protected_itself() -> None:
    """Row r1 (2, 0, 1; total 3) is all "< 5", its zero too. Column c1 is zeros with a total of
    0, so the hidden zero follows from it: nobody is there, which the column's other zeros show
    anyway. Nothing more is hidden for it; the 2 and the 1 are protected by the cycle through
    row r2 (6, 9 and its total hidden), as they would be with the zero shown."""
    table = two_way([[10, 0, 7], [2, 0, 1], [6, 0, 9]])
    states = suppress(table)
    assert hidden(states, PRIMARY) == {
        ("cell", "r1", "c0"), ("cell", "r1", "c1"), ("cell", "r1", "c2"), ("row", "r1"),
    }  # fmt: skip
    assert hidden(states, SECONDARY) == {("cell", "r2", "c0"), ("cell", "r2", "c2"), ("row", "r2")}
    assert recoverable(table, states) == [("cell", "r1", "c1")]
    check(table, states)


def test_total_only() -> None:
    small = Table(values={TOTAL: 3})
    assert suppress(small) == {TOTAL: PRIMARY}
    assert suppress(Table(values={TOTAL: 0})) == {TOTAL: SHOWN}
    assert suppress(Table(values={TOTAL: 40})) == {TOTAL: SHOWN}


def test_two_way_rectangle() -> None:
    # 2 is primary. The cheapest cycle through it: 2 → 10 (same row) → 9 (same column)
    # → 8 (back to the first column): 10 + 9 + 8 = 27 beats every other route.
    table = two_way([[2, 10, 20], [8, 9, 30], [12, 15, 40]])
    states = suppress(table)
    assert hidden(states, PRIMARY) == {("cell", "r0", "c0")}
    assert hidden(states, SECONDARY) == {
        ("cell", "r0", "c1"),
        ("cell", "r1", "c0"),
        ("cell", "r1", "c1"),
    }
    check(table, states)


def test_two_way_small_row_total_hides_the_other_row_total() -> None:
    # Row 0 is 1 + 2 = 3: all three primary. Its cells need partners in row 1 (10, 20); its
    # total 3 = 33 - (row 1's total), so row 1's total 30 goes too. Column totals stay.
    table = two_way([[1, 2], [10, 20]])
    states = suppress(table)
    assert hidden(states, PRIMARY) == {("cell", "r0", "c0"), ("cell", "r0", "c1"), ("row", "r0")}
    assert hidden(states, SECONDARY) == {("cell", "r1", "c0"), ("cell", "r1", "c1"), ("row", "r1")}
    assert states[("col", "c0")] == states[("col", "c1")] == states[TOTAL] == SHOWN
    check(table, states)


def test_two_way_zero_row_stays_shown() -> None:
    # Row 0 is all zeros: shown (not disclosive) and not used as a complement: 3 is protected
    # by 10, 8 and 7 instead of by the zeros.
    table = two_way([[0, 0], [3, 10], [7, 8]])
    states = suppress(table)
    assert all(states[k] == SHOWN for k in parts(table) if table.values[k] == 0)
    assert hidden(states, SECONDARY) == {
        ("cell", "r1", "c1"),
        ("cell", "r2", "c0"),
        ("cell", "r2", "c1"),
    }
    check(table, states)


def test_two_way_single_column_uses_the_margins() -> None:
    # One column: every row's only cell equals its row total, so the margin must go with it.
    table = two_way([[3], [10], [12]])
    states = suppress(table)
    assert {("cell", "r0", "c0"), ("row", "r0")} <= hidden(states, PRIMARY)
    check(table, states)


def test_all_zero_and_all_large_tables_show_everything() -> None:
    for table in (two_way([[0, 0], [0, 0]]), two_way([[5, 6], [7, 50]]), one_way([0, 0])):
        assert hidden(suppress(table)) == set()


def test_equation_count_is_not_enough() -> None:
    # Two hidden rectangles joined by one hidden cell: every row and column has 0 or ≥ 2
    # unknowns, yet the joining cell (r1, c2) follows from rows 0–1 minus columns 0–1.
    table = two_way([[6] * 4 for _ in range(4)])
    rect = {("cell", r, c) for r in ("r0", "r1") for c in ("c0", "c1")}
    rect |= {("cell", r, c) for r in ("r2", "r3") for c in ("c2", "c3")}
    bridge = ("cell", "r1", "c2")
    states = {k: SECONDARY if k in rect | {bridge} else SHOWN for k in parts(table)}
    assert recoverable(table, states) == [bridge]
    assert determined(table, rect | {bridge}) == [bridge]


def test_two_way_bounds_of_a_row_and_a_column_pin_nothing_with_the_rows_zeros_hidden() -> None:
    """Column c3 says r2·c3 + r3·c3 = 13 − 6 = 7 (two "< 5"s: 3 + 4 or 4 + 3), and row r2
    says its cells add up to its total, a "< 5": at most 4. Were r2·c0's 1 the row's only
    other "< 5" (its zeros shown), it would be at least 1, r2·c3 at most 3: so 3, and r3·c3
    4 (ADR 0034's case, which the audit mended by hiding more). Row r2's zeros are "< 5" too
    (ADR 0036): r2·c3 can be 4 with the rest of the row 0, and nothing is pinned by the
    graph's rules alone; the audit adds nothing. The row's zeros in c1 and c2 follow from their
    columns (nobody there) and are not protected themselves."""
    table = two_way([[12, 0, 0, 0], [0, 12, 0, 6], [1, 0, 0, 3], [5, 5, 5, 4]])
    small = small_parts([table], reading([table], 5))[0]
    assert {key for key, symbol in small.items() if symbol == disclosure.UNDER} == {
        ("cell", "r2", c) for c in ("c0", "c1", "c2", "c3")
    }
    graph = suppress_table(table, 5, small)
    assert determined(table, hidden(graph)) == [("cell", "r2", "c1"), ("cell", "r2", "c2")]
    assert exposed_sums(table, graph) == []
    assert of_people([(table, graph)], bound_pinned([(table, graph)])) == {}
    states = suppress(table)
    assert states == graph
    check(table, states)


def test_display() -> None:
    assert display(3, PRIMARY) == "< 5"
    assert display(3, PRIMARY, threshold=10) == "< 10"
    assert display(12, SECONDARY) == "x"
    with translation.override("fi"):
        assert display(1234567, SHOWN) == "1\xa0234\xa0567"
        assert display(0, SHOWN) == "0"


# The attack on random tables ----------------------------------------------------------------

small_values = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(0, 30))


@st.composite
def tables(draw: st.DrawFn) -> Table:
    ways = draw(st.sampled_from([0, 1, 2, 2]))
    if ways == 0:
        return Table(values={TOTAL: draw(small_values)})
    n_rows = draw(st.integers(1, 5))
    if ways == 1:
        return one_way(draw(st.lists(small_values, min_size=n_rows, max_size=n_rows)))
    n_cols = draw(st.integers(1, 5))
    row = st.lists(small_values, min_size=n_cols, max_size=n_cols)
    return two_way(draw(st.lists(row, min_size=n_rows, max_size=n_rows)))


@pytest.mark.heavy
@settings(max_examples=200, deadline=None)
@given(tables(), st.sampled_from([3, 5, 5, 10]))
def test_no_suppressed_value_is_recoverable(table: Table, threshold: int) -> None:
    check(table, suppress(table, threshold), threshold)


# The rule of a published sum against the attacker's enumeration ------------------------------


@st.composite
def hidden_parts(draw: st.DrawFn) -> tuple[list[tuple[int, str]], int]:
    threshold = draw(st.sampled_from([3, 5, 10]))
    small = st.integers(1, threshold - 1).map(lambda v: (v, disclosure.SMALL))
    under = st.integers(0, threshold - 1).map(lambda v: (v, disclosure.UNDER))
    other = st.one_of(st.just(0), st.integers(threshold, threshold + 25)).map(
        lambda v: (v, disclosure.APART)
    )
    return draw(st.lists(st.one_of(small, under, other), min_size=1, max_size=5)), threshold


@settings(max_examples=300, deadline=None)
@given(hidden_parts())
def test_exposed_agrees_with_trying_every_value(case: tuple[list[tuple[int, str]], int]) -> None:
    """``core.disclosure.exposed`` reasons with intervals; the attacker tries every value."""
    parts, threshold = case
    total = sum(v for v, _symbol in parts)
    states = [(v, SECONDARY if symbol == disclosure.APART else PRIMARY) for v, symbol in parts]
    zeros = [i for i, (_v, symbol) in enumerate(parts) if symbol == disclosure.UNDER]
    attacker = 0 < total < threshold or pinned(states, threshold, zeros)
    assert disclosure.exposed(parts, threshold) is attacker


def test_a_suppression_is_remembered_by_the_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """A return page asks for the same suppression on every view: the second time it comes
    from the cache. Other figures, another threshold or another row order are another key."""
    cache.clear()
    calls = []
    real = linked._suppress_linked

    def counting(*args: Any) -> list[dict[Key, str]]:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(linked, "_suppress_linked", counting)
    table = two_way([[3, 10], [12, 7]])
    first = suppress(table)
    assert suppress(two_way([[3, 10], [12, 7]])) == first
    assert len(calls) == 1
    suppress(two_way([[3, 10], [12, 8]]))
    suppress(table, threshold=3)
    swapped = two_way([[3, 10], [12, 7]])
    swapped.rows.reverse()
    suppress(swapped)
    assert len(calls) == 4
    assert first == real([table], 5, ())[0]  # the remembered states are the states
