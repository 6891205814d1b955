"""Training: courses, their sessions, participants, attendance and completion (VOL-04)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.volunteers.common import course_url, form_view, log_volunteers
from tupa.volunteers.fields import AttendanceForm
from tupa.volunteers.models import CourseParticipant, TrainingSession
from tupa.volunteers.training import selectors, services
from tupa.volunteers.training.forms import (
    CompletionForm,
    CourseForm,
    ParticipantForm,
    SessionForm,
)


@login_only
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    access.register_open(request)
    user = user_of(request)
    return render(
        request,
        "volunteers/course_list.html",
        {
            "courses": list(selectors.course_list(user=user)),
            "may_create": access.manageable_forms(user).exists(),
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    access.register_open(request)
    user = user_of(request)
    forms_qs = access.manageable_forms(user)
    if not forms_qs.exists():
        raise Http404
    form = CourseForm(request.POST or None, forms_qs=forms_qs)
    return form_view(
        request,
        form=form,
        service=lambda data: services.course_create(actor=user, **data),
        done_url=lambda created: course_url(created.pk),
        context={"heading": "course"},
    )


@object_scoped
@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.course_access(request, pk)
    view = selectors.course_detail(granted.obj)
    log_volunteers(request, [p.volunteer for p in view.participants], basis=granted.basis)
    return render(
        request,
        "volunteers/course_detail.html",
        {
            "course": granted.obj,
            "view": view,
            "may_manage": access.may_manage_form(user_of(request), granted.obj.service_form),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = access.course_access(request, pk, manage=True).obj
    form = SessionForm(request.POST or None, initial={"date": course.starts_on})
    return form_view(
        request,
        form=form,
        service=lambda data: services.session_add(actor=user_of(request), course=course, **data),
        done_url=lambda _s: course_url(course.pk),
        context={"course": course, "heading": "session"},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.course_access(request, pk, manage=True)
    course = granted.obj
    user = user_of(request)
    candidates = (
        access.volunteers_visible_to(user)
        .filter(assignments__service_form_id__in=access.manageable_forms(user).values("pk"))
        .exclude(pk__in=course.participants.values("volunteer_id"))
        .distinct()
        .order_by("last_name", "first_names")
    )
    form = ParticipantForm(request.POST or None, volunteers=candidates)
    return form_view(
        request,
        form=form,
        service=lambda data: services.participant_add(actor=user, course=course, **data),
        done_url=lambda _p: course_url(course.pk),
        context={"course": course, "heading": "participant"},
        shown=candidates,
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = TrainingSession.objects.filter(pk=pk).first()
    if session is None:
        raise Http404
    granted = access.course_access(request, session.course_id, manage=True)
    session.course = granted.obj
    enrolled = (
        access.volunteers_visible_to(user_of(request))
        .filter(courses__course=granted.obj)
        .order_by("last_name", "first_names")
    )
    form = AttendanceForm(
        request.POST or None,
        volunteers=enrolled,
        initial={"present": list(session.attendances.values_list("volunteer_id", flat=True))},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.attendance_set(
            actor=user_of(request), session=session, present=list(data["present"])
        ),
        done_url=lambda _a: course_url(granted.obj.pk),
        context={"course": granted.obj, "session": session, "heading": "attendance"},
        shown=enrolled,
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def completion(request: HttpRequest, pk: int) -> HttpResponse:
    participant = CourseParticipant.objects.filter(pk=pk).select_related("volunteer").first()
    if participant is None:
        raise Http404
    granted = access.course_access(request, participant.course_id, manage=True)
    participant.course = granted.obj
    form = CompletionForm(
        request.POST or None,
        initial={"completed_on": participant.completed_on or granted.obj.ends_on},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.participant_complete(
            actor=user_of(request), participant=participant, **data
        ),
        done_url=lambda _p: course_url(granted.obj.pk),
        context={"course": granted.obj, "participant": participant, "heading": "completion"},
        shown=[participant.volunteer],
        basis=granted.basis,
    )
