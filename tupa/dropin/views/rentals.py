"""Room rentals of the house: the month's bookings, a new booking, a cancellation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect
from tupa.core.months import month_end
from tupa.dropin import selectors, services
from tupa.dropin.forms import BookingForm
from tupa.dropin.views.common import house_or_404, month_param, month_url, shift_month
from tupa.scheduling.models import Booking

# --------------------------------------------------------------------------- room rentals


@object_scoped
@require_GET
def bookings(request: HttpRequest, slug: str) -> HttpResponse:
    """The month's bookings of the house's rentable rooms, by day (a list-style calendar)."""
    service_form = house_or_404(request, slug)
    form, year, month = month_param(request)
    start = dt.date(year, month, 1)
    end = month_end(year, month)
    rows = list(selectors.bookings_between(service_form=service_form, start=start, end=end))
    days: dict[dt.date, list[Booking]] = {}
    for booking in rows:
        days.setdefault(timezone.localtime(booking.starts_at).date(), []).append(booking)
    return render(
        request,
        "dropin/bookings.html",
        {
            "service_form": service_form,
            "form": form,
            "month_start": start,
            "days": sorted(days.items()),
            "rooms": list(services.rental_rooms(service_form)),
            "previous_month": shift_month(year, month, -1),
            "next_month": shift_month(year, month, 1),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def booking_new(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = house_or_404(request, slug)
    rooms = services.rental_rooms(service_form)
    if request.method == "POST":
        form = BookingForm(request.POST, rooms=rooms)
    else:
        form = BookingForm(
            rooms=rooms,
            initial={
                "day": timezone.localdate(),
                "start": dt.time(16, 0),
                "end": dt.time(18, 0),
                "kind": Booking.Kind.BIRTHDAY_PARTY,
            },
        )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.booking_create(
            actor=user_of(request),
            service_form=service_form,
            room=data["room"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
            organiser_name=data["organiser_name"],
            organiser_contact=data["organiser_contact"],
            price=data["price"],
            billable=data["billable"],
            note=data["note"],
        ),
        next_url=lambda booking: month_url("dropin:bookings", service_form, booking.starts_at),
        success=_("Varaus tallennettu."),
        field_map={"starts_at": "start", "ends_at": "end"},
        denied_as_404=True,
    )
    return saved or render(
        request,
        "dropin/booking_form.html",
        {"service_form": service_form, "form": form, "rooms": list(rooms)},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    service_form = house_or_404(request, slug)
    booking = (
        Booking.objects.filter(pk=pk, room__service_form=service_form)
        .select_related("room")
        .first()
    )
    if booking is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.booking_cancel(
                actor=user_of(request), service_form=service_form, booking=booking
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Varaus peruttu."))
            return HttpResponseRedirect(
                month_url("dropin:bookings", service_form, booking.starts_at)
            )
    return render(
        request,
        "dropin/booking_cancel.html",
        {"service_form": service_form, "booking": booking, "error": error},
    )
