"""Perhetupa's room rentals as billable items for invoicing (issue 14 item 2; source
``dropin.rentals``, registered in ``tupa/dropin/registrations.py``).

A rental is billable when its :class:`~tupa.dropin.models.RentalCharge` is marked *laskutettava*
and the booking is not cancelled; it belongs to the period in which the booking starts (local
Helsinki date). One item per charge, priced as the booking was:

- normally ``quantity`` = the hours and ``unit_price`` = the room's hourly price recorded on
  the charge at booking time (the booking's price is hours × hourly price, rounded to cents);
- when the worker typed another price for the booking (which wins, ``docs/dropin.md``), the
  item is that agreed price once: ``quantity`` 1, ``unit_price`` = the booking's price, and the
  description says so — hours × hourly price would bill a price nobody agreed on.

A booking without any price cannot be marked billable (``booking_create``). The buyer is the
booking's organiser (``buyer_name``), never a client. A charge already invoiced
(``invoiced_at``) is still reported: invoicing compares it with what it invoiced for
``rental:<pk>`` and bills only a difference. One query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from tupa.core.registry import BillableItem
from tupa.core.wallclock import HELSINKI, local_midnight

from .models import RentalCharge

SOURCE = "dropin.rentals"
RENTAL = "rental"
CENT = Decimal("0.01")


def collect(
    *,
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    as_of: Any = None,
    service_form_ids: Collection[int] | None = None,
) -> list[BillableItem]:
    """The billable, not cancelled rentals whose booking starts between ``start`` and ``end``
    (of the ``service_form_ids`` only, when given)."""
    charges = RentalCharge.objects.filter(
        organisation_id=organisation_id,
        billable=True,
        booking__cancelled_at__isnull=True,
        booking__starts_at__gte=local_midnight(start),
        booking__starts_at__lt=local_midnight(end + dt.timedelta(days=1)),
    )
    if service_form_ids is not None:
        charges = charges.filter(service_form_id__in=service_form_ids)
    charges = charges.select_related("booking").order_by("booking__starts_at", "pk")
    items = []
    for charge in charges:
        booking = charge.booking
        quantity, unit_price, description = charge.hours, charge.hourly_price, booking.title
        by_hour = (
            None
            if charge.hourly_price is None
            else (charge.hourly_price * charge.hours).quantize(CENT, rounding=ROUND_HALF_UP)
        )
        if booking.price is not None and booking.price != by_hour:
            quantity, unit_price = Decimal(1), booking.price
            hours = str(charge.hours).replace(".", ",")
            description = f"{booking.title} (sovittu hinta, {hours} h)"
        items.append(
            BillableItem(
                source=SOURCE,
                service_form_id=charge.service_form_id,
                day=timezone.localtime(booking.starts_at, HELSINKI).date(),
                item=RENTAL,
                quantity=quantity,
                group_key=f"rental:{charge.pk}",
                description=description,
                buyer_name=booking.organiser_name,
                unit_price=unit_price,
                records=(("dropin.rentalcharge", charge.pk),),
            )
        )
    return items
