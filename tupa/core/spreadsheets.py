"""Files that people open in a spreadsheet program: the one CSV writer and the one XLSX writer of
Tupa, and the download responses for them (reading a CSV is :mod:`tupa.core.csvreader`).

**CSV for Finnish Excel** (:func:`finnish_csv`): ``;`` separated, UTF-8 with a byte-order mark,
CRLF line ends. A cell is written by its type (:func:`csv_value`): a number as Finnish Excel reads
it — plain digits, a decimal comma, no grouping (``1234,56``, ``-12,50``; a ``Decimal`` exactly as
it is, never rounded here); a day as ``d.m.yyyy``; ``None`` empty; and every other cell as text
through :func:`csv_cell`, which puts a ``'`` in front of a text that a spreadsheet would run as a
formula. Numbers are not text, so a negative amount stays a number (and so does a text that is
only a signed number, like a mean already formatted as ``-0,5``).

**XLSX** (:func:`xlsx`, :func:`workbook`): numbers stay numbers (a ``Decimal`` with the format
``#,##0.00``), days are dates (``d.m.yyyy``), a text is always text — one starting with ``=`` is
stored as a string, never as a formula — and characters XML cannot hold are dropped. A table
sheet has a bold header row, frozen below it, and columns as wide as their text.

Downloads (:func:`csv_response`, :func:`xlsx_response`, :func:`csv_streaming_response`) are
attachments with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from tupa.core.downloads import download, streamed_download
from tupa.core.xmltext import xml_text

if TYPE_CHECKING:  # openpyxl is imported when a workbook is made (a heavy import)
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

#: A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"

#: XLSX number formats: money, a day, a moment.
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "d.m.yyyy"
DATETIME_FORMAT = "d.m.yyyy h:mm"

#: A signed number (decimal comma or point, no grouping): never a formula.
_PLAIN_NUMBER = re.compile(r"[+-]\d+([,.]\d+)?")
#: Characters a sheet name may not have.
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


# CSV --------------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """A CSV cell that spreadsheet programs will not execute as a formula: a text starting with
    one of :data:`FORMULA_PREFIXES` gets a ``'`` in front — unless it is a plain number
    (``-12,50``, already formatted), which is no formula and stays a number."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def finnish_number(value: int | float | Decimal) -> str:
    """A number as Finnish Excel reads it: plain digits, a decimal comma, no grouping
    (``Decimal("-1234.50")`` → ``-1234,50``; a ``Decimal`` keeps its places, nothing is rounded)."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


def finnish_day(value: dt.date) -> str:
    """A day as ``d.m.yyyy`` (a moment as ``d.m.yyyy hh:mm``, in local time)."""
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{moment.day}.{moment.month}.{moment.year} {moment:%H:%M}"
    return f"{value.day}.{value.month}.{value.year}"


def csv_value(value: Any) -> str:
    """One cell of a Finnish CSV, by its type (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return finnish_number(value)
    if isinstance(value, dt.date):
        return finnish_day(value)
    return csv_cell(value)


class _Echo:
    """A file that hands back what is written: ``csv.writer`` then returns each line."""

    def write(self, value: str) -> str:
        return value


def finnish_csv_lines(header: Sequence[Any] | None, rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The lines of :func:`finnish_csv` one by one (the byte-order mark first), for streaming."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM
    if header is not None:
        yield writer.writerow([csv_value(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


def finnish_csv(header: Sequence[Any] | None, rows: Iterable[Sequence[Any]]) -> bytes:
    """``header`` (``None``: no header row) and ``rows`` as CSV for Finnish Excel: ``;``
    separated, UTF-8 with a byte-order mark, CRLF; cells by :func:`csv_value`. An empty row is an
    empty line (e.g. between the facts of a copy and its table)."""
    return "".join(finnish_csv_lines(header, rows)).encode("utf-8")


# XLSX -------------------------------------------------------------------------------------


def xlsx_value(value: Any) -> Any:
    """What a cell stores: numbers and days as they are (a moment in local time, without a
    zone), ``None`` empty, anything else as text without the characters XML cannot hold."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    return xml_text(str(value))


def _number_format(value: Any) -> str | None:
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return None


def _guard(cell: Cell, value: Any) -> None:
    """A text is text: openpyxl would store one starting with ``=`` as a formula."""
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    *,
    number_format: str | None = None,
    bold: bool = False,
) -> Cell:
    """Write one cell by the rules of the module docstring; ``number_format`` overrides the one
    of the value's type. Returns the cell (for alignment or a font)."""
    from openpyxl.styles import Font

    stored = xlsx_value(value)
    cell = ws.cell(row=row, column=col, value=stored)
    _guard(cell, stored)
    number_format = number_format or _number_format(stored)
    if number_format and stored is not None and not isinstance(stored, str):
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def append(ws: Worksheet, values: Sequence[Any], *, bold: bool = False) -> int:
    """Write ``values`` as the sheet's next row (like ``Worksheet.append``, by :func:`put`);
    returns the row's number."""
    ws.append([xlsx_value(v) for v in values])
    row = ws.max_row
    for col, value in enumerate(values, start=1):
        put(ws, row, col, value, bold=bold)
    return row


def sheet_title(title: str) -> str:
    """``title`` as a sheet's name (at most 31 characters, none of ``[]:*?/\\``)."""
    return _SHEET_NAME.sub(" ", str(title))[:31] or "Taulukko"


@dataclass(frozen=True)
class Sheet:
    """One sheet of :func:`workbook`: a table (``header`` in bold, frozen below it) or, without a
    header, plain rows (e.g. the facts of a copy: name, value)."""

    title: str
    rows: Iterable[Sequence[Any]]
    header: Sequence[Any] | None = None
    #: The top-left cell that is not frozen; by default ``"A2"`` under a header, else none.
    freeze: str | None = None
    #: Column (0-based) → number format, over the one of the value's type (e.g. ``"0.0"`` %).
    number_formats: Mapping[int, str] = field(default_factory=dict)


def _fill(ws: Worksheet, sheet: Sheet) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    row = 0
    if sheet.header is not None:
        row = 1
        for col, value in enumerate(sheet.header, start=1):
            put(ws, row, col, value, bold=True)
            widths[col] = len(str(value)) + 2
    for values in sheet.rows:
        row += 1
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value, number_format=sheet.number_formats.get(col - 1))
            if isinstance(value, str):
                widths[col] = max(widths.get(col, 0), min(len(value) + 2, 60))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(width, 12)
    freeze = sheet.freeze or ("A2" if sheet.header is not None else None)
    if freeze:
        ws.freeze_panes = freeze


def workbook(sheets: Sequence[Sheet], *, title: str = "", subject: str = "") -> bytes:
    """The sheets as an XLSX workbook (created by "Tupa"); ``title`` and ``subject`` go into the
    file's properties."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None
    for n, sheet in enumerate(sheets):
        ws = first if n == 0 else wb.create_sheet()
        ws.title = sheet_title(sheet.title)
        _fill(ws, sheet)
    return workbook_bytes(wb, title=title, subject=subject)


def workbook_bytes(wb: Any, *, title: str = "", subject: str = "") -> bytes:
    """An openpyxl workbook laid out by hand (with :func:`put`) as the bytes of an XLSX file."""
    if title:
        wb.properties.title = title
    if subject:
        wb.properties.subject = subject
    wb.properties.creator = "Tupa"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx(
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    freeze: str | None = None,
    number_formats: Mapping[int, str] | None = None,
    more: Sequence[Sheet] = (),
) -> bytes:
    """A workbook of one table (the sheet ``title``), then the sheets ``more``."""
    table = Sheet(title, rows, header, freeze, number_formats or {})
    return workbook([table, *more])


# Downloads --------------------------------------------------------------------------------


def csv_response(content: bytes, filename: str) -> HttpResponse:
    """``content`` (:func:`finnish_csv`) as the download ``filename``."""
    return download(content, CSV_CONTENT_TYPE, filename)


def csv_streaming_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """``lines`` (:func:`finnish_csv_lines`) streamed as the download ``filename`` (a long
    list written while it is read from the database)."""
    return streamed_download(lines, CSV_CONTENT_TYPE, filename)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """``content`` (:func:`xlsx`, :func:`workbook`) as the download ``filename``."""
    return download(content, XLSX_CONTENT_TYPE, filename)
