"""Reads of the open family house: today's counters and the lists of a period.

The house's statistics are counted by the statistics engine (``tupa.statistics``, indicators
``dropin.*`` and the internal report ``internal.dropin``), not here. Dates are Helsinki dates
(``TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.core.wallclock import day_bounds
from tupa.scheduling.models import Booking

from .models import COUNT_FIELDS, ChildcareSession, CountTap, DailyCount, Session

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm


# --------------------------------------------------------------------------- today


@dataclass
class TodayView:
    count: DailyCount | None
    sessions: list[DailyCount]
    totals: dict[str, int]
    last_tap: CountTap | None


def today(*, service_form: ServiceForm, user: User, session: str, day: dt.date) -> TodayView:
    rows = list(DailyCount.objects.filter(service_form=service_form, date=day))
    current = next((r for r in rows if r.session == session), None)
    totals = {name: sum(getattr(r, name) for r in rows) for name in COUNT_FIELDS}
    totals["visits"] = totals["adults"] + totals["children"] + totals["under_ones"]
    last_tap = None
    if current is not None:
        last_tap = (
            CountTap.objects.filter(count=current, tapped_by=user, undone_at__isnull=True)
            .order_by("-tapped_at", "-pk")
            .first()
        )
    order = list(Session.values)
    rows.sort(key=lambda r: order.index(r.session))
    return TodayView(count=current, sessions=rows, totals=totals, last_tap=last_tap)


def counts_between(
    *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> QuerySet[DailyCount]:
    return DailyCount.objects.filter(service_form=service_form, date__range=(start, end)).order_by(
        "date", "session"
    )


# --------------------------------------------------------------------------- lists


def childcare_between(
    *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> QuerySet[ChildcareSession]:
    lower, upper = day_bounds(start, end)
    return (
        ChildcareSession.objects.filter(
            service_form=service_form, starts_at__gte=lower, starts_at__lt=upper
        )
        .prefetch_related("volunteers")
        .order_by("starts_at", "pk")
    )


def bookings_between(
    *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> QuerySet[Booking]:
    """Bookings of the house's rooms that start in the period, with room and charge."""
    lower, upper = day_bounds(start, end)
    return (
        Booking.objects.filter(
            room__service_form=service_form, starts_at__gte=lower, starts_at__lt=upper
        )
        .select_related("room", "rental_charge")
        .order_by("starts_at", "pk")
    )


def volunteer_sessions(
    *, volunteer_id: int, since: dt.date, until: dt.date
) -> list[registry.VolunteerSession]:
    """The childcare sessions naming the volunteer between the days (for the volunteer's page;
    one query). Registered with :data:`tupa.core.registry.volunteer_sessions`."""
    lower, upper = day_bounds(since, until)
    rows = (
        ChildcareSession.objects.filter(
            volunteers__id=volunteer_id, starts_at__gte=lower, starts_at__lt=upper
        )
        .select_related("service_form")
        .order_by("starts_at", "pk")
    )
    return [
        registry.VolunteerSession(
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            service_form=row.service_form.name,
            title=str(_("Tilapäinen lastenhoito")),
            role=str(_("lastenhoitaja")),
        )
        for row in rows
    ]
