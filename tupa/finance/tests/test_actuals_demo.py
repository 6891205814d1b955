"""The demo's budget by service form, a year of actuals and the other income (small org, no
full demo build): the plan's totals hold and the builder is idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.demo import finance_budget
from tupa.finance.actuals import selectors
from tupa.finance.income import selectors as income_selectors
from tupa.finance.models import ActualsImport, Budget, BudgetItem, EarmarkedFund
from tupa.finance.models.budget import BudgetKind
from tupa.organisations.models import Funder

pytestmark = pytest.mark.django_db

SLUGS = ["ensikoti", "turvakoti", "alvari", "tapaamispaikka", "perhetupa", "mieskaveri"]


def test_demo_budget_actuals_and_income() -> None:
    org = OrganisationFactory()
    org_role_user(org, Role.FINANCE, username="talous")
    for slug in SLUGS:
        ServiceFormFactory(area__organisation=org, slug=slug, name=slug.capitalize())
    with scopes_disabled():
        for name, category in [
            ("Kunnat ja kuntayhtymät", Funder.Category.MUNICIPALITIES),
            ("STEA", Funder.Category.STEA),
            ("Valtio (THL)", Funder.Category.STATE),
            ("Muut tuotot", Funder.Category.OTHER),
        ]:
            Funder.objects.create(organisation=org, name=name, category=category)
        Budget.objects.create(organisation=org, year=2018)
    summary = finance_budget.build(organisation=org)
    assert summary is not None and "12 kuukauden" in summary
    assert finance_budget.build(organisation=org) is None  # idempotent
    with scope(organisation=org.pk):
        items = list(BudgetItem.objects.select_related("funder"))
        income = [i for i in items if i.kind == BudgetKind.INCOME]
        by_funder: dict[str, Decimal] = {}
        for i in income:
            assert i.funder is not None
            by_funder[i.funder.name] = by_funder.get(i.funder.name, Decimal(0)) + i.amount
        # seed-spec §6.1: 1 148 000 + 799 300 + 655 000 + 47 400 = 2 649 700.
        assert by_funder == {
            "Kunnat ja kuntayhtymät": Decimal("1148000.00"),
            "STEA": Decimal("799300.00"),
            "Valtio (THL)": Decimal("655000.00"),
            "Muut tuotot": Decimal("47400.00"),
        }
        assert sum(i.amount for i in income) == Decimal("2649700.00")
        # A balanced budget: costs equal income, and the phased rows sum to their years.
        assert sum(i.amount for i in items if i.kind == BudgetKind.COST) == Decimal("2649700.00")
        assert all(sum(i.monthly_amounts()) == i.amount for i in items)
        assert ActualsImport.objects.count() == 12
        board = selectors.board(organisation_id=org.pk, year=2018)
        assert board.month == 12 and board.months_with_actuals == list(range(1, 13))
        # Every month's actual is within ±4 % of its budget, so the year's too.
        assert abs(board.total.income.variance) <= Decimal("0.04") * Decimal("2649700")
        fund = EarmarkedFund.objects.get()
        statement = income_selectors.fund_statement(fund)
        # In 1 500 + 100 + 800 + 300 = 2 700; used 650 + 900 + 700 = 2 250; left 450.
        assert (statement.received, statement.used, statement.balance) == (
            Decimal("2700.00"),
            Decimal("2250.00"),
            Decimal("450.00"),
        )
