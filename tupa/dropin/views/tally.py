"""Today's tally of visitors, and a lead's correction of a past day's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tupa.access.dropin import may_correct
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect
from tupa.core.htmx import is_htmx
from tupa.dropin import selectors, services
from tupa.dropin.forms import CorrectionForm, DayChoiceForm
from tupa.dropin.models import COUNT_FIELDS, DailyCount, Programme
from tupa.dropin.models import Session as VisitSession
from tupa.dropin.views.common import house_or_404
from tupa.organisations.models import ServiceForm


def _session_param(request: HttpRequest) -> str:
    value = request.POST.get("session") or request.GET.get("istunto") or VisitSession.DAY
    return value if value in VisitSession.values else VisitSession.DAY


# --------------------------------------------------------------------------- today's tally


COUNTER_LABELS = {
    "adults": gettext_lazy("Aikuiset"),
    "children": gettext_lazy("Lapset (1 v ja yli)"),
    "under_ones": gettext_lazy("Alle 1-vuotiaat"),
    "first_timers": gettext_lazy("Ensikertalaiset perheet"),
}


def _today_context(request: HttpRequest, service_form: ServiceForm, session: str) -> dict[str, Any]:
    day = timezone.localdate()
    view = selectors.today(
        service_form=service_form, user=user_of(request), session=session, day=day
    )
    counters = [
        {
            "field": name,
            "label": COUNTER_LABELS[name],
            "value": getattr(view.count, name) if view.count else 0,
        }
        for name in COUNT_FIELDS
    ]
    programme = view.count.programme if view.count else services.default_programme(day)
    return {
        "service_form": service_form,
        "day": day,
        "session": session,
        "session_label": VisitSession(session).label,
        "sessions": VisitSession.choices,
        "programme": programme,
        "programmes": Programme.choices,
        "counters": counters,
        "view": view,
        "last_tap_label": COUNTER_LABELS[view.last_tap.field] if view.last_tap else "",
        "may_correct": may_correct(user_of(request), service_form),
    }


@object_scoped
@require_http_methods(["GET", "POST"])
def today(request: HttpRequest, slug: str) -> HttpResponse:
    """The Perhetupa worker's "Tänään" page: big +/− buttons per counter, undo, programme."""
    service_form = house_or_404(request, slug)
    session = _session_param(request)
    error = ""
    if request.method == "POST":
        user = user_of(request)
        try:
            if "tap" in request.POST:
                field, _sep, delta = request.POST["tap"].partition(":")
                services.count_tap(
                    actor=user,
                    service_form=service_form,
                    field=field,
                    delta=1 if delta == "1" else -1 if delta == "-1" else 0,
                    session=session,
                )
            elif "undo" in request.POST:
                services.count_undo(actor=user, service_form=service_form, session=session)
            elif "programme" in request.POST:
                services.count_set_programme(
                    actor=user,
                    service_form=service_form,
                    programme=request.POST["programme"],
                    session=session,
                )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not is_htmx(request):
            if error:
                messages.error(request, error)
            url = reverse("dropin:today", args=[service_form.slug])
            return HttpResponseRedirect(f"{url}?{urlencode({'istunto': session})}")
    context = _today_context(request, service_form, session)
    context["error"] = error
    template = "dropin/today.html#tally" if is_htmx(request) else "dropin/today.html"
    return render(request, template, context)


# --------------------------------------------------------------------------- corrections


@object_scoped
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, slug: str) -> HttpResponse:
    """A lead corrects (or fills in) a past day's figures with a reason."""
    service_form = service_form_or_404(
        request, slug, kind=ServiceForm.Kind.DROP_IN, rule=may_correct
    )
    user = user_of(request)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
    else:
        chooser = DayChoiceForm(request.GET if "day" in request.GET else None)
        initial: dict[str, Any] = {
            "day": timezone.localdate() - dt.timedelta(days=1),
            "session": VisitSession.DAY,
        }
        if chooser.is_bound and chooser.is_valid():
            initial.update(chooser.cleaned_data)
        existing = DailyCount.objects.filter(
            service_form=service_form, date=initial["day"], session=initial["session"]
        ).first()
        if existing is not None:
            initial.update({name: getattr(existing, name) for name in COUNT_FIELDS})
            initial["programme"] = existing.programme
        else:
            initial["programme"] = services.default_programme(initial["day"])
        form = CorrectionForm(initial=initial)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.count_correct(
            actor=user,
            service_form=service_form,
            day=data["day"],
            session=data["session"],
            programme=data["programme"],
            adults=data["adults"],
            children=data["children"],
            under_ones=data["under_ones"],
            first_timers=data["first_timers"],
            reason=data["reason"],
        ),
        next_url=lambda _count: _statistics_url(service_form, form.cleaned_data["day"]),
        success=_("Päivän luvut tallennettu."),
        denied_as_404=True,
    )
    return saved or render(
        request, "dropin/correct.html", {"service_form": service_form, "form": form}
    )


def _statistics_url(service_form: ServiceForm, day: dt.date) -> str:
    """The house's statistics of the month of ``day`` (where a corrected day is seen)."""
    url = reverse("dropin:statistics", args=[service_form.slug])
    return f"{url}?{urlencode({'year': day.year, 'month': day.month})}"
