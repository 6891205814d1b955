"""The grants register under /talous/avustukset/ (rules ``finance.grants.view`` / ``.manage``).

The register of a year with the sums per funder and status and the upcoming reporting deadlines;
a grant's page (decision, conditions, forms it funds, deadlines); the application, decision and
deadline forms. Grants are organisation data, not client data: nothing is access-logged. A grant
of another organisation answers 404 (the request's organisation scope does not see it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import policy
from tupa.access.finance import grant_access
from tupa.access.marks import login_only, object_scoped, organisation_id_of, user_of
from tupa.core import registry
from tupa.core.forms import form_page, saved_redirect
from tupa.core.params import year_param
from tupa.finance.grants import selectors, services
from tupa.finance.grants.forms import (
    DeadlineForm,
    DecisionForm,
    GrantForm,
    decision_initial,
    grant_initial,
)
from tupa.finance.models.grants import Grant, GrantDeadline
from tupa.organisations.models import Funder, ServiceForm

VIEW = "finance.grants.view"
MANAGE = services.MANAGE


def grant_url(grant: Grant) -> str:
    return reverse("finance:grant", args=[grant.pk])


def _grant(request: HttpRequest, pk: int, action: str) -> Grant:
    return grant_access(request, pk, action).obj


def _grant_form(request: HttpRequest, **kwargs: Any) -> GrantForm:
    """The application form with the organisation's funders and service forms to choose from."""
    organisation_id = user_of(request).organisation_id or 0
    return GrantForm(
        request.POST or None,
        funders=Funder.objects.filter(organisation_id=organisation_id).order_by("name"),
        service_forms=ServiceForm.objects.filter(organisation_id=organisation_id).order_by("name"),
        **kwargs,
    )


def _application(data: dict[str, Any]) -> dict[str, Any]:
    """The application form's fields as both ``grant_create`` and ``grant_update`` take them;
    the status is left to each (a decided grant's form has none)."""
    return {
        name: data[name]
        for name in (
            "funder",
            "kind",
            "target_name",
            "target_code",
            "year_from",
            "year_to",
            "amount_applied",
            "applied_on",
            "note",
            "service_forms",
        )
    }


@login_only
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The register of a year: deadlines at the top, the sums, each grant a row."""
    user = user_of(request)
    policy.require(user, VIEW)
    today = timezone.localdate()
    years = selectors.grant_years(today=today)
    year = year_param(request, years, lambda: selectors.default_year(today=today))
    return render(
        request,
        "finance/grants/register.html",
        {
            "years": years,
            "year": year,
            "register": selectors.register(year=year),
            "upcoming": selectors.upcoming_deadlines(today=today),
            "may_manage": bool(policy.decide(user, MANAGE)),
        },
    )


@login_only
@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    """Open reporting deadlines: the overdue ones and those due in the next 90 days."""
    user = user_of(request)
    policy.require(user, VIEW)
    return render(
        request,
        "finance/grants/deadlines.html",
        {
            "upcoming": selectors.upcoming_deadlines(today=timezone.localdate()),
            "days": selectors.UPCOMING_DAYS,
            "may_manage": bool(policy.decide(user, MANAGE)),
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, MANAGE)
    form = _grant_form(
        request,
        initial={"year_from": timezone.localdate().year + 1, "status": Grant.Status.DRAFT},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.grant_create(actor=user, status=data["status"], **_application(data)),
        success=_("Avustushakemus on tallennettu."),
        next_url=grant_url,
    )
    return saved or form_page(request, "finance/grants/grant_form.html", form, {"grant": None})


@object_scoped
@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    grant = _grant(request, pk, VIEW)
    return render(
        request,
        "finance/grants/grant_detail.html",
        {
            "grant": grant,
            "deadlines": list(grant.deadlines.all()),
            "service_forms": list(grant.service_forms.all()),
            "today": timezone.localdate(),
            "may_manage": bool(policy.decide(user, MANAGE, grant)),
            "deadline_form": DeadlineForm(),
            # What other apps add (the statistics' results reports), asked now that the user
            # is known to read the register.
            "panels": registry.shown_panels(registry.grant_panels, request, grant),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    grant = _grant(request, pk, MANAGE)
    form = _grant_form(
        request,
        initial=grant_initial(grant),
        decided=grant.status not in services.EDITABLE_STATUSES,
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.grant_update(
            actor=user, grant=grant, status=data.get("status"), **_application(data)
        ),
        success=_("Avustuksen tiedot on tallennettu."),
        next_url=grant_url(grant),
    )
    return saved or form_page(request, "finance/grants/grant_form.html", form, {"grant": grant})


@object_scoped
@require_http_methods(["GET", "POST"])
def grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    grant = _grant(request, pk, MANAGE)
    form = DecisionForm(request.POST or None, initial=decision_initial(grant))
    saved = saved_redirect(
        request,
        form,
        lambda data: services.grant_decide(
            actor=user,
            grant=grant,
            status=data["status"],
            amount_granted=data["amount_granted"],
            decided_on=data["decided_on"],
            decision_number=data["decision_number"],
            conditions=data["conditions"],
        ),
        success=_("Päätös on kirjattu."),
        next_url=grant_url(grant),
    )
    return saved or form_page(request, "finance/grants/decision_form.html", form, {"grant": grant})


@object_scoped
@require_http_methods(["GET", "POST"])
def deadline_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    grant = _grant(request, pk, MANAGE)
    form = DeadlineForm(request.POST or None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.deadline_add(
            actor=user, grant=grant, kind=data["kind"], due_on=data["due_on"], note=data["note"]
        ),
        success=_("Määräaika on lisätty."),
        next_url=grant_url(grant),
    )
    return saved or form_page(request, "finance/grants/deadline_form.html", form, {"grant": grant})


@object_scoped
@require_POST
def deadline_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a deadline done ("merkitse tehdyksi") and go back where the button was."""
    user = user_of(request)
    deadline = (
        GrantDeadline.objects.filter(pk=pk, grant__organisation_id=organisation_id_of(request))
        .select_related("grant")
        .first()
    )
    if deadline is None:
        raise Http404
    policy.require(user, MANAGE, deadline.grant)
    try:
        services.deadline_done(actor=user, deadline=deadline)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Määräaika on merkitty tehdyksi."))
    if request.POST.get("next") == "deadlines":
        return HttpResponseRedirect(reverse("finance:grant_deadlines"))
    return HttpResponseRedirect(grant_url(deadline.grant))
