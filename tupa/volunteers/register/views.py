"""The register: list, new volunteer, the volunteer's page, profile, tasks, status; the roster
and the volunteer-responsible person of a form."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access import volunteers as access
from tupa.access.fetch import service_form_access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.audit.models import Action
from tupa.core.forms import form_page, saved_redirect
from tupa.volunteers import rules
from tupa.volunteers.common import SIMPLE_FORM, form_view, log_volunteers, volunteer_url
from tupa.volunteers.groups.panel import volunteer_extras
from tupa.volunteers.models import Assignment, FormResponsible
from tupa.volunteers.register import selectors, services
from tupa.volunteers.register.forms import (
    AssignmentEndForm,
    AssignmentForm,
    FilterForm,
    ProfileForm,
    ResponsibleForm,
    StatusForm,
    VolunteerCreateForm,
)
from tupa.volunteers.register.sessions import volunteer_sessions


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The register: the volunteers the user may see, filtered by form, status and role."""
    basis = access.register_open(request)
    user = user_of(request)
    forms_qs = access.manageable_forms(user)
    visible_forms = access.viewable_forms(user)
    form = FilterForm(request.GET or None, forms_qs=visible_forms)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    chosen = data.get("service_form")
    volunteers = list(
        selectors.volunteer_list(
            user=user,
            service_form_id=chosen.pk if chosen else None,
            status=data.get("status", ""),
            role=data.get("role", ""),
        )
    )
    log_volunteers(request, volunteers, basis=basis, action=Action.LIST)
    return render(
        request,
        "volunteers/index.html",
        {
            "form": form,
            "volunteers": volunteers,
            "may_create": forms_qs.exists(),
            "visible_forms": visible_forms,
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def volunteer_create(request: HttpRequest) -> HttpResponse:
    access.register_open(request)
    user = user_of(request)
    forms_qs = access.manageable_forms(user)
    if not forms_qs.exists():
        raise Http404
    form = VolunteerCreateForm(
        request.POST or None, forms_qs=forms_qs, initial={"started_on": timezone.localdate()}
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.volunteer_create(actor=user, **data),
        done_url=lambda created: volunteer_url(created.pk),
        template="volunteers/volunteer_form.html",
        context={"title_new": True},
    )


@object_scoped
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk)
    volunteer = granted.obj
    user = user_of(request)
    profile = selectors.volunteer_profile(volunteer)
    today = timezone.localdate()
    latest = rules.latest_check(c for c in profile.checks if c.seen_on <= today)
    needs_check = any(
        rules.needs_record_check(a) for a in profile.assignments if a.is_current(today)
    )
    log_volunteers(request, [volunteer], basis=granted.basis)
    return render(
        request,
        "volunteers/detail.html",
        {
            "volunteer": volunteer,
            "profile": profile,
            "screening": getattr(volunteer, "screening", None),
            "latest_check": latest,
            "check_valid": rules.check_is_valid(latest, today),
            "check_valid_until": rules.check_valid_until(latest) if latest else None,
            "needs_check": needs_check,
            "unmet": selectors.unmet_requirements(volunteer, on=today),
            "may_manage": access.may_manage(user, volunteer),
            # A task is ended by a coordinator of its own form (as it is added).
            "endable": {
                a.pk for a in profile.assignments if access.may_manage_form(user, a.service_form)
            },
            "hours_h": profile.hours_minutes / 60,
            "today": today,
            "sessions": volunteer_sessions(volunteer, today=today),
            "extras": volunteer_extras(volunteer, user=user, today=today),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_of(volunteer))
    return form_view(
        request,
        form=form,
        service=lambda data: services.volunteer_update(
            actor=user_of(request), volunteer=volunteer, **data
        ),
        done_url=lambda _v: volunteer_url(volunteer.pk),
        template="volunteers/volunteer_form.html",
        context={"volunteer": volunteer},
        shown=[volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    user = user_of(request)
    form = AssignmentForm(
        request.POST or None,
        forms_qs=access.manageable_forms(user),
        initial={"started_on": timezone.localdate()},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.assignment_add(actor=user, volunteer=volunteer, **data),
        done_url=lambda _a: volunteer_url(volunteer.pk) + "#tehtavat",
        context={"volunteer": volunteer, "heading": "assignment"},
        shown=[volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = Assignment.objects.filter(pk=pk).select_related("service_form").first()
    if assignment is None:
        raise Http404
    granted = access.volunteer_access(request, assignment.volunteer_id, manage=True)
    if not access.may_manage_form(user_of(request), assignment.service_form):
        raise Http404  # a task of another form of the same volunteer
    volunteer = granted.obj
    assignment.volunteer = volunteer
    form = AssignmentEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.assignment_end(
            actor=user_of(request), assignment=assignment, **data
        ),
        done_url=lambda _a: volunteer_url(volunteer.pk) + "#tehtavat",
        context={"volunteer": volunteer, "assignment": assignment, "heading": "end"},
        shown=[volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    today = timezone.localdate()
    form = StatusForm(request.POST or None, initial={"changed_on": today})
    allowed = sorted(rules.TRANSITIONS.get(volunteer.status, frozenset()))
    form.fields["status"].choices = [  # type: ignore[attr-defined]
        (value, label)
        for value, label in form.fields["status"].choices  # type: ignore[attr-defined]
        if value in allowed
    ]
    # Not form_view(): the unmet requirements are read only for the page, never on success.
    saved = saved_redirect(
        request,
        form,
        lambda data: services.volunteer_set_status(
            actor=user_of(request), volunteer=volunteer, **data
        ),
        next_url=volunteer_url(volunteer.pk) + "#tila",
    )
    if saved is not None:
        return saved
    log_volunteers(request, [volunteer], basis=granted.basis)
    return form_page(
        request,
        SIMPLE_FORM,
        form,
        {
            "volunteer": volunteer,
            "heading": "status",
            "unmet": selectors.unmet_requirements(volunteer, on=today),
        },
    )


@object_scoped
@require_GET
def roster(request: HttpRequest, slug: str) -> HttpResponse:
    """A form's current volunteers, names and roles only (client workers see this much)."""
    granted = service_form_access(request, slug, rule=access.ROSTER)
    service_form = granted.obj
    user = user_of(request)
    rows = selectors.roster(service_form=service_form, on=timezone.localdate())
    responsible = (
        FormResponsible.objects.filter(service_form=service_form).select_related("user").first()
    )
    log_volunteers(request, [a.volunteer for a in rows], basis=granted.basis, action=Action.LIST)
    return render(
        request,
        "volunteers/roster.html",
        {
            "service_form": service_form,
            "rows": rows,
            "responsible": responsible,
            "may_open": access.may_view_form(user, service_form),
            "may_set_responsible": bool(
                policy.decide(user, "volunteers.responsible.set", service_form)
            ),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def responsible_set(request: HttpRequest, slug: str) -> HttpResponse:
    """Name the form's volunteer-responsible staff member (VOL-02)."""
    service_form = service_form_access(request, slug, rule="volunteers.responsible.set").obj
    current = FormResponsible.objects.filter(service_form=service_form).first()
    form = ResponsibleForm(
        request.POST or None,
        organisation_id=service_form.organisation_id,
        initial={"user": current.user_id if current else None},
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.responsible_set(
            actor=user_of(request), service_form=service_form, **data
        ),
        done_url=lambda _r: reverse("volunteers:roster", args=[service_form.slug]),
        context={"service_form": service_form, "heading": "responsible"},
    )
