"""The open and overdue invoices as a table for the spreadsheet files.

The files are written by the one CSV and XLSX writer of Tupa (:mod:`tupa.core.spreadsheets`,
re-exported here as ``finnish_csv`` and ``xlsx``): CSV for Finnish Excel — ``;`` separated,
UTF-8 with a byte-order mark, CRLF line ends, amounts with a decimal comma and no grouping
(``1234,56``, ``-95,50``), days as ``d.m.yyyy``, text cells formula-safe; XLSX keeps amounts as
numbers (format ``#,##0.00``) and days as dates, and a text that looks like a formula is text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from tupa.core.spreadsheets import finnish_csv, xlsx
from tupa.finance.payments.selectors import Balance

__all__ = ["Cell", "finnish_csv", "open_list_table", "xlsx"]

Cell = str | int | Decimal | dt.date | None


def open_list_table(rows: list[Balance]) -> tuple[list[str], list[list[Cell]]]:
    """The open/overdue list as a table: one row per invoice, with the buyer (an organisation,
    never a person's data from the invoice lines)."""
    header = [
        _("Lasku"),
        _("Ostaja"),
        _("Laskun päivä"),
        _("Eräpäivä"),
        _("Myöhässä (pv)"),
        _("Summa (€)"),
        _("Hyvitetty (€)"),
        _("Maksettu (€)"),
        _("Avoinna (€)"),
        _("Tila"),
        _("Viitenumero"),
    ]
    table: list[list[Cell]] = [
        [
            b.invoice.number,
            b.invoice.buyer_name,
            b.invoice.invoice_date,
            b.invoice.due_date,
            b.days_overdue,
            b.invoice.total_gross,
            b.credited,
            b.paid,
            b.open,
            b.status_label,
            b.invoice.reference,
        ]
        for b in rows
    ]
    return header, table
