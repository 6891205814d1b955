"""A figure's link to its records: only a shown, non-zero figure links; a dimension that never
leads to records (a person's municipality) links only its total, which is the whole line."""

from __future__ import annotations

import datetime as dt

from tupa.statistics.engine import ComputedLine
from tupa.statistics.indicators.base import Dimension, Params, Result, Unit
from tupa.statistics.present import present_line
from tupa.statistics.returns.base import Line
from tupa.statistics.suppression import PRIMARY
from tupa.statistics.tables import build_table
from tupa.statistics.tests.properties import toy_indicator

PARAMS = Params(1, dt.date(2025, 1, 1), dt.date(2025, 12, 31), (1,))
COLOURS = Dimension(
    "colour", "väri", (("red", "punainen"), ("blue", "sininen"), ("green", "vihreä"))
)
TOWNS = Dimension("municipality", "kotikunta", (("91", "Helsinki"), ("398", "Lahti")))
UNITS = [Unit(("red", "91"), 3), Unit(("blue", "398"), 2)]


def _line(breakdown: tuple[str, ...]) -> ComputedLine:
    indicator = toy_indicator(UNITS, COLOURS, TOWNS)
    result = Result(indicator, PARAMS, UNITS)
    table = build_table(result, breakdown)
    return ComputedLine(4, Line("test.things", 1, breakdown), indicator, table, result)


def test_shown_nonzero_cells_link_with_the_kept_parameters() -> None:
    line = _line(("colour",))
    states = {("cell", "blue", ""): PRIMARY}
    shown = present_line(
        line, states, base={"jakso": "2"}, drill_url=lambda index: f"/r/luku/{index}/"
    )
    red, blue, green = (row.cells[0] for row in shown.rows)
    assert red.href == "/r/luku/4/?jakso=2&colour=red"
    assert (blue.text, blue.href) == ("< 5", "")  # suppressed: no way to the records
    assert (green.value, green.href) == (0, "")  # nothing behind a zero
    assert shown.total is not None and shown.total.href == "/r/luku/4/?jakso=2"
    assert present_line(line, states).total.href == ""  # type: ignore[union-attr]


def test_a_municipality_breakdown_links_only_its_total() -> None:
    shown = present_line(
        _line(("municipality",)),
        None,
        base={"jakso": "2"},
        drill_url=lambda index: f"/r/luku/{index}/",
    )
    assert [row.cells[0].href for row in shown.rows] == ["", ""]
    assert [row.cells[0].value for row in shown.rows] == [3, 2]
    assert shown.total is not None and shown.total.href == "/r/luku/4/?jakso=2"
