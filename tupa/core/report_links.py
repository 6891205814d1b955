"""Links from a feature app's pages to a report of the statistics engine.

The feature apps sit below the statistics (``pyproject.toml``, the import-linter's floors) and
do not import it; they link to its pages by URL name. A report over a date range of a year is
``statistics:return`` (or ``statistics:export``) of the template, the range's year and the
service form's slug, with the range as ``?alku=&loppu=`` — built here once, so that the dates'
format and the year rule are the same on every link. The apps' old statistics addresses, which
took ``?start=&end=``, lead to the report through :func:`old_range_report_url`.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

#: What the old ``?start=&end=`` addresses accepted: ISO dates and Finnish ones (15.3.2026).
OLD_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def report_url(
    template_id: str, slug: str, start: dt.date, end: dt.date, *, export: str | None = None
) -> str:
    """The report ``template_id`` of the service form ``slug`` for ``start``–``end`` (both in
    ``start``'s year); ``export`` (``"csv"``) for its download instead of its page."""
    args: list[object] = [template_id, start.year, slug]
    url = (
        reverse("statistics:export", args=[*args, export])
        if export
        else reverse("statistics:return", args=args)
    )
    return f"{url}?{urlencode({'alku': start.isoformat(), 'loppu': end.isoformat()})}"


def _old_date(value: str) -> dt.date | None:
    for fmt in OLD_DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def old_range_report_url(request: HttpRequest, template_id: str, slug: str) -> str:
    """The report's address for an old address's ``?start=&end=`` (by default the year to
    date). A date that does not parse is passed on as typed, for the report's form to say what
    is wrong; the report's year is the start's when it is a year the reports open, else this
    year."""
    today = timezone.localdate()
    raw_start, raw_end = request.GET.get("start"), request.GET.get("end")
    start: dt.date | None
    if raw_start is None and raw_end is None:
        start = today.replace(month=1, day=1)
        query = {"alku": start.isoformat(), "loppu": today.isoformat()}
    else:
        start, end = _old_date(raw_start or ""), _old_date(raw_end or "")
        query = {
            "alku": start.isoformat() if start else raw_start or "",
            "loppu": end.isoformat() if end else raw_end or "",
        }
    year = start.year if start is not None and 2000 <= start.year <= today.year else today.year
    url = reverse("statistics:return", args=[template_id, year, slug])
    return f"{url}?{urlencode(query)}"
