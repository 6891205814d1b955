"""Ensikoti's care days as billable items for invoicing (issue 14 item 2; source
``residential.care_days``, registered in ``tupa/residential/registrations.py``).

The care days and their payer are exactly those of the billing page:
:func:`tupa.residential.commitments.selectors.billable_days` (the ledger's counting rule, then the
commitment covering each date). Only the days on a payment commitment become items; the state's
days (shelters' state compensation) and the days without a commitment never go to a
municipality and are left out here (the billing page shows them, so that a worker records the
missing commitment before the run).

One item per participant and care day: the agreement's price valid on that very day prices it,
so a price change on any date (1.7. or mid-month) splits correctly, and so does a commitment that
ends mid-month (its days after the end are another commitment's or none).

``item`` by the participant's role: a **child** → ``care_day_child``; every other role (client,
expectant parent, partner, close person) is an adult: ``care_day_father`` when the person (or
the alias) is recorded as male, otherwise ``care_day_mother`` (the mother's price is the adult
price of an Ensikoti; the father's rate only where a man stays in the family room).

Nothing personal leaves: no name, no address, no home municipality; the payer is the
commitment's (the buyer knows the case by its decision number, ``case_reference``).
Queries: one for the forms, two per residential form that has a commitment in the period, one
for the participants' roles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from tupa.core.registry import BillableItem
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person
from tupa.residential.models import PaymentCommitment

from . import selectors

SOURCE = "residential.care_days"

CARE_DAY_MOTHER = "care_day_mother"
CARE_DAY_FATHER = "care_day_father"
CARE_DAY_CHILD = "care_day_child"


def case_reference(commitment: PaymentCommitment) -> str:
    """The payer's decision number, or the commitment's start when none was recorded."""
    return commitment.reference.strip() or f"maksusitoumus {commitment.valid_from:%d.%m.%Y}"


def care_day_item(role: str, gender: str) -> str:
    """The priced item of a participant's care day (see the module)."""
    if role == Participant.Role.CHILD:
        return CARE_DAY_CHILD
    if gender == Person.Gender.MALE:
        return CARE_DAY_FATHER
    return CARE_DAY_MOTHER


def _as_datetime(as_of: Any) -> dt.datetime | None:
    """``as_of`` as an aware moment: a date means its end (the next local midnight)."""
    if as_of is None or isinstance(as_of, dt.datetime):
        return as_of
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=HELSINKI)


def billing_forms(*, organisation_id: int, start: dt.date, end: dt.date) -> list[ServiceForm]:
    """The organisation's residential forms with a payment commitment in force in the period
    (the forms whose care days can bill anybody). One query."""
    commitments = PaymentCommitment.objects.filter(
        episode__service_form=OuterRef("pk"), cancelled_on__isnull=True, valid_from__lte=end
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
    return list(
        ServiceForm.objects.filter(
            organisation_id=organisation_id, kind=ServiceForm.Kind.RESIDENTIAL
        )
        .filter(Exists(commitments))
        .order_by("pk")
    )


def collect(
    *,
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    as_of: Any = None,
    service_form_ids: Collection[int] | None = None,
) -> list[BillableItem]:
    """The care days on payment commitments between ``start`` and ``end`` (inclusive).

    ``as_of``: the moment of the run (default: now); an open stay is billed up to the last
    complete care day then, as on the billing page. ``service_form_ids``: only those forms'
    (default: every form's)."""
    moment = _as_datetime(as_of)
    found: list[tuple[ServiceForm, selectors.BillingLine]] = []
    forms = billing_forms(organisation_id=organisation_id, start=start, end=end)
    if service_form_ids is not None:
        forms = [form for form in forms if form.pk in service_form_ids]
    for form in forms:
        billing = selectors.billable_days(
            service_form=form, period_start=start, period_end=end, as_of=moment
        )
        found.extend((form, line) for group in billing.payers for line in group.lines)
    participant_ids = {pid for _form, line in found for pid in line.person_days}
    people: dict[int, tuple[str, str]] = {}
    if participant_ids:
        people = {
            pk: (role, gender)
            for pk, role, gender in Participant.objects.filter(pk__in=participant_ids)
            .annotate(gender=Coalesce("person__gender", "alias__gender"))
            .values_list("pk", "role", "gender")
        }
    items: list[BillableItem] = []
    for form, line in found:
        commitment = line.commitment
        assert commitment is not None
        for participant_id, dates in sorted(line.person_dates.items()):
            role, gender = people.get(participant_id, ("", ""))
            for day in sorted(dates):
                items.append(
                    BillableItem(
                        source=SOURCE,
                        service_form_id=form.pk,
                        day=day,
                        item=care_day_item(role, gender or ""),
                        quantity=Decimal(1),
                        group_key=f"commitment:{commitment.pk}",
                        case_reference=case_reference(commitment),
                        payer_id=commitment.payer_id,
                        records=(
                            ("residential.paymentcommitment", commitment.pk),
                            ("episodes.participant", participant_id),
                        ),
                    )
                )
    # In date order (the billing page orders its payers by name).
    items.sort(key=lambda i: (i.service_form_id, i.day, i.records))
    return items
