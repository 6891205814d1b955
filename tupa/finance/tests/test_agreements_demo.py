"""The demo agreements: three buyers, one price change on 1.7., idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.demo import finance_agreements
from tupa.finance.agreements import selectors
from tupa.finance.models import Agreement
from tupa.finance.models.agreements import PricedItem
from tupa.organisations.models import Partner

pytestmark = pytest.mark.django_db


def test_demo_agreements_with_a_price_change_on_1_7() -> None:
    org = OrganisationFactory()
    org_role_user(org, Role.FINANCE, username="talous")
    for slug in ["ensikoti", "alvari", "tapaamispaikka"]:
        ServiceFormFactory(area__organisation=org, slug=slug, name=slug.capitalize())
    with scopes_disabled():
        Partner.objects.create(
            organisation=org, name=finance_agreements.PHHYKY, kind=Partner.Kind.MUNICIPALITY
        )
    summary = finance_agreements.build(organisation=org)
    assert summary is not None and "3 sopimusta" in summary
    assert finance_agreements.build(organisation=org) is None
    year = timezone.localdate().year
    with scope(organisation=org.pk):
        phhyky = Agreement.objects.get(buyer__name=finance_agreements.PHHYKY)
        june = selectors.price_on(phhyky, PricedItem.CARE_DAY_MOTHER, dt.date(year, 6, 30))
        july = selectors.price_on(phhyky, PricedItem.CARE_DAY_MOTHER, dt.date(year, 7, 1))
        assert Agreement.objects.count() == 3
    assert june is not None and june.amount == Decimal("228.00")
    assert july is not None and july.amount == Decimal("236.00")
