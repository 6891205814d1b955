"""The organisation's structure and a service form's page (with the links the apps register)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tupa.access import policy
from tupa.access.clients import user_scope
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.organisations import selectors
from tupa.organisations.models import WorkingGroup


@login_only
@require_GET
def structure(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
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
    service_form = service_form_or_404(
        request, slug, rule="service_form.view", queryset=selectors.service_forms_with_details()
    )
    user = user_of(request)
    may_see_staff = policy.decide(user, "service_form.staff.view", service_form)
    return render(
        request,
        "organisations/service_form.html",
        {
            "service_form": service_form,
            "staff": selectors.service_form_staff(service_form=service_form)
            if may_see_staff
            else None,
            "member_form_ids": user_scope(user).member_form_ids,
        },
    )
