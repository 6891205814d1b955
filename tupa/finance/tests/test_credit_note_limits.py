"""A credit note credits what the invoice billed, never more (docs/finance-invoicing.md,
"Credit notes").

A credit note is made of the credited invoice's lines, negated; a line is credited once. The
manual "Lisää rivi" of a draft is for invoices: on a credit note it would let finance credit any
amount (or charge one under a credit note's number), beyond what the buyer was invoiced.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tupa.core.tests.helpers import login_verified
from tupa.finance.invoicing import services
from tupa.finance.models import Invoice
from tupa.finance.models.agreements import PricedItem
from tupa.finance.tests import factories
from tupa.finance.tests.test_invoicing_services import lines_of, world

pytestmark = pytest.mark.django_db


def _credit_note(ctx: dict[str, Any]) -> tuple[Invoice, Invoice]:
    invoice = factories.sent_invoice(
        ctx["org"],
        number=1000,
        created_by=ctx["finance"],
        buyer=ctx["phhyky"],
        lines=[{"quantity": "2", "unit_price": "96.00", "case_reference": "PHHYKY/2026/12"}],
    )
    note = services.credit_note_create(actor=ctx["finance"], invoice=invoice, reason="Virhe")
    return invoice, note


@pytest.mark.parametrize("quantity", ["-100", "3"])
def test_no_line_is_added_by_hand_to_a_credit_note(quantity: str) -> None:
    ctx = world()
    _invoice, note = _credit_note(ctx)
    with pytest.raises(ValidationError):
        services.line_add(
            actor=ctx["finance"],
            invoice=note,
            item=PricedItem.CARE_DAY_CHILD,
            description="Hyvitys",
            quantity=Decimal(quantity),
            unit_price=Decimal("96.00"),
        )
    note.refresh_from_db()
    assert [line.quantity for line in lines_of(ctx, note)] == [Decimal("-2.00")]
    assert note.total_gross == Decimal("-192.00")


def test_the_credit_note_page_offers_no_line_form_and_a_post_adds_nothing(client: Any) -> None:
    ctx = world()
    _invoice, note = _credit_note(ctx)
    login_verified(client, ctx["finance"])
    url = reverse("finance:invoice_line_add", args=[note.pk])
    assert url not in client.get(reverse("finance:invoice", args=[note.pk])).content.decode()
    response = client.post(
        url,
        {
            "item": PricedItem.CARE_DAY_CHILD,
            "description": "Hyvitys",
            "quantity": "-100",
            "unit_price": "96,00",
            "vat_rate": "0",
        },
    )
    assert response.status_code in (302, 400, 404)
    assert [line.quantity for line in lines_of(ctx, note)] == [Decimal("-2.00")]
    sent = services.invoice_send(
        actor=ctx["finance"], invoice=note, invoice_date=dt.date(2026, 12, 3)
    )
    assert sent.total_gross == Decimal("-192.00")
