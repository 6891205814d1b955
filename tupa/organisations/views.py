from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tupa.access import policy
from tupa.access.marks import login_only, object_scoped
from tupa.accounts.models import Membership

from . import selectors
from .models import ServiceForm, WorkingGroup


@login_only
@require_GET
def structure(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisation = user.organisation  # type: ignore[union-attr]
    if organisation is None:
        raise Http404
    policy.require(user, "organisation.view", organisation)  # type: ignore[arg-type]
    context = {
        "organisation": organisation,
        "areas": selectors.organisation_structure(organisation=organisation),
        "working_groups": WorkingGroup.objects.prefetch_related(
            "members__user", "members__service_form"
        ),
    }
    return render(request, "organisations/structure.html", context)


@object_scoped
@require_GET
def service_form_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service_form = selectors.service_forms_with_details().get(slug=slug)
    except ServiceForm.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    policy.require(user, "service_form.view", service_form)  # type: ignore[arg-type]
    staff = None
    if policy.decide(user, "service_form.staff.view", service_form):  # type: ignore[arg-type]
        staff = (
            Membership.objects.active()
            .filter(service_form=service_form)
            .select_related("user")
            .order_by("role", "user__last_name")
        )
    from tupa.access.clients import user_scope

    return render(
        request,
        "organisations/service_form.html",
        {
            "service_form": service_form,
            "staff": staff,
            "member_form_ids": user_scope(user).member_form_ids,  # type: ignore[arg-type]
        },
    )
