"""Screens of the shelter's 24 h phone and chat line (issue 4, item 7).

Members doing client work in the service form only; anyone else gets 404. The contacts are
anonymous, so these views show no person data and write no access events.
"""

from __future__ import annotations

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
from tupa.residential.line import selectors as line_selectors
from tupa.residential.line import services as line_services
from tupa.residential.line.forms import LineContactForm, MonthForm


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
            name = "line_entry" if request.POST.get("action") == "save_new" else "line_stats"
            return HttpResponseRedirect(reverse(f"residential:{name}", args=[service_form.slug]))
    return render(
        request,
        "residential/line_entry.html",
        {"service_form": service_form, "form": form},
    )


@object_scoped
@require_GET
def line_stats(request: HttpRequest, slug: str) -> HttpResponse:
    """Counts of a chosen month (default: the current one) by day, channel, caller, outcome."""
    service_form = service_form_or_404(request, slug, rule=may_record_line_contact)
    today = timezone.localdate()
    bound = "month" in request.GET
    form = MonthForm(request.GET if bound else None, initial={"month": f"{today:%Y-%m}"})
    year, month = today.year, today.month
    if bound and form.is_valid():
        year, month = form.cleaned_data["month"]
    start, end = line_selectors.month_bounds(year, month)
    counts = line_selectors.line_counts(service_form=service_form, start=start, end=end)
    return render(
        request,
        "residential/line_stats.html",
        {
            "service_form": service_form,
            "form": form,
            "counts": counts,
            "month_start": start,
            "channel_rows": counts.rows("channel"),
            "caller_rows": counts.rows("caller"),
            "outcome_rows": counts.rows("outcome"),
        },
    )
