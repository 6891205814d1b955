"""The catalogue of returns: every return a user may open for a year, its deadline and its
state (sent in Tupa, sent elsewhere by the grants register, late or still to send), and the
year's STEA grant targets whose report Tupa does not count."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
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
from tupa.finance.grants import selectors as grant_selectors
from tupa.finance.models import Grant
from tupa.finance.models.grants import FUNDING
from tupa.organisations.models import Municipality, ServiceForm

from ..models import Submission
from ..returns import registry as returns
from ..returns.base import Recipient, Scope, with_grants
from ..returns.internal.volunteers import VOLUNTEERS as VOLUNTEER_REPORT
from .common import FIRST_YEAR, ORGANISATION, purchasing_municipalities


def _default_year(today: dt.date) -> int:
    """Returns are about completed years: last year until the year's returns are due."""
    return today.year - 1


#: The grants register's results reports of a year marked done, by grant, read once when first
#: asked (:func:`reported_in_register`).
Reported = Callable[[], dict[int, dt.date]]


def reported_in_register(organisation_id: int | None, year: int) -> Reported:
    """The grants whose results report of ``year`` the grants register marks done, and when: a
    STEA report sent outside Tupa, or before its statistics were in use. One query, made the
    first time the result is asked for (a page asks only once it shows a form with a grant or a
    target Tupa does not count), and shared by the catalogue's rows and its targets."""

    @functools.cache
    def read() -> dict[int, dt.date]:
        if organisation_id is None:  # a user of no organisation: nothing of anyone's
            return {}
        done = grant_selectors.results_reports(organisation_id=organisation_id, year=year).filter(
            done_on__isnull=False
        )
        return {grant_id: on for grant_id, on in done.values_list("grant_id", "done_on") if on}

    return read


def catalogue_rows(user: Any, year: int, reported: Reported | None = None) -> list[dict[str, Any]]:
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
    if reported is None:
        reported = reported_in_register(user.organisation_id, year)
    rows = []
    for template in returns.latest():
        subjects: list[tuple[str, str, dt.date | None]] = []
        if template.scope == Scope.SERVICE_FORM:
            shown = [
                f
                for f in forms
                if template.available_for(f, year) and access.may_see_return(user, template, f)
            ]
            if shown and template.available_in is not None:
                having = set(template.available_in(user.organisation_id))
                shown = [f for f in shown if f.pk in having]
            subjects = [
                (f.slug, f.name, _reported_on(template.grants_for(f, year), reported))
                for f in shown
            ]
        elif access.may_see_return(user, template, None):
            if template.scope == Scope.MUNICIPALITY:
                subjects = [
                    (m.code, m.name_fi, None)
                    for m in Municipality.objects.filter(
                        pk__in=purchasing_municipalities(user.organisation_id)
                    ).order_by("name_fi")
                ]
            else:
                subjects = [(ORGANISATION, user.organisation.name, None)]
        for key, label, reported_on in subjects:
            rows.append(
                {
                    "template": template,
                    "key": key,
                    "label": label,
                    "deadline": template.deadline_for(year),
                    "sent": sent.get((template.id, key)),
                    "reported_on": reported_on,
                }
            )
    return rows


def targets_without_report(
    organisation_id: int, year: int, reported: Reported | None = None
) -> list[dict[str, Any]]:
    """The year's STEA grants whose results report Tupa does not count — no form (the
    association's general grant, Ay), or no form a STEA template exists for (e.g. a residential
    form) — with their forms and, from the grants register, when their report was sent (two
    queries, and the register's reports unless ``reported`` has read them already)."""
    if reported is None:
        reported = reported_in_register(organisation_id, year)
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
                # The deadline of the STEA reports Tupa does count (one for all of them).
                "deadline": funding[0].deadline_for(year),
                "reported_on": reported().get(grant.pk),
            }
        )
    return rows


def _reported_on(grants: list[Any], reported: Reported) -> dt.date | None:
    """When the register says the report of every one of ``grants`` was sent (the latest
    date), or ``None`` (no grants, or one still open)."""
    if not grants:
        return None
    dates = [reported().get(g.pk) for g in grants]
    if None in dates:
        return None
    return max(d for d in dates if d is not None)


def _catalogue(request: HttpRequest, *, service_form: ServiceForm | None = None) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    year = year_param(request, range(FIRST_YEAR, today.year + 1), _default_year(today))
    reported = reported_in_register(user.organisation_id, year)
    rows = catalogue_rows(user, year, reported)
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
                targets_without_report(user.organisation_id, year, reported)
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
