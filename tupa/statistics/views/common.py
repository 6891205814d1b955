"""What the statistics pages share: which return, about whom, for which year — or 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.access.fetch import service_form_access
from tupa.access.marks import user_of
from tupa.access.policy import Basis, decide
from tupa.core import dates
from tupa.core.dates import fi_date
from tupa.core.forms import date_field
from tupa.core.months import month_end
from tupa.core.params import plain_int
from tupa.organisations.models import Municipality, Partner, ServiceForm

from ..indicators.base import Params
from ..returns import registry as returns
from ..returns.base import Period, ReturnTemplate, Scope

#: The subject of an organisation-wide return in URLs.
ORGANISATION = "yhdistys"
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Subject:
    """A return for one service form, municipality or the whole organisation, for one year."""

    template: ReturnTemplate
    year: int
    key: str
    label: str
    service_form: ServiceForm | None
    municipality: Municipality | None
    params: Params
    basis: Basis
    #: The part of the year (1-based) for half-yearly, quarterly and monthly returns; 0 for
    #: yearly ones and date ranges.
    part: int = 0
    #: A date-range return's form (bound to the query, with its errors), else None.
    range_form: RangeForm | None = field(default=None, compare=False)

    @property
    def period_label(self) -> str:
        if self.template.period == Period.RANGE:
            return range_label(self.params.start, self.params.end)
        return period_label(self.template.period, self.year, self.part)

    @property
    def title(self) -> str:
        return f"{self.template.title} – {self.label} {self.period_label}"

    @property
    def query_params(self) -> dict[str, str]:
        """The query that keeps the period on every link: the part of the year, or the range."""
        if self.template.period == Period.RANGE:
            return {
                START: self.params.start.isoformat(),
                END: self.params.end.isoformat(),
            }
        return {PART: str(self.part)} if self.part else {}

    @property
    def query(self) -> str:
        """:attr:`query_params` as ``?…`` (``""`` for a whole year)."""
        return f"?{urlencode(self.query_params)}" if self.query_params else ""

    @property
    def file_suffix(self) -> str:
        """What tells the period apart in an export's file name (``""`` for a whole year)."""
        if self.template.period == Period.RANGE:
            return f"-{self.params.start:%Y%m%d}-{self.params.end:%Y%m%d}"
        return f"-{self.part}" if self.part else ""

    def parts(self) -> list[tuple[int, str]]:
        """The parts of the year this return can be opened for (empty for yearly returns)."""
        count = PARTS.get(self.template.period, 1)
        if count == 1:
            return []
        return [(i, period_label(self.template.period, self.year, i)) for i in range(1, count + 1)]


def purchasing_municipalities(organisation_id: int) -> QuerySet[Partner, Any]:
    """Municipalities the organisation works with as partners (purchasers, joint authorities):
    the municipalities a municipality report can be about.

    Never derived from clients' home municipalities: listing those would tell that someone
    lives there, which turvakielto forbids (the canary sweep checks the catalogue and the
    reports)."""
    return Partner.objects.filter(
        organisation_id=organisation_id,
        kind__in=(Partner.Kind.MUNICIPALITY, Partner.Kind.WELLBEING_SERVICES),
    ).values("municipality_id")


def template_or_404(template_id: str) -> ReturnTemplate:
    try:
        return returns.get(template_id)
    except KeyError:
        raise Http404 from None


def year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


#: The query parameter of the part of the year, and how many parts each period has.
PART = "jakso"
PARTS: dict[str, int] = {Period.YEAR: 1, Period.HALF_YEAR: 2, Period.QUARTER: 4, Period.MONTH: 12}
#: The query parameters of a date-range return's first and last day.
START, END = "alku", "loppu"


class RangeForm(forms.Form):
    """A date-range return's period; the whole year of the URL when nothing is asked. Each day
    within Tupa's bounds of dates (:mod:`tupa.core.dates`), at most five years in all."""

    alku = date_field(gettext_lazy("Alkaen"))
    loppu = date_field(gettext_lazy("Päättyen"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("alku"), data.get("loppu")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("loppu", _("Päättymispäivä on ennen alkamispäivää."))
            elif (end - start).days >= dates.LONGEST_REPORT_DAYS:
                self.add_error("loppu", _("Aikaväli voi olla enintään viisi vuotta."))
        return data


def range_or_default(request: HttpRequest, year: int) -> tuple[dt.date, dt.date, RangeForm]:
    """The range asked for in the query, or the URL's year (also when the range is invalid;
    the form then carries the errors and what was typed)."""
    default = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    if START not in request.GET and END not in request.GET:
        form = RangeForm(initial={START: default[0], END: default[1]})
        return default[0], default[1], form
    form = RangeForm(request.GET)
    if form.is_valid():
        return form.cleaned_data[START], form.cleaned_data[END], form
    return default[0], default[1], form


def range_label(start: dt.date, end: dt.date) -> str:
    if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        return str(start.year)
    return f"{fi_date(start)}–{fi_date(end)}"


def period_bounds(period: str, year: int, part: int) -> tuple[dt.date, dt.date]:
    """First and last day of ``part`` (1-based) of ``year`` split into the period's parts."""
    months = 12 // PARTS[period]
    first_month = (part - 1) * months + 1 if part else 1
    last_month = first_month + months - 1 if part else 12
    return dt.date(year, first_month, 1), month_end(year, last_month)


def period_label(period: str, year: int, part: int) -> str:
    if not part:
        return str(year)
    if period == Period.HALF_YEAR:
        return _("%(part)s. vuosipuolisko %(year)s") % {"part": part, "year": year}
    if period == Period.MONTH:
        return date_format(dt.date(year, part, 1), "F Y")
    return _("%(part)s. vuosineljännes %(year)s") % {"part": part, "year": year}


def part_or_404(request: HttpRequest, period: str, year: int) -> int:
    """The requested part of the year; by default the latest part that has begun."""
    count = PARTS.get(period, 1)
    if count == 1:
        return 0
    raw = request.GET.get(PART)
    if raw is None:
        today = timezone.localdate()
        if year < today.year:
            return count
        return (today.month - 1) // (12 // count) + 1
    part = plain_int(raw)
    if part is None or not 1 <= part <= count:
        raise Http404
    return part


def subject_or_404(request: HttpRequest, template_id: str, year: int, key: str) -> Subject:
    """Resolve the URL's return, year and subject for the user, or 404 (see access.statistics)."""
    template = template_or_404(template_id)
    year = year_or_404(year)
    user = user_of(request)
    org_id = user.organisation_id
    if org_id is None:
        raise Http404
    part = part_or_404(request, template.period, year)
    range_form = None
    if template.period == Period.RANGE:
        start, end, range_form = range_or_default(request, year)
    else:
        start, end = period_bounds(template.period, year, part)
    if template.scope == Scope.SERVICE_FORM:
        granted = service_form_access(request, key, rule=template.visible)
        form = granted.obj
        template.read_for(form)
        if not template.available_for(form, year):
            raise Http404
        params = Params(org_id, start, end, (form.pk,))
        return Subject(
            template, year, key, form.name, form, None, params, granted.basis, part, range_form
        )
    decision = decide(user, template.visible)
    if not decision:
        raise Http404
    if template.scope == Scope.MUNICIPALITY:
        municipality = Municipality.objects.filter(
            code=key, pk__in=purchasing_municipalities(org_id)
        ).first()
        if municipality is None:
            raise Http404
        params = Params(org_id, start, end, municipality_id=municipality.pk)
        return Subject(
            template,
            year,
            key,
            municipality.name,
            None,
            municipality,
            params,
            decision.basis,
            part,
            range_form,
        )
    if key != ORGANISATION:
        raise Http404
    params = Params(org_id, start, end)
    organisation_name = user.organisation.name if user.organisation else ""
    return Subject(
        template, year, key, organisation_name, None, None, params, decision.basis, part, range_form
    )
