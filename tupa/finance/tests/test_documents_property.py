"""Property: whatever the lines, the Finvoice message validates and its totals, VAT rows and
payment amount equal the sums of its rows; the PDF prints the same totals. In memory (no
database): the document is built from unsaved rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from defusedxml import ElementTree as SafeET
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tupa.finance.documents.finvoice import document_xml, validation_errors
from tupa.finance.documents.pdf import invoice_html
from tupa.finance.documents.selectors import InvoiceDocument, vat_rows
from tupa.finance.models import Invoice, InvoiceLine, InvoicingProfile
from tupa.finance.money import ZERO, line_amounts
from tupa.organisations.models import Organisation

RATES = [Decimal("0"), Decimal("10"), Decimal("13.5"), Decimal("14"), Decimal("25.5")]

line_specs = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("-40"), max_value=Decimal("400"), places=2),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("2500"), places=2),
        st.sampled_from(RATES),
    ),
    min_size=1,
    max_size=8,
)


def _document(specs: list[tuple[Decimal, Decimal, Decimal]]) -> InvoiceDocument:
    organisation = Organisation(name="Testiyhdistys ry", business_id="2345678-0")
    profile = InvoicingProfile(
        organisation=organisation,
        street="Esimerkkitie 1",
        postcode="15100",
        town="Lahti",
        iban="FI4250001510000023",
        bic="OKOYFIHH",
    )
    lines = []
    for position, (quantity, price, rate) in enumerate(specs, start=1):
        net, vat, gross = line_amounts(quantity, price, rate)
        lines.append(
            InvoiceLine(
                position=position,
                item="care_day_child",
                description="Hoitovuorokausi, lapsi",
                case_reference=f"ENS-2026-{position:03d}",
                quantity=quantity,
                unit="vrk",
                unit_price=price,
                vat_rate=rate,
                net=net,
                vat=vat,
                gross=gross,
            )
        )
    totals = [
        sum((getattr(line, name) for line in lines), ZERO) for name in ("net", "vat", "gross")
    ]
    invoice = Invoice(
        status=Invoice.Status.SENT,
        number=1001,
        reference="10016",
        buyer_name="Kuntayhtymä",
        invoice_date=dt.date(2026, 12, 1),
        due_date=dt.date(2026, 12, 15),
        sent_at=timezone.now(),
        total_net=totals[0],
        total_vat=totals[1],
        total_gross=totals[2],
    )
    return InvoiceDocument(invoice, organisation, profile, lines, vat_rows(lines), *totals)


def _amount(text: str | None) -> Decimal:
    assert text is not None
    return Decimal(text.replace(",", "."))


@settings(max_examples=40, deadline=None)
@given(line_specs)
def test_finvoice_totals_are_the_sums_of_its_rows(
    specs: list[tuple[Decimal, Decimal, Decimal]],
) -> None:
    document = _document(specs)
    xml = document_xml(document)
    assert validation_errors(xml) == []
    root = SafeET.fromstring(xml)
    rows = root.findall("InvoiceRow")
    total = _amount(root.findtext("InvoiceDetails/InvoiceTotalVatIncludedAmount"))
    assert total == sum((_amount(row.findtext("RowAmount")) for row in rows), ZERO)
    net = _amount(root.findtext("InvoiceDetails/InvoiceTotalVatExcludedAmount"))
    assert net == sum((_amount(row.findtext("RowVatExcludedAmount")) for row in rows), ZERO)
    specs_vat = root.findall("InvoiceDetails/VatSpecificationDetails")
    assert net == sum((_amount(spec.findtext("VatBaseAmount")) for spec in specs_vat), ZERO)
    vat = _amount(root.findtext("InvoiceDetails/InvoiceTotalVatAmount"))
    assert vat == sum((_amount(spec.findtext("VatRateAmount")) for spec in specs_vat), ZERO)
    assert net + vat == total
    epi = root.findtext("EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount")
    assert _amount(epi) == total == document.total_gross


@settings(max_examples=15, deadline=None)
@given(line_specs)
def test_pdf_prints_the_sum_of_its_lines(specs: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    document = _document(specs)
    html = invoice_html(document).replace("\xa0", " ")
    total = sum((line.gross for line in document.lines), ZERO)
    # 1234.5 → "1 234,50": the Finnish rendering of the sum of the lines.
    sign = "-" if total < 0 else ""
    whole, cents = f"{abs(total):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    assert f"{sign}{grouped},{cents} €" in html
