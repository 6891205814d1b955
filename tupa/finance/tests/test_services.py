"""Budget services: one budget a year, lines upserted per funder, history with the actor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django_scopes import scopes_disabled

from tupa.core.tests.factories import OrganisationFactory, UserFactory
from tupa.finance.models import BudgetLine
from tupa.finance.services import budget_create, budget_set_line
from tupa.organisations.models import Funder
from tupa.organisations.services import funder_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():  # type: ignore[no-untyped-def]
    return OrganisationFactory()


@pytest.fixture
def actor(org):  # type: ignore[no-untyped-def]
    return UserFactory(organisation=org)


def test_budget_lines_sum_and_upsert(org, actor) -> None:  # type: ignore[no-untyped-def]
    budget = budget_create(
        actor=actor, organisation=org, year=2018, approved_on=dt.date(2017, 11, 24)
    )
    stea = funder_create(actor=actor, organisation=org, name="STEA", category=Funder.Category.STEA)
    state = funder_create(
        actor=actor, organisation=org, name="Valtio", category=Funder.Category.STATE
    )
    budget_set_line(actor=actor, budget=budget, funder=stea, amount=Decimal("799300.00"))
    budget_set_line(actor=actor, budget=budget, funder=state, amount=Decimal("600000.00"))
    line = budget_set_line(actor=actor, budget=budget, funder=state, amount=Decimal("655000.00"))

    with scopes_disabled():
        assert BudgetLine.objects.filter(budget=budget).count() == 2
        total = BudgetLine.objects.filter(budget=budget).aggregate(t=Sum("amount"))["t"]
        # 799 300,00 + 655 000,00
        assert total == Decimal("1454300.00")
        history = list(line.history.order_by("history_date"))
    assert [h.amount for h in history] == [Decimal("600000.00"), Decimal("655000.00")]
    assert {h.history_user for h in history} == {actor}
    assert budget.history.get().history_user == actor


def test_one_budget_per_year_and_sane_approval_date(org, actor) -> None:  # type: ignore[no-untyped-def]
    budget_create(actor=actor, organisation=org, year=2018)
    with pytest.raises(ValidationError):
        budget_create(actor=actor, organisation=org, year=2018)
    with pytest.raises(ValidationError) as exc:
        budget_create(actor=actor, organisation=org, year=2019, approved_on=dt.date(2020, 1, 2))
    assert "approved_on" in exc.value.message_dict
    budget_create(actor=actor, organisation=OrganisationFactory(), year=2018)  # other tenant: fine


def test_negative_amount_and_foreign_funder_are_rejected(org, actor) -> None:  # type: ignore[no-untyped-def]
    budget = budget_create(actor=actor, organisation=org, year=2018)
    stea = funder_create(actor=actor, organisation=org, name="STEA", category=Funder.Category.STEA)
    with pytest.raises(ValidationError) as exc:
        budget_set_line(actor=actor, budget=budget, funder=stea, amount=Decimal("-1.00"))
    assert exc.value.message_dict["amount"] == ["Summa ei voi olla negatiivinen."]
    foreign = funder_create(
        actor=None, organisation=OrganisationFactory(), name="STEA", category=Funder.Category.STEA
    )
    with pytest.raises(ValidationError) as exc:
        budget_set_line(actor=actor, budget=budget, funder=foreign, amount=Decimal("1.00"))
    assert "funder" in exc.value.message_dict
    with scopes_disabled():
        assert not BudgetLine.objects.exists()
