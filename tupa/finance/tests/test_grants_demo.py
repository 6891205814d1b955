"""The grants demo: the plan's grants, consistent with the 2018 budget; built once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.demo import finance_grants as demo
from tupa.finance.grants import selectors
from tupa.finance.models import Grant
from tupa.organisations.models import Funder

pytestmark = pytest.mark.django_db

FUNDERS = {
    "STEA": Funder.Category.STEA,
    "Valtio (THL)": Funder.Category.STATE,
    "Lahden kaupunki": Funder.Category.MUNICIPALITIES,
}


def test_demo_grants_match_the_budget_and_build_once() -> None:
    org = OrganisationFactory()
    with scopes_disabled():
        for name, category in FUNDERS.items():
            Funder.objects.create(organisation=org, name=name, category=category)
    for slug in ("baby-blues", "turvakoti", "perhetupa", "ero-lapsiperheessa", "mieskaveri"):
        ServiceFormFactory(area__organisation=org, slug=slug)
    org_role_user(org, Role.FINANCE, username="talous")
    summary = demo.build(organisation=org)
    assert summary == "Avustukset: 16 hakemusta, 20 raportointimääräaikaa."
    assert demo.build(organisation=org) is None
    with scope(organisation=org.pk):
        register = selectors.register(year=2018)
        by_funder = {f.funder_name: f.total for f in register.by_funder}
        # The 2018 budget: STEA 799 300 €, the state (THL) 655 000 €.
        assert by_funder["STEA"].granted == Decimal("799300.00")
        assert by_funder["Valtio (THL)"].granted == Decimal("655000.00")
        statuses = sorted(Grant.objects.values_list("status", flat=True))
        assert statuses.count(Grant.Status.APPLIED) == 5
        assert statuses.count(Grant.Status.PARTLY_GRANTED) == 1
        assert statuses.count(Grant.Status.REJECTED) == 1
        upcoming = selectors.upcoming_deadlines(today=timezone.localdate())
        assert [row.overdue for row in upcoming] == [True, False]
        assert selectors.default_year(today=timezone.localdate()) == 2018
