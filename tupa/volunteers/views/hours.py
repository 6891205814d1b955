"""The activity log: hours and occasions entered by staff."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import submit
from tupa.volunteers import services
from tupa.volunteers.forms import HoursForm
from tupa.volunteers.views.common import log_volunteers, volunteer_url


@object_scoped
@require_http_methods(["GET", "POST"])
def hours_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    user = user_of(request)
    forms_qs = access.manageable_forms(user).filter(
        pk__in=volunteer.assignments.values("service_form_id")
    )
    form = HoursForm(
        request.POST or None, forms_qs=forms_qs, initial={"date": timezone.localdate()}
    )
    if request.method == "POST":
        done = submit(
            form, lambda data: services.hours_add(actor=user, volunteer=volunteer, **data)
        )
        if done.ok:
            return HttpResponseRedirect(volunteer_url(volunteer.pk) + "#toiminta")
    log_volunteers(request, [volunteer], basis=granted.basis)
    return render(
        request,
        "volunteers/simple_form.html",
        {"form": form, "volunteer": volunteer, "heading": "hours"},
        status=400 if form.is_bound else 200,
    )
