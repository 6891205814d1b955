"""The invoice outputs and the finance pages (issue 14, ARCHITECTURE.md §6).

- typed text (a buyer's reference, a note, a line's description or case reference) never
  breaks the Finvoice message: characters XML 1.0 cannot hold are left out, markup is escaped;
- the organisation-wide roles without a finance rule (data-protection officer, administrator,
  federation analyst, volunteer coordinator) neither read nor change invoices, agreements or
  grants, by URL or by POST.
"""

from __future__ import annotations

from typing import Any

import pytest
from defusedxml import ElementTree as SafeET
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.finance.documents.finvoice import finvoice_xml, iter_schemas, validation_errors
from tupa.finance.models import Grant, Invoice, InvoiceLine, InvoicingProfile
from tupa.finance.tests import factories
from tupa.finance.tests.test_agreements_services import agreement, setup_org
from tupa.finance.tests.test_documents_finvoice import sample

pytestmark = pytest.mark.django_db

#: Typed text with characters XML 1.0 cannot hold (a pasted escape, a form feed, a NUL-like
#: control) and with markup that must stay text.
HOSTILE = "KP\x01 44\x1b10 </BuyerReferenceIdentifier><X>&amp;"


def _finvoice(invoice: Invoice) -> bytes:
    with scopes_disabled():
        profile = InvoicingProfile.objects.get(organisation_id=invoice.organisation_id)
        fresh = Invoice.objects.select_related("agreement", "credited_invoice").get(pk=invoice.pk)
        return finvoice_xml(fresh, profile)


def test_typed_control_characters_and_markup_never_break_the_finvoice_message() -> None:
    ctx = setup_org()
    invoice = sample(ctx, buyer_reference=HOSTILE[:70], notes=f"Huom {HOSTILE}")
    with scopes_disabled():
        InvoiceLine.objects.filter(invoice=invoice).update(
            description=f"Hoitovuorokausi {HOSTILE}"[:200], case_reference=HOSTILE[:100]
        )
    xml = _finvoice(invoice)
    root = SafeET.fromstring(xml)  # well-formed: the operator can read it
    assert root.find("X") is None and not list(root.iter("X"))
    reference = root.find("InvoiceDetails/BuyerReferenceIdentifier")
    assert reference is not None and reference.text is not None
    assert "</BuyerReferenceIdentifier><X>&amp;" in reference.text
    assert "\x01" not in xml.decode() and "\x1b" not in xml.decode()
    for schema in iter_schemas():
        assert validation_errors(xml, schema) == []


NO_FINANCE_ROLES = [
    Role.DATA_PROTECTION_OFFICER,
    Role.ADMINISTRATOR,
    Role.FEDERATION_ANALYST,
    Role.VOLUNTEER_COORDINATOR,
]


@pytest.mark.parametrize("role", NO_FINANCE_ROLES)
def test_roles_without_a_finance_rule_neither_read_nor_change_finance_records(
    client: Any, role: str
) -> None:
    ctx = setup_org()
    invoice = sample(ctx)
    draft = factories.draft_invoice(
        ctx["org"],
        created_by=ctx["finance"],
        lines=[{"quantity": "1", "unit_price": "10.00", "description": "Rivi"}],
    )
    found = agreement(ctx)
    grant = factories.stea_grant(ctx["form"], year_from=2026)
    login_verified(client, org_role_user(ctx["org"], role))
    gets = [
        reverse("finance:invoices"),
        reverse("finance:invoicing"),
        reverse("finance:invoice", args=[invoice.pk]),
        reverse("finance:invoice_pdf", args=[invoice.pk]),
        reverse("finance:invoice_finvoice", args=[invoice.pk]),
        reverse("finance:agreements"),
        reverse("finance:agreement", args=[found.pk]),
        reverse("finance:grants"),
        reverse("finance:grant", args=[grant.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code in (403, 404), (role, url)
    posts = [
        (reverse("finance:invoice_line_add", args=[draft.pk]), {"description": "X"}),
        (reverse("finance:invoice_discard", args=[draft.pk]), {}),
        (reverse("finance:invoice_credit", args=[invoice.pk]), {"reason": "x"}),
        (reverse("finance:agreement_edit", args=[found.pk]), {"title": "Muutettu"}),
        (reverse("finance:grant_edit", args=[grant.pk]), {"target_name": "Muutettu"}),
        (reverse("finance:grant_decide", args=[grant.pk]), {"status": "rejected"}),
    ]
    for url, body in posts:
        assert client.post(url, body).status_code in (403, 404), (role, url)
    with scopes_disabled():
        assert Invoice.objects.get(pk=draft.pk).status == Invoice.Status.DRAFT
        assert InvoiceLine.objects.filter(invoice=draft).count() == 1
        assert not Invoice.objects.filter(credited_invoice=invoice).exists()
        assert Grant.objects.get(pk=grant.pk).status == Grant.Status.GRANTED
        found.refresh_from_db()
        assert found.title == "Ensikodin ostopalvelut"
