"""The Tapaamispaikka's billable meetings as items for invoicing (issue 14 item 2; source
``visitation.meetings``, registered in ``tupa/visitation/registrations.py``).

Billability is the billing list's (:func:`tupa.visitation.selectors.billing`): the installation's
:func:`tupa.visitation.rules.billing_rule` decides on the recorded outcome (and the late
cancellation by a family party); a meeting without an outcome is not billed yet. One item per
billable meeting, dated by its local (Helsinki) start date, priced as ``meeting`` of the order's
meeting type. The buyer: the order's invoiced partner (*laskutettava yhteistyötaho*) when set,
otherwise the agreement that covers the order's paying municipality (the child's home
municipality, chosen on the order as payer). The buyer knows the case by the order's diary
number; no person's name or address is in the item. One query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tupa.core.registry import BillableItem
from tupa.core.wallclock import HELSINKI

from . import rules
from .models import Meeting

SOURCE = "visitation.meetings"
MEETING = "meeting"


def case_reference(*, order_id: int, basis_reference: str) -> str:
    """The order's diary number, else a neutral reference to the order."""
    return basis_reference.strip() or f"tapaamisjärjestely {order_id}"


def collect(
    *,
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    as_of: Any = None,
    service_form_ids: Collection[int] | None = None,
) -> list[BillableItem]:
    """The billable meetings that start (local time) between ``start`` and ``end`` (of the
    ``service_form_ids`` only, when given)."""
    rule = rules.billing_rule()
    lo = rules.local_moment(start, dt.time(0, 0))
    hi = rules.local_moment(end + dt.timedelta(days=1), dt.time(0, 0))
    meetings = Meeting.objects.filter(
        organisation_id=organisation_id, starts_at__gte=lo, starts_at__lt=hi
    )
    if service_form_ids is not None:
        meetings = meetings.filter(order__episode__service_form_id__in=service_form_ids)
    rows = (
        meetings.exclude(outcome="")
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "starts_at",
            "outcome",
            "late_cancellation",
            "order_id",
            "order__meeting_type",
            "order__basis_reference",
            "order__payer_municipality_id",
            "order__payer_partner_id",
            "order__episode__service_form_id",
        )
    )
    items = []
    for (
        pk,
        starts_at,
        outcome,
        late,
        order_id,
        meeting_type,
        reference,
        municipality_id,
        partner_id,
        form_id,
    ) in rows:
        if not rule.is_billable(outcome, late_cancellation=late):
            continue
        items.append(
            BillableItem(
                source=SOURCE,
                service_form_id=form_id,
                day=timezone.localtime(starts_at, HELSINKI).date(),
                item=MEETING,
                quantity=Decimal(1),
                group_key=f"order:{order_id}",
                case_reference=case_reference(order_id=order_id, basis_reference=reference),
                meeting_type=meeting_type,
                payer_id=partner_id,
                municipality_id=municipality_id,
                records=(("visitation.meeting", pk),),
            )
        )
    return items
