"""Checks every indicator's tests share: the breakdowns add up and use only known values; and a
toy indicator for the tests of the engine and its presentation."""

from __future__ import annotations

from tupa.statistics.indicators.base import Dimension, Indicator, Result, Unit


def toy_indicator(units: list[Unit], *dimensions: Dimension) -> Indicator:
    """``test.things``: the given units, whatever the period, with the given dimensions."""
    return Indicator(
        id="test.things",
        version=1,
        title="asiat",
        rule="testi",
        unit_label="kpl",
        dimensions=dimensions,
        units=lambda params: units,
    )


def assert_consistent(result: Result) -> None:
    """Sum over every dimension equals the total; every unit's values are among the choices."""
    total = result.total
    for i, dimension in enumerate(result.indicator.dimensions):
        by = result.by(dimension.key)
        assert sum(by.values()) == total, (result.indicator.key, dimension.key, by, total)
        known = {value for value, _label in dimension.values(result.params)}
        stray = {u.values[i] for u in result.units} - known
        assert not stray, (result.indicator.key, dimension.key, stray)
    for u in result.units:
        assert len(u.values) == len(result.indicator.dimensions), (result.indicator.key, u)
        assert u.weight >= 0, (result.indicator.key, u)


def nonzero(by: dict[tuple[str, ...], int]) -> dict[tuple[str, ...], int]:
    """A breakdown (``Result.by``) without its empty cells: what a hand count lists."""
    return {key: n for key, n in by.items() if n}
