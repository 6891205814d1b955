"""The catalogue of returns: every return a user may open for a year, its deadline (a STEA
report's from the grants register when it has one) and its state (sent in Tupa, sent elsewhere
by the grants register, late or still to send), and the year's STEA grant targets whose report
Tupa does not count."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tupa.access import statistics as access
from tupa.access.fetch import service_form_access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.core.params import year_param
from tupa.finance.models import Grant
from tupa.finance.models.grants import FUNDING
from tupa.organisations.models import Municipality, ServiceForm

from ..models import Submission
from ..returns import registry as returns
from ..returns.base import GrantsRegister, Recipient, Scope, with_grants
from ..returns.internal.volunteers import VOLUNTEERS as VOLUNTEER_REPORT
from .common import FIRST_YEAR, ORGANISATION, purchasing_municipalities


def _default_year(today: dt.date) -> int:
    """Returns are about completed years: last year until the year's returns are due."""
    return today.year - 1


def catalogue_rows(
    user: Any, year: int, register: GrantsRegister | None = None
) -> list[dict[str, Any]]:
    """The returns ``user`` may open for ``year`` with their deadline and state. A STEA
    report's deadline and whether it was done elsewhere come from the grants register
    (``register``, read once for the rows and the targets: :class:`GrantsRegister`)."""
    forms = list(
        with_grants(ServiceForm.objects.filter(organisation_id=user.organisation_id)).order_by(
            "name"
        )
    )
    sent: dict[tuple[str, str], Submission] = {}
    for s in Submission.objects.filter(
        organisation_id=user.organisation_id, period_start__year=year
    ).select_related("service_form", "municipality"):
        subject = (
            s.service_form.slug
            if s.service_form
            else (s.municipality.code if s.municipality else ORGANISATION)
        )
        sent.setdefault((s.template_id, subject), s)  # newest first (model ordering)
    if register is None:
        register = GrantsRegister.of_year(user.organisation_id, year)
    rows = []
    for template in returns.latest():
        # (key, label, the form's grants of the year: empty but for a STEA report)
        subjects: list[tuple[str, str, list[Any]]] = []
        if template.scope == Scope.SERVICE_FORM:
            shown = [
                f
                for f in forms
                if template.available_for(f, year) and access.may_see_return(user, template, f)
            ]
            if shown and template.available_in is not None:
                having = set(template.available_in(user.organisation_id))
                shown = [f for f in shown if f.pk in having]
            subjects = [(f.slug, f.name, template.grants_for(f, year)) for f in shown]
        elif access.may_see_return(user, template, None):
            if template.scope == Scope.MUNICIPALITY:
                subjects = [
                    (m.code, m.name, [])
                    for m in Municipality.objects.filter(
                        pk__in=purchasing_municipalities(user.organisation_id)
                    ).order_by(Municipality.display_ordering())
                ]
            else:
                subjects = [(ORGANISATION, user.organisation.name, [])]
        for key, label, grants in subjects:
            rows.append(
                {
                    "template": template,
                    "key": key,
                    "label": label,
                    "deadline": register.deadline(template, grants, year),
                    "sent": sent.get((template.id, key)),
                    "reported_on": register.reported_on(grants, year),
                }
            )
    return rows


def targets_without_report(
    organisation_id: int, year: int, register: GrantsRegister | None = None
) -> list[dict[str, Any]]:
    """The year's STEA grants whose results report Tupa does not count — no form (the
    association's general grant, Ay), or no form a STEA template exists for (e.g. a residential
    form) — with their forms and, from the grants register, when their report was sent (two
    queries, and the register's deadlines unless ``register`` has read them already)."""
    if register is None:
        register = GrantsRegister.of_year(organisation_id, year)
    funding = [t for t in returns.latest() if t.granted_by is not None]
    kinds = set().union(*(t.granted_by or () for t in funding))
    forms = with_grants(ServiceForm.objects.order_by("name"))
    grants = (
        Grant.objects.filter(
            organisation_id=organisation_id,
            kind__in=kinds,
            status__in=FUNDING,
            year_from__lte=year,
            year_to__gte=year,
        )
        .prefetch_related(Prefetch("service_forms", queryset=forms))
        .order_by("target_name", "pk")
    )
    rows = []
    for grant in grants:
        funded = list(grant.service_forms.all())
        if any(t.available_for(f, year) for t in funding for f in funded):
            continue
        rows.append(
            {
                "grant": grant,
                "forms": funded,
                # The register's deadline, else that of the STEA reports Tupa does count.
                "deadline": register.deadline(funding[0], [grant], year),
                "reported_on": register.reported_on([grant], year),
            }
        )
    return rows


def _catalogue(request: HttpRequest, *, service_form: ServiceForm | None = None) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    year = year_param(request, range(FIRST_YEAR, today.year + 1), _default_year(today))
    register = GrantsRegister.of_year(user.organisation_id, year)
    rows = catalogue_rows(user, year, register)
    if service_form is not None:
        rows = [r for r in rows if r["template"].scope == Scope.SERVICE_FORM]
        rows = [r for r in rows if r["key"] == service_form.slug]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(Recipient(row["template"].recipient).label)].append(row)
    return render(
        request,
        "statistics/index.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "groups": sorted(groups.items()),
            "today": today,
            "service_form": service_form,
            "federation": service_form is None and access.may_see_federation(user),
            "overview": service_form is None and access.may_see_overview(user),
            "annual": service_form is None and access.may_see_annual_report(user),
            "other_targets": (
                targets_without_report(user.organisation_id, year, register)
                if service_form is None
                and user.organisation_id is not None
                and access.may_see_grant_targets(user)
                else []
            ),
        },
    )


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every return the user may open for a year, with its deadline and whether it was sent."""
    return _catalogue(request)


@object_scoped
@require_GET
def form_returns(request: HttpRequest, slug: str) -> HttpResponse:
    """The returns of one service form (linked from the form's reports on the dashboard)."""
    form = service_form_access(request, slug, rule="statistics.form.view").obj
    return _catalogue(request, service_form=form)


@object_scoped
@require_GET
def volunteer_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The dashboard's link to a form's volunteer statistics: this year's report (404 for
    whoever may not read it, as the report itself answers)."""
    form = service_form_access(request, slug, rule=VOLUNTEER_REPORT.visible).obj
    year = timezone.localdate().year
    return redirect("statistics:return", VOLUNTEER_REPORT.id, year, form.slug)
