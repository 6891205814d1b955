"""A figure's link to its records: only a shown, non-zero figure links; a dimension that never
leads to records (a person's municipality) links only its total, which is the whole line."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template

from tupa.core.suppression import PRIMARY
from tupa.statistics.engine import ComputedLine
from tupa.statistics.indicators.base import Dimension, Params, Result, Unit
from tupa.statistics.present import present_line
from tupa.statistics.returns.base import Line
from tupa.statistics.tables import build_table
from tupa.statistics.tests.properties import toy_indicator

PARAMS = Params(1, dt.date(2025, 1, 1), dt.date(2025, 12, 31), (1,))
COLOURS = Dimension(
    "colour", "väri", (("red", "punainen"), ("blue", "sininen"), ("green", "vihreä"))
)
TOWNS = Dimension("municipality", "kotikunta", (("91", "Helsinki"), ("398", "Lahti")))
UNITS = [Unit(("red", "91"), 3), Unit(("blue", "398"), 2)]


SIZES = Dimension("size", "koko", (("s", "pieni"), ("l", "iso")))


def _line(
    breakdown: tuple[str, ...], second: Dimension = TOWNS, units: list[Unit] = UNITS
) -> ComputedLine:
    indicator = toy_indicator(units, COLOURS, second)
    result = Result(indicator, PARAMS, units)
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


def test_a_figure_renders_itself_as_a_link_or_escaped_text() -> None:
    """``{{ cell }}`` and ``{{ row.cells_html }}`` in the figure's template: the same markup
    the template's ``{% if %}`` wrote, escaped (a suppressed "< 5", an ``&`` in a link)."""
    units = [Unit(("red", "s"), 3), Unit(("blue", "l"), 2)]
    line = _line(("colour", "size"), SIZES, units)
    states = {("cell", "blue", "l"): PRIMARY}
    shown = present_line(
        line, states, base={"jakso": "2"}, drill_url=lambda index: f"/r/luku/{index}/"
    )
    red, blue, _green = shown.rows
    assert str(red.cells[0]) == ('<a href="/r/luku/4/?jakso=2&amp;colour=red&amp;size=s">3</a>')
    assert str(blue.cells[1]) == "&lt; 5"
    assert red.cells_html() == (
        '<td class="num"><a href="/r/luku/4/?jakso=2&amp;colour=red&amp;size=s">3</a></td>'
        '<td class="num">0</td>'
        '<td class="num"><a href="/r/luku/4/?jakso=2&amp;colour=red">3</a></td>'
    )
    rendered = Template("{{ cell }}").render(Context({"cell": red.cells[1]}))
    assert rendered == "0"  # a template shows the cell's HTML, not its dataclass repr


def test_a_base_parameter_named_like_a_dimension_gives_way_to_the_cell() -> None:
    shown = present_line(
        _line(("colour",)), None, base={"colour": "blue", "jakso": "2"}, drill_url=str
    )
    assert shown.rows[0].cells[0].query == "jakso=2&colour=red"


def test_a_table_renders_itself_with_its_labels_escaped() -> None:
    """``{{ line.table_html }}``: headers, a row per value with its total, the column totals and
    the line's total — what the figure's template loops wrote; every label escaped."""
    odd = Dimension("colour", "väri <b>", (("red", "punainen & <i>"), ("blue", "sininen")))
    units = [Unit(("red", "s"), 3), Unit(("blue", "l"), 2)]
    indicator = toy_indicator(units, odd, SIZES)
    result = Result(indicator, PARAMS, units)
    line = ComputedLine(
        7,
        Line("test.things", 1, ("colour", "size")),
        indicator,
        build_table(result, ("colour", "size")),
        result,
    )
    states = {("cell", "blue", "l"): PRIMARY}
    html = present_line(line, states).table_html()
    assert html == (
        '<table class="data">'
        '<thead><tr><th scope="col">Väri &lt;b&gt;</th>'
        '<th scope="col" class="num">pieni</th><th scope="col" class="num">iso</th>'
        '<th scope="col" class="num">Yhteensä</th></tr></thead>'
        "<tbody>"
        '<tr><th scope="row">Punainen &amp; &lt;i&gt;</th>'
        '<td class="num">3</td><td class="num">0</td><td class="num">3</td></tr>'
        '<tr><th scope="row">Sininen</th>'
        '<td class="num">0</td><td class="num">&lt; 5</td><td class="num">2</td></tr>'
        "</tbody>"
        '<tfoot><tr><th scope="row">Yhteensä</th><td class="num">3</td><td class="num">2</td>'
        '<td class="num" data-figure="7">5</td></tr></tfoot>'
        "</table>"
    )
    one_way = present_line(_line(("colour",)), None).table_html()
    # A one-way table's only column is the unit; its rows have no total of their own.
    assert one_way.startswith(
        '<table class="data"><thead><tr><th scope="col">Väri</th>'
        '<th scope="col" class="num">Kpl</th></tr></thead>'
        '<tbody><tr><th scope="row">Punainen</th><td class="num">3</td></tr>'
    )
    assert one_way.endswith(
        '<tfoot><tr><th scope="row">Yhteensä</th><td class="num" data-figure="4">5</td></tr>'
        "</tfoot></table>"
    )
