"""The lead's approval of a month's billable basis (policy ``finance.basis.approve`` in the
lead's own form): the approval keeps the fingerprint of the items the lead saw.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.finance.invoicing.basis import as_decimal, collect_items, fingerprint, form_items
from tupa.finance.invoicing.runs import period_text
from tupa.finance.models import (
    BasisApproval,
)
from tupa.organisations.models import ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

from tupa.finance.invoicing.services._common import APPROVE, ZERO, _check_period, _require


@transaction.atomic
def basis_approve(
    *,
    actor: User,
    service_form: ServiceForm,
    period_start: dt.date,
    period_end: dt.date,
    note: str = "",
) -> BasisApproval:
    """The lead approves the form's billable items of ``period_start..period_end`` as they are
    now; the approval keeps their fingerprint. A previous approval of the same period is
    withdrawn (the records changed since); approving an unchanged basis again is refused."""
    _require(actor, APPROVE, service_form)
    _check_period(period_start, period_end)
    note = note.strip()
    if len(note) > 300:
        raise ValidationError({"note": _("Lisätieto voi olla enintään 300 merkkiä.")})
    organisation_id = service_form.organisation_id
    with scope(organisation=organisation_id):
        # One approval of a form at a time: the form's row is the lock.
        ServiceForm.objects.select_for_update().filter(pk=service_form.pk).first()
        active = list(
            BasisApproval.objects.select_for_update().filter(
                service_form=service_form,
                withdrawn_at__isnull=True,
                period_start__lte=period_end,
                period_end__gte=period_start,
            )
        )
        other = [a for a in active if (a.period_start, a.period_end) != (period_start, period_end)]
        if other:
            raise ValidationError(
                _("Jakso menee päällekkäin hyväksytyn jakson %(period)s kanssa.")
                % {"period": period_text(other[0].period_start, other[0].period_end)}
            )
        items = form_items(
            collect_items(organisation_id, period_start, period_end), service_form.pk
        )
        digest = fingerprint(items)
        now = timezone.now()
        for previous in active:
            if previous.fingerprint == digest:
                raise ValidationError(
                    _("Laskutusperuste on jo hyväksytty, eikä sitä ole muutettu sen jälkeen.")
                )
            previous.withdrawn_at = now
            previous.save(update_fields=["withdrawn_at"])
        return BasisApproval.objects.create(
            organisation_id=organisation_id,
            service_form=service_form,
            period_start=period_start,
            period_end=period_end,
            fingerprint=digest,
            item_count=len(items),
            quantity=sum((as_decimal(i.quantity) for i in items), ZERO),
            note=note,
            approved_by=actor,
            approved_at=now,
        )


@transaction.atomic
def basis_withdraw(*, actor: User, approval: BasisApproval) -> BasisApproval:
    """The lead withdraws an approval (invoices already sent stay as they are; a later run
    bills nothing of the period until it is approved again)."""
    _require(actor, APPROVE, approval.service_form)
    with scope(organisation=approval.organisation_id):
        locked = BasisApproval.objects.select_for_update().get(pk=approval.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError(_("Hyväksyntä on jo peruttu."))
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
    return locked
