"""The budget by service form: its items (FIN-07)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import policy
from tupa.core.saving import save_validated
from tupa.finance.models import (
    Budget,
    BudgetItem,
)
from tupa.finance.models.budget import BudgetKind, CostType
from tupa.finance.money import euros
from tupa.finance.services import budget_create
from tupa.organisations.models import Funder, Organisation, ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import CENT, MANAGE, ZERO


@dataclass(frozen=True)
class BudgetItemData:
    """One row of the budget by service form as the form gives it."""

    kind: str
    amount: Decimal
    service_form: ServiceForm | None = None
    funder: Funder | None = None
    cost_type: str = ""
    #: Twelve monthly amounts (January first), or empty: evenly by twelve.
    phasing: list[Decimal] = field(default_factory=list)
    description: str = ""


def _clean_item(organisation_id: int, data: BudgetItemData) -> BudgetItemData:
    errors: dict[str, str] = {}
    if data.service_form is not None and data.service_form.organisation_id != organisation_id:
        raise PermissionDenied
    if data.funder is not None and data.funder.organisation_id != organisation_id:
        raise PermissionDenied
    funder, cost_type = data.funder, data.cost_type
    if data.kind == BudgetKind.INCOME:
        cost_type = ""
        if funder is None:
            errors["funder"] = _("Valitse tuoton rahoituslähde.")
    elif data.kind == BudgetKind.COST:
        funder = None
        if cost_type not in CostType.values:
            errors["cost_type"] = _("Valitse kululaji.")
    else:
        errors["kind"] = _("Valitse, onko rivi tuotto vai kulu.")
    try:
        amount = Decimal(data.amount)
        if amount < 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e10"):
            raise InvalidOperation
        amount = amount.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        errors["amount"] = _("Summan on oltava vähintään 0 € ja enintään kaksi desimaalia.")
        amount = ZERO
    phasing = [Decimal(v) for v in data.phasing]
    if phasing:
        if len(phasing) != 12:
            errors["phasing"] = _("Anna kaikkien kahdentoista kuukauden summat tai ei yhtään.")
        elif any(v < 0 or v != v.quantize(CENT) for v in phasing):
            errors["phasing"] = _(
                "Kuukauden summan on oltava vähintään 0 € ja enintään kaksi desimaalia."
            )
        elif "amount" not in errors and sum(phasing, ZERO) != amount:
            errors["phasing"] = _(
                "Kuukausien summa %(sum)s € ei ole vuoden summa %(amount)s €."
            ) % {"sum": euros(sum(phasing, ZERO)), "amount": euros(amount)}
        phasing = [v.quantize(CENT) for v in phasing]
        if phasing == BudgetItem(amount=amount).monthly_amounts():
            phasing = []  # the same as the even spread: stored as "evenly"
    if errors:
        raise ValidationError(errors)
    return BudgetItemData(
        kind=data.kind,
        amount=amount,
        service_form=data.service_form,
        funder=funder,
        cost_type=cost_type,
        phasing=phasing,
        description=data.description.strip(),
    )


def _check_unique(budget: Budget, data: BudgetItemData, pk: int | None) -> None:
    clash = BudgetItem.objects.filter(
        budget=budget,
        service_form=data.service_form,
        kind=data.kind,
        funder=data.funder,
        cost_type=data.cost_type,
    ).exclude(pk=pk or 0)
    if clash.exists():
        key = "funder" if data.kind == BudgetKind.INCOME else "cost_type"
        raise ValidationError(
            {
                key: _(
                    "Työmuodolla on jo tämä rivi vuoden talousarviossa; muokkaa olemassa olevaa "
                    "riviä."
                )
            }
        )


def _fill(item: BudgetItem, data: BudgetItemData) -> None:
    item.service_form = data.service_form
    item.kind = data.kind
    item.funder = data.funder
    item.cost_type = data.cost_type
    item.amount = data.amount
    item.phasing = [str(v) for v in data.phasing]
    item.description = data.description


@transaction.atomic
def budget_item_create(*, actor: User, year: int, data: BudgetItemData) -> BudgetItem:
    """Add a row to the budget of ``year`` (the year's budget is created if there is none)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Vuoden on oltava 2000–2100."))
    clean = _clean_item(organisation_id, data)
    with scope(organisation=organisation_id):
        budget = Budget.objects.select_for_update().filter(year=year).first()
        if budget is None:
            budget = budget_create(
                actor=actor,
                organisation=Organisation.objects.get(pk=organisation_id),
                year=year,
            )
        _check_unique(budget, clean, None)
        item = BudgetItem(budget=budget)
        _fill(item, clean)
        save_validated(item, actor=actor)
    return item


@transaction.atomic
def budget_item_update(*, actor: User, item: BudgetItem, data: BudgetItemData) -> BudgetItem:
    """Change a row of the budget (the change history keeps the earlier amounts)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    if item.budget.organisation_id != organisation_id:
        raise PermissionDenied
    clean = _clean_item(organisation_id, data)
    with scope(organisation=organisation_id):
        Budget.objects.select_for_update().filter(pk=item.budget_id).first()
        locked = BudgetItem.objects.select_related("budget").get(pk=item.pk)
        _check_unique(locked.budget, clean, locked.pk)
        _fill(locked, clean)
        save_validated(locked, actor=actor)
    return locked


@transaction.atomic
def budget_item_delete(*, actor: User, item: BudgetItem) -> None:
    """Remove a row of the budget (the change history keeps it)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    if item.budget.organisation_id != organisation_id:
        raise PermissionDenied
    with scope(organisation=organisation_id):
        item._history_user = actor  # type: ignore[attr-defined]
        item.delete()
