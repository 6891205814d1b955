"""The PDF invoice: what it prints (hand-computed), the credit note, the draft, page flow, and no
person's name anywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope

from tupa.core.tests.factories import PersonFactory
from tupa.finance.documents.barcode import grouped
from tupa.finance.documents.pdf import invoice_html, invoice_pdf, pdf_filename
from tupa.finance.documents.selectors import InvoiceDocument, invoice_document
from tupa.finance.models import Invoice
from tupa.finance.tests import factories
from tupa.finance.tests.test_agreements_services import agreement, setup_org
from tupa.finance.tests.test_documents_finvoice import LINES, credit_note, sample

# What a document says does not depend on the database (the reads behind it are the
# invoicing tests'); rendering runs once, on SQLite (ADR 0012).
pytestmark = [pytest.mark.django_db, pytest.mark.db_neutral]


def _document(ctx: dict[str, Any], invoice: Invoice) -> InvoiceDocument:
    with scope(organisation=ctx["org"].pk):
        document = invoice_document(invoice)
    assert document is not None
    return document


def _html(ctx: dict[str, Any], invoice: Invoice) -> str:
    return invoice_html(_document(ctx, invoice)).replace("\xa0", " ")


def test_sent_invoice_prints_the_hand_computed_figures_and_the_barcode() -> None:
    ctx = setup_org()
    invoice = sample(ctx, agreement=agreement(ctx, number="OPS-7"))
    document = _document(ctx, invoice)
    # Totals are the sums of the lines (see test_documents_finvoice: 9 917,60 + 20,57 = 9 938,17).
    assert document.total_net == sum((line.net for line in document.lines), Decimal(0))
    assert document.total_gross == sum((line.gross for line in document.lines), Decimal(0))
    assert document.total_gross == Decimal("9938.17")
    assert [(row.rate, row.net, row.vat) for row in document.vat_rows] == [
        (Decimal("0"), Decimal("9836.95"), Decimal("0.00")),
        (Decimal("25.5"), Decimal("80.65"), Decimal("20.57")),
    ]
    html = _html(ctx, invoice)
    for expected in [
        "<h1>LASKU</h1>",
        "Laskun numero",
        ">1001<",
        "1.12.2026",  # invoice date
        "15.12.2026",  # due date = 1.12. + 14 days
        ">10016<",  # 1001 + check digit 6
        "RF08 1001 6",  # RF of 10016: check digits 08
        "14 pv netto",
        "korkolain mukainen",
        "KP 4410",
        "OPS-7",
        "ENS-2026-014",
        "6 465,00",  # 30 × 215,50
        "3 371,95",  # 17 × 198,35
        "101,22",  # 80,65 + 20,57
        "9 917,60 €",
        "20,57 €",
        "9 938,17 €",
        ">25,5<",
        "ALV 0 %: Arvonlisäveroton sosiaalipalvelu, AVL 37 §",
        "IBAN FI42 5000 1510 0000 23",
        "Y-tunnus 2345678-0",
        "TILISIIRTO",
        'alt="Pankkiviivakoodi"',
    ]:
        assert expected in html, expected
    # 4 | IBAN digits | 009938 17 | 000 + 10016 in 20 | 15.12.2026 → 261215.
    code = "4" + "4250001510000023" + "00993817" + "000" + "10016".rjust(20, "0") + "261215"
    assert grouped(code) in html
    assert "LUONNOS" not in html
    assert pdf_filename(invoice) == "lasku-1001.pdf"


def test_vat_exempt_note_only_when_a_line_is_exempt() -> None:
    ctx = setup_org()
    invoice = sample(
        ctx,
        lines=[{"quantity": "2", "unit_price": "50.00", "vat_rate": "25.5", "unit": "kpl"}],
    )
    html = _html(ctx, invoice)
    assert "AVL 37 §" not in html
    # The seller's VAT number is printed when there is VAT: FI + business id digits.
    assert "ALV-tunnus FI23456780" in html


def test_credit_note_prints_the_credited_invoice_and_no_transfer_form() -> None:
    ctx = setup_org()
    original = sample(ctx)
    note = credit_note(ctx, original)
    html = _html(ctx, note)
    assert "<h1>HYVITYSLASKU</h1>" in html
    assert "Hyvitettävä lasku nro 1001 (1.12.2026)" in html
    assert "-646,50 €" in html  # −3 × 215,50
    assert "TILISIIRTO" not in html and "Pankkiviivakoodi" not in html
    assert "Hyvityslasku: ei maksettavaa." in html
    assert pdf_filename(note) == "hyvityslasku-1002.pdf"


def test_draft_prints_a_watermark_without_number_reference_or_barcode() -> None:
    ctx = setup_org()
    with scope(organisation=ctx["org"].pk):
        factories.profile(ctx["org"])
    draft = factories.draft_invoice(ctx["org"], created_by=ctx["finance"], lines=LINES)
    document = _document(ctx, draft)
    # A draft prints the sums of its lines (nothing is stored before sending): 9 938,17.
    assert document.total_gross == Decimal("9938.17")
    html = _html(ctx, draft)
    assert "LUONNOS" in html
    assert "Pankkiviivakoodi" not in html and "Virtuaaliviivakoodi" not in html
    assert "RF-viite" not in html
    assert "9 938,17 €" in html
    assert pdf_filename(draft) == f"laskuluonnos-{draft.pk}.pdf"


def test_pdf_is_a4_and_long_invoices_continue_on_the_next_page() -> None:
    import weasyprint

    ctx = setup_org()
    short = sample(ctx)
    data = invoice_pdf(_document(ctx, short))
    assert data.startswith(b"%PDF")
    pages = weasyprint.HTML(string=invoice_html(_document(ctx, short))).render().pages
    assert len(pages) == 1
    # A4 = 210 × 297 mm = 595.28 × 841.89 pt (WeasyPrint measures in CSS px: 1 px = 0.75 pt).
    assert round(pages[0].width * 0.75) == 595 and round(pages[0].height * 0.75) == 842
    long = sample(ctx, number=1003, lines=LINES * 12)
    pages = weasyprint.HTML(string=invoice_html(_document(ctx, long))).render().pages
    assert len(pages) >= 2


def test_no_name_or_address_of_a_person_appears() -> None:
    ctx = setup_org()
    PersonFactory(
        organisation=ctx["org"],
        first_names="Salaviina Kanerva",
        last_name="Piilonen",
        street_address="Kätkötie 13 B 7",
    )
    html = _html(ctx, sample(ctx))
    for secret in ("Salaviina", "Kanerva", "Piilonen", "Kätkötie"):
        assert secret not in html
    assert "ENS-2026-014" in html


def test_period_of_a_line_within_one_day_prints_once() -> None:
    ctx = setup_org()
    invoice = sample(
        ctx,
        lines=[
            {
                "quantity": "1",
                "unit_price": "95.00",
                "description": "Valvottu tapaaminen",
                "item": "meeting",
                "unit": "kpl",
                "case_reference": "TAP-2026-031",
                "billed_period_start": dt.date(2026, 11, 12),
                "billed_period_end": dt.date(2026, 11, 12),
            }
        ],
    )
    html = _html(ctx, invoice)
    assert "12.11.2026<" in html and "12.11.2026–12.11.2026" not in html
