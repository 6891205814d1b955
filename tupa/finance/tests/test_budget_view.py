from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Budget, BudgetLine
from tupa.organisations.models import Funder

pytestmark = pytest.mark.django_db


def _budget(org, year, amounts):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        budget = Budget.objects.create(organisation=org, year=year)
        for name, amount in amounts.items():
            funder, _ = Funder.objects.get_or_create(
                organisation=org, name=name, defaults={"category": Funder.Category.OTHER}
            )
            BudgetLine.objects.create(budget=budget, funder=funder, amount=Decimal(amount))
    return budget


def test_budget_by_source_totals_and_shares(client) -> None:
    org = OrganisationFactory()
    _budget(org, 2018, {"A": "300.00", "B": "100.00"})
    finance = org_role_user(org, Role.FINANCE)
    login_verified(client, finance)
    response = client.get(reverse("finance:budget"), {"vuosi": "2018"})
    assert response.status_code == 200
    summary = response.context["summary"]
    # 300 / 400 = 75.0 %, 100 / 400 = 25.0 %
    assert summary.total == Decimal("400.00")
    assert [(r.funder_name, r.share_percent) for r in summary.rows] == [
        ("A", Decimal("75.0")),
        ("B", Decimal("25.0")),
    ]


def test_budget_is_404_for_a_worker_and_isolated_between_organisations(client) -> None:
    org_a = OrganisationFactory()
    org_b = OrganisationFactory()
    _budget(org_a, 2018, {"Salainen rahoittaja": "999.00"})
    worker_org_a = org_role_user(org_a, Role.DATA_PROTECTION_OFFICER)
    login_verified(client, worker_org_a)
    assert client.get(reverse("finance:budget")).status_code == 404
    finance_b = org_role_user(org_b, Role.FINANCE)
    login_verified(client, finance_b)
    response = client.get(reverse("finance:budget"), {"vuosi": "2018"})
    assert response.status_code == 200
    assert "Salainen rahoittaja" not in response.content.decode()
    assert response.context["summary"] is None


def test_bad_year_parameter_falls_back_to_latest(client) -> None:
    org = OrganisationFactory()
    _budget(org, 2017, {"A": "1.00"})
    _budget(org, 2018, {"B": "2.00"})
    login_verified(client, org_role_user(org, Role.FINANCE))
    response = client.get(reverse("finance:budget"), {"vuosi": "kaksituhatta"})
    assert response.context["summary"].budget.year == 2018


def test_a_year_without_a_budget_falls_back_to_latest(client) -> None:
    """An unknown year shows the newest budget, as a bad one does (it used to show none)."""
    org = OrganisationFactory()
    _budget(org, 2017, {"A": "1.00"})
    _budget(org, 2018, {"B": "2.00"})
    login_verified(client, org_role_user(org, Role.FINANCE))
    for odd in ("2016", "2019", "２０１７"):
        response = client.get(reverse("finance:budget"), {"vuosi": odd})
        assert response.context["year"] == 2018, odd
        assert response.context["summary"].budget.year == 2018, odd
    assert client.get(reverse("finance:budget"), {"vuosi": "2017"}).context["year"] == 2017
