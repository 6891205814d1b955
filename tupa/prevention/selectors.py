"""Reads of a prevention form's activity register (the form is already access-checked; the
request's organisation scope applies).

The register's figures are counted by the statistics engine (``tupa.statistics``, indicators
``prevention.*`` and STEA's report ``stea.prevention``), not here.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from tupa.organisations.models import ServiceForm

from .models import Activity, Delivery, Material


def activities_in(service_form: ServiceForm, year: int) -> QuerySet[Activity]:
    """The form's activities that start in ``year``, latest first."""
    return Activity.objects.filter(
        service_form=service_form,
        starts_on__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
    ).order_by("-starts_on", "-pk")


def activity(service_form: ServiceForm, pk: int) -> Activity | None:
    return Activity.objects.filter(service_form=service_form, pk=pk).first()


def deliveries_in(service_form: ServiceForm, year: int) -> QuerySet[Delivery]:
    """The form's material deliveries of ``year`` with their material, latest first."""
    return (
        Delivery.objects.filter(
            service_form=service_form,
            date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        )
        .select_related("material")
        .order_by("-date", "-pk")
    )


def delivery(service_form: ServiceForm, pk: int) -> Delivery | None:
    return (
        Delivery.objects.filter(service_form=service_form, pk=pk).select_related("material").first()
    )


def materials_of(service_form: ServiceForm, *, active_only: bool = False) -> QuerySet[Material]:
    rows = Material.objects.filter(service_form=service_form)
    if active_only:
        rows = rows.filter(active=True)
    return rows.order_by("name", "pk")


def material(service_form: ServiceForm, pk: int) -> Material | None:
    return Material.objects.filter(service_form=service_form, pk=pk).first()
