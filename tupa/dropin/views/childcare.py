"""Childcare sessions of the house: the month's list, recording and changing one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect
from tupa.core.months import month_end
from tupa.dropin import selectors, services, volunteers
from tupa.dropin.forms import ChildcareForm
from tupa.dropin.models import ChildcareSession
from tupa.dropin.services import CHILDCARE_FIELDS
from tupa.dropin.views.common import house_or_404, month_param, month_url, shift_month

# --------------------------------------------------------------------------- childcare


@object_scoped
@require_GET
def childcare_list(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = house_or_404(request, slug)
    form, year, month = month_param(request)
    start = dt.date(year, month, 1)
    end = month_end(year, month)
    rows = list(selectors.childcare_between(service_form=service_form, start=start, end=end))
    return render(
        request,
        "dropin/childcare_list.html",
        {
            "service_form": service_form,
            "form": form,
            "month_start": start,
            "rows": rows,
            "children_total": sum(r.children for r in rows),
            "previous_month": shift_month(year, month, -1),
            "next_month": shift_month(year, month, 1),
        },
    )


def _childcare_values(data: dict[str, Any]) -> dict[str, Any]:
    """What recording and changing a session both take from the form."""
    return {
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "note": data["note"],
        "volunteer_ids": data["volunteers"],
        **{name: data[name] for name in CHILDCARE_FIELDS},
    }


@object_scoped
@require_http_methods(["GET", "POST"])
def childcare_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    service_form = house_or_404(request, slug)
    instance: ChildcareSession | None = None
    if pk is not None:
        instance = ChildcareSession.objects.filter(pk=pk, service_form=service_form).first()
        if instance is None:
            raise Http404
    named = [v.pk for v in instance.volunteers.all()] if instance is not None else []
    day = timezone.localtime(instance.starts_at).date() if instance else timezone.localdate()
    options = volunteers.options(service_form=service_form, on=day, named=named)
    if request.method == "POST":
        form = ChildcareForm(request.POST, volunteers=options)
    elif instance is not None:
        start = timezone.localtime(instance.starts_at)
        end = timezone.localtime(instance.ends_at)
        form = ChildcareForm(
            initial={
                "day": start.date(),
                "start": start.time(),
                "end": end.time(),
                "note": instance.note,
                "volunteers": named,
                **{name: getattr(instance, name) for name in CHILDCARE_FIELDS},
            },
            volunteers=options,
        )
    else:
        form = ChildcareForm(
            initial={"day": timezone.localdate(), "start": dt.time(9, 0), "end": dt.time(12, 0)},
            volunteers=options,
        )

    def save(data: dict[str, Any]) -> ChildcareSession:
        if instance is None:
            return services.childcare_record(
                actor=user_of(request), service_form=service_form, **_childcare_values(data)
            )
        return services.childcare_update(
            actor=user_of(request), session=instance, **_childcare_values(data)
        )

    saved = saved_redirect(
        request,
        form,
        save,
        next_url=lambda session: month_url(
            "dropin:childcare_list", service_form, session.starts_at
        ),
        success=_("Lastenhoitokerta tallennettu."),
        field_map={"starts_at": "start", "ends_at": "end"},
        denied_as_404=True,
    )
    return saved or render(
        request,
        "dropin/childcare_form.html",
        {"service_form": service_form, "form": form, "instance": instance},
    )
