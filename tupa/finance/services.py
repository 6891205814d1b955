"""Writes to budgets (HackSoft style: keyword-only, ``actor`` first, atomic, validated).

``actor=None`` means the system itself (a management command such as ``build_demo``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated
from tupa.organisations.models import Funder, Organisation

from .models import Budget, BudgetLine

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def budget_create(
    *,
    actor: User | None,
    organisation: Organisation,
    year: int,
    approved_on: date | None = None,
    note: str = "",
) -> Budget:
    """Create the annual budget (*talousarvio*) of ``year``; there is one per year."""
    if approved_on is not None and approved_on.year > year:
        raise ValidationError(
            {"approved_on": _("Talousarvio hyväksytään ennen talousarviovuoden loppua.")}
        )
    budget = Budget(organisation=organisation, year=year, approved_on=approved_on, note=note)
    with scope(organisation=organisation.pk):
        save_validated(budget, actor=actor)
    return budget


@transaction.atomic
def budget_set_line(
    *,
    actor: User | None,
    budget: Budget,
    funder: Funder,
    amount: Decimal,
    description: str = "",
) -> BudgetLine:
    """Set the budgeted income from ``funder``: creates the line or changes its amount."""
    if funder.organisation_id != budget.organisation_id:
        raise ValidationError({"funder": _("Rahoittaja kuuluu toiseen organisaatioon.")})
    amount = Decimal(amount)
    if amount < 0:
        raise ValidationError({"amount": _("Summa ei voi olla negatiivinen.")})
    with scope(organisation=budget.organisation_id):
        line = BudgetLine.objects.filter(budget=budget, funder=funder).first()
        if line is None:
            line = BudgetLine(budget=budget, funder=funder)
        line.amount = amount
        line.description = description
        save_validated(line, actor=actor)
    return line
