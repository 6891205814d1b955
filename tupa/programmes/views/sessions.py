"""Sessions of a programme: adding them (one or weekly) and recording attendance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.access.programmes import programme_or_404, session_or_404
from tupa.core.forms import saved_redirect, submit
from tupa.programmes import selectors, services
from tupa.programmes.forms import AttendanceForm, SessionForm
from tupa.programmes.models import Attendance, GroupProgramme
from tupa.programmes.views.common import (
    detail_url,
    member_labels,
    posted_form_page,
    restricted,
    to_detail,
)

# --------------------------------------------------------------------------- sessions


@object_scoped
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_or_404(request, pk)
    form = SessionForm(
        request.POST or None,
        service_form_id=programme.service_form_id,
        initial={"day": max(programme.starts_on, timezone.localdate()), "weeks": 1},
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda data: _sessions_create(request, programme, data),
            field_map={"starts_at": "day", "first_day": "day", "ends_at": "end_time"},
        )
        if done.ok:
            # The message counts what was added, so it is said here (not by saved_redirect).
            messages.success(
                request, _("Kokoontumisia lisätty: %(count)d.") % {"count": done.value}
            )
            return to_detail(programme)
    return posted_form_page(
        request,
        "programmes/session_form.html",
        form,
        {"service_form": programme.service_form, "programme": programme},
    )


def _sessions_create(request: HttpRequest, programme: GroupProgramme, data: dict[str, Any]) -> int:
    """One session, or a weekly series (``weeks``, ``weekdays``); how many were added."""
    if data["weeks"] == 1 and not data["weekdays"]:
        services.session_create(
            actor=user_of(request),
            programme=programme,
            starts_at=services.local_datetime(data["day"], data["start_time"]),
            ends_at=services.local_datetime(data["day"], data["end_time"]),
            room=data["room"],
            topic=data["topic"],
        )
        return 1
    return len(
        services.sessions_create_weekly(
            actor=user_of(request),
            programme=programme,
            first_day=data["day"],
            weeks=data["weeks"],
            weekdays=data["weekdays"] or [data["day"].weekday()],
            start_time=data["start_time"],
            end_time=data["end_time"],
            room=data["room"],
            topic=data["topic"],
        )
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk)
    programme = session.programme
    day = timezone.localtime(session.starts_at).date()
    existing = {a.member_id: a.status for a in Attendance.objects.filter(session=session)}
    members = [
        m
        for m in selectors.members_of(programme=programme)
        if m.pk in existing or (m.joined_on <= day and (m.left_on is None or m.left_on >= day))
    ]
    # GDPR art. 18: a restricted member's attendance cannot be changed, so the form leaves
    # them out and their row stays as it was (services.session_record).
    members = [m for m in members if not restricted(m)]
    labels = member_labels(request, members)
    on_session = [leader.pk for leader in session.leaders.all()]
    leaders = selectors.session_leader_options(session, on_session=on_session)
    initial: dict[str, Any] = {
        "cancelled": session.cancelled,
        "topic": session.topic,
        "anonymous_adults": session.anonymous_adults,
        "anonymous_children": session.anonymous_children,
        "leaders": on_session,
    }
    for member in members:
        status = existing.get(member.pk)
        initial[f"present_{member.pk}"] = status == Attendance.Status.PRESENT or (
            status is None and session.attendance_recorded_at is None
        )
        initial[f"excused_{member.pk}"] = status == Attendance.Status.EXCUSED
    form = AttendanceForm(
        request.POST or None,
        members=[(m, labels[m.pk]) for m in members],
        leaders=leaders,
        initial=initial,
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.session_record(
            actor=user_of(request),
            session=session,
            statuses={} if data["cancelled"] else form.statuses(),
            anonymous_adults=data["anonymous_adults"],
            anonymous_children=data["anonymous_children"],
            cancelled=data["cancelled"],
            topic=data["topic"],
            leader_ids=data["leaders"],
        ),
        next_url=detail_url(programme),
        success=_("Kokoontumisen tiedot tallennettu."),
    )
    return saved or posted_form_page(
        request,
        "programmes/attendance.html",
        form,
        {"service_form": programme.service_form, "programme": programme, "session": session},
    )
