"""The group statistics' old address: it leads to the service form's group statistics report.

The figures are counted by the statistics engine (``internal.programmes``); bookmarks of
``?start=&end=`` keep their period. Whoever may not read the statistics gets 404, as before.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped
from tupa.access.programmes import may_view_statistics

REPORT = "internal.programmes"
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def _date(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def report_url(request: HttpRequest, template_id: str, slug: str) -> str:
    """The report's address for the old ``?start=&end=`` (by default the year to date)."""
    today = timezone.localdate()
    raw_start, raw_end = request.GET.get("start"), request.GET.get("end")
    if raw_start is None and raw_end is None:
        start: dt.date | None = today.replace(month=1, day=1)
        query = {"alku": today.replace(month=1, day=1).isoformat(), "loppu": today.isoformat()}
    else:
        start, end = _date(raw_start or ""), _date(raw_end or "")
        query = {
            "alku": start.isoformat() if start else raw_start or "",
            "loppu": end.isoformat() if end else raw_end or "",
        }
    year = start.year if start is not None and 2000 <= start.year <= today.year else today.year
    url = reverse("statistics:return", args=[template_id, year, slug])
    return f"{url}?{urlencode(query)}"


@object_scoped
@require_GET
def form_statistics(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    service_form_or_404(request, slug, rule=may_view_statistics)
    return HttpResponseRedirect(report_url(request, REPORT, slug))
