"""Scheduling meetings of an order, changing one and recording its outcome."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.access.visitation import meeting_access, order_access
from tupa.core.forms import saved_redirect
from tupa.core.wallclock import HELSINKI
from tupa.episodes import journal
from tupa.visitation import selectors, services
from tupa.visitation.forms import MeetingForm, OutcomeForm, ScheduleForm
from tupa.visitation.models import Meeting, MeetingOrder
from tupa.visitation.views.common import order_form_page, order_url, roles_of


def _meetings_url(order: MeetingOrder) -> str:
    """Where a saved meeting form goes: the order's meetings."""
    return order_url(order.pk) + "#tapaamiset"


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
    saved = saved_redirect(
        request,
        form,
        lambda data: services.meetings_schedule(
            actor=user_of(request),
            order=order,
            first_day=data["first_day"],
            time=data["time"],
            count=data["count"],
            location=data["location"],
        ),
        next_url=_meetings_url(order),
    )
    return saved or order_form_page(
        request,
        order,
        list(order.parties.all()),
        basis=granted.basis,
        template="visitation/schedule.html",
        form=form,
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
    saved = saved_redirect(
        request,
        form,
        lambda data: services.meeting_update(
            actor=user_of(request),
            meeting=meeting,
            version=data["version"],
            starts_at=form.starts_at(),
            duration_minutes=data["duration_minutes"],
            location=data["location"],
        ),
        next_url=_meetings_url(order),
    )
    return saved or order_form_page(
        request,
        order,
        list(order.parties.all()),
        basis=granted.basis,
        template="visitation/meeting_form.html",
        form=form,
        meeting=meeting,
        times=selectors.party_times_for(meeting, order, roles_of(order)),
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
    saved = saved_redirect(
        request,
        form,
        lambda data: services.meeting_record_outcome(
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
        ),
        next_url=_meetings_url(order),
    )
    return saved or order_form_page(
        request,
        order,
        parties,
        basis=granted.basis,
        template="visitation/meeting_outcome.html",
        form=form,
        meeting=meeting,
        times=selectors.party_times_for(meeting, order, roles_of(order)),
        # The correction view's own predicate: offer the link only to who may follow it.
        may_correct_record=meeting.record_entry is not None
        and journal.may_correct(user=user_of(request), entry=meeting.record_entry),
    )
