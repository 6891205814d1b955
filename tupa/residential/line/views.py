"""Screens of the shelter's 24 h phone and chat line (issue 4, item 7).

Members doing client work in the service form only; anyone else gets 404. The contacts are
anonymous, so these views show no person data and write no access events. The counts are the
internal return ``internal.shelter.line`` in the statistics; the old counts page redirects there.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.residential import may_record_line_contact
from tupa.organisations.models import ServiceForm
from tupa.residential.line import services as line_services
from tupa.residential.line.forms import LineContactForm, MonthForm

#: The counts: an internal return in the statistics (``tupa.statistics.returns.internal``).
STATS_RETURN = "internal.shelter.line"


@object_scoped
@require_http_methods(["GET", "POST"])
def line_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """One-screen entry of an anonymous line contact (Tallenna / Tallenna ja uusi)."""
    service_form = service_form_or_404(request, slug, rule=may_record_line_contact)
    form = LineContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line_services.line_contact_record(
                actor=user_of(request),
                service_form=service_form,
                occurred_at=data["occurred_at"],
                duration_minutes=data["duration_minutes"],
                channel=data["channel"],
                caller=data["caller"],
                topics=data["topics"],
                outcome=data["outcome"],
                referred_to=data["referred_to"],
                language=data["language"],
                note=data["note"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Yhteydenotto tallennettu."))
            if request.POST.get("action") == "save_new":
                return HttpResponseRedirect(
                    reverse("residential:line_entry", args=[service_form.slug])
                )
            return HttpResponseRedirect(reverse("residential:line_stats", args=[service_form.slug]))
    return render(
        request,
        "residential/line_entry.html",
        {"service_form": service_form, "form": form},
    )


def stats_url(service_form: ServiceForm, year: int, month: int) -> str:
    """The line's counts of a month: the internal return ``internal.shelter.line``."""
    start, end = month_bounds(year, month)
    url = reverse("statistics:return", args=[STATS_RETURN, year, service_form.slug])
    return f"{url}?{urlencode({'alku': start, 'loppu': end})}"


@object_scoped
@require_GET
def line_stats(request: HttpRequest, slug: str) -> HttpResponse:
    """The old counts page (bookmarks): the line's internal return for the asked month
    (``?month=YYYY-MM``, default the current one), after the same check as before."""
    service_form = service_form_or_404(request, slug, rule=may_record_line_contact)
    today = timezone.localdate()
    year, month = today.year, today.month
    form = MonthForm(request.GET)
    if "month" in request.GET and form.is_valid():
        year, month = form.cleaned_data["month"]
    if not 2000 <= year <= today.year:
        year, month = today.year, today.month
    return HttpResponseRedirect(stats_url(service_form, year, month))


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)
