"""The one CSV/XLSX writer (``tupa/core/spreadsheets.py``) and the one CSV reader
(``tupa/core/csvreader.py``): Finnish Excel CSV, formula-safe cells, numbers that stay numbers,
and reading what Webropol, Excel, accounting systems and banks write.

No database: pure functions of bytes and values.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from tupa.core import csvreader
from tupa.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Sheet,
    csv_cell,
    csv_response,
    csv_streaming_response,
    csv_value,
    finnish_csv,
    finnish_csv_lines,
    finnish_number,
    workbook,
    xlsx,
    xlsx_response,
)

pytestmark = pytest.mark.db_neutral

D = Decimal


# --- the injection guard -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-", "'-"),
        ("Lasku 1000", "Lasku 1000"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        # A plain signed number is no formula: it stays a number (an already formatted figure).
        ("-12,50", "-12,50"),
        ("-0,5", "-0,5"),
        ("+3", "+3"),
    ],
)
def test_csv_cell_quotes_what_a_spreadsheet_would_run(text: str | None, expected: str) -> None:
    assert csv_cell(text) == expected


# --- numbers, days and text as CSV cells ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1234.56"), "1234,56"),  # decimal comma, no grouping
        (D("-12.50"), "-12,50"),  # negative: a number, not guarded
        (D("2.5"), "2,5"),  # a Decimal keeps its places: nothing is rounded
        (D("0.00"), "0,00"),
        (D("1E+3"), "1000"),  # never exponent notation
        (1234, "1234"),
        (-3, "-3"),
        (1.5, "1,5"),
        (True, "True"),
        (dt.date(2026, 12, 1), "1.12.2026"),
        (dt.datetime(2026, 3, 5, 9, 7), "5.3.2026 09:07"),
        (None, ""),
        ("=1+1", "'=1+1"),  # text: through csv_cell
        ("00100", "00100"),  # a postal code is text and stays as typed
    ],
)
def test_csv_value_by_type(value: Any, expected: str) -> None:
    assert csv_value(value) == expected


def test_finnish_number() -> None:
    assert finnish_number(D("-1234.50")) == "-1234,50"
    assert finnish_number(7) == "7"


# --- the CSV file --------------------------------------------------------------------------


def test_finnish_csv_has_a_bom_semicolons_and_crlf() -> None:
    header = ["Päivä", "Selite", "Summa (€)"]
    rows: list[list[Any]] = [
        [dt.date(2026, 1, 5), "=HYPERLINK(1)", D("-12.50")],
        [dt.date(2026, 1, 6), "Lahjoitus; kiitos", D("1863.70")],
    ]
    data = finnish_csv(header, rows)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads UTF-8
    assert data.decode("utf-8") == (
        "\ufeffPäivä;Selite;Summa (€)\r\n"
        "5.1.2026;'=HYPERLINK(1);-12,50\r\n"
        '6.1.2026;"Lahjoitus; kiitos";1863,70\r\n'  # a ";" in a cell is quoted
    )


def test_finnish_csv_without_a_header_and_with_an_empty_row() -> None:
    data = finnish_csv(None, [["Otsikko", "Talous"], [], ["a", 1]])
    assert data.decode("utf-8") == "\ufeffOtsikko;Talous\r\n\r\na;1\r\n"
    assert finnish_csv(None, []) == "\ufeff".encode()


def test_the_streamed_lines_are_the_same_file() -> None:
    header, rows = ["a", "b"], [[1, "x"], [D("2.50"), None]]
    lines = list(finnish_csv_lines(header, iter(rows)))
    assert lines[0] == "\ufeff" and lines[1] == "a;b\r\n"
    assert "".join(lines).encode("utf-8") == finnish_csv(header, rows)


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_keeps_numbers_and_days_and_text_as_text() -> None:
    header = ["Päivä", "Lasku", "Summa", "Selite"]
    rows: list[list[Any]] = [
        [dt.date(2026, 12, 1), 1000, D("-95.50"), "=HYPERLINK(1)"],
        [dt.date(2026, 12, 2), 1001, D("1234567.05"), "-12,50 \x0b"],
    ]
    book = load_workbook(io.BytesIO(xlsx("Kirjanpito", header, rows)))
    sheet = book.active
    assert sheet is not None and sheet.title == "Kirjanpito"
    assert [c.value for c in sheet[1]] == header and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == dt.datetime(2026, 12, 1) and sheet["A2"].number_format == "d.m.yyyy"
    assert sheet["B2"].value == 1000 and sheet["B2"].number_format == "General"
    assert sheet["C2"].value == -95.5 and sheet["C2"].number_format == "#,##0.00"
    # A text that looks like a formula is stored as text, without a visible apostrophe.
    assert sheet["D2"].value == "=HYPERLINK(1)" and sheet["D2"].data_type == "s"
    # A control character XML cannot hold is dropped; a negative-looking text stays text.
    assert sheet["D3"].value == "-12,50 " and sheet["D3"].data_type == "s"
    assert book.properties.creator == "Tupa"


def test_workbook_of_several_sheets_with_formats() -> None:
    data = workbook(
        [
            Sheet(
                "Talous: vs/toteuma [2018]",
                [["Ensikoti", D("2.5")]],
                ["Yksikkö", "%"],
                "B2",
                {1: "0.0"},
            ),
            Sheet("Tiedot", [["Tulostettu", "1.1.2026"], [], ["Kysely", "=x"]]),
        ]
    )
    book = load_workbook(io.BytesIO(data))
    first, facts = book.worksheets
    assert first.title == "Talous  vs toteuma  2018 "  # no []:*?/\ in a sheet's name
    assert first.freeze_panes == "B2" and first["B2"].number_format == "0.0"
    assert facts.freeze_panes is None and facts["A1"].value == "Tulostettu"
    assert facts["A2"].value is None and facts["B3"].value == "=x"  # an empty row stays empty
    assert facts["B3"].data_type == "s"


# --- downloads -------------------------------------------------------------------------------


def test_responses_are_attachments_that_are_not_stored() -> None:
    response = csv_response(b"x", "lista-2026.csv")
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="lista-2026.csv"'
    assert response["Cache-Control"] == "no-store"
    response = xlsx_response(b"x", "lista.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "no-store"
    streamed = csv_streaming_response(finnish_csv_lines(["a"], [[1]]), "loki.csv")
    assert b"".join(streamed.streaming_content) == finnish_csv(["a"], [[1]])  # type: ignore[arg-type]
    assert streamed["Content-Disposition"] == 'attachment; filename="loki.csv"'


# --- reading -----------------------------------------------------------------------------------


def parse(data: bytes, **kwargs: Any) -> csvreader.Parsed:
    return csvreader.parse(data, max_rows=kwargs.pop("max_rows", 100), **kwargs)


def test_reads_a_semicolon_file_with_a_bom_and_finnish_decimals() -> None:
    data = "\ufeffkausi;summa\r\n2018-01;-1 234,56\r\n;\r\n2018-02;12\r\n".encode()
    found = parse(data)
    assert found.header == ["kausi", "summa"] and found.delimiter == ";"
    assert found.rows == [["2018-01", "-1 234,56"], ["2018-02", "12"]]
    assert found.numbers == [2, 4]  # the empty third row is dropped, numbers stay the file's
    assert found.numbered()[1] == (4, ["2018-02", "12"])
    assert csvreader.finnish_decimal(found.rows[0][1]) == D("-1234.56")


def test_reads_a_comma_file_with_quotes_and_pads_short_rows() -> None:
    found = parse(b'"a","b,c",d\n1,2\n3,4,5,6\n')
    assert found.delimiter == "," and found.header == ["a", "b,c", "d"]
    assert found.rows == [["1", "2", ""], ["3", "4", "5"]]  # padded and cut to the header


def test_reads_a_tab_file_and_prefers_semicolons_on_a_tie() -> None:
    assert parse(b"a\tb\tc\n1\t2\t3\n").delimiter == "\t"
    assert parse(b"a;b,c\n1;2\n").delimiter == ";"


def test_falls_back_to_windows_1252() -> None:
    found = parse("Päivä;Tyytyväisyys\n1.1.2026;5\n".encode("cp1252"))
    assert found.header == ["Päivä", "Tyytyväisyys"]
    assert csvreader.decode("ä".encode()) == "ä"
    assert csvreader.decode("\ufeffä".encode()) == "ä"


def test_strip_and_sha256() -> None:
    data = b"a;b\n 1 ; x \n"
    assert parse(data).rows == [[" 1 ", " x "]]
    assert parse(data, strip=True).rows == [["1", "x"]]
    # The SHA-256 is of the bytes as uploaded (a re-upload of the same file is recognised).
    assert parse(data).sha256 == hashlib.sha256(data).hexdigest() == csvreader.sha256_of(data)
    assert csvreader.sha256_of(b"") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (b"", {}, "Tiedosto on tyhjä."),
        (b"x" * (csvreader.MAX_BYTES + 1), {}, "Tiedosto on liian suuri (enintään 2 Mt)."),
        (b"a;b\x00\n1;2\n", {"not_text": "Ei CSV."}, "Ei CSV."),
        (b"a;b\n", {}, "Tiedostossa pitää olla otsikkorivi ja vähintään yksi rivi."),
        (b"a;b\n\n;\n", {"too_few": "Liian vähän."}, "Liian vähän."),
        (b"a\n1\n", {"min_columns": 2, "too_few": "Sarakkeet?"}, "Sarakkeet?"),
        (b"a;b\n1;2\n3;4\n", {"max_rows": 1}, "Tiedostossa on liikaa rivejä (enintään 1)."),
    ],
)
def test_refusals_are_finnish(data: bytes, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse(data, **kwargs)
    assert error.value.messages == [message]


def test_what_the_writer_writes_the_reader_reads() -> None:
    data = finnish_csv(["Nimi", "Summa"], [["=x", D("-12.50")], ["Åsa; Öljy", D("3.00")]])
    found = parse(data)
    assert found.header == ["Nimi", "Summa"]
    assert found.rows == [["'=x", "-12,50"], ["Åsa; Öljy", "3,00"]]
    assert [csvreader.finnish_decimal(r[1]) for r in found.rows] == [D("-12.50"), D("3.00")]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[2] == ["Åsa; Öljy", "3,00"]  # Python's own reader agrees


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1 234,56", D("1234.56")), ("\u221212", D("-12.00")), ("1.234,56", D("1234.56"))],
)
def test_finnish_decimal(text: str, expected: Decimal) -> None:
    assert csvreader.finnish_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "12,345", "1,2,3", "12 €"])
def test_finnish_decimal_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        csvreader.finnish_decimal(text)


def test_month_of() -> None:
    assert csvreader.month_of(" 2018-3 ") == (2018, 3)
    with pytest.raises(ValueError):
        csvreader.month_of("2018-13")
