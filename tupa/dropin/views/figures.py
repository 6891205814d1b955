"""The anonymous visitor statistics of a house (daily, monthly, yearly) and their CSV."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tupa.access.dropin import may_correct, may_use
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.dropin import selectors
from tupa.dropin.forms import StatisticsForm
from tupa.organisations.models import ServiceForm

STATISTICS_ACTION = "dropin.statistics.view"


# --------------------------------------------------------------------------- statistics


def _statistics_form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    """The drop-in house ``slug`` for whoever may read its statistics, or 404."""
    return service_form_or_404(request, slug, kind=ServiceForm.Kind.DROP_IN, rule=STATISTICS_ACTION)


def _period(request: HttpRequest) -> tuple[StatisticsForm, int, int | None]:
    today_ = timezone.localdate()
    bound = "year" in request.GET
    form = StatisticsForm(request.GET if bound else None, initial={"year": today_.year})
    year, month = today_.year, None
    if bound and form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    return form, year, month


@object_scoped
@require_GET
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    """Daily (a chosen month), monthly (a year) and yearly figures; aggregates only."""
    service_form = _statistics_form_or_404(request, slug)
    form, year, month = _period(request)
    months = selectors.monthly_figures(service_form=service_form, year=year)
    year_total = selectors.Figures()
    for _month, figures in months:
        year_total.add(figures)
    days: list[tuple[dt.date, selectors.Figures]] = []
    month_total = None
    if month:
        start, end = dt.date(year, month, 1), selectors.month_end(year, month)
        by_day = selectors.daily_figures(service_form=service_form, start=start, end=end)
        days = sorted(by_day.items())
        month_total = selectors.Figures()
        for _day, figures in days:
            month_total.add(figures)
    years_with_data = selectors.data_years(service_form=service_form)
    first = min([*years_with_data, year])
    last = max([*years_with_data, year])
    years = selectors.yearly_figures(service_form=service_form, first_year=first, last_year=last)
    user = user_of(request)
    return render(
        request,
        "dropin/statistics.html",
        {
            "service_form": service_form,
            "form": form,
            "year": year,
            "month": month,
            "months": months,
            "year_total": year_total,
            "days": days,
            "month_total": month_total,
            "years": years,
            "is_member": may_use(user, service_form),
            "may_correct": may_correct(user, service_form),
            "csv_query": urlencode({"year": year, **({"month": month} if month else {})}),
        },
    )


CSV_COLUMNS = [
    ("visits", gettext_lazy("Käynnit")),
    ("adults", gettext_lazy("Aikuiset")),
    ("children", gettext_lazy("Lapset (1 v ja yli)")),
    ("under_ones", gettext_lazy("Alle 1-vuotiaat")),
    ("first_timers", gettext_lazy("Ensikertalaiset perheet")),
    ("opening_days", gettext_lazy("Aukiolopäivät")),
    ("average_per_opening_day", gettext_lazy("Käyntejä aukiolopäivää kohden")),
    ("baby_days", gettext_lazy("Vauvapäivät")),
    ("childcare_sessions", gettext_lazy("Lastenhoitokerrat")),
    ("childcare_children", gettext_lazy("Lapsia lastenhoidossa")),
    ("bookings", gettext_lazy("Tilavaraukset")),
    ("rental_income", gettext_lazy("Vuokratulot (€)")),
]


def _csv_value(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "average_per_opening_day":
        return number_format(value, decimal_pos=1)
    if key == "rental_income":
        return number_format(value, decimal_pos=2)
    return str(value)


@object_scoped
@require_GET
def statistics_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The same figures as CSV for Finnish Excel (``;``, UTF-8 BOM). Aggregates only."""
    service_form = _statistics_form_or_404(request, slug)
    form, year, month = _period(request)
    if form.is_bound and not form.is_valid():
        raise Http404
    if month:
        start, end = dt.date(year, month, 1), selectors.month_end(year, month)
        by_day = selectors.daily_figures(service_form=service_form, start=start, end=end)
        rows = [
            (f"{d.day}.{d.month}.{d.year}", by_day.get(d, selectors.Figures()))
            for d in (start + dt.timedelta(days=i) for i in range((end - start).days + 1))
        ]
        filename = f"perhetupa-{year}-{month:02d}.csv"
    else:
        rows = [
            (f"{d.month}/{d.year}", figures)
            for d, figures in selectors.monthly_figures(service_form=service_form, year=year)
        ]
        filename = f"perhetupa-{year}.csv"
    total = selectors.Figures()
    for _label, figures in rows:
        total.add(figures)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Ajanjakso"), *[str(label) for _key, label in CSV_COLUMNS]])
    for label, figures in [*rows, (_("Yhteensä"), total)]:
        writer.writerow(
            [label, *[_csv_value(key, getattr(figures, key)) for key, _l in CSV_COLUMNS]]
        )
    return response
