"""The engine's derivations, for any units: breakdowns add up, tables' margins add up,
the municipality filter keeps only that municipality, and the content hash is canonical."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tupa.core.tables import TOTAL
from tupa.statistics.indicators.base import Dimension, Indicator, Params, Result, Unit
from tupa.statistics.indicators.computing import compute
from tupa.statistics.tables import build_table
from tupa.statistics.tests.properties import toy_indicator

COLOURS = Dimension("colour", "väri", (("red", "punainen"), ("blue", "sininen")))
SIZES = Dimension("size", "koko", (("s", "pieni"), ("m", "keski"), ("l", "iso")))
PARAMS = Params(1, dt.date(2025, 1, 1), dt.date(2025, 12, 31), (1,))

units_strategy = st.lists(
    st.builds(
        Unit,
        values=st.tuples(st.sampled_from(["red", "blue"]), st.sampled_from(["s", "m", "l"])),
        weight=st.integers(min_value=0, max_value=40),
        municipality_id=st.sampled_from([None, 1, 2]),
    ),
    max_size=60,
)


def _indicator(units: list[Unit]) -> Indicator:
    return toy_indicator(units, COLOURS, SIZES)


@settings(max_examples=150, deadline=None)
@given(units_strategy)
def test_every_breakdown_adds_up_to_the_total(units: list[Unit]) -> None:
    result = Result(_indicator(units), PARAMS, units)
    assert sum(result.by("colour").values()) == result.total
    assert sum(result.by("size").values()) == result.total
    assert sum(result.by("colour", "size").values()) == result.total
    assert set(result.by("colour")) == {("red",), ("blue",)}  # zero cells are present


@settings(max_examples=150, deadline=None)
@given(units_strategy)
def test_a_two_way_tables_margins_add_up(units: list[Unit]) -> None:
    table = build_table(Result(_indicator(units), PARAMS, units), ("colour", "size"))
    rows, cols = [r for r, _ in table.rows], [c for c, _ in table.cols]
    for r in rows:
        assert table.values[("row", r)] == sum(table.values[("cell", r, c)] for c in cols)
    for c in cols:
        assert table.values[("col", c)] == sum(table.values[("cell", r, c)] for r in rows)
    assert table.values[TOTAL] == sum(table.values[("row", r)] for r in rows)
    assert table.values[TOTAL] == sum(u.weight for u in units)


@pytest.mark.django_db  # compute() asks whom turvakielto protects (nobody here)
@settings(max_examples=100, deadline=None)
@given(units_strategy)
def test_the_municipality_filter_keeps_only_that_municipalitys_units(units: list[Unit]) -> None:
    only = Params(1, PARAMS.start, PARAMS.end, (1,), municipality_id=2)
    result = compute(_indicator(units), only)
    assert all(u.municipality_id == 2 for u in result.units)
    assert result.total == sum(u.weight for u in units if u.municipality_id == 2)


def test_drill_down_selection_matches_the_cell() -> None:
    units = [
        Unit(("red", "s"), 2, episode_id=1),
        Unit(("red", "m"), 3, episode_id=2),
        Unit(("blue", "s"), 5, episode_id=3),
    ]
    result = Result(_indicator(units), PARAMS, units)
    assert [u.episode_id for u in result.matching({"colour": "red"})] == [1, 2]
    assert [u.episode_id for u in result.matching({"size": "s"})] == [1, 3]
    assert result.by("colour") == {("red",): 5, ("blue",): 5}


def test_a_value_outside_the_choices_is_shown_not_dropped() -> None:
    units = [Unit(("green", "s"), 4)]
    table = build_table(Result(_indicator(units), PARAMS, units), ("colour",))
    assert ("green", "green") in table.rows
    assert table.values[("cell", "green", "")] == 4 and table.values[TOTAL] == 4


def test_params_round_trip_and_months() -> None:
    params = Params(7, dt.date(2025, 11, 15), dt.date(2026, 2, 3), (3, 1), municipality_id=9)
    assert Params.from_json(params.as_json()) == Params(
        7, dt.date(2025, 11, 15), dt.date(2026, 2, 3), (1, 3), municipality_id=9
    )
    assert [m.isoformat() for m in params.months()] == [
        "2025-11-01",
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
    ]
