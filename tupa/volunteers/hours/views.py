"""The activity log: hours and occasions entered by staff."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tupa.access import volunteers as access
from tupa.access.fetch import Granted
from tupa.access.marks import object_scoped, user_of
from tupa.volunteers.common import form_view, volunteer_url
from tupa.volunteers.hours import services
from tupa.volunteers.hours.forms import HoursDeleteForm, HoursEditForm, HoursForm
from tupa.volunteers.models import HoursEntry, Volunteer


def _activity_url(volunteer: Volunteer) -> str:
    """The activity section of the volunteer's page, where every write here returns."""
    return volunteer_url(volunteer.pk) + "#toiminta"


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
    return form_view(
        request,
        form=form,
        service=lambda data: services.hours_add(actor=user, volunteer=volunteer, **data),
        done_url=lambda _e: _activity_url(volunteer),
        context={"volunteer": volunteer, "heading": "hours"},
        shown=[volunteer],
        basis=granted.basis,
    )


def _entry_access(request: HttpRequest, pk: int) -> tuple[HoursEntry, Granted[Volunteer]]:
    """An entry of a volunteer the user manages, in a form the user manages; else 404."""
    entry = HoursEntry.objects.filter(pk=pk).select_related("service_form").first()
    if entry is None:
        raise Http404
    granted = access.volunteer_access(request, entry.volunteer_id, manage=True)
    if not access.may_manage_form(user_of(request), entry.service_form):
        raise Http404
    entry.volunteer = granted.obj
    return entry, granted


@object_scoped
@require_http_methods(["GET", "POST"])
def hours_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an occasion (the coordinator); the earlier version stays in the history."""
    entry, granted = _entry_access(request, pk)
    volunteer = granted.obj
    user = user_of(request)
    forms_qs = access.manageable_forms(user).filter(
        pk__in=volunteer.assignments.values("service_form_id")
    )
    form = HoursEditForm(
        request.POST or None,
        forms_qs=forms_qs,
        initial={
            "service_form": entry.service_form_id,
            "kind": entry.kind,
            "date": entry.date,
            "starts": entry.starts,
            "ends": entry.ends,
        },
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.hours_update(actor=user, entry=entry, **data),
        done_url=lambda _e: _activity_url(volunteer),
        context={"volunteer": volunteer, "heading": "hours_edit"},
        shown=[volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def hours_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an occasion entered by mistake, with a reason kept in the history."""
    entry, granted = _entry_access(request, pk)
    volunteer = granted.obj
    user = user_of(request)
    form = HoursDeleteForm(request.POST or None)
    return form_view(
        request,
        form=form,
        service=lambda data: services.hours_delete(actor=user, entry=entry, **data),
        done_url=lambda _none: _activity_url(volunteer),
        context={"volunteer": volunteer, "entry": entry, "heading": "hours_delete"},
        shown=[volunteer],
        basis=granted.basis,
    )
