"""Writes of the grants register (FIN-06).

Everything here needs ``finance.grants.manage`` in the grant's organisation (``PermissionDenied``
otherwise), except :func:`results_reports_sent`, which the statistics app calls when a user who
may send a STEA results report marks it sent. Amounts are :class:`~decimal.Decimal` with two
decimals.

The decision rules (:func:`grant_decide`):

- *granted* (``myönnetty``): the whole amount applied; an empty amount means exactly that, a
  smaller amount must be recorded as *partly granted*, a larger one is refused [verify].
- *partly granted* (``myönnetty osittain``): more than 0 and less than the amount applied.
- *rejected* (``hylätty``): nothing granted (stored as 0.00).
- *withdrawn* (``peruttu``): the application was withdrawn; no amount.

Only an application that has been sent (``haettu``) or already decided (a correction) can be
decided; a draft is sent first by saving it with the status *applied* and the date it was sent.

When a STEA grant is recorded as granted or partly granted, its standard reporting deadlines are
added for each year it covers, unless a deadline of that kind and date exists already: the
results report (*tuloksellisuusraportti*) by 31 March and the *vuosiselvitys* by 31 May of the
following year [verify both dates against the decision]. The service forms the grant funds get the
matching funding tag (:class:`~tupa.organisations.models.ServiceFormFunding`) if they lack one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import policy
from tupa.finance.grants import selectors
from tupa.finance.models.grants import DECIDED, FUNDING, STEA_KINDS, Grant, GrantDeadline
from tupa.organisations.models import Funder, ServiceForm, ServiceFormFunding

if TYPE_CHECKING:
    from tupa.accounts.models import User

MANAGE = "finance.grants.manage"
CENT = Decimal("0.01")
#: The STEA reporting deadlines added when a STEA grant is granted: (kind, month, day) of the year
#: after each grant year [verify: the dates in the association's STEA decision].
STEA_DEADLINES: tuple[tuple[str, int, int], ...] = (
    (GrantDeadline.Kind.RESULTS_REPORT, 3, 31),
    (GrantDeadline.Kind.ANNUAL_REPORT, 5, 31),
)
#: The funding tag a decided grant gives the service forms it funds (who funds a form; the STEA
#: returns read the grants themselves, ADR 0024).
FUNDING_TYPE: dict[str, str] = {
    Grant.Kind.STEA_GENERAL: ServiceFormFunding.Type.OTHER,
    Grant.Kind.STEA_TARGETED: ServiceFormFunding.Type.TARGETED_GRANT,
    Grant.Kind.STEA_PROJECT: ServiceFormFunding.Type.PROJECT_GRANT,
    Grant.Kind.THL: ServiceFormFunding.Type.STATE_FUNDING,
    Grant.Kind.MUNICIPALITY: ServiceFormFunding.Type.CITY_GRANT,
    Grant.Kind.FOUNDATION: ServiceFormFunding.Type.OTHER,
    Grant.Kind.OTHER: ServiceFormFunding.Type.OTHER,
}
EDITABLE_STATUSES = frozenset({Grant.Status.DRAFT, Grant.Status.APPLIED})


def _require(actor: User, organisation_id: int | None) -> int:
    if organisation_id is None or actor.organisation_id != organisation_id:
        raise PermissionDenied
    if not policy.decide(actor, MANAGE):
        raise PermissionDenied
    return organisation_id


def _money(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    if value < 0:
        raise ValidationError({field: _("Summa ei voi olla negatiivinen.")})
    return value.quantize(CENT)


def _clean(
    *,
    organisation_id: int,
    funder: Funder,
    kind: str,
    target_name: str,
    year_from: int,
    year_to: int | None,
    amount_applied: Decimal,
    status: str,
    applied_on: dt.date | None,
    service_forms: Iterable[ServiceForm],
) -> tuple[str, int, Decimal, list[ServiceForm]]:
    errors: dict[str, str] = {}
    if funder.organisation_id != organisation_id:
        errors["funder"] = _("Valitse rahoittaja.")
    if kind not in Grant.Kind.values:
        errors["kind"] = _("Valitse avustuslaji.")
    if not target_name.strip():
        errors["target_name"] = _("Anna avustuskohteen nimi.")
    end = year_to if year_to is not None else year_from
    if not 2000 <= year_from <= 2100:
        errors["year_from"] = _("Anna vuosi väliltä 2000–2100.")
    elif not year_from <= end <= year_from + 10:
        errors["year_to"] = _("Päättymisvuosi ei voi olla ennen alkamisvuotta.")
    if amount_applied is None or amount_applied <= 0:
        errors["amount_applied"] = _("Haetun summan on oltava suurempi kuin nolla.")
    if status not in EDITABLE_STATUSES:
        errors["status"] = _("Valitse, onko hakemus valmisteilla vai jo haettu.")
    elif status == Grant.Status.APPLIED and applied_on is None:
        errors["applied_on"] = _("Anna päivä, jona avustusta haettiin.")
    forms = list(service_forms)
    if any(f.organisation_id != organisation_id for f in forms):
        errors["service_forms"] = _("Valitse oman organisaation työmuodot.")
    if errors:
        raise ValidationError(errors)
    return target_name.strip(), end, amount_applied.quantize(CENT), forms


@transaction.atomic
def grant_create(
    *,
    actor: User,
    funder: Funder,
    kind: str,
    target_name: str,
    year_from: int,
    amount_applied: Decimal,
    target_code: str = "",
    year_to: int | None = None,
    status: str = Grant.Status.DRAFT,
    applied_on: dt.date | None = None,
    note: str = "",
    service_forms: Iterable[ServiceForm] = (),
) -> Grant:
    """Record an application (a draft or one already sent)."""
    organisation_id = _require(actor, actor.organisation_id)
    with scope(organisation=organisation_id):
        name, end, applied, forms = _clean(
            organisation_id=organisation_id,
            funder=funder,
            kind=kind,
            target_name=target_name,
            year_from=year_from,
            year_to=year_to,
            amount_applied=amount_applied,
            status=status,
            applied_on=applied_on,
            service_forms=service_forms,
        )
        grant = Grant.objects.create(
            organisation_id=organisation_id,
            funder=funder,
            kind=kind,
            target_name=name,
            target_code=target_code.strip(),
            year_from=year_from,
            year_to=end,
            amount_applied=applied,
            status=status,
            applied_on=applied_on,
            note=note,
        )
        grant.service_forms.set(forms)
    return grant


@transaction.atomic
def grant_update(
    *,
    actor: User,
    grant: Grant,
    funder: Funder,
    kind: str,
    target_name: str,
    year_from: int,
    amount_applied: Decimal,
    target_code: str = "",
    year_to: int | None = None,
    status: str | None = None,
    applied_on: dt.date | None = None,
    note: str = "",
    service_forms: Iterable[ServiceForm] = (),
) -> Grant:
    """Edit an application. A decided grant keeps its status (change it with a new decision)."""
    organisation_id = _require(actor, grant.organisation_id)
    with scope(organisation=organisation_id):
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        decided = locked.status not in EDITABLE_STATUSES
        new_status = locked.status if decided or status is None else status
        name, end, applied, forms = _clean(
            organisation_id=organisation_id,
            funder=funder,
            kind=kind,
            target_name=target_name,
            year_from=year_from,
            year_to=year_to,
            amount_applied=amount_applied,
            status=Grant.Status.APPLIED if decided else new_status,
            applied_on=applied_on,
            service_forms=service_forms,
        )
        if (
            locked.amount_granted is not None
            and locked.status == Grant.Status.PARTLY_GRANTED
            and not locked.amount_granted < applied
        ):
            raise ValidationError(
                {
                    "amount_applied": _(
                        "Osittain myönnetyn avustuksen haetun summan on oltava suurempi kuin "
                        "myönnetty summa."
                    )
                }
            )
        if locked.status == Grant.Status.GRANTED and locked.amount_granted != applied:
            raise ValidationError(
                {
                    "amount_applied": _(
                        "Avustus on myönnetty kokonaan: haettu summa on sama kuin myönnetty. "
                        "Kirjaa ensin uusi päätös."
                    )
                }
            )
        locked.funder = funder
        locked.kind = kind
        locked.target_name = name
        locked.target_code = target_code.strip()
        locked.year_from = year_from
        locked.year_to = end
        locked.amount_applied = applied
        locked.status = new_status
        locked.applied_on = applied_on
        locked.note = note
        locked.save()
        locked.service_forms.set(forms)
    return locked


@transaction.atomic
def grant_decide(
    *,
    actor: User,
    grant: Grant,
    status: str,
    amount_granted: Decimal | None,
    decided_on: dt.date | None,
    decision_number: str = "",
    conditions: str = "",
) -> Grant:
    """Record the funder's decision (or a withdrawal); see the module docstring for the rules."""
    organisation_id = _require(actor, grant.organisation_id)
    with scope(organisation=organisation_id):
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if locked.status == Grant.Status.DRAFT:
            raise ValidationError(
                {
                    "status": _(
                        "Hakemus on vielä valmisteilla. Merkitse se ensin haetuksi "
                        "(hakemuksen muokkaus)."
                    )
                }
            )
        amount = _money(amount_granted, "amount_granted")
        applied = locked.amount_applied
        errors: dict[str, str] = {}
        if status == Grant.Status.GRANTED:
            if amount is None:
                amount = applied
            elif amount < applied:
                errors["amount_granted"] = _(
                    "Myönnetty summa on pienempi kuin haettu: valitse ”myönnetty osittain”."
                )
            elif amount > applied:
                errors["amount_granted"] = _(
                    "Myönnetty summa ei voi olla suurempi kuin haettu summa."
                )
        elif status == Grant.Status.PARTLY_GRANTED:
            if amount is None or amount <= 0:
                errors["amount_granted"] = _("Anna myönnetty summa (enemmän kuin 0 €).")
            elif amount >= applied:
                errors["amount_granted"] = _(
                    "Osittain myönnetyn summan on oltava pienempi kuin haettu summa; "
                    "koko summa on ”myönnetty”."
                )
        elif status == Grant.Status.REJECTED:
            if amount:
                errors["amount_granted"] = _("Hylätyssä päätöksessä ei myönnetä rahaa.")
            amount = Decimal("0.00")
        elif status == Grant.Status.WITHDRAWN:
            if amount:
                errors["amount_granted"] = _("Perutulle hakemukselle ei kirjata summaa.")
            amount = None
        else:
            errors["status"] = _("Valitse päätös.")
        if status in DECIDED:
            if decided_on is None:
                errors["decided_on"] = _("Anna päätöspäivä.")
            elif locked.applied_on is not None and decided_on < locked.applied_on:
                errors["decided_on"] = _("Päätöspäivä ei voi olla ennen hakupäivää.")
        if errors:
            raise ValidationError(errors)
        locked.status = status
        locked.amount_granted = amount
        locked.decided_on = decided_on if status in DECIDED else None
        locked.decision_number = decision_number.strip() if status in DECIDED else ""
        locked.conditions = conditions
        locked.save()
        if status in FUNDING:
            if locked.kind in STEA_KINDS:
                _add_stea_deadlines(locked)
            _tag_service_forms(locked)
    return locked


def _add_stea_deadlines(grant: Grant) -> list[GrantDeadline]:
    existing = set(GrantDeadline.objects.filter(grant=grant).values_list("kind", "due_on"))
    added = []
    for year in range(grant.year_from, grant.year_to + 1):
        for kind, month, day in STEA_DEADLINES:
            due = dt.date(year + 1, month, day)
            if (kind, due) in existing:
                continue
            added.append(GrantDeadline.objects.create(grant=grant, kind=kind, due_on=due))
    return added


def _tag_service_forms(grant: Grant) -> None:
    funding_type = FUNDING_TYPE[grant.kind]
    for form in grant.service_forms.all():
        ServiceFormFunding.objects.get_or_create(
            service_form=form,
            funder=grant.funder,
            type=funding_type,
            defaults={"note": _("Avustuspäätöksestä: %(target)s") % {"target": grant.target_name}},
        )


@transaction.atomic
def deadline_add(
    *, actor: User, grant: Grant, kind: str, due_on: dt.date | None, note: str = ""
) -> GrantDeadline:
    organisation_id = _require(actor, grant.organisation_id)
    errors: dict[str, str] = {}
    if kind not in GrantDeadline.Kind.values:
        errors["kind"] = _("Valitse määräajan laji.")
    if due_on is None:
        errors["due_on"] = _("Anna määräpäivä.")
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    with scope(organisation=organisation_id):
        return GrantDeadline.objects.create(
            grant=grant, kind=kind, due_on=due_on, note=note.strip()
        )


@transaction.atomic
def deadline_done(
    *, actor: User, deadline: GrantDeadline, done_on: dt.date | None = None
) -> GrantDeadline:
    """Mark a deadline done (today unless given); a second mark keeps the first date."""
    organisation_id = _require(actor, deadline.grant.organisation_id)
    with scope(organisation=organisation_id):
        locked = GrantDeadline.objects.select_for_update().get(pk=deadline.pk)
        if locked.done_on is None:
            locked.done_on = done_on or timezone.localdate()
            locked.save(update_fields=["done_on"])
    return locked


@transaction.atomic
def results_reports_sent(
    *, grants: Iterable[Grant], year: int, sent_on: dt.date
) -> list[GrantDeadline]:
    """The results report of ``year`` was sent for ``grants`` (a STEA return marked sent in the
    statistics app, whose caller checked the sender's right to send it): their open
    results-report deadlines due in the following year are marked done on ``sent_on``. Returns
    the deadlines marked; a deadline done already keeps its date."""
    funded = list(grants)
    if not funded:
        return []
    organisation_id = funded[0].organisation_id
    marked = []
    with scope(organisation=organisation_id):
        deadlines = (
            selectors.results_reports(organisation_id=organisation_id, year=year)
            .select_for_update()
            .filter(grant__in=[g.pk for g in funded], done_on__isnull=True)
        )
        for deadline in deadlines:
            deadline.done_on = sent_on
            deadline.save(update_fields=["done_on"])
            marked.append(deadline)
    return marked
