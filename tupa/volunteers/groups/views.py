"""Volunteer groups and meetings (VOL-08) and the experience-expert networks (VOL-12)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.volunteers.common import form_view, log_volunteers
from tupa.volunteers.fields import AttendanceForm
from tupa.volunteers.groups import selectors, services
from tupa.volunteers.groups.forms import (
    GroupForm,
    MeetingForm,
    MemberEndForm,
    MemberForm,
)
from tupa.volunteers.models import GroupKind

FORM = "volunteers/group_form.html"


def group_url(pk: int) -> str:
    return reverse("volunteers:group_detail", args=[pk])


@login_only
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    access.register_open(request)
    user = user_of(request)
    kind = request.GET.get("laji", "")
    if kind not in GroupKind.values:
        kind = ""
    return render(
        request,
        "volunteers/group_list.html",
        {
            "groups": list(selectors.group_list(user=user, kind=kind)),
            "kinds": GroupKind.choices,
            "kind": kind,
            "may_create": access.manageable_forms(user).exists(),
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    access.register_open(request)
    user = user_of(request)
    forms_qs = access.manageable_forms(user)
    if not forms_qs.exists():
        raise Http404
    form = GroupForm(
        request.POST or None,
        forms_qs=forms_qs,
        initial={"started_on": timezone.localdate(), "kind": request.GET.get("laji")},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.group_create(actor=user, **data),
        done_url=lambda created: group_url(created.pk),
        template=FORM,
        context={"heading": "group"},
    )


@object_scoped
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.group_access(request, pk)
    view = selectors.group_detail(granted.obj)
    shown = {m.volunteer.pk: m.volunteer for m in view.members}
    for meeting in view.meetings:
        shown.update({a.volunteer.pk: a.volunteer for a in meeting.attendances.all()})
    log_volunteers(request, shown.values(), basis=granted.basis)
    return render(
        request,
        "volunteers/group_detail.html",
        {
            "group": granted.obj,
            "view": view,
            "today": timezone.localdate(),
            "may_manage": access.may_manage_group(user_of(request), granted.obj),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_access(request, pk, manage=True).obj
    form = GroupForm(
        request.POST or None,
        forms_qs=None,
        initial={
            "kind": group.kind,
            "name": group.name,
            "description": group.description,
            "started_on": group.started_on,
            "closed_on": group.closed_on,
        },
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.group_update(actor=user_of(request), group=group, **data),
        done_url=lambda _g: group_url(group.pk),
        template=FORM,
        context={"group": group, "heading": "group_edit"},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.group_access(request, pk, manage=True)
    group = granted.obj
    user = user_of(request)
    candidates = (
        access.volunteers_visible_to(user)
        .filter(assignments__service_form=group.service_form)
        .exclude(pk__in=group.memberships.filter(left_on__isnull=True).values("volunteer_id"))
        .distinct()
        .order_by("last_name", "first_names", "pk")
    )
    form = MemberForm(
        request.POST or None,
        volunteers=candidates,
        initial={"joined_on": max(group.started_on, timezone.localdate())},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.member_add(actor=user, group=group, **data),
        done_url=lambda _m: group_url(group.pk),
        template=FORM,
        context={"group": group, "heading": "member"},
        shown=candidates,
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.membership_access(request, pk)
    membership = granted.obj
    form = MemberEndForm(request.POST or None, initial={"left_on": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.member_end(
            actor=user_of(request), membership=membership, **data
        ),
        done_url=lambda _m: group_url(membership.group.pk),
        template=FORM,
        context={"group": membership.group, "membership": membership, "heading": "member_end"},
        shown=[membership.volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_access(request, pk, manage=True).obj
    user = user_of(request)
    form = MeetingForm(
        request.POST or None,
        organisation_id=group.organisation_id,
        initial={"date": timezone.localdate(), "leader": user.pk},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.meeting_add(actor=user, group=group, **data),
        done_url=lambda _m: group_url(group.pk),
        template=FORM,
        context={"group": group, "heading": "meeting"},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.meeting_access(request, pk, manage=True)
    meeting = granted.obj
    members = selectors.members_on(meeting)
    form = AttendanceForm(
        request.POST or None,
        volunteers=members,
        initial={"present": list(meeting.attendances.values_list("volunteer_id", flat=True))},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.attendance_set(
            actor=user_of(request), meeting=meeting, present=list(data["present"])
        ),
        done_url=lambda _a: group_url(meeting.group.pk),
        template=FORM,
        context={"group": meeting.group, "meeting": meeting, "heading": "attendance"},
        shown=members,
        basis=granted.basis,
    )
