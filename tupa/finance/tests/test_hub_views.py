"""The "Talous" hub and the invoicing details page: who sees which link, bad input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import InvoicingProfile

pytestmark = pytest.mark.django_db


def _profile_post(**overrides: str) -> dict[str, str]:
    values = {
        "street": "Esimerkkitie 1",
        "postcode": "15100",
        "town": "Lahti",
        "phone": "",
        "email": "",
        "iban": "FI42 5000 1510 0000 23",
        "bic": "okoyfihh",
        "einvoice_address": "003712345671",
        "einvoice_operator": "003721291126",
        "default_payment_term_days": "21",
        "penalty_interest": "korkolain mukainen",
        "vat_exempt_note": "Arvonlisäveroton sosiaalipalvelu, AVL 37 §",
        "receivables_account": "1700",
        "income_account": "3000",
        "vat_account": "2939",
        "bank_account": "1910",
    }
    values.update(overrides)
    return values


def test_the_finance_manager_sees_every_finance_page(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    login_verified(client, org_role_user(org, Role.FINANCE))
    body = client.get(reverse("finance:index")).content.decode()
    for name in (
        "invoicing",
        "invoices",
        "payments",
        "journal",
        "invoicing_profile",
        "agreements",
        "grants",
        "budget",
        "actuals_index",
        "income_register",
    ):
        assert f'href="{reverse("finance:" + name)}"' in body, name
    assert "Laskutuksen perustiedot (tilinumero" in body  # no profile yet


def test_the_director_reads_but_does_not_export_or_configure(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    login_verified(client, org_role_user(org, Role.EXECUTIVE_DIRECTOR))
    body = client.get(reverse("finance:index")).content.decode()
    assert reverse("finance:invoices") in body
    assert reverse("finance:journal") not in body
    assert reverse("finance:invoicing_profile") not in body
    assert client.get(reverse("finance:invoicing_profile")).status_code == 404


@pytest.mark.parametrize("role", ["worker", "lead"])
def test_client_workers_have_no_finance_hub(client, role: str) -> None:  # type: ignore[no-untyped-def]
    form = ServiceFormFactory()
    login_verified(client, worker_in(form, role=role))
    assert client.get(reverse("finance:index")).status_code == 404
    assert client.get(reverse("finance:invoicing_profile")).status_code == 404


def test_bad_iban_is_explained_and_what_was_typed_stays(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    login_verified(client, org_role_user(org, Role.FINANCE))
    url = reverse("finance:invoicing_profile")
    response = client.post(url, _profile_post(iban="FI42 5000 1510 0000 24", town="Hollola"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tarkista IBAN" in body
    assert 'value="Hollola"' in body and "FI42 5000 1510 0000 24" in body
    with scopes_disabled():
        assert not InvoicingProfile.objects.exists()


def test_the_details_are_saved_normalised_and_changed_in_place(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    login_verified(client, org_role_user(org, Role.FINANCE))
    url = reverse("finance:invoicing_profile")
    assert client.post(url, _profile_post()).status_code == 302
    assert client.post(url, _profile_post(town="Hollola")).status_code == 302
    with scopes_disabled():
        found = InvoicingProfile.objects.get(organisation=org)
    assert (found.iban, found.bic, found.town) == ("FI4250001510000023", "OKOYFIHH", "Hollola")
    assert found.default_payment_term_days == 21
