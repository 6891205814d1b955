"""Room rentals: hours, price, booking and cancelling."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Booking, Room
from tupa.scheduling.services.conflicts import find_conflicts

from ..models import (
    RentalCharge,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import CENT, _require_member, _scoped


def rental_rooms(service_form: ServiceForm) -> Any:
    """The rentable, active rooms of the drop-in house."""
    return Room.objects.filter(service_form=service_form, rentable=True, active=True).order_by(
        "name"
    )


def booking_hours(starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    """Elapsed hours (a night with a daylight-saving change counts its real length)."""
    seconds = Decimal((ends_at.astimezone(dt.UTC) - starts_at.astimezone(dt.UTC)).total_seconds())
    return (seconds / Decimal(3600)).quantize(CENT, rounding=ROUND_HALF_UP)


def booking_price(room: Room, hours: Decimal) -> Decimal | None:
    if room.hourly_price is None:
        return None
    return (room.hourly_price * hours).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def booking_create(
    *,
    actor: User,
    service_form: ServiceForm,
    room: Room,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str,
    organiser_name: str = "",
    organiser_contact: str = "",
    price: Decimal | None = None,
    billable: bool = True,
    note: str = "",
) -> Booking:
    """Book a rentable room of the house; an overlapping booking of the same room is refused.

    ``price`` defaults to the room's hourly price × hours; a price typed by the worker wins.
    """
    _require_member(actor, service_form)
    errors: dict[str, str] = {}
    if (
        room.organisation_id != service_form.organisation_id
        or room.service_form_id != service_form.pk
        or not room.rentable
        or not room.active
    ):
        errors["room"] = _("Valitse jokin Perhetuvan vuokrattavista tiloista.")
    if kind not in Booking.Kind.values:
        errors["kind"] = _("Valitse varauksen laji.")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors["starts_at"] = _("Anna ajankohta aikavyöhykkeen kanssa.")
    elif ends_at <= starts_at:
        errors["ends_at"] = _("Päättymisajan on oltava alkamisajan jälkeen.")
    title = title.strip()
    if not title:
        errors["title"] = _("Anna varaukselle otsikko.")
    if price is not None and price < 0:
        errors["price"] = _("Hinta ei voi olla negatiivinen.")
    if errors:
        raise ValidationError(errors)
    hours = booking_hours(starts_at, ends_at)
    if price is None:
        price = booking_price(room, hours)
    if billable and not price:
        raise ValidationError(
            {"price": _("Anna hinta tai poista merkintä laskutettavasta varauksesta.")}
        )
    with _scoped(service_form.organisation_id):
        locked = Room.objects.select_for_update().get(pk=room.pk)
        clash = (
            Booking.objects.filter(
                room=locked,
                cancelled_at__isnull=True,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            )
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            local = timezone.localtime(clash.starts_at)
            local_end = timezone.localtime(clash.ends_at)
            raise ValidationError(
                {
                    "starts_at": _(
                        "%(room)s on jo varattu %(day)s klo %(start)s–%(end)s. Valitse toinen aika."
                    )
                    % {
                        "room": locked.name,
                        "day": f"{local.day}.{local.month}.{local.year}",
                        "start": f"{local:%H.%M}",
                        "end": f"{local_end:%H.%M}",
                    }
                }
            )
        # Appointments may reserve the same room (scheduling); they refuse a booking too.
        taken = [
            c
            for c in find_conflicts(
                organisation_id=service_form.organisation_id,
                slots=[(starts_at, ends_at)],
                worker_ids=(),
                room_id=locked.pk,
            )
            if c.kind == "room"
        ]
        if taken:
            raise ValidationError({"starts_at": taken[0].message})
        booking = Booking(
            organisation_id=service_form.organisation_id,
            room=locked,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            title=title,
            organiser_name=organiser_name.strip(),
            organiser_contact=organiser_contact.strip(),
            price=price,
            note=note.strip(),
            created_by=actor,
        )
        save_validated(booking, actor=actor)
        charge = RentalCharge(
            organisation_id=service_form.organisation_id,
            booking=booking,
            service_form=service_form,
            hours=hours,
            hourly_price=locked.hourly_price,
            billable=bool(billable and price),
        )
        charge._history_user = actor  # type: ignore[attr-defined]
        charge.save()
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, service_form: ServiceForm, booking: Booking) -> Booking:
    """Cancel a booking of the house (the row stays; a cancelled booking is not billed)."""
    _require_member(actor, service_form)
    with _scoped(service_form.organisation_id):
        current = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("room")
            .get(pk=booking.pk)
        )
        if current.room.service_form_id != service_form.pk:
            raise PermissionDenied(_("Varaus ei kuulu tämän työmuodon tiloihin."))
        if current.cancelled_at is not None:
            raise ValidationError(_("Varaus on jo peruttu."))
        charge = RentalCharge.objects.filter(booking=current).first()
        if charge is not None and charge.invoiced_at is not None:
            raise ValidationError(_("Varaus on jo laskutettu, joten sitä ei voi perua täällä."))
        current.cancelled_at = timezone.now()
        current._history_user = actor  # type: ignore[attr-defined]
        current.save()
    return current
