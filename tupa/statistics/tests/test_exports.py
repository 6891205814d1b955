"""The exports of a computed return: XLSX, Finnish Excel CSV and the PDF's charts (no database
needed; every PDF is written by tupa.core.pdf, tested in tupa/core/tests/test_pdf.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from tupa.core.tables import TOTAL, Key, Table
from tupa.statistics.engine import Computed, ComputedLine, ComputedSection
from tupa.statistics.exports import (
    PDF_CHART_PARTS,
    csv_bytes,
    csv_number,
    legend,
    pdf_chart,
    xlsx,
)
from tupa.statistics.indicators.base import Indicator, Params
from tupa.statistics.returns.base import Line, Provenance, ReturnTemplate, Section
from tupa.statistics.suppression import suppress_computed

META = [
    ("Vastaanottaja", "THL"),
    ("Ajanjakso", "1.1.–31.12.2024"),
    ("Sisällön tiiviste", "abc123"),
    ("Pienten lukujen raja", "5"),
]


@pytest.fixture(autouse=True)
def _finnish() -> Iterator[None]:
    with translation.override("fi"):
        yield


def indicator(id: str, title: str, rule: str, unit: str) -> Indicator:
    return Indicator(
        id=id, version=1, title=title, rule=rule, unit_label=unit, dimensions=(),
        units=lambda p: [],
    )  # fmt: skip


def computed() -> Computed:
    people = indicator("test.people", "Asiakkaat", "Lasketaan henkilöt kerran.", "henkilöä")
    days = indicator("test.days", "Hoitovuorokaudet", "Yöt jakson aikana.", "vuorokautta")
    total_only = Table(values={TOTAL: 42})
    by_gender = Table(
        row_dimension="gender",
        row_label="Sukupuoli",
        rows=[("f", "Nainen"), ("m", "Mies"), ("x", "=SUM(A1)")],
        values={("cell", "f", ""): 3, ("cell", "m", ""): 10, ("cell", "x", ""): 12, TOTAL: 25},
    )
    grid: dict[Key, int] = {
        ("cell", "a", "1"): 2, ("cell", "a", "2"): 10, ("cell", "a", "3"): 20,
        ("cell", "b", "1"): 8, ("cell", "b", "2"): 9, ("cell", "b", "3"): 30,
        ("row", "a"): 32, ("row", "b"): 47,
        ("col", "1"): 10, ("col", "2"): 19, ("col", "3"): 50, TOTAL: 79,
    }  # fmt: skip
    two_way = Table(
        row_dimension="age",
        col_dimension="month",
        row_label="Ikä",
        col_label="Kuukausi",
        rows=[("a", "Aikuinen"), ("b", "Lapsi")],
        cols=[("1", "tammikuu"), ("2", "helmikuu"), ("3", "maaliskuu")],
        values=grid,
    )
    line_total = Line("test.people", 1)
    line_gender = Line("test.people", 1, ("gender",), label="Asiakkaat sukupuolen mukaan")
    line_grid = Line("test.days", 1, ("age", "month"), provenance=Provenance.ESTIMATED)
    template = ReturnTemplate(
        id="test.return",
        version=1,
        recipient="thl",
        title="Testi-ilmoitus",
        description="",
        sections=(
            Section("Asiakkaat", (line_total, line_gender)),
            Section("Hoitopäivät", (line_grid,), note="Arvioitu"),
        ),
    )
    sections = [
        ComputedSection(
            "Asiakkaat",
            "",
            [
                ComputedLine(0, line_total, people, total_only),
                ComputedLine(1, line_gender, people, by_gender),
            ],
        ),
        ComputedSection("Hoitopäivät", "Arvioitu", [ComputedLine(2, line_grid, days, two_way)]),
    ]
    params = Params(organisation_id=1, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    return Computed(template, params, sections, dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC))


def export(states: bool = True) -> tuple[Computed, bytes, bytes]:
    c = computed()
    st = suppress_computed(c) if states else None
    kwargs = {"title": "Testi-ilmoitus 2024", "subject": "Turvakoti Testilä", "meta": META}
    return c, xlsx(c, st, **kwargs), csv_bytes(c, st, **kwargs)


def rows_by_label(ws: object) -> dict[object, tuple[object, ...]]:
    out: dict[object, tuple[object, ...]] = {}
    for row in ws.iter_rows(values_only=True):  # type: ignore[attr-defined]
        out.setdefault(row[0], row)
    return out


def test_suppression_states_of_the_fixture() -> None:
    states = suppress_computed(computed())
    assert states[0] == {TOTAL: "shown"}
    assert states[1][("cell", "f", "")] == "primary"
    assert states[1][("cell", "m", "")] == "secondary"
    assert states[2][("cell", "a", "1")] == "primary"


def test_xlsx_figures_sheet() -> None:
    _c, data, _csv = export()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Luvut", "Määritelmät", "Tiedot"]
    ws = wb["Luvut"]
    assert ws["A1"].value == "Testi-ilmoitus 2024"
    assert ws["A1"].font.b
    assert ws["A2"].value == "Turvakoti Testilä"
    assert ws.freeze_panes == "A3"
    assert ws["A3"].value == legend(5)
    rows = rows_by_label(ws)
    assert rows["Nainen"][1] == "< 5"
    assert rows["Mies"][1] == "x"
    assert rows["=SUM(A1)"][1] == 12
    assert isinstance(rows["=SUM(A1)"][1], int)
    # The two-way table: (Aikuinen, tammikuu) = 2 is primary, its rectangle secondary.
    assert rows["Aikuinen"][:5] == ("Aikuinen", "< 5", "x", 20, 32)
    assert rows["Lapsi"][:5] == ("Lapsi", "x", "x", 30, 47)
    assert rows["Ikä / Kuukausi"][:5] == (
        "Ikä / Kuukausi", "tammikuu", "helmikuu", "maaliskuu", "Yhteensä",
    )  # fmt: skip
    texts = [r[0] for r in ws.iter_rows(values_only=True)]
    assert "Asiakkaat sukupuolen mukaan" in texts
    assert "Hoitovuorokaudet" in texts  # the line without a label takes the indicator's title
    assert "Yksikkö: vuorokautta · Tiedon alkuperä: arvio" in texts
    assert "Yksikkö: henkilöä · Tiedon alkuperä: laskettu seurantatiedoista" in texts
    totals = [r for r in ws.iter_rows(values_only=True) if r[0] == "Yhteensä"]
    assert totals[0][1] == 42  # the total-only line
    assert totals[1][1] == 25
    assert totals[2][1:5] == (10, 19, 50, 79)
    # A label that looks like a formula is text, never a formula.
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_xlsx_internal_copy_is_not_suppressed() -> None:
    _c, data, _csv = export(states=False)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Luvut"]
    assert ws["A3"].value is None
    rows = rows_by_label(ws)
    assert rows["Nainen"][1] == 3
    assert rows["Aikuinen"][1:5] == (2, 10, 20, 32)


def test_xlsx_definitions_and_meta() -> None:
    _c, data, _csv = export()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    defs = list(wb["Määritelmät"].iter_rows(values_only=True))
    assert defs[0][:6] == ("Nro", "Osio", "Rivi", "Indikaattori", "Indikaattorin nimi",
                           "Laskentasääntö")  # fmt: skip
    assert defs[2] == (
        2, "Asiakkaat", "Asiakkaat sukupuolen mukaan", "test.people@1", "Asiakkaat",
        "Lasketaan henkilöt kerran.", "henkilöä", "Sukupuoli", "laskettu seurantatiedoista",
    )  # fmt: skip
    assert defs[3][3] == "test.days@1"
    assert defs[3][5] == "Yöt jakson aikana."
    assert defs[3][7] == "Ikä × Kuukausi"
    assert defs[3][8] == "arvio"
    assert defs[1][7] == "–"
    assert list(wb["Tiedot"].iter_rows(values_only=True)) == META


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv() -> None:
    _c, _x, data = export()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = parse_csv(data)
    assert rows[0] == ["Otsikko", "Testi-ilmoitus 2024"]
    assert rows[1] == ["Aihe", "Turvakoti Testilä"]
    assert [tuple(r) for r in rows[2:6]] == META
    assert rows[6] == ["Merkinnät", legend(5)]
    assert legend(5).startswith("< 5 = luku on pienempi kuin 5; x = ")
    assert rows[7] == []
    assert rows[8] == [
        "Osio", "Rivi", "Rivin luokka", "Sarakkeen luokka", "Arvo", "Yksikkö",
        "Tiedon alkuperä", "Indikaattori",
    ]  # fmt: skip
    data_rows = rows[9:]
    assert len(data_rows) == 1 + 4 + 12
    people = "laskettu seurantatiedoista"
    assert data_rows[0] == ["Asiakkaat", "Asiakkaat", "Yhteensä", "", "42", "henkilöä", people,
                            "test.people@1"]  # fmt: skip
    title = "Asiakkaat sukupuolen mukaan"
    assert data_rows[1] == ["Asiakkaat", title, "Nainen", "", "< 5", "henkilöä", people,
                            "test.people@1"]  # fmt: skip
    assert data_rows[2][4] == "x"
    assert data_rows[3][2:5] == ["'=SUM(A1)", "", "12"]  # not executed as a formula
    assert data_rows[4][2:5] == ["Yhteensä", "", "25"]
    grid = {(r[2], r[3]): r[4] for r in data_rows[5:]}
    assert grid[("Aikuinen", "tammikuu")] == "< 5"
    assert grid[("Aikuinen", "maaliskuu")] == "20"
    assert grid[("Lapsi", "Yhteensä")] == "47"
    assert grid[("Yhteensä", "helmikuu")] == "19"
    assert grid[("Yhteensä", "Yhteensä")] == "79"
    assert {r[6] for r in data_rows[5:]} == {"arvio"}
    assert {r[0] for r in data_rows[5:]} == {"Hoitopäivät"}


def test_csv_internal_copy() -> None:
    _c, _x, data = export(states=False)
    rows = parse_csv(data)
    assert rows[6] == []  # no legend in an internal copy
    data_rows = rows[8:]
    assert data_rows[1][4] == "3"
    assert data_rows[2][4] == "10"


def test_csv_numbers() -> None:
    assert csv_number(1234) == "1234"
    assert csv_number(Decimal("1.50")) == "1,50"
    assert csv_number(Decimal("-3.2")) == "-3,2"


# PDF charts ---------------------------------------------------------------------------------

#: A bar of a PDF chart (tupa.core.svg.bars): its width and its tooltip.
_PDF_BAR = re.compile(
    r'<rect x="130" y="\d+" width="(\d+)" height="13" fill="[^"]+"><title>([^<]*)'
)


def pdf_html(states: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """The HTML of the fixture's PDF, as the export renders it (the PDF writer not run)."""
    from tupa.statistics.views import returns as return_views

    given: list[str] = []

    def recording(html: str) -> bytes:
        given.append(html)
        return b"%PDF"

    monkeypatch.setattr(return_views, "html_to_pdf", recording)
    c = computed()
    return_views.export_body(
        c,
        suppress_computed(c) if states else None,
        title="Testi-ilmoitus 2024",
        subject_label="Turvakoti Testilä",
        meta=META,
        fmt="pdf",
    )
    (html,) = given
    return html


def charts_of(html: str) -> list[str]:
    return re.findall(
        r'<div class="overview-chart" aria-hidden="true">(<svg .*?</svg>)</div>', html
    )


def test_a_return_pdf_charts_a_one_way_line_with_the_tables_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 11 item 6, "PDF with charts": the one-way line by gender (3 parts) gets a bar
    chart above its table; the total alone and the 2 × 3 table get none. Internal copy: the
    bars are 3, 10 and 12 (the table's figures), 12 filling the chart's 150-unit span
    (320 wide less 130 for the labels and 40 for the values): 150·3/12 = 37.5 → 38,
    150·10/12 = 125, 150."""
    html = pdf_html(False, monkeypatch)
    (chart,) = charts_of(html)
    assert "<title>Asiakkaat sukupuolen mukaan</title>" in chart
    assert _PDF_BAR.findall(chart) == [
        ("38", "Nainen: 3"),
        ("125", "Mies: 10"),
        ("150", "=SUM(A1): 12"),
    ]
    assert "style=" not in chart and "<script" not in chart
    figure = re.search(r'<figure class="figure" id="luku-1".*?</figure>', html, re.S)
    assert figure and chart in figure.group(0)  # beside its own table
    assert html.count("<svg") == 1


def test_a_suppressed_return_pdfs_chart_draws_no_bar_for_a_hidden_figure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The outgoing copy: Nainen 3 is "< 5" and Mies 10 is "x" (secondary, else 25 − 12 would
    give Nainen away), as in its table. Neither gets a bar nor its number anywhere in the
    chart — only the table's mark beside the empty place; 12 alone is drawn, filling the span."""
    (chart,) = charts_of(pdf_html(True, monkeypatch))
    assert _PDF_BAR.findall(chart) == [("150", "=SUM(A1): 12")]
    texts = re.findall(r">([^<>]+)</text>", chart)
    assert texts == ["Nainen", "&lt; 5", "Mies", "x", "=SUM(A1)", "12"]
    assert ">3<" not in chart and ">10<" not in chart and ": 3" not in chart


def _one_way(parts: int, *, month: bool) -> Any:
    from tupa.statistics.present import present_line

    people = indicator("test.people", "Asiakkaat", "Lasketaan henkilöt kerran.", "henkilöä")
    rows = [(str(i), f"osa {i}") for i in range(1, parts + 1)]
    values: dict[Key, int] = {("cell", r, ""): int(r) * 10 for r, _label in rows}
    values[TOTAL] = sum(values.values())
    table = Table(
        row_dimension="month" if month else "age_band",
        row_label="Kuukausi" if month else "Ikäryhmä",
        rows=rows,
        values=values,
    )
    line = Line("test.people", 1, (table.row_dimension,), label="Asiakkaat")
    return present_line(ComputedLine(0, line, people, table), None, drillable=False)


def test_a_pdf_chart_is_drawn_for_a_dozen_parts_but_not_for_more_than_13() -> None:
    """A month breakdown (12 parts) and 13 age bands are charted, the month one in place of
    the page's column chart (which has no mark for a hidden month); 14 parts and a single
    part are their tables alone."""
    months = _one_way(12, month=True)
    assert months.chart is not None  # the page's column chart
    chart = pdf_chart(months)
    assert chart is not None and chart != months.chart
    assert [w for w, _t in _PDF_BAR.findall(chart)] == [
        str(round(150 * i / 12)) for i in range(1, 13)
    ]
    assert pdf_chart(_one_way(PDF_CHART_PARTS, month=False)) is not None
    assert pdf_chart(_one_way(PDF_CHART_PARTS + 1, month=False)) is None
    assert pdf_chart(_one_way(1, month=False)) is None


def test_a_return_pdf_with_charts_stays_tagged_and_its_tables_read_whole() -> None:
    """The real PDF: the chart is a figure of the tagged PDF/UA whose text alternative is its
    title (as the annual pack's), and the table's rows still read in order."""
    from tupa.core.tests.helpers import pdf_structure, pdf_text
    from tupa.statistics.views.returns import export_body

    c = computed()
    body = export_body(
        c,
        suppress_computed(c),
        title="Testi-ilmoitus 2024",
        subject_label="Turvakoti Testilä",
        meta=META,
        fmt="pdf",
    )
    structure = pdf_structure(body)
    assert structure.tagged and structure.lang == "fi"
    assert structure.figures == ["Asiakkaat sukupuolen mukaan"]
    assert "Nainen < 5 Mies x =SUM(A1) 12" in pdf_text(body)
