"""The accounting journal: a hand-computed voucher of an invoice, a credit note and a payment,
the Finnish CSV and the XLSX, and (Hypothesis) that every voucher balances."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tupa.core.tests.factories import ServiceFormFactory
from tupa.finance.journal import journal as jr
from tupa.finance.models import Invoice, InvoiceLine
from tupa.finance.money import line_amounts
from tupa.finance.payments.exports import finnish_csv, xlsx
from tupa.finance.tests.test_payments_balances import credit_note, invoice, pay, setup_org
from tupa.organisations.models import ServiceForm

D = dt.date
Z = Decimal("0.00")


def _row(r: jr.JournalRow) -> tuple[Any, ...]:
    return (r.voucher, r.account, r.cost_centre, r.vat_code, r.debit, r.credit)


def _month(ctx: dict[str, Any]) -> dict[str, Any]:
    perhetupa = ServiceFormFactory(
        area__organisation=ctx["org"], name="Perhetupa", slug="perhetupa"
    )
    first = invoice(
        ctx,
        1000,
        [
            # Ensikoti 10 × 95.50 = 955.00 and 3 × 228.00 = 684.00, both VAT exempt.
            {
                "quantity": "10",
                "unit_price": "95.50",
                "service_form": ctx["form"],
                "case_reference": "ASIA-123",
            },
            {"quantity": "3", "unit_price": "228.00", "service_form": ctx["form"]},
            # Perhetupa rental 1 × 100.00 + 25.5 % VAT 25.50 = 125.50.
            {
                "quantity": "1",
                "unit_price": "100.00",
                "vat_rate": "25.5",
                "service_form": perhetupa,
                "item": "rental",
            },
            # Perhetupa training fee 2 × 40.00 = 80.00 + 24 % VAT 19.20 = 99.20.
            {
                "quantity": "2",
                "unit_price": "40.00",
                "vat_rate": "24",
                "service_form": perhetupa,
                "item": "training_fee",
            },
        ],
    )
    note = credit_note(ctx, 1001, first, "-1", "228.00", service_form=ctx["form"])
    payment = pay(ctx, first, "500.00", paid_on=D(2026, 12, 10))
    return {"first": first, "note": note, "payment": payment}


@pytest.mark.django_db
def test_hand_computed_journal_of_a_month() -> None:
    ctx = setup_org()
    made = _month(ctx)
    # Gross 955.00 + 684.00 + 125.50 + 99.20 = 1863.70.
    assert made["first"].total_gross == Decimal("1863.70")
    found = jr.journal(ctx["org"].pk, D(2026, 12, 1), D(2026, 12, 31))
    s = f"S{made['payment'].pk}"
    assert [_row(r) for r in found.rows] == [
        ("1000", "1700", "", "", Decimal("1863.70"), Z),
        # Ensikoti net 955.00 + 684.00 = 1639.00, VAT code 0 (exempt).
        ("1000", "3000", "ensikoti", "0", Z, Decimal("1639.00")),
        ("1000", "3000", "perhetupa", "24", Z, Decimal("80.00")),
        ("1000", "3000", "perhetupa", "25,5", Z, Decimal("100.00")),
        ("1000", "2939", "", "24", Z, Decimal("19.20")),
        ("1000", "2939", "", "25,5", Z, Decimal("25.50")),
        # The credit note reverses one 228.00 care day: income debited, receivables credited.
        ("1001", "1700", "", "", Z, Decimal("228.00")),
        ("1001", "3000", "ensikoti", "0", Decimal("228.00"), Z),
        # The payment: bank debited, receivables credited.
        (s, "1910", "", "", Decimal("500.00"), Z),
        (s, "1700", "", "", Z, Decimal("500.00")),
    ]
    assert all(v.balanced for v in found.vouchers)
    # Debits 1863.70 + 228.00 + 500.00 = 2591.70 = credits.
    assert found.debit == found.credit == Decimal("2591.70")
    descriptions = {r.voucher: r.description for r in found.rows}
    assert descriptions["1000"] == "Lasku 1000, Kuntayhtymä"
    assert descriptions["1001"] == "Hyvityslasku 1001 (lasku 1000), Kuntayhtymä"
    assert descriptions[s] == "Suoritus, Lasku 1000, Kuntayhtymä"
    # Case references (and so nothing about a person) never reach the journal.
    assert not any("ASIA-123" in r.description for r in found.rows)


@pytest.mark.django_db
def test_period_bounds_unmatched_and_query_count() -> None:
    ctx = setup_org()
    _month(ctx)
    pay(ctx, None, "12.00", paid_on=D(2026, 12, 11))
    found = jr.journal(ctx["org"].pk, D(2026, 12, 2), D(2026, 12, 31), bank_account="1911")
    # The invoices of 1.12. are outside; the payment of 10.12. is inside (to bank 1911).
    assert [v.number[0] for v in found.vouchers] == ["S"]
    assert found.rows[0].account == "1911"
    assert found.unmatched_count == 1
    for n in range(5):
        target = invoice(ctx, 1100 + n, [{"quantity": "1", "unit_price": "10.00"}])
        pay(ctx, target, "10.00", paid_on=D(2026, 12, 20))
    with CaptureQueriesContext(connection) as queries:
        found = jr.journal(ctx["org"].pk, D(2026, 12, 1), D(2026, 12, 31))
    # Profile, invoices, their lines, payments, unmatched count: 5 for 7 invoices, 6 payments.
    assert len(queries) == 5
    assert (found.invoice_count, found.payment_count) == (7, 6)


@pytest.mark.django_db
def test_another_organisations_documents_are_not_in_the_journal() -> None:
    ctx = setup_org()
    other = setup_org()
    _month(other)
    assert jr.journal(ctx["org"].pk, D(2026, 1, 1), D(2026, 12, 31)).vouchers == []


def test_vat_codes() -> None:
    assert jr.vat_code(Decimal("0.00")) == jr.EXEMPT_VAT_CODE == "0"
    assert jr.vat_code(Decimal("24.00")) == "24"
    assert jr.vat_code(Decimal("25.50")) == "25,5"
    assert jr.vat_code(Decimal("10.00").normalize()) == "10"
    assert jr.vat_code(Decimal("14")) == "14"


def test_finnish_csv_and_xlsx() -> None:
    header = ["Päivämäärä", "Tosite", "Debet", "Kredit", "Selite"]
    rows: list[list[Any]] = [
        [D(2026, 12, 1), "1000", Decimal("1863.70"), None, "=HYPERLINK(1)"],
        [D(2026, 12, 1), "1000", None, Decimal("1234567.05"), "Lasku 1000"],
    ]
    text = finnish_csv(header, rows).decode("utf-8")
    assert text == (
        "\ufeffPäivämäärä;Tosite;Debet;Kredit;Selite\r\n"
        "1.12.2026;1000;1863,70;;'=HYPERLINK(1)\r\n"
        "1.12.2026;1000;;1234567,05;Lasku 1000\r\n"
    )
    book = load_workbook(io.BytesIO(xlsx("Kirjanpito", header, rows)))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == header
    assert sheet["A2"].value == dt.datetime(2026, 12, 1)
    assert sheet["C2"].value == 1863.7 and sheet["C2"].number_format == "#,##0.00"
    assert sheet["E2"].value == "=HYPERLINK(1)" and sheet["E2"].data_type == "s"


# Hypothesis: random invoices and credit notes balance -------------------------------------

FORMS = [None, ServiceForm(slug="ensikoti"), ServiceForm(slug="alvari")]
RATES = [Decimal("0"), Decimal("10"), Decimal("14"), Decimal("24"), Decimal("25.5")]
ACCOUNTS = jr.Accounts(receivables="1700", income="3000", vat="2939", bank="1910")

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2)
quantity = st.decimals(min_value=Decimal("-40"), max_value=Decimal("40"), places=2)
line = st.tuples(quantity, money, st.sampled_from(RATES), st.sampled_from(FORMS))


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(line, min_size=1, max_size=12), credit=st.booleans())
def test_every_voucher_balances_and_income_plus_vat_is_the_gross(
    lines: list[tuple[Decimal, Decimal, Decimal, ServiceForm | None]], credit: bool
) -> None:
    sign = Decimal("-1") if credit else Decimal("1")
    doc = Invoice(
        kind=Invoice.Kind.CREDIT_NOTE if credit else Invoice.Kind.INVOICE,
        number=1000,
        invoice_date=D(2026, 12, 1),
        buyer_name="Kunta",
    )
    built = []
    for q, price, rate, form in lines:
        net, vat, gross = line_amounts(q * sign, price, rate)
        built.append(
            InvoiceLine(
                quantity=q * sign,
                unit_price=price,
                vat_rate=rate,
                net=net,
                vat=vat,
                gross=gross,
                service_form=form,
            )
        )
    gross = sum((x.gross for x in built), Z)
    voucher = jr.invoice_voucher(doc, built, ACCOUNTS)
    assert voucher.balanced
    assert all(
        r.debit >= 0 and r.credit >= 0 and (r.debit == 0 or r.credit == 0) for r in voucher.rows
    )
    receivable = sum((r.debit - r.credit for r in voucher.rows if r.account == "1700"), Z)
    income_and_vat = sum(
        (r.credit - r.debit for r in voucher.rows if r.account in ("3000", "2939")), Z
    )
    assert receivable == income_and_vat == gross
    vat_total = sum((r.credit - r.debit for r in voucher.rows if r.account == "2939"), Z)
    assert vat_total == sum((x.vat for x in built), Z)
