"""The aggregate statistics of a service form's programmes (counts only, no access log)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.programmes import may_run, may_view_statistics
from tupa.core.forms import year_to_date_period
from tupa.programmes import selectors
from tupa.programmes.forms import PeriodForm
from tupa.programmes.models import GroupProgramme

# --------------------------------------------------------------------------- statistics


@object_scoped
@require_GET
def form_statistics(request: HttpRequest, slug: str) -> HttpResponse:
    user = user_of(request)
    service_form = service_form_or_404(request, slug, rule=may_view_statistics)
    today = timezone.localdate()
    bound = "start" in request.GET or "end" in request.GET
    form = PeriodForm(request.GET if bound else None, initial=year_to_date_period(today))
    result = None
    if not bound or form.is_valid():
        period = form.cleaned_data if bound else year_to_date_period(today)
        result = selectors.statistics(
            programmes=GroupProgramme.objects.filter(
                Q(ends_on__isnull=True)
                | Q(ends_on__gte=period["start"])
                | Q(aftercare_until__gte=period["start"]),
                service_form=service_form,
                starts_on__lte=period["end"],
            ),
            start=period["start"],
            end=period["end"],
        )
    return render(
        request,
        "programmes/statistics.html",
        {
            "service_form": service_form,
            "form": form,
            "result": result,
            "is_member": may_run(user, service_form),
        },
    )
