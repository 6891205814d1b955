"""The dashboard's report list: each role sees exactly the aggregate reports the policy allows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Grant
from tupa.finance.tests.factories import stea_grant
from tupa.home.reports import report_links
from tupa.organisations.models import ServiceForm

pytestmark = pytest.mark.django_db

RETURNS = "Ilmoitukset (STEA, THL, puolivuosiseuranta)"


def _labels(user) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with scope(organisation=user.organisation):
        return {
            item["service_form"].name: [str(link["label"]) for link in item["links"]]
            for item in report_links(user=user)
        }


@pytest.fixture
def forms() -> dict[str, ServiceForm]:
    org = OrganisationFactory.create()

    def form(name: str, kind: str, violence_work: str = "") -> ServiceForm:
        return ServiceFormFactory.create(
            organisation=org, name=name, kind=kind, violence_work=violence_work
        )

    return {
        "shelter": form("Turvakoti", ServiceForm.Kind.RESIDENTIAL, "victim"),
        "ensikoti": form("Ensikoti", ServiceForm.Kind.RESIDENTIAL),
        "house": form("Perhetupa", ServiceForm.Kind.DROP_IN),
        "meetings": form("Tapaamispaikka", ServiceForm.Kind.VISITATION),
        "crisis": form("Avokriisityö", ServiceForm.Kind.OUTPATIENT, "victim"),
    }


def test_executive_director_sees_the_aggregates_of_every_unit(forms: dict) -> None:  # type: ignore[type-arg]
    director = org_role_user(forms["shelter"].organisation, Role.EXECUTIVE_DIRECTOR)
    assert _labels(director) == {
        # Outpatient work has its half-yearly review, the shelter its THL return.
        "Avokriisityö": [RETURNS],
        "Ensikoti": ["Käännytetyt pyynnöt"],
        "Perhetupa": ["Kävijätilastot"],
        "Tapaamispaikka": ["Tapaamisten tilastot", "Laskutettavat tapaamiset"],
        "Turvakoti": [RETURNS, "THL:n turvakotitilasto", "Käännytetyt pyynnöt"],
    }


def test_the_stea_report_appears_only_for_a_form_stea_funds(forms: dict) -> None:  # type: ignore[type-arg]
    """The link appears once the grants register holds a STEA grant for the form, in any year
    (an application waiting for its decision is not a grant)."""
    director = org_role_user(forms["shelter"].organisation, Role.EXECUTIVE_DIRECTOR)
    assert _labels(director)["Perhetupa"] == ["Kävijätilastot"]
    stea_grant(forms["house"], year_from=2019, status=Grant.Status.APPLIED)
    assert _labels(director)["Perhetupa"] == ["Kävijätilastot"]
    stea_grant(forms["house"], year_from=2019, year_to=2020)
    assert _labels(director)["Perhetupa"] == [RETURNS, "Kävijätilastot"]


def test_finance_sees_the_billing_lists_only(forms: dict) -> None:  # type: ignore[type-arg]
    finance = org_role_user(forms["shelter"].organisation, Role.FINANCE)
    assert _labels(finance) == {
        "Ensikoti": ["Laskutettavat hoitovuorokaudet"],
        "Tapaamispaikka": ["Laskutettavat tapaamiset"],
        "Turvakoti": ["Laskutettavat hoitovuorokaudet"],
    }


def test_a_worker_sees_only_their_own_unit(forms: dict) -> None:  # type: ignore[type-arg]
    worker = worker_in(forms["house"])
    assert _labels(worker) == {"Perhetupa": ["Kävijätilastot"]}
    # Outpatient work's only aggregate reports are its returns, in its own unit.
    assert _labels(worker_in(forms["crisis"])) == {"Avokriisityö": [RETURNS]}
    # Another organisation's director sees none of these forms.
    other = org_role_user(OrganisationFactory.create(), Role.EXECUTIVE_DIRECTOR)
    assert _labels(other) == {}


def test_dashboard_lists_the_links(client: Client, forms: dict) -> None:  # type: ignore[type-arg]
    director = org_role_user(forms["shelter"].organisation, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "Raportit ja tilastot" in html
    assert reverse("residential:thl_summary_default", args=[forms["shelter"].slug]) in html
    assert reverse("dropin:statistics", args=[forms["house"].slug]) in html


def test_report_links_query_count_does_not_grow_with_forms(
    forms: dict,  # type: ignore[type-arg]
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    director = org_role_user(forms["shelter"].organisation, Role.EXECUTIVE_DIRECTOR)
    for i in range(10):
        ServiceFormFactory.create(
            organisation=director.organisation, name=f"Lisä {i}", kind=ServiceForm.Kind.DROP_IN
        )
    # The forms, the memberships, and one or two queries per report that narrows its forms
    # (the volunteer report: the forms that have had volunteers).
    with scope(organisation=director.organisation), django_assert_max_num_queries(6):
        assert len(report_links(user=director)) == 15
