"""A computed return as a spreadsheet (XLSX) or a Finnish Excel CSV (its PDF is the page's
sections rendered from ``statistics/return_pdf.html`` and written by :mod:`tupa.core.pdf`, with
a small bar chart beside each short one-way table: :func:`pdf_sections`).

The exports are pure functions of a :class:`~.engine.Computed` and the suppression states
(:func:`.suppression.suppress_computed`): what is exported is exactly what the screen shows,
and an outgoing return never carries a small figure whatever the format. ``states=None`` means
an internal copy (nothing suppressed).

Numbers stay numbers (an XLSX cell holds an ``int``; the CSV holds plain digits without
grouping, which Finnish Excel reads as numbers); a suppressed part is its display text
(``"< 5"`` or ``"x"``). Cells are written by the one CSV and XLSX writer of Tupa
(:mod:`tupa.core.spreadsheets`: text formula-safe, numbers as numbers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tupa.core import svg
from tupa.core.spreadsheets import MONEY_FORMAT, finnish_csv, finnish_number, put, workbook_bytes
from tupa.core.suppression import DEFAULT_THRESHOLD, SHOWN, display, scaled
from tupa.core.tables import TOTAL, Key, Table

from . import plan_goals
from .plan_goals import Goal
from .returns.base import Provenance

if TYPE_CHECKING:  # the engine reads the database; the exports only read its dataclasses
    from openpyxl.worksheet.worksheet import Worksheet

    from .engine import Computed, ComputedLine
    from .present import ShownLine, ShownSection

States = dict[int, dict[Key, str]]


def provenance_label(value: str) -> str:
    """The Finnish label of a line's provenance (the raw value if it is not a known one)."""
    try:
        return str(Provenance(value).label)
    except ValueError:
        return value


def _state(states: States | None, index: int, key: Key) -> str:
    """A missing state is an error (``KeyError``), never "shown": an export fails closed."""
    if states is None:
        return SHOWN
    return states[index][key]


def _value(
    states: States | None, index: int, table: Table, key: Key, threshold: int, decimals: int = 0
) -> int | Decimal | str:
    """The part's value as exported: the number (euros for a value in cents), or the display
    text when suppressed."""
    state = _state(states, index, key)
    value = table.values[key]
    return scaled(value, decimals) if state == SHOWN else display(value, state, threshold)


def legend(threshold: int) -> str:
    """What the marks of a suppressed copy mean (shown under the title of every export)."""
    return _(
        "< %(threshold)s = luku on pienempi kuin %(threshold)s; x = luku on jätetty pois, "
        "jotta pientä lukua ei voi laskea muista luvuista"
    ) % {"threshold": threshold}


def _breakdown(table: Table) -> str:
    return " × ".join(label for label in (table.row_label, table.col_label) if label) or "–"


def _parts(table: Table) -> Iterator[tuple[Key, str, str]]:
    """Each part of ``table`` with its row and column label (the CSV's one row per part)."""
    rows, cols = dict(table.rows), dict(table.cols)
    total, keys = _("Yhteensä"), table.keys()
    for key in keys:
        if key[0] == "cell":
            yield key, rows.get(key[1], key[1]), cols.get(key[2], key[2])
        elif key[0] == "row":
            yield key, rows.get(key[1], key[1]), total
        elif key[0] == "col":
            yield key, total, cols.get(key[1], key[1])
        else:
            yield key, total, total if table.ways == 2 else ""


# XLSX -------------------------------------------------------------------------------------


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value: int | Decimal | str,
    *,
    bold: bool = False,
    figure: bool = False,
) -> None:
    """Write a cell (:func:`tupa.core.spreadsheets.put`: a label is text, never a formula); a
    ``figure`` is a number, or a suppressed one's text aligned like one."""
    from openpyxl.styles import Alignment

    number_format = MONEY_FORMAT if isinstance(value, Decimal) else "#,##0"
    cell = put(ws, row, col, value, number_format=number_format, bold=bold)
    if isinstance(value, str) and figure:
        cell.alignment = Alignment(horizontal="right")


class _Widths:
    """The widest text per column, for column widths (capped so a long title does not win)."""

    def __init__(self) -> None:
        self.widths: dict[int, int] = {}

    def see(self, col: int, value: int | str, cap: int = 50) -> None:
        width = min(len(str(value)) + 2, cap)
        self.widths[col] = max(self.widths.get(col, 10), width)

    def apply(self, ws: Worksheet) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width


def _figures_sheet(
    ws: Worksheet,
    computed: Computed,
    states: States | None,
    title: str,
    subject: str,
    threshold: int,
) -> None:
    from openpyxl.styles import Font

    widths = _Widths()
    _put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _put(ws, 2, 1, subject)
    if states is not None:
        _put(ws, 3, 1, legend(threshold))
        ws.cell(row=3, column=1).font = Font(italic=True)
    ws.freeze_panes = "A3"
    row = 4
    for section in computed.sections:
        _put(ws, row, 1, section.title)
        ws.cell(row=row, column=1).font = Font(bold=True, size=12)
        row += 1
        if section.note:
            _put(ws, row, 1, section.note)
            ws.cell(row=row, column=1).font = Font(italic=True)
            row += 1
        for cl in section.lines:
            row = _line_block(ws, row, cl, states, threshold, widths) + 1
        row += 1
    widths.apply(ws)


def _line_block(
    ws: Worksheet,
    row: int,
    cl: ComputedLine,
    states: States | None,
    threshold: int,
    widths: _Widths,
) -> int:
    """Write one line (title, unit and provenance, table); return the next free row."""
    from openpyxl.styles import Font

    table, index = cl.table, cl.index
    unit = str(cl.indicator.unit_label)
    _put(ws, row, 1, cl.title, bold=True)
    row += 1
    info = "{}: {} · {}: {}".format(
        _("Yksikkö"), unit, _("Tiedon alkuperä"), provenance_label(cl.line.provenance)
    )
    _put(ws, row, 1, info)
    ws.cell(row=row, column=1).font = Font(italic=True)
    row += 1

    def value(key: Key) -> int | Decimal | str:
        return _value(states, index, table, key, threshold, cl.indicator.decimals)

    total = _("Yhteensä")
    if table.ways == 0:
        _put(ws, row, 1, total, bold=True)
        _put(ws, row, 2, value(TOTAL), bold=True, figure=True)
        widths.see(1, total)
        return row + 1
    cols = table.cols if table.ways == 2 else [("", unit)]
    corner = f"{table.row_label} / {table.col_label}" if table.ways == 2 else table.row_label
    header: list[str] = [corner, *(label for _c, label in cols)]
    if table.ways == 2:
        header.append(total)
    for col, text in enumerate(header, start=1):
        _put(ws, row, col, text, bold=True)
        widths.see(col, text, cap=60 if col == 1 else 30)
    row += 1
    for r, label in table.rows:
        _put(ws, row, 1, label)
        widths.see(1, label, cap=60)
        for col, (c, _label) in enumerate(cols, start=2):
            _put(ws, row, col, value(("cell", r, c)), figure=True)
        if table.ways == 2:
            _put(ws, row, len(cols) + 2, value(("row", r)), bold=True, figure=True)
        row += 1
    _put(ws, row, 1, total, bold=True)
    if table.ways == 2:
        for col, (c, _label) in enumerate(cols, start=2):
            _put(ws, row, col, value(("col", c)), bold=True, figure=True)
        _put(ws, row, len(cols) + 2, value(TOTAL), bold=True, figure=True)
    else:
        _put(ws, row, 2, value(TOTAL), bold=True, figure=True)
    return row + 1


def definitions_sheet(ws: Worksheet, computed: Computed) -> None:
    """The definitions of ``computed``'s lines, one row a line (also the federation's export)."""
    from openpyxl.styles import Alignment

    header = [
        _("Nro"),
        _("Osio"),
        _("Rivi"),
        _("Indikaattori"),
        _("Indikaattorin nimi"),
        _("Laskentasääntö"),
        _("Yksikkö"),
        _("Jaottelu"),
        _("Tiedon alkuperä"),
    ]
    for col, text in enumerate(header, start=1):
        _put(ws, 1, col, text, bold=True)
    ws.freeze_panes = "A2"
    row = 2
    for section in computed.sections:
        for cl in section.lines:
            ind = cl.indicator
            values: list[int | str] = [
                cl.index + 1,
                section.title,
                cl.title,
                ind.key,
                str(ind.title),
                str(ind.rule),
                str(ind.unit_label),
                _breakdown(cl.table),
                provenance_label(cl.line.provenance),
            ]
            for col, v in enumerate(values, start=1):
                _put(ws, row, col, v)
                ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    widths = _Widths()
    for col, width in enumerate((6, 24, 40, 24, 40, 80, 14, 24, 24), start=1):
        widths.widths[col] = width
    widths.apply(ws)


def _goals_sheet(ws: Worksheet, goals: list[Goal]) -> None:
    """The form's goals of the year, a row each (:func:`.plan_goals.sheet_rows`)."""
    rows = plan_goals.sheet_rows(goals)
    for row, values in enumerate(rows, start=1):
        for col, text in enumerate(values, start=1):
            _put(ws, row, col, text, bold=row == 1)
    for column, width in zip("ABCDE", (30, 60, 18, 60, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"


def meta_sheet(ws: Worksheet, meta: list[tuple[str, str]]) -> None:
    """The facts of a copy, ``name``: ``value`` a row (also the federation's export)."""
    widths = _Widths()
    for row, (key, text) in enumerate(meta, start=1):
        _put(ws, row, 1, key, bold=True)
        _put(ws, row, 2, text)
        widths.see(1, key, cap=40)
        widths.see(2, text, cap=80)
    widths.apply(ws)


def xlsx(
    computed: Computed,
    states: States | None,
    *,
    title: str,
    subject: str,
    meta: list[tuple[str, str]],
    threshold: int = DEFAULT_THRESHOLD,
    goals: list[Goal] | None = None,
) -> bytes:
    """The return as a workbook: the figures ("Luvut"), the form's goals of the year when the
    return shows them ("Tavoitteet", ``goals``: STEA's section I), the figures' definitions
    ("Määritelmät") and the facts of the copy ("Tiedot": ``meta``, e.g. recipient, period,
    data as of, content hash, suppression threshold, who made it). ``threshold`` is the one
    the states were made with (it shows in ``"< 5"``).
    """
    from openpyxl import Workbook

    wb = Workbook()
    figures = wb.active
    assert figures is not None
    figures.title = _("Luvut")
    _figures_sheet(figures, computed, states, title, subject, threshold)
    if goals is not None:
        _goals_sheet(wb.create_sheet(_("Tavoitteet")), goals)
    definitions_sheet(wb.create_sheet(_("Määritelmät")), computed)
    meta_sheet(wb.create_sheet(_("Tiedot")), meta)
    return workbook_bytes(wb, title=title, subject=subject)


# CSV --------------------------------------------------------------------------------------


def csv_number(value: int | Decimal) -> str:
    """A number as Finnish Excel reads it: plain digits, decimal comma, no grouping."""
    return finnish_number(value)


def csv_bytes(
    computed: Computed,
    states: States | None,
    *,
    title: str,
    subject: str,
    meta: list[tuple[str, str]],
    threshold: int = DEFAULT_THRESHOLD,
) -> bytes:
    """The return as CSV for Finnish Excel: ``;`` separated, UTF-8 with BOM, decimal comma.

    Layout (opens readably in Excel, and is easy to cut for a program):

    * the first rows are the facts of the copy as ``name;value`` (the title, the subject,
      ``meta``, and in a suppressed copy what ``< 5`` and ``x`` mean);
    * one empty row;
    * a header row, then one row per part of every table (inner cells, row and column totals,
      the grand total): section; line; row label; column label; value; unit; provenance;
      indicator id@version. Totals have "Yhteensä" as their row (and, in a two-way table,
      column) label. A suppressed value is its display text (``< 5``, ``x``).

    A program reads the data from the row after the first empty row.
    """
    rows: list[list[int | Decimal | str]] = [[_("Otsikko"), title], [_("Aihe"), subject]]
    rows += [[name, text] for name, text in meta]
    if states is not None:
        rows.append([_("Merkinnät"), legend(threshold)])
    rows.append([])
    rows.append(
        [
            _("Osio"),
            _("Rivi"),
            _("Rivin luokka"),
            _("Sarakkeen luokka"),
            _("Arvo"),
            _("Yksikkö"),
            _("Tiedon alkuperä"),
            _("Indikaattori"),
        ]
    )
    for section in computed.sections:
        for cl in section.lines:
            unit = str(cl.indicator.unit_label)
            provenance = provenance_label(cl.line.provenance)
            for key, row_label, col_label in _parts(cl.table):
                value = _value(states, cl.index, cl.table, key, threshold, cl.indicator.decimals)
                rows.append(
                    [
                        section.title,
                        cl.title,
                        row_label,
                        col_label,
                        value,
                        unit,
                        provenance,
                        cl.indicator.key,
                    ]
                )
    return finnish_csv(None, rows)


# PDF ----------------------------------------------------------------------------------------

#: The most parts a charted line has (a month breakdown's 12 and a few more); a longer table
#: is its table alone, as is a two-way table and a total alone.
PDF_CHART_PARTS = 13


def pdf_chart(line: ShownLine) -> SafeString | None:
    """The bar chart of a return line in its PDF: one bar per part of a one-way table of 2 to
    :data:`PDF_CHART_PARTS` parts, drawn from the figures the table shows — a suppressed part
    (``"< 5"``, ``"x"``) gets no bar, only the table's text, so the chart gives away nothing the
    table hides. ``None`` (no chart) for a total alone, a two-way table, a longer table, a
    negative figure, or when no part has a bar to draw.

    The chart is Tupa's one distribution chart (:func:`tupa.core.svg.bars`):
    inline SVG in the house style, its ``<title>`` (the line's title) the text alternative of
    the tagged PDF's figure, as the annual pack's charts."""
    if line.ways != 1 or not 2 <= len(line.rows) <= PDF_CHART_PARTS:
        return None
    rows: list[tuple[str, int | None, str]] = []
    for row in line.rows:
        (cell,) = row.cells
        if not cell.suppressed and cell.value < 0:
            return None
        label = str(row.label)
        rows.append(
            (label[:1].upper() + label[1:], None if cell.suppressed else cell.value, cell.text)
        )
    if not any(value for _label, value, _text in rows):
        return None
    title = str(line.title)
    return svg.bars(title[:1].upper() + title[1:], rows)


def pdf_sections(sections: list[ShownSection]) -> list[ShownSection]:
    """A return's shown sections (:func:`.present.present`) for its PDF: each line's chart is
    :func:`pdf_chart`'s (in place of the page's month chart, which draws a hidden month as an
    empty slot without the table's mark)."""
    return [
        dataclasses.replace(
            section,
            lines=[dataclasses.replace(line, chart=pdf_chart(line)) for line in section.lines],
        )
        for section in sections
    ]
