"""The house's old statistics addresses: they lead to the visitor statistics report.

The figures are counted by the statistics engine (``internal.dropin`` and, for a month's days,
``internal.dropin_days``); bookmarks of ``?year=2026&month=3`` keep working. Whoever may not see
the statistics gets 404, as before, not a redirect.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped
from tupa.core.months import month_bounds
from tupa.core.params import plain_int
from tupa.core.report_links import report_url
from tupa.organisations.models import ServiceForm

STATISTICS_ACTION = "dropin.statistics.view"
REPORT = "internal.dropin"
DAYS_REPORT = "internal.dropin_days"


def _target(request: HttpRequest, slug: str, *, csv: bool) -> HttpResponseRedirect:
    service_form_or_404(request, slug, kind=ServiceForm.Kind.DROP_IN, rule=STATISTICS_ACTION)
    today = timezone.localdate()
    year, month = plain_int(request.GET.get("year")), plain_int(request.GET.get("month"))
    if year is None or not 2000 <= year <= today.year:
        year, month = today.year, None
    if month is not None and 1 <= month <= 12:
        template = DAYS_REPORT
        start, end = month_bounds(year, month)
    else:
        template, start, end = REPORT, dt.date(year, 1, 1), dt.date(year, 12, 31)
    return HttpResponseRedirect(
        report_url(template, slug, start, end, export="csv" if csv else None)
    )


@object_scoped
@require_GET
def statistics(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    """``?year=&month=``: the year's report, or the month's days."""
    return _target(request, slug, csv=False)


@object_scoped
@require_GET
def statistics_csv(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    """The same report's CSV (Finnish Excel: ``;``, UTF-8 BOM)."""
    return _target(request, slug, csv=True)
