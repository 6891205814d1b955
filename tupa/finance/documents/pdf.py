"""The invoice as an A4 PDF (WeasyPrint), with the bank transfer form and the bank barcode.

One template, ``finance/documents/invoice_pdf.html``, rendered in Finnish whatever the user's
language (the invoice is a document to a Finnish buyer, not a page of the user interface). The
seller's details come from :class:`~tupa.finance.models.InvoicingProfile`; the buyer block sits
where a window envelope shows it; the first page ends with the bank transfer form
(*tilisiirtolomake*) and its barcode, further lines continue on the following pages.

A draft prints with a "LUONNOS" watermark, without number, reference or barcode; a credit note
prints "HYVITYSLASKU" and the number of the invoice it credits, without a transfer form.
Lines carry case references only: no person's name or address is ever printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from tupa.core.pdf import html_to_pdf
from tupa.finance.documents.barcode import barcode_data_uri, grouped, invoice_barcode
from tupa.finance.documents.finvoice import number_text
from tupa.finance.documents.selectors import InvoiceDocument, VatRow
from tupa.finance.models import Invoice, InvoiceLine
from tupa.finance.references import (
    format_reference,
    format_rf,
    is_valid_reference,
    rf_reference,
)

TEMPLATE = "finance/documents/invoice_pdf.html"


@dataclass(frozen=True)
class PrintedLine:
    line: InvoiceLine
    quantity_text: str
    vat_text: str


@dataclass(frozen=True)
class PrintedVat:
    row: VatRow
    rate_text: str


def _iban_text(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def invoice_context(document: InvoiceDocument) -> dict[str, Any]:
    """The template context of ``document``."""
    invoice = document.invoice
    is_credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    reference = invoice.reference if invoice.is_sent else ""
    code = invoice_barcode(invoice, document.profile)
    return {
        "doc": document,
        "lines": [
            PrintedLine(line, number_text(line.quantity), number_text(line.vat_rate))
            for line in document.lines
        ],
        "vat_rows": [PrintedVat(row, number_text(row.rate)) for row in document.vat_rows],
        "invoice": invoice,
        "organisation": document.organisation,
        "profile": document.profile,
        "is_draft": not invoice.is_sent,
        "is_credit": is_credit,
        "title": "HYVITYSLASKU" if is_credit else "LASKU",
        "label": (
            "Laskuluonnos" if not invoice.is_sent else ("Hyvityslasku" if is_credit else "Lasku")
        ),
        "payable": invoice.is_sent and not is_credit and document.total_gross > 0,
        "reference_text": format_reference(reference) if reference else "",
        "rf_text": (
            format_rf(rf_reference(reference))
            if reference and is_valid_reference(reference)
            else ""
        ),
        "iban_text": _iban_text(document.profile.iban),
        "barcode_uri": barcode_data_uri(code) if code else "",
        "barcode_text": grouped(code) if code else "",
    }


def invoice_html(document: InvoiceDocument) -> str:
    """The invoice as the HTML that WeasyPrint prints (always in Finnish)."""
    with translation.override("fi"):
        return render_to_string(TEMPLATE, invoice_context(document))


def invoice_pdf(document: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes (tagged PDF/UA, :func:`tupa.core.pdf.html_to_pdf`)."""
    return html_to_pdf(invoice_html(document))


def pdf_filename(invoice: Invoice) -> str:
    """``lasku-1001.pdf``, ``hyvityslasku-1002.pdf`` or ``laskuluonnos-<id>.pdf``."""
    if not invoice.is_sent:
        return f"laskuluonnos-{invoice.pk}.pdf"
    prefix = "hyvityslasku" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "lasku"
    return f"{prefix}-{invoice.number}.pdf"
