"""A payment recorded by hand and an unmatched payment matched to an invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user
from tupa.finance.models import Invoice
from tupa.finance.payments import selectors, services
from tupa.finance.tests.test_payments_balances import credit_note, invoice, pay, setup_org

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 20)


def test_record_a_payment_by_hand() -> None:
    ctx = setup_org()
    target = invoice(ctx, 1000, [{"quantity": "2", "unit_price": "92.00"}])  # 184.00
    payment = services.payment_record(
        actor=ctx["finance"],
        invoice=target,
        paid_on=D(2026, 12, 12),
        amount=Decimal("84.00"),
        payer_name=" Hollolan kunta ",
        archive_id="ARK 1",
    )
    assert payment.reference == "10003"  # the invoice's own reference when none is given
    assert payment.archive_id == "ARK1" and payment.payer_name == "Hollolan kunta"
    balance = selectors.invoice_balance(target, TODAY)
    assert balance is not None and balance.open == Decimal("100.00")  # 184.00 − 84.00


def test_record_refuses_bad_input_in_finnish() -> None:
    ctx = setup_org()
    target = invoice(ctx, 1000, [{"quantity": "1", "unit_price": "10.00"}])
    pay(ctx, target, "1.00", archive_id="ARK1")
    with pytest.raises(ValidationError) as raised:
        services.payment_record(
            actor=ctx["finance"],
            invoice=target,
            paid_on=D(1999, 12, 31),
            amount=Decimal("0"),
            archive_id="ARK1",
        )
    errors = raised.value.message_dict
    assert errors["amount"] == ["Summan on oltava suurempi kuin 0 €."]
    assert errors["archive_id"] == ["Suoritus tällä arkistointitunnuksella on jo kirjattu."]
    assert "paid_on" in errors
    note = credit_note(ctx, 1001, target, "-1", "10.00")
    with pytest.raises(ValidationError, match="vain lähetettyyn laskuun"):
        services.payment_record(
            actor=ctx["finance"], invoice=note, paid_on=TODAY, amount=Decimal("1")
        )


def test_match_an_unmatched_payment() -> None:
    ctx = setup_org()
    target = invoice(ctx, 1000, [{"quantity": "1", "unit_price": "74.00"}])
    loose = pay(ctx, None, "74.00", note="Lahjoitus?")
    matched = services.payment_match(actor=ctx["finance"], payment=loose, invoice=target)
    assert matched.invoice_id == target.pk
    assert matched.note == "Lahjoitus? Kohdistettu käsin laskuun 1000."
    balance = selectors.invoice_balance(target, TODAY)
    assert balance is not None and balance.status == "paid"
    with pytest.raises(ValidationError, match="jo kohdistettu"):
        services.payment_match(actor=ctx["finance"], payment=loose, invoice=target)


def test_only_finance_in_the_same_organisation_writes() -> None:
    ctx = setup_org()
    other = setup_org()
    target = invoice(ctx, 1000, [{"quantity": "1", "unit_price": "74.00"}])
    loose = pay(ctx, None, "74.00")
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.payment_match(actor=director, payment=loose, invoice=target)
    with pytest.raises(PermissionDenied):
        services.payment_match(actor=other["finance"], payment=loose, invoice=target)
    foreign = invoice(other, 1000, [{"quantity": "1", "unit_price": "74.00"}])
    with pytest.raises(PermissionDenied):
        services.payment_record(
            actor=ctx["finance"], invoice=foreign, paid_on=TODAY, amount=Decimal("1")
        )
    assert isinstance(foreign, Invoice)
