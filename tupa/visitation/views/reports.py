"""Billing of a visitation form (aggregates, no persons, no access log) and the old address of
its statistics, which are counted by the statistics engine (``internal.visitation``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped
from tupa.core.forms import PeriodForm, previous_month_period
from tupa.core.report_links import old_range_report_url
from tupa.core.spreadsheets import csv_response, finnish_csv
from tupa.organisations.models import ServiceForm
from tupa.visitation import selectors
from tupa.visitation.models import MeetingType, Outcome

STATISTICS_REPORT = "internal.visitation"


def _aggregate_form_or_404(request: HttpRequest, slug: str, action: str) -> ServiceForm:
    """The visitation form ``slug`` for whoever the policy ``action`` allows, or 404."""
    return service_form_or_404(request, slug, kind=ServiceForm.Kind.VISITATION, rule=action)


# --------------------------------------------------------------------------- billing


def _period(
    request: HttpRequest, default: dict[str, dt.date]
) -> tuple[PeriodForm, dt.date | None, dt.date | None]:
    data = request.GET if ("start" in request.GET or "end" in request.GET) else None
    form = PeriodForm(data, initial=default)
    if data is None:
        return form, default["start"], default["end"]
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


@object_scoped
@require_GET
def billing(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _aggregate_form_or_404(request, slug, "visitation.billing.view")
    form, start, end = _period(request, previous_month_period(timezone.localdate()))
    result = (
        selectors.billing(service_form=service_form, start=start, end=end)
        if start and end
        else None
    )
    if result is not None and request.GET.get("muoto") == "csv":
        return _billing_csv(service_form, result, start, end)  # type: ignore[arg-type]
    return render(
        request,
        "visitation/billing.html",
        {
            "service_form": service_form,
            "form": form,
            "result": result,
            "start": start,
            "end": end,
            "type_labels": MeetingType.labels,
            "billable_labels": [
                Outcome(o).label for o in Outcome.values if result and o in result.rule.outcomes
            ],
            "late_billable": result.rule.late_cancellations if result else False,
            "csv_query": request.GET.urlencode(),
        },
        status=200 if result is not None else 400,
    )


def _billing_csv(
    service_form: ServiceForm, result: selectors.Billing, start: dt.date, end: dt.date
) -> HttpResponse:
    """For Finnish Excel (:func:`tupa.core.spreadsheets.finnish_csv`)."""
    header = [
        _("Kuntanumero"),
        _("Kunta"),
        _("Kuukausi"),
        *[str(label) for label in MeetingType.labels],
        _("Yhteensä"),
    ]
    rows = [
        [
            row.municipality_code,
            row.municipality,
            row.month.strftime("%Y-%m"),
            *row.type_counts(),
            row.total,
        ]
        for row in result.rows
    ]
    return csv_response(
        finnish_csv(header, rows),
        f"tapaamiset-laskutus-{service_form.slug}-{start:%Y%m%d}-{end:%Y%m%d}.csv",
    )


@object_scoped
@require_GET
def statistics(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    """The old statistics address: the meeting statistics report (``internal.visitation``),
    with ``?start=&end=`` as its range (by default the year to date)."""
    _aggregate_form_or_404(request, slug, "visitation.statistics.view")
    return HttpResponseRedirect(old_range_report_url(request, STATISTICS_REPORT, slug))
