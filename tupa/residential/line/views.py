"""Screens of the shelter's 24 h phone and chat line (issue 4, item 7).

Members doing client work in the service form only; anyone else gets 404. The contacts are
anonymous, so these views show no person data and write no access events. The counts are the
internal return ``internal.shelter.line`` in the statistics; the old counts page redirects there.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.residential import may_record_line_contact
from tupa.core.forms import saved_redirect
from tupa.core.months import month_bounds
from tupa.core.report_links import report_url
from tupa.organisations.models import ServiceForm
from tupa.residential.entries import entry_next_url
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
    saved = saved_redirect(
        request,
        form,
        lambda data: line_services.line_contact_record(
            actor=user_of(request), service_form=service_form, **data
        ),
        next_url=entry_next_url(
            request,
            new_url=reverse("residential:line_entry", args=[service_form.slug]),
            done_url=reverse("residential:line_stats", args=[service_form.slug]),
        ),
        success=_("Yhteydenotto tallennettu."),
        denied_as_404=True,
    )
    if saved is not None:
        return saved
    return render(
        request,
        "residential/line_entry.html",
        {"service_form": service_form, "form": form},
    )


def stats_url(service_form: ServiceForm, year: int, month: int) -> str:
    """The line's counts of a month: the internal return ``internal.shelter.line``."""
    start, end = month_bounds(year, month)
    return report_url(STATS_RETURN, service_form.slug, start, end)


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
