"""Students (VOL-13, STF-06): the list of placements, a new placement, a correction."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.volunteers.common import form_view, log_volunteers
from tupa.volunteers.models import RoleKind
from tupa.volunteers.students import selectors, services
from tupa.volunteers.students.forms import PlacementForm

FORM = "volunteers/group_form.html"


def _list_url() -> str:
    return reverse("volunteers:student_list")


@login_only
@require_GET
def student_list(request: HttpRequest) -> HttpResponse:
    basis = access.register_open(request)
    user = user_of(request)
    placements = list(selectors.placement_list(user=user))
    log_volunteers(
        request,
        {p.volunteer.pk: p.volunteer for p in placements}.values(),
        basis=basis,
        action="list",
    )
    manageable = access.manageable_form_ids(user)
    editable = {p.pk for p in placements if manageable is None or p.service_form_id in manageable}
    return render(
        request,
        "volunteers/student_list.html",
        {
            "placements": placements,
            "editable": editable,
            "may_create": access.manageable_forms(user).exists(),
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def placement_create(request: HttpRequest) -> HttpResponse:
    basis = access.register_open(request)
    user = user_of(request)
    forms_qs = access.manageable_forms(user)
    if not forms_qs.exists():
        raise Http404
    students = (
        access.volunteers_visible_to(user)
        .filter(
            assignments__service_form__in=forms_qs,
            assignments__role=RoleKind.STUDENT,
        )
        .distinct()
        .order_by("last_name", "first_names", "pk")
    )
    form = PlacementForm(
        request.POST or None,
        organisation_id=int(user.organisation_id or 0),
        volunteers=students,
        forms_qs=forms_qs,
        initial={"supervisor": user.pk},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.placement_create(actor=user, **data),
        done_url=lambda _p: _list_url(),
        template=FORM,
        context={"heading": "placement"},
        shown=students,
        basis=basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.placement_access(request, pk, manage=True)
    placement = granted.obj
    form = PlacementForm(
        request.POST or None,
        organisation_id=placement.organisation_id,
        volunteers=None,
        forms_qs=None,
        initial={
            "kind": placement.kind,
            "school": placement.school,
            "degree_programme": placement.degree_programme,
            "supervisor": placement.supervisor_id,
            "starts_on": placement.starts_on,
            "ends_on": placement.ends_on,
            "credits": placement.credits,
        },
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.placement_update(
            actor=user_of(request), placement=placement, **data
        ),
        done_url=lambda _p: _list_url(),
        template=FORM,
        context={"volunteer": placement.volunteer, "heading": "placement_edit"},
        shown=[placement.volunteer],
        basis=granted.basis,
    )
