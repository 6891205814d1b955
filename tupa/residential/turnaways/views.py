"""Screens of turn-aways (issue 4, item 5): fast entry, recent list, same-day correction.

Recording and the recent list: client-work members of the residential service form; anyone
else gets 404. The counts are the internal return ``internal.shelter.turn_aways`` in the
statistics (leads of the form and the executive director, policy rule
``residential.turnaway.stats``); the old counts page redirects there. Turn-aways are anonymous,
so no access events are written.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.residential import (
    may_correct_turn_away,
    may_record_turn_away,
    may_view_turnaway_stats,
)
from tupa.core.forms import saved_redirect
from tupa.core.months import month_bounds
from tupa.core.report_links import report_url
from tupa.organisations.models import ServiceForm
from tupa.residential.entries import entry_next_url
from tupa.residential.models import TurnAway
from tupa.residential.turnaways import services as turnaway_services
from tupa.residential.turnaways.forms import TurnAwayForm, TurnAwayPeriodForm
from tupa.residential.turnaways.selectors import recent_turnaways

PAGE_SIZE = 25
#: The counts: an internal return in the statistics (``tupa.statistics.returns.internal``).
STATS_RETURN = "internal.shelter.turn_aways"


def _own_entry_or_404(request: HttpRequest, pk: int) -> TurnAway:
    turn_away = TurnAway.objects.select_related("service_form").filter(pk=pk).first()
    if turn_away is None or not may_correct_turn_away(user_of(request), turn_away):
        raise Http404
    return turn_away


def _list_url(service_form: ServiceForm) -> str:
    return reverse("residential:turnaway_list", args=[service_form.slug])


@object_scoped
@require_http_methods(["GET", "POST"])
def turnaway_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """One-screen entry of an anonymous turn-away (Tallenna / Tallenna ja uusi)."""
    service_form = service_form_or_404(
        request, slug, kind=ServiceForm.Kind.RESIDENTIAL, rule=may_record_turn_away
    )
    form = TurnAwayForm(request.POST if request.method == "POST" else None)
    saved = saved_redirect(
        request,
        form,
        lambda data: turnaway_services.turnaway_record(
            actor=user_of(request), service_form=service_form, **data
        ),
        next_url=entry_next_url(
            request,
            new_url=reverse("residential:turnaway_entry", args=[service_form.slug]),
            done_url=_list_url(service_form),
        ),
        success=_("Käännytetty pyyntö tallennettu."),
        denied_as_404=True,
    )
    if saved is not None:
        return saved
    return render(
        request,
        "residential/turnaway_entry.html",
        {"service_form": service_form, "form": form, "correcting": None},
    )


@object_scoped
@require_GET
def turnaway_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Recent turn-aways, newest first; the recorder's own entries of today can be corrected."""
    service_form = service_form_or_404(
        request, slug, kind=ServiceForm.Kind.RESIDENTIAL, rule=may_record_turn_away
    )
    user = user_of(request)
    page = Paginator(recent_turnaways(service_form=service_form), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    correctable = {
        t.pk
        for t in page.object_list
        if t.recorded_by_id == user.pk and timezone.localdate(t.created_at) == today
    }
    return render(
        request,
        "residential/turnaway_list.html",
        {
            "service_form": service_form,
            "page": page,
            "correctable": correctable,
            "may_view_stats": may_view_turnaway_stats(user, service_form),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def turnaway_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The recorder corrects their own entry on the day it was recorded."""
    turn_away = _own_entry_or_404(request, pk)
    service_form = turn_away.service_form
    form = TurnAwayForm.for_instance(turn_away, request.POST if request.method == "POST" else None)
    saved = saved_redirect(
        request,
        form,
        lambda data: turnaway_services.turnaway_correct(
            actor=user_of(request), turn_away=turn_away, **data
        ),
        next_url=_list_url(service_form),
        success=_("Korjaus tallennettu."),
        denied_as_404=True,
    )
    if saved is not None:
        return saved
    return render(
        request,
        "residential/turnaway_entry.html",
        {"service_form": service_form, "form": form, "correcting": turn_away},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def turnaway_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and remove the recorder's own mistaken entry (same day only)."""
    turn_away = _own_entry_or_404(request, pk)
    service_form = turn_away.service_form
    if request.method == "POST":
        try:
            turnaway_services.turnaway_delete(actor=user_of(request), turn_away=turn_away)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("Kirjaus poistettu."))
        return HttpResponseRedirect(_list_url(service_form))
    return render(
        request,
        "residential/turnaway_delete.html",
        {"service_form": service_form, "turn_away": turn_away},
    )


@object_scoped
@require_GET
def turnaway_stats(request: HttpRequest, slug: str) -> HttpResponse:
    """The old counts page (bookmarks, the dashboard's report link): the unit's internal return
    ``internal.shelter.turn_aways`` for the asked year (``?year=``, default this year) or month
    of it (``&month=``), after the same check as before."""
    service_form = service_form_or_404(
        request, slug, kind=ServiceForm.Kind.RESIDENTIAL, rule=may_view_turnaway_stats
    )
    today = timezone.localdate()
    year, month = today.year, None
    form = TurnAwayPeriodForm(request.GET)
    if "year" in request.GET and form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    if not 2000 <= year <= today.year:
        year, month = today.year, None
    if month:
        start, end = month_bounds(year, month)
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return HttpResponseRedirect(report_url(STATS_RETURN, service_form.slug, start, end))
