"""Screens of a prevention form's activity register (TPPH): the year's activities, recording and
correcting one, the material deliveries and the list of materials, and the lead's removals.

Only client-work members of the prevention form reach these pages (404 for everyone else, the
executive director included: these are the form's work records; the figures counted from them
are read in the statistics). Removing a row is the lead's (404 for a worker). Nothing here names
a person, so the pages write no access events. The views count nothing: STEA's figures are the
statistics engine's (``tupa.statistics``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.prevention import form_or_404, may_remove
from tupa.core.dates import FIRST_DATE
from tupa.core.forms import form_page, saved_redirect
from tupa.core.params import year_param
from tupa.organisations.models import ServiceForm

from . import selectors, services
from .forms import ActivityForm, DeliveryForm, MaterialForm, RemovalForm
from .models import Activity, Delivery
from .services import ACTIVITY_FIELDS

#: The value of the materials page's hidden ``lomake`` field that adds a material (any other
#: value, or none, records a delivery).
ADD_MATERIAL = "materiaali"


# --------------------------------------------------------------------------- helpers


def _year(request: HttpRequest) -> int:
    """``?vuosi=`` (2000 … this year, the years :func:`_years` links to), otherwise this year:
    one rule for the activities, the materials and the way back to them."""
    this_year = timezone.localdate().year
    return year_param(request, range(FIRST_DATE.year, this_year + 1), this_year)


def _years(year: int) -> dict[str, int | None]:
    """The year shown and its neighbours that can have rows (none in the future)."""
    this_year = timezone.localdate().year
    return {
        "year": year,
        "previous_year": year - 1 if year > FIRST_DATE.year else None,
        "next_year": year + 1 if year < this_year else None,
    }


def _with_year(name: str, service_form: ServiceForm, year: int) -> str:
    return f"{reverse(name, args=[service_form.slug])}?{urlencode({'vuosi': year})}"


def _remover_form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    """The prevention form ``slug`` for one of its leads, or 404 (a worker too)."""
    return service_form_or_404(request, slug, rule=may_remove, kind=ServiceForm.Kind.PREVENTION)


# --------------------------------------------------------------------------- activities


@object_scoped
@require_GET
def activities(request: HttpRequest, slug: str) -> HttpResponse:
    """The year's activities of the form, latest first."""
    service_form = form_or_404(request, slug)
    year = _year(request)
    return render(
        request,
        "prevention/activities.html",
        {
            "service_form": service_form,
            "rows": list(selectors.activities_in(service_form, year)),
            **_years(year),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Record an activity (no ``pk``) or correct one; a lead also sees the removal form."""
    service_form = form_or_404(request, slug)
    user = user_of(request)
    instance: Activity | None = None
    if pk is not None:
        instance = selectors.activity(service_form, pk)
        if instance is None:
            raise Http404
    if request.method == "POST":
        form = ActivityForm(request.POST)
    elif instance is not None:
        form = ActivityForm(initial={name: getattr(instance, name) for name in ACTIVITY_FIELDS})
    else:
        form = ActivityForm(initial={"starts_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> Activity:
        values = {name: data[name] for name in ACTIVITY_FIELDS}
        if instance is None:
            return services.activity_record(actor=user, service_form=service_form, **values)
        return services.activity_update(actor=user, activity=instance, **values)

    saved = saved_redirect(
        request,
        form,
        save,
        next_url=lambda activity: _with_year(
            "prevention:activities", service_form, activity.starts_on.year
        ),
        success=_("Tilaisuus tallennettu."),
        denied_as_404=True,
    )
    removal = RemovalForm() if instance is not None and may_remove(user, service_form) else None
    return saved or form_page(
        request,
        "prevention/activity_form.html",
        form,
        {"service_form": service_form, "instance": instance, "removal": removal},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def activity_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead removes an activity recorded by mistake, with a reason."""
    service_form = _remover_form_or_404(request, slug)
    activity = selectors.activity(service_form, pk)
    if activity is None:
        raise Http404
    form = RemovalForm(request.POST if request.method == "POST" else None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.activity_remove(
            actor=user_of(request), activity=activity, reason=data["reason"]
        ),
        next_url=_with_year("prevention:activities", service_form, activity.starts_on.year),
        success=_("Tilaisuus poistettu."),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "prevention/remove.html",
        form,
        {
            "service_form": service_form,
            "activity": activity,
            "back_url": reverse("prevention:activity_edit", args=[service_form.slug, pk]),
        },
    )


# --------------------------------------------------------------------------- materials


@object_scoped
@require_http_methods(["GET", "POST"])
def materials(request: HttpRequest, slug: str) -> HttpResponse:
    """The year's deliveries, recording one, and the form's list of materials."""
    service_form = form_or_404(request, slug)
    user = user_of(request)
    year = _year(request)
    in_use = selectors.materials_of(service_form, active_only=True)
    delivery_form = DeliveryForm(initial={"date": timezone.localdate()}, materials=in_use)
    material_form = MaterialForm()
    if request.method == "POST":
        if request.POST.get("lomake") == ADD_MATERIAL:
            material_form = MaterialForm(request.POST)
            saved = saved_redirect(
                request,
                material_form,
                lambda data: services.material_add(
                    actor=user, service_form=service_form, name=data["name"]
                ),
                next_url=_with_year("prevention:materials", service_form, year),
                success=_("Materiaali lisätty."),
                denied_as_404=True,
            )
        else:
            delivery_form = DeliveryForm(request.POST, materials=in_use)
            saved = saved_redirect(
                request,
                delivery_form,
                lambda data: services.delivery_record(
                    actor=user,
                    service_form=service_form,
                    material=data["material"],
                    date=data["date"],
                    quantity=data["quantity"],
                    recipient_kind=data["recipient_kind"],
                    recipient=data["recipient"],
                ),
                next_url=lambda delivery: _with_year(
                    "prevention:materials", service_form, delivery.date.year
                ),
                success=_("Materiaalin jako kirjattu."),
                denied_as_404=True,
            )
        if saved is not None:
            return saved
    all_materials = list(selectors.materials_of(service_form))
    return render(
        request,
        "prevention/materials.html",
        {
            "service_form": service_form,
            "deliveries": list(selectors.deliveries_in(service_form, year)),
            "materials": all_materials,
            "offers_materials": any(material.active for material in all_materials),
            "delivery_form": delivery_form,
            "material_form": material_form,
            "may_remove": may_remove(user, service_form),
            **_years(year),
        },
        status=400 if request.method == "POST" else 200,
    )


@object_scoped
@require_POST
def material_active(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Take a material out of distribution (``active=0``) or back (``active=1``)."""
    service_form = form_or_404(request, slug)
    material = selectors.material(service_form, pk)
    if material is None:
        raise Http404
    active = request.POST.get("active") == "1"
    try:
        services.material_set_active(actor=user_of(request), material=material, active=active)
    except PermissionDenied:
        raise Http404 from None
    if active:
        messages.success(request, _("%(name)s palautettu jakoon.") % {"name": material.name})
    else:
        messages.success(request, _("%(name)s poistettu jaosta.") % {"name": material.name})
    return HttpResponseRedirect(_with_year("prevention:materials", service_form, _year(request)))


@object_scoped
@require_http_methods(["GET", "POST"])
def delivery_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead removes a delivery recorded by mistake, with a reason."""
    service_form = _remover_form_or_404(request, slug)
    delivery: Delivery | None = selectors.delivery(service_form, pk)
    if delivery is None:
        raise Http404
    year = delivery.date.year
    form = RemovalForm(request.POST if request.method == "POST" else None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.delivery_remove(
            actor=user_of(request), delivery=delivery, reason=data["reason"]
        ),
        next_url=_with_year("prevention:materials", service_form, year),
        success=_("Materiaalin jako poistettu."),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "prevention/remove.html",
        form,
        {
            "service_form": service_form,
            "delivery": delivery,
            "back_url": _with_year("prevention:materials", service_form, year),
        },
    )
