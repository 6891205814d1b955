"""The account ranges that tell income from costs in the import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import policy
from tupa.core.saving import save_validated
from tupa.finance.models import (
    AccountRange,
)
from tupa.finance.models.actuals import DEFAULT_RANGES
from tupa.finance.models.budget import BudgetKind, CostType
from tupa.organisations.models import Funder, Organisation

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import MANAGE


@dataclass(frozen=True)
class Range:
    """An account range as the import uses it (a stored row or one of the defaults)."""

    first: int
    last: int
    kind: str
    funder_id: int | None
    cost_type: str


def ranges_of(organisation_id: int) -> list[Range]:
    """The organisation's account ranges, or :data:`DEFAULT_RANGES` when it has none."""
    stored = [
        Range(r.first_account, r.last_account, r.kind, r.funder_id, r.cost_type)
        for r in AccountRange.objects.filter(organisation_id=organisation_id).order_by(
            "first_account"
        )
    ]
    if stored:
        return stored
    return [Range(first, last, kind, None, cost) for first, last, kind, cost in DEFAULT_RANGES]


@transaction.atomic
def account_range_add(
    *,
    actor: User,
    first_account: int,
    last_account: int,
    kind: str,
    funder: Funder | None = None,
    cost_type: str = "",
) -> AccountRange:
    """Add a range of accounts; ranges do not overlap. Once an organisation has a range of its
    own the defaults no longer apply (the page says so)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    errors: dict[str, str] = {}
    if funder is not None and funder.organisation_id != organisation_id:
        raise PermissionDenied
    if not 1 <= first_account <= 99999:
        errors["first_account"] = _("Tilinumeron on oltava 1–99999.")
    if not 1 <= last_account <= 99999:
        errors["last_account"] = _("Tilinumeron on oltava 1–99999.")
    elif last_account < first_account:
        errors["last_account"] = _("Välin viimeinen tili ei voi olla ennen ensimmäistä.")
    if kind == BudgetKind.INCOME:
        cost_type = ""
    elif kind == BudgetKind.COST:
        funder = None
        if cost_type not in CostType.values:
            errors["cost_type"] = _("Valitse kululaji.")
    else:
        errors["kind"] = _("Valitse, onko tiliväli tuottoja vai kuluja.")
    with scope(organisation=organisation_id):
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        if not errors:
            overlap = (
                AccountRange.objects.filter(
                    organisation_id=organisation_id,
                    first_account__lte=last_account,
                    last_account__gte=first_account,
                )
                .order_by("first_account")
                .first()
            )
            if overlap is not None:
                errors["first_account"] = _(
                    "Väli menee päällekkäin tilivälin %(first)s–%(last)s kanssa."
                ) % {"first": overlap.first_account, "last": overlap.last_account}
        if errors:
            raise ValidationError(errors)
        found = AccountRange(
            organisation=organisation,
            first_account=first_account,
            last_account=last_account,
            kind=kind,
            funder=funder,
            cost_type=cost_type,
        )
        save_validated(found, actor=actor)
    return found


@transaction.atomic
def account_range_delete(*, actor: User, account_range: AccountRange) -> None:
    """Remove a range (actuals already imported keep the side they were imported with)."""
    if account_range.organisation_id != policy.organisation_for(actor, MANAGE):
        raise PermissionDenied
    with scope(organisation=account_range.organisation_id):
        account_range._history_user = actor  # type: ignore[attr-defined]
        account_range.delete()
