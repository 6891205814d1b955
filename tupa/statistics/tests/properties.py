"""Checks every indicator's tests share: the breakdowns add up and use only known values; a
return counted by the database agrees with the units; and a toy indicator for the tests of the
engine and its presentation."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tupa.statistics import engine
from tupa.statistics.indicators import registry as indicators
from tupa.statistics.indicators.base import Dimension, Indicator, Params, Result, Unit
from tupa.statistics.returns import registry as returns
from tupa.statistics.returns.base import ReturnTemplate
from tupa.statistics.tables import build_table


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


def lines_of(
    template_id: str, indicator_id: str, units: list[Unit], params: Params
) -> engine.Computed:
    """A return as :func:`engine.run` makes it, only its lines of one indicator (at the
    version each line names), from the given units instead of the database: for the
    suppression's tests and ``benchmarks/suppression.py``."""
    template = returns.get(template_id)
    section = engine.ComputedSection("", "")
    results: dict[int, Result] = {}
    for index, line in template.lines():
        if line.indicator == indicator_id:
            indicator = indicators.get(line.indicator, line.version)
            result = results.setdefault(line.version, Result(indicator, params, units))
            table = build_table(result, line.breakdown)
            section.lines.append(engine.ComputedLine(index, line, indicator, table, result))
    return engine.Computed(template, params, [section], timezone.now())


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


def _figures(computed: engine.Computed) -> list[Any]:
    return [
        (line.index, line.table.figures(), line.table.rows, line.table.cols)
        for line in computed.lines()
    ]


def counted_both_ways(
    template: ReturnTemplate, params: Params
) -> tuple[engine.Computed, engine.Computed]:
    """``template`` on ``params`` as every page counts it (by the database where the template
    can, ADR 0027) and by the units: every table (its figures, rows and columns), the content
    hash and the problems must be the same. Both computations, in that order."""
    counted = engine.run(template, params)
    by_units = engine.run(template, params, by_units=True)
    assert by_units.counted_by == engine.UNITS
    assert _figures(counted) == _figures(by_units)
    assert counted.content_hash() == by_units.content_hash()
    assert counted.problems == by_units.problems
    return counted, by_units
