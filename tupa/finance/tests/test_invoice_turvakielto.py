"""A family under turvakielto, billed to the municipality she fled from, end to end: Ensikoti's
real billable source (``residential.care_days``) → the lead's approval → the run → the sent
invoice, and every finance output of it (ARCHITECTURE.md §6, docs/residential-ensikoti.md
"Turvakielto and the payer", docs/finance-invoicing.md).

The rule: the payer is billed by its own decision number (the case reference), the days and the
price; no output names the family, her address or her (new) home municipality — not to the
finance user, not to the buyer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.finance.documents.pdf import invoice_html
from tupa.finance.documents.selectors import invoice_document
from tupa.finance.invoicing import services
from tupa.finance.models import Invoice
from tupa.finance.models.agreements import PricedItem
from tupa.finance.tests import factories
from tupa.finance.tests.test_invoicing_services import make_agreement, municipality
from tupa.people.models import Restriction
from tupa.residential.tests.test_commitment import build_scenario

pytestmark = pytest.mark.django_db

D = dt.date
SECRETS = ("Salaviina", "Piilonen", "Kätkötie", "15999", "Salakylä", "Sysmä")


def test_a_protected_familys_care_days_are_billed_without_naming_her(client: Any) -> None:
    s = build_scenario()
    form = s["form"]
    org = form.organisation
    _episode, (mother, _child) = s["a"]
    hidden_home = municipality("781", "Sysmä")
    with scopes_disabled():
        person = mother.person
        person.first_names, person.last_name = "Salaviina", "Piilonen"
        person.street_address, person.postal_code = "Kätkötie 13", "15999"
        person.post_office, person.municipality = "Salakylä", hidden_home
        person.save()
        Restriction.objects.create(
            person=person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=D(2026, 1, 1),
            created_by=s["worker"],
        )
    finance = org_role_user(org, Role.FINANCE)
    factories.profile(org)
    ctx = {"org": org, "finance": finance}
    make_agreement(
        ctx,
        s["p1"],
        [form],
        "OPS-1",
        [
            (PricedItem.CARE_DAY_MOTHER, "228.00", D(2026, 1, 1)),
            (PricedItem.CARE_DAY_CHILD, "96.00", D(2026, 1, 1)),
        ],
    )
    lead = worker_in(form, role=Role.LEAD)
    services.basis_approve(
        actor=lead, service_form=form, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31)
    )
    found = services.run_create(
        actor=finance, organisation=org, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31)
    )
    with scope(organisation=org.pk):
        [invoice] = list(Invoice.objects.filter(run=found))
    sent = services.invoice_send(actor=finance, invoice=invoice, invoice_date=D(2026, 2, 3))
    # Billable: 4 days of the mother and 4 of the child on the payer's decision.
    assert sent.total_gross == 4 * 228 + 4 * 96
    login_verified(client, finance)
    outputs = {
        name: client.get(url).content.decode()
        for name, url in (
            ("run", reverse("finance:invoice_run", args=[found.pk])),
            ("invoice", reverse("finance:invoice", args=[sent.pk])),
            ("list", reverse("finance:invoices")),
            ("finvoice", reverse("finance:invoice_finvoice", args=[sent.pk])),
            (
                "journal",
                reverse("finance:journal")
                + "?start=1.2.2026&end=28.2.2026&bank_account=1910&muoto=csv",
            ),
        )
    }
    with scope(organisation=org.pk):
        document = invoice_document(sent)
    assert document is not None
    outputs["pdf"] = invoice_html(document)
    for name, text in outputs.items():
        assert not [secret for secret in SECRETS if secret in text], name
    for name in ("invoice", "finvoice", "pdf"):
        assert "PHHYKY/123/2026" in outputs[name], name
    assert "Lasku 1000" in outputs["journal"] and "Päijät-Hämeen" in outputs["run"]
