"""The overview: occupancy now, this year against last year per service form, queues, returns.

Built from the same indicators as the returns: each figure links to its drill-down.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import statistics as access
from tupa.access.fetch import member_of, service_form_access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.core.htmx import is_htmx
from tupa.core.months import add_months
from tupa.core.suppression import number_text
from tupa.episodes.models import Episode, Referral
from tupa.organisations.models import ServiceForm
from tupa.residential.models import is_shelter
from tupa.residential.stays.selectors import occupancy_now

from .. import engine
from ..charts import paired_bars
from ..indicators import registry as indicators
from ..indicators.base import Indicator, Params
from ..indicators.reads import one_run
from .catalogue import catalogue_rows
from .common import range_label
from .returns import drill_page


def figures_for(form: ServiceForm) -> tuple[str | None, str | None]:
    """The (clients, activity) indicators that summarise a form of this kind."""
    kind = ServiceForm.Kind
    if form.kind == kind.RESIDENTIAL:
        if is_shelter(form):
            return "shelter.clients", "shelter.residence_days"
        return "ensikoti.clients", "residential.care_days"
    by_kind: dict[str, tuple[str | None, str | None]] = {
        kind.OUTPATIENT: ("outpatient.clients", "outpatient.visits"),
        kind.DROP_IN: (None, "dropin.visits"),
        kind.VISITATION: ("visitation.children", "visitation.meetings"),
        kind.GROUP: ("programmes.participants", "programmes.attendances"),
        # No clients: its events, trainings and meetings are its activity.
        kind.PREVENTION: (None, "prevention.activities"),
    }
    return by_kind.get(form.kind, (None, None))


@dataclass
class Figure:
    indicator: Indicator
    this_year: int
    last_year: int
    url: str
    #: The drill-down of last year's figure (the same days of last year).
    last_year_url: str

    @property
    def change(self) -> int:
        return self.this_year - self.last_year

    @property
    def this_year_text(self) -> str:
        return number_text(self.this_year, self.indicator.decimals)

    @property
    def last_year_text(self) -> str:
        return number_text(self.last_year, self.indicator.decimals)


def figures_to_date(
    forms: list[ServiceForm], today: dt.date, *, with_clients: bool = True
) -> dict[tuple[int, str], Figure]:
    """(form, indicator) → this year to date and the same days last year, one run per indicator
    and period, sharing the reads that do not depend on them (the organisation's forms, its
    protected persons: :mod:`..indicators.reads`). Without ``with_clients`` only the forms'
    activity (what the chart draws)."""
    by_indicator: dict[str, list[ServiceForm]] = defaultdict(list)
    for form in forms:
        clients_id, activity_id = figures_for(form)
        for ind_id in (clients_id, activity_id) if with_clients else (activity_id,):
            # Not a figure its drill-down refuses (Ensikoti's clients of a residential unit
            # that is neither a shelter nor a mother-and-baby home): no link to a 404.
            if ind_id is not None and indicators.get(ind_id).applies(form):
                by_indicator[ind_id].append(form)
    this_year = (dt.date(today.year, 1, 1), today)
    last_year = (dt.date(today.year - 1, 1, 1), add_months(today, -12))
    out: dict[tuple[int, str], Figure] = {}
    with one_run():
        for ind_id, users in by_indicator.items():
            indicator = indicators.get(ind_id)
            org = users[0].organisation_id
            now = engine.totals_per_form(indicator, Params(org, *this_year), users)
            then = engine.totals_per_form(indicator, Params(org, *last_year), users)
            # Each figure's drill-down counts the same days as the figure (not the whole year).
            for form in users:
                out[(form.pk, ind_id)] = Figure(
                    indicator,
                    now.get(form.pk, 0),
                    then.get(form.pk, 0),
                    _drill_url(indicator, form, this_year[1]),
                    _drill_url(indicator, form, last_year[1]),
                )
    return out


def _drill_url(indicator: Indicator, form: ServiceForm, until: dt.date) -> str:
    """The drill-down of ``indicator`` in ``form`` from 1 January of ``until``'s year to it."""
    url = reverse("statistics:indicator", args=[indicator.id, form.slug, until.year])
    return f"{url}?{urlencode({UNTIL: until.isoformat()})}"


def _forms(user: Any) -> list[ServiceForm]:
    forms = ServiceForm.objects.filter(organisation_id=user.organisation_id, active=True)
    return [
        f
        for f in forms.order_by("name")
        if access.may_see_form_overview(user, f) and figures_for(f) != (None, None)
    ]


@login_only
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The overview page; asked by htmx (the dashboard's panel), its summary alone."""
    user = user_of(request)
    if not access.may_see_overview(user):
        raise Http404
    if is_htmx(request):
        context = overview_context(user, timezone.localdate(), summary=True)
        response = render(request, "statistics/_overview_panel.html", context)
    else:
        context = overview_context(user, timezone.localdate())
        response = render(request, "statistics/overview.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def overview_context(user: Any, today: dt.date, *, summary: bool = False) -> dict[str, Any]:
    """Each of the user's forms this year against last year, with occupancy now and the
    queues; last year's returns and their state. The ``summary`` (the dashboard's panel) shows
    the chart of the forms' activity, occupancy and the returns: it counts neither the clients
    nor the queues."""
    forms = _forms(user)
    figures = figures_to_date(forms, today, with_clients=not summary)
    rows: list[dict[str, Any]] = []
    for form in forms:
        clients_id, activity_id = figures_for(form)
        residential = form.kind == ServiceForm.Kind.RESIDENTIAL
        rows.append(
            {
                "form": form,
                "clients": figures.get((form.pk, clients_id or "")),
                "activity": figures.get((form.pk, activity_id or "")),
                "occupancy": occupancy_now(service_form=form) if residential else None,
                **_list_urls(user, form, residential),
            }
        )
    if not summary:
        _add_queues(rows, [f.pk for f in forms])
    # Care days beside visits: each form's bars to its own scale (the page says so).
    chart_rows = [
        (
            f"{r['form'].name} · {r['activity'].indicator.title}",
            r["activity"].this_year,
            r["activity"].last_year,
        )
        for r in rows
        if r["activity"] is not None
    ]
    returns = [r for r in catalogue_rows(user, today.year - 1) if r["deadline"] is not None]
    return {
        "today": today,
        "rows": rows,
        "chart": paired_bars(
            _("Toiminta tänä vuonna ja samaan aikaan viime vuonna"),
            chart_rows,
            legend=(str(today.year), str(today.year - 1)),
            own_scale=True,
            # Each bar says its year: the panel's and the page's readers need not tell the
            # years by colour.
            named=True,
        ),
        # The chart's numbers as a table (the panel's; the page's table has them too).
        "activity_rows": [r for r in rows if r["activity"] is not None],
        # With one form the note on the scales would say nothing.
        "own_scales": len(chart_rows) > 1,
        "returns": returns,
        "return_year": today.year - 1,
        "returns_state": return_states(returns, today),
    }


def _list_urls(user: Any, form: ServiceForm, residential: bool) -> dict[str, str]:
    """The pages that list what the row's occupancy and queues count, for a viewer who may open
    them (a client-work member of the form, the rule of those pages: ``fetch.member_of``), else
    empty (the figure is shown without a link; the director, who is no member, sees the
    figures only). Occupancy now: the unit's occupancy page; the waiting queue: the form's
    client list of those waiting; the referrals: the referral inbox, which lists the proposed
    referrals to the viewer's forms."""
    if not member_of(user, form):
        return {"occupancy_url": "", "waiting_url": "", "referrals_url": ""}
    waiting = reverse("episodes:client_list", args=[form.slug])
    return {
        "occupancy_url": (
            reverse("residential:occupancy", args=[form.slug]) if residential else ""
        ),
        "waiting_url": f"{waiting}?{urlencode({'status': Episode.Status.WAITING.value})}",
        "referrals_url": reverse("episodes:referral_inbox"),
    }


def _add_queues(rows: list[dict[str, Any]], ids: list[int]) -> None:
    """Each row's waiting episodes and proposed referrals (two queries for all forms)."""
    waiting = dict(
        Episode.objects.filter(service_form__in=ids, status=Episode.Status.WAITING)
        .values_list("service_form")
        .annotate(n=Count("pk"))
        .values_list("service_form", "n")
    )
    referrals = dict(
        Referral.objects.filter(to_service_form__in=ids, status=Referral.Status.PROPOSED)
        .values_list("to_service_form")
        .annotate(n=Count("pk"))
        .values_list("to_service_form", "n")
    )
    for row in rows:
        row["waiting"] = waiting.get(row["form"].pk, 0)
        row["referrals"] = referrals.get(row["form"].pk, 0)


def return_states(returns: list[dict[str, Any]], today: dt.date) -> dict[str, int]:
    """How many of the returns are sent (in Tupa, or by the grants register elsewhere), late
    (past the deadline, unsent) and still to send."""
    sent = sum(1 for r in returns if r["sent"] or r["reported_on"])
    late = sum(
        1 for r in returns if not r["sent"] and not r["reported_on"] and r["deadline"] < today
    )
    return {"sent": sent, "late": late, "open": len(returns) - sent - late}


#: The query parameter of the last day an indicator's drill-down counts (the overview's "to
#: date"); without it the whole year.
UNTIL = "loppu"


def _until_or_404(request: HttpRequest, year: int) -> dt.date:
    """The last day asked for (``?loppu=YYYY-MM-DD``, within ``year``), else 31 December."""
    raw = request.GET.get(UNTIL)
    if raw is None:
        return dt.date(year, 12, 31)
    try:
        until = dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404 from None
    if until.year != year:
        raise Http404
    return until


@object_scoped
@require_GET
def indicator_drill(request: HttpRequest, indicator_id: str, slug: str, year: int) -> HttpResponse:
    """One indicator of one service form for a year (the overview's figures link here)."""
    try:
        indicator = indicators.get(indicator_id)
    except KeyError:
        raise Http404 from None
    form = service_form_access(request, slug, rule="statistics.form.view").obj
    if not indicator.applies(form) or not 2000 <= year <= timezone.localdate().year:
        raise Http404
    start, end = dt.date(year, 1, 1), _until_or_404(request, year)
    params = Params(form.organisation_id, start, end, (form.pk,))
    return drill_page(
        request,
        indicator=indicator,
        params=params,
        title=str(indicator.title),
        heading=f"{form.name} {range_label(start, end)}",
        back_url=reverse("statistics:overview"),
        back_label=_("Yleiskuva"),
    )
