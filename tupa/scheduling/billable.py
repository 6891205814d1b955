"""Purchased family work (Alvari) as billable hours for invoicing (issue 14 item 2; source
``scheduling.family_work``, registered in ``tupa/scheduling/registrations.py``).

Which work: the appointments of the organisation's **outpatient service forms funded by a
purchase-service agreement** (a ``ServiceFormFunding`` of type *ostopalvelusopimus*, set in the
configuration; Alvari in the demo) that belong to an episode and whose outcome is *toteutui*
(happened). Cancelled, no-show and still planned appointments, and the internal ones without an
episode, are not billed.

One item per appointment, dated by its local (Helsinki) start date: ``family_work_hour`` ×
its length in hours (the exact minutes / 60, rounded half up to 0.01 h; 90 min = 1.50 h,
50 min = 0.83 h).

The buyer, without ever carrying a name or an address:

1. ``payer_id``: the episode's payer (*maksaja*) when one is recorded;
2. ``municipality_id``: the family's home municipality (of the episode's first client with one,
   then the other adults, then the children) — **only when nobody of the episode is under
   turvakielto** (or another restriction that hides the municipality). Under a restriction the
   municipality never leaves the record: with no payer on the episode the item carries no buyer
   and invoicing flags it "ostaja puuttuu" until a worker records the payer.

The buyer knows the case by ``case_reference`` "asiakkuus <episode id>" (the episode has no field
for the buyer's own decision number yet). Three queries when nobody of the families is under a
restriction (at most six), whatever the number of appointments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tupa.core.registry import BillableItem
from tupa.core.wallclock import HELSINKI, local_midnight
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm, ServiceFormFunding
from tupa.people.restrictions import protected_episode_ids

from .models import Appointment, Outcome

SOURCE = "scheduling.family_work"
FAMILY_WORK_HOUR = "family_work_hour"
SECONDS_PER_HOUR = Decimal(3600)
CENT = Decimal("0.01")

#: Whose home municipality names the family's, in this order (then the participant's id).
ROLE_ORDER: dict[str, int] = {
    Participant.Role.CLIENT: 0,
    Participant.Role.EXPECTANT_PARENT: 1,
    Participant.Role.PARTNER: 2,
    Participant.Role.CLOSE_PERSON: 3,
    Participant.Role.CHILD: 4,
}


def family_work_forms(*, organisation_id: int) -> QuerySet[ServiceForm]:
    """The organisation's outpatient forms funded by a purchase-service agreement (a subquery)."""
    return ServiceForm.objects.filter(
        organisation_id=organisation_id,
        kind=ServiceForm.Kind.OUTPATIENT,
        fundings__type=ServiceFormFunding.Type.PURCHASE_AGREEMENT,
    )


def hours(starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    """Elapsed hours (a daylight-saving change counts its real length), to 0.01 h."""
    # In UTC: Python subtracts two datetimes of the same zone by wall time.
    seconds = Decimal(
        int((ends_at.astimezone(dt.UTC) - starts_at.astimezone(dt.UTC)).total_seconds())
    )
    return (seconds / SECONDS_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_UP)


def _restriction_day(as_of: Any) -> dt.date:
    if isinstance(as_of, dt.datetime):
        return timezone.localtime(as_of, HELSINKI).date()
    if isinstance(as_of, dt.date):
        return as_of
    return timezone.localdate()


def home_municipalities(episode_ids: set[int], *, on: dt.date) -> dict[int, int | None]:
    """The family's home municipality per episode, ``None`` when unknown or when anybody of the
    episode is under a restriction in force on ``on``
    (:func:`~tupa.people.restrictions.protected_episode_ids`). Two queries when nobody is."""
    protected = protected_episode_ids(episode_ids, on=on)
    rows = Participant.objects.filter(
        episode_id__in=episode_ids - protected, person__municipality__isnull=False
    ).values_list("episode_id", "role", "pk", "person__municipality_id")
    candidates: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for episode_id, role, pk, municipality_id in rows:
        candidates[episode_id].append((ROLE_ORDER.get(role, 9), pk, municipality_id))
    return {
        episode_id: (min(candidates[episode_id])[2] if candidates.get(episode_id) else None)
        for episode_id in episode_ids
    }


def collect(
    *,
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    as_of: Any = None,
    service_form_ids: Collection[int] | None = None,
) -> list[BillableItem]:
    """The happened family-work appointments that start between ``start`` and ``end``.

    Turvakielto is decided on the day of ``as_of`` (the run; default today).
    ``service_form_ids``: only those forms' (default: every form's)."""
    appointments = Appointment.objects.filter(
        organisation_id=organisation_id,
        service_form__in=family_work_forms(organisation_id=organisation_id),
        episode__isnull=False,
        outcome=Outcome.HAPPENED,
        starts_at__gte=local_midnight(start),
        starts_at__lt=local_midnight(end + dt.timedelta(days=1)),
    )
    if service_form_ids is not None:
        appointments = appointments.filter(service_form_id__in=service_form_ids)
    rows = list(
        appointments.order_by("starts_at", "pk").values_list(
            "pk", "service_form_id", "episode_id", "episode__payer_id", "starts_at", "ends_at"
        )
    )
    if not rows:
        return []
    municipalities = home_municipalities({row[2] for row in rows}, on=_restriction_day(as_of))
    return [
        BillableItem(
            source=SOURCE,
            service_form_id=form_id,
            day=timezone.localtime(starts_at, HELSINKI).date(),
            item=FAMILY_WORK_HOUR,
            quantity=hours(starts_at, ends_at),
            group_key=f"episode:{episode_id}",
            case_reference=f"asiakkuus {episode_id}",
            payer_id=payer_id,
            municipality_id=municipalities.get(episode_id),
            records=(("scheduling.appointment", pk),),
        )
        for pk, form_id, episode_id, payer_id, starts_at, ends_at in rows
    ]
