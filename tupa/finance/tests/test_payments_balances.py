"""Invoice balances and the open / overdue lists, every figure computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.finance.models import Invoice, Payment
from tupa.finance.payments import selectors
from tupa.finance.payments.selectors import BalanceStatus
from tupa.finance.tests.factories import profile, sent_invoice
from tupa.finance.tests.test_agreements_services import buyer

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2027, 1, 10)


def setup_org() -> dict[str, Any]:
    org = OrganisationFactory()
    ctx: dict[str, Any] = {
        "org": org,
        "finance": org_role_user(org, Role.FINANCE),
        "form": ServiceFormFactory(area__organisation=org, name="Ensikoti", slug="ensikoti"),
        "buyer": buyer(org),
    }
    profile(org)
    return ctx


def invoice(ctx: dict[str, Any], number: int, lines: list[dict[str, Any]], **kw: Any) -> Invoice:
    return sent_invoice(
        ctx["org"],
        number=number,
        created_by=ctx["finance"],
        buyer=ctx["buyer"],
        lines=lines,
        **kw,
    )


def credit_note(
    ctx: dict[str, Any], number: int, of: Invoice, quantity: str, price: str, **line: Any
) -> Invoice:
    return invoice(
        ctx,
        number,
        [{"quantity": quantity, "unit_price": price, **line}],
        kind=Invoice.Kind.CREDIT_NOTE,
        credited_invoice=of,
    )


def pay(ctx: dict[str, Any], target: Invoice | None, amount: str, **kw: Any) -> Payment:
    with scope(organisation=ctx["org"].pk):
        return Payment.objects.create(  # type: ignore[no-any-return]
            organisation=ctx["org"],
            invoice=target,
            paid_on=kw.pop("paid_on", D(2026, 12, 10)),
            amount=Decimal(amount),
            recorded_by=ctx["finance"],
            **kw,
        )


def test_paid_open_and_status_by_hand() -> None:
    ctx = setup_org()
    # 10 care days × 95.50 = 955.00 €, VAT 0 → gross 955.00; due 1.12.2026 + 14 = 15.12.2026.
    first = invoice(ctx, 1000, [{"quantity": "10", "unit_price": "95.50"}])
    # Two payments 500.00 + 300.00 = 800.00 paid; open 955.00 − 800.00 = 155.00.
    pay(ctx, first, "500.00")
    pay(ctx, first, "300.00")
    balance = selectors.invoice_balance(first, TODAY)
    assert balance is not None
    assert balance.paid == Decimal("800.00")
    assert balance.credited == Decimal("0.00")
    assert balance.open == Decimal("155.00")
    assert balance.status == BalanceStatus.PARTLY_PAID
    # Due 15.12.2026, today 10.1.2027: 16 days of December + 10 of January = 26 days overdue.
    assert balance.days_overdue == 26


def test_credit_note_reduces_the_credited_invoice() -> None:
    ctx = setup_org()
    # 3 × 228.00 = 684.00 €.
    first = invoice(ctx, 1000, [{"quantity": "3", "unit_price": "228.00"}])
    # Credit note of one day: −1 × 228.00 = −228.00 → open 684.00 − 228.00 = 456.00.
    note = credit_note(ctx, 1001, first, "-1", "228.00")
    assert note.total_gross == Decimal("-228.00")
    balance = selectors.invoice_balance(first, TODAY)
    assert balance is not None and balance.open == Decimal("456.00")
    assert balance.status == BalanceStatus.OPEN
    # The credit note itself has no balance of its own.
    assert selectors.invoice_balance(note, TODAY) is None
    # Paying 456.00 settles it: paid.
    pay(ctx, first, "456.00")
    balance = selectors.invoice_balance(first, TODAY)
    assert balance is not None and balance.open == Decimal("0.00")
    assert balance.status == BalanceStatus.PAID
    assert balance.days_overdue == 0


def test_fully_credited_and_overpaid() -> None:
    ctx = setup_org()
    credited = invoice(ctx, 1000, [{"quantity": "2", "unit_price": "50.00"}])  # 100.00
    credit_note(ctx, 1001, credited, "-2", "50.00")  # −100.00 → open 0, nothing paid
    overpaid = invoice(ctx, 1002, [{"quantity": "1", "unit_price": "74.00"}])  # 74.00
    pay(ctx, overpaid, "80.00")  # open 74.00 − 80.00 = −6.00
    balances = selectors.balances_by_pk(ctx["org"].pk, [credited.pk, overpaid.pk], TODAY)
    assert balances[credited.pk].status == BalanceStatus.CREDITED
    assert balances[credited.pk].open == Decimal("0.00")
    assert balances[overpaid.pk].status == BalanceStatus.OVERPAID
    assert balances[overpaid.pk].open == Decimal("-6.00")


def test_a_draft_credit_note_does_not_count() -> None:
    ctx = setup_org()
    first = invoice(ctx, 1000, [{"quantity": "1", "unit_price": "100.00"}])
    draft = credit_note(ctx, 1001, first, "-1", "100.00")
    with scope(organisation=ctx["org"].pk):
        Invoice.objects.filter(pk=draft.pk).update(status=Invoice.Status.DRAFT, number=None)
    balance = selectors.invoice_balance(first, TODAY)
    assert balance is not None and balance.open == Decimal("100.00")


def test_open_and_overdue_lists_with_totals() -> None:
    ctx = setup_org()
    # A: 1000, 955.00, due 15.12.2026 (overdue 26 days), 500.00 paid → open 455.00.
    a = invoice(ctx, 1000, [{"quantity": "10", "unit_price": "95.50"}])
    pay(ctx, a, "500.00")
    # B: 1001, 2 × 92.00 + 24 % VAT on a rental line 100.00 → 184.00 + 124.00 = 308.00,
    #    invoiced 1.1.2027, due 15.1.2027: open, not overdue.
    b = invoice(
        ctx,
        1001,
        [
            {"quantity": "2", "unit_price": "92.00"},
            {"quantity": "1", "unit_price": "100.00", "vat_rate": "24", "item": "rental"},
        ],
        invoice_date=D(2027, 1, 1),
    )
    assert b.total_gross == Decimal("308.00")
    # C: 1002, 74.00 paid in full → not listed.
    c = invoice(ctx, 1002, [{"quantity": "1", "unit_price": "74.00"}])
    pay(ctx, c, "74.00")
    # D: 1003, 62.00, overpaid by 1.00 → the overpaid tab.
    d = invoice(ctx, 1003, [{"quantity": "1", "unit_price": "62.00"}])
    pay(ctx, d, "63.00")
    # An unmatched payment changes nothing.
    pay(ctx, None, "999.00")
    lists = selectors.open_lists(ctx["org"].pk, TODAY)
    assert [r.invoice.number for r in lists.open] == [1000, 1001]
    assert [r.invoice.number for r in lists.overdue] == [1000]
    assert [r.invoice.number for r in lists.overpaid] == [1003]
    totals = selectors.totals_of(lists.open)
    # Gross 955.00 + 308.00 = 1263.00; paid 500.00; open 455.00 + 308.00 = 763.00.
    assert (totals.count, totals.gross, totals.paid, totals.open) == (
        2,
        Decimal("1263.00"),
        Decimal("500.00"),
        Decimal("763.00"),
    )
    assert selectors.totals_of(lists.overdue).open == Decimal("455.00")
    assert lists.overdue[0].days_overdue == 26


def test_open_lists_take_one_query_whatever_their_length() -> None:
    ctx = setup_org()
    for n in range(6):
        target = invoice(ctx, 1000 + n, [{"quantity": "1", "unit_price": "100.00"}])
        pay(ctx, target, "10.00")
        pay(ctx, target, "20.00")
        credit_note(ctx, 2000 + n, target, "-1", "5.00")
    with CaptureQueriesContext(connection) as queries:
        lists = selectors.open_lists(ctx["org"].pk, TODAY)
    assert len(queries) == 1
    # Each: 100.00 − 5.00 − 30.00 = 65.00 open.
    assert [r.open for r in lists.open] == [Decimal("65.00")] * 6


def test_another_organisations_invoices_are_not_listed() -> None:
    ctx = setup_org()
    other = setup_org()
    invoice(other, 1000, [{"quantity": "1", "unit_price": "100.00"}])
    assert selectors.open_lists(ctx["org"].pk, TODAY).open == []
