"""Scheduling meetings of an order, changing one and recording its outcome."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.access.visitation import meeting_access, order_access
from tupa.core.forms import apply_errors
from tupa.core.wallclock import HELSINKI
from tupa.episodes import journal
from tupa.visitation import selectors, services
from tupa.visitation.forms import MeetingForm, OutcomeForm, ScheduleForm
from tupa.visitation.models import Meeting
from tupa.visitation.views.common import log_access, order_url, roles_of

# --------------------------------------------------------------------------- scheduling


@object_scoped
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    granted = order_access(request, pk)
    order = granted.obj
    last = Meeting.objects.filter(order=order).order_by("-starts_at").first()
    if last is not None:
        local = timezone.localtime(last.starts_at, HELSINKI)
        initial = {
            "first_day": local.date() + dt.timedelta(weeks=order.interval_weeks),
            "time": local.time(),
        }
    else:
        initial = {"first_day": max(order.valid_from, timezone.localdate()), "time": dt.time(17, 0)}
    form = ScheduleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meetings_schedule(
                    actor=user_of(request),
                    order=order,
                    first_day=form.cleaned_data["first_day"],
                    time=form.cleaned_data["time"],
                    count=form.cleaned_data["count"],
                    location=form.cleaned_data["location"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(order_url(order.pk) + "#tapaamiset")
        status = 400
    parties = list(order.parties.all())
    log_access(
        request,
        selectors.persons_of_parties(parties),
        basis=granted.basis,
        episode_id=order.episode_id,
    )
    return render(
        request,
        "visitation/schedule.html",
        {
            "order": order,
            "parties": parties,
            "form": form,
            "service_form": order.episode.service_form,
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, granted = meeting_access(request, pk)
    order = granted.obj
    local = timezone.localtime(meeting.starts_at, HELSINKI)
    form = MeetingForm(
        request.POST or None,
        initial={
            "start_date": local.date(),
            "start_time": local.time(),
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "version": meeting.version,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_update(
                    actor=user_of(request),
                    meeting=meeting,
                    version=form.cleaned_data["version"],
                    starts_at=form.starts_at(),
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    location=form.cleaned_data["location"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(order_url(order.pk) + "#tapaamiset")
        status = 400
    parties = list(order.parties.all())
    log_access(
        request,
        selectors.persons_of_parties(parties),
        basis=granted.basis,
        episode_id=order.episode_id,
    )
    return render(
        request,
        "visitation/meeting_form.html",
        {
            "order": order,
            "meeting": meeting,
            "form": form,
            "times": selectors.party_times_for(meeting, order, roles_of(order)),
            "service_form": order.episode.service_form,
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, granted = meeting_access(request, pk)
    order = granted.obj
    parties = list(order.parties.all())
    initial = {
        "outcome": meeting.outcome or None,
        "no_show_role": meeting.no_show_role,
        "late_cancellation": meeting.late_cancellation,
        "interruption_reason": meeting.interruption_reason,
        "outcome_note": meeting.outcome_note,
        "version": meeting.version,
        "written_with_client": True,
    }
    form = OutcomeForm(
        request.POST or None,
        parties=parties,
        record_exists=meeting.record_entry_id is not None,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_record_outcome(
                    actor=user_of(request),
                    meeting=meeting,
                    version=data["version"],
                    outcome=data["outcome"],
                    no_show_role=data["no_show_role"],
                    late_cancellation=data["late_cancellation"],
                    interruption_reason=data["interruption_reason"],
                    outcome_note=data["outcome_note"],
                    record_text=data.get("record_text", ""),
                    written_with_client=data.get("written_with_client", False),
                    present=data.get("present") or [],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(order_url(order.pk) + "#tapaamiset")
        status = 400
    log_access(
        request,
        selectors.persons_of_parties(parties),
        basis=granted.basis,
        episode_id=order.episode_id,
    )
    return render(
        request,
        "visitation/meeting_outcome.html",
        {
            "order": order,
            "meeting": meeting,
            "form": form,
            "service_form": order.episode.service_form,
            "times": selectors.party_times_for(meeting, order, roles_of(order)),
            # The correction view's own predicate: offer the link only to who may follow it.
            "may_correct_record": meeting.record_entry is not None
            and journal.may_correct(user=user_of(request), entry=meeting.record_entry),
        },
        status=status,
    )
