"""Screening under Act 148/2014: the interview and power of attorney, the record checks seen,
and the list of re-checks due."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.audit.models import Action
from tupa.volunteers import rules
from tupa.volunteers.common import form_view, log_volunteers, volunteer_url
from tupa.volunteers.models import Screening
from tupa.volunteers.screening import selectors, services
from tupa.volunteers.screening.forms import RecordCheckForm, ScreeningForm


@object_scoped
@require_http_methods(["GET", "POST"])
def screening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    current = Screening.objects.filter(volunteer=volunteer).first()
    initial = (
        {
            "interviewed_on": current.interviewed_on,
            "interviewed_by": current.interviewed_by_id,
            "power_of_attorney_on": current.power_of_attorney_on,
        }
        if current
        else {}
    )
    form = ScreeningForm(
        request.POST or None, organisation_id=volunteer.organisation_id, initial=initial
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.screening_record(
            actor=user_of(request), volunteer=volunteer, **data
        ),
        done_url=lambda _s: volunteer_url(volunteer.pk) + "#seulonta",
        context={"volunteer": volunteer, "heading": "screening"},
        shown=[volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def record_check_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a criminal-record extract was seen: date, who saw it, the result only."""
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    user = user_of(request)
    form = RecordCheckForm(
        request.POST or None,
        organisation_id=volunteer.organisation_id,
        initial={"seen_on": timezone.localdate(), "seen_by": user.pk},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.record_check_add(actor=user, volunteer=volunteer, **data),
        done_url=lambda _c: volunteer_url(volunteer.pk) + "#seulonta",
        context={
            "volunteer": volunteer,
            "heading": "record_check",
            "valid_months": rules.valid_months(),
        },
        shown=[volunteer],
        basis=granted.basis,
    )


@login_only
@require_GET
def rechecks(request: HttpRequest) -> HttpResponse:
    """Volunteers working with children whose check is missing, unfit, expired or expiring."""
    basis = access.register_open(request)
    today = timezone.localdate()
    rows = selectors.rechecks_due(user=user_of(request), on=today)
    log_volunteers(request, [r.volunteer for r in rows], basis=basis, action=Action.LIST)
    return render(
        request,
        "volunteers/rechecks.html",
        {
            "rows": rows,
            "today": today,
            "notice_days": rules.notice_days(),
            "valid_months": rules.valid_months(),
        },
    )
