"""Helpers shared by the drop-in screens: the house of the URL, the month chooser and the month
list an entry is shown in."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tupa.access.dropin import may_use
from tupa.access.fetch import service_form_or_404
from tupa.dropin.forms import MonthForm
from tupa.organisations.models import ServiceForm


def house_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    """The drop-in house ``slug`` for one of its client-work members, or 404."""
    return service_form_or_404(request, slug, kind=ServiceForm.Kind.DROP_IN, rule=may_use)


def month_param(request: HttpRequest) -> tuple[MonthForm, int, int]:
    today = timezone.localdate()
    bound = "month" in request.GET
    form = MonthForm(request.GET if bound else None, initial={"month": f"{today:%Y-%m}"})
    year, month = today.year, today.month
    if bound and form.is_valid():
        year, month = form.cleaned_data["month"]
    return form, year, month


def shift_month(year: int, month: int, step: int) -> str:
    index = year * 12 + (month - 1) + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_url(name: str, service_form: ServiceForm, moment: dt.datetime) -> str:
    """The house's month list ``name`` (``"dropin:bookings"``) at the local month of ``moment``:
    where a saved or cancelled entry starting then is seen."""
    url = reverse(name, args=[service_form.slug])
    return f"{url}?{urlencode({'month': f'{timezone.localtime(moment):%Y-%m}'})}"
