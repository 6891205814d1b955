"""Another organisation's invoices, lines and payments by id: in a URL they answer 404, in a
POSTed list or choice they are refused and nothing is written (ARCHITECTURE.md §6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Invoice, InvoiceLine, Payment
from tupa.finance.tests import factories
from tupa.finance.tests.test_invoicing_services import lines_of, world

pytestmark = pytest.mark.django_db


def _sent(ctx: dict[str, Any], number: int) -> Invoice:
    return factories.sent_invoice(
        ctx["org"],
        number=number,
        created_by=ctx["finance"],
        buyer=ctx["phhyky"],
        lines=[{"quantity": "2", "unit_price": "96.00", "case_reference": "PHHYKY/2026/12"}],
    )


def test_foreign_invoices_lines_and_payments_are_refused(client: Any) -> None:
    mine, theirs = world(), world()
    own = _sent(mine, 1000)
    foreign = _sent(theirs, 1000)
    foreign_draft = factories.draft_invoice(
        theirs["org"], created_by=theirs["finance"], lines=[{"quantity": "1", "unit_price": "10"}]
    )
    [foreign_line] = lines_of(theirs, foreign)
    login_verified(client, mine["finance"])
    for url in (
        reverse("finance:invoice_credit", args=[foreign.pk]),
        reverse("finance:invoice_line_add", args=[foreign_draft.pk]),
        reverse("finance:invoice_line_remove", args=[foreign_draft.pk, foreign_line.pk]),
    ):
        assert client.post(url, {"reason": "x", "description": "x"}).status_code == 404, url
    assert client.get(reverse("finance:invoice_credit", args=[foreign.pk])).status_code == 404
    # A foreign line in the credit form's list of lines of an own invoice.
    response = client.post(
        reverse("finance:invoice_credit", args=[own.pk]),
        {"lines": [str(foreign_line.pk)], "reason": "Virhe"},
    )
    assert response.status_code == 400
    # A foreign invoice chosen for a payment.
    response = client.post(
        reverse("finance:payment_create"),
        {"invoice": str(foreign.pk), "paid_on": "3.12.2026", "amount": "192,00"},
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
        assert not Payment.objects.exists()
        assert InvoiceLine.objects.filter(invoice=foreign_draft).count() == 1
