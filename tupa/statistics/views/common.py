"""What the statistics pages share: which return, about whom, for which year — or 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404, HttpRequest
from django.utils import timezone

from tupa.access.fetch import service_form_access
from tupa.access.marks import user_of
from tupa.access.policy import Basis, decide
from tupa.organisations.models import Municipality, ServiceForm

from ..indicators.base import Params
from ..returns import registry as returns
from ..returns.base import ReturnTemplate, Scope

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

    @property
    def title(self) -> str:
        return f"{self.template.title} – {self.label} {self.year}"


def template_or_404(template_id: str) -> ReturnTemplate:
    try:
        return returns.get(template_id)
    except KeyError:
        raise Http404 from None


def year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


def subject_or_404(request: HttpRequest, template_id: str, year: int, key: str) -> Subject:
    """Resolve the URL's return, year and subject for the user, or 404 (see access.statistics)."""
    template = template_or_404(template_id)
    year = year_or_404(year)
    user = user_of(request)
    org_id = user.organisation_id
    if org_id is None:
        raise Http404
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if template.scope == Scope.SERVICE_FORM:
        granted = service_form_access(request, key, rule=template.visible)
        form = granted.obj
        if not template.applies(form):
            raise Http404
        params = Params(org_id, start, end, (form.pk,))
        return Subject(template, year, key, form.name, form, None, params, granted.basis)
    decision = decide(user, template.visible)
    if not decision:
        raise Http404
    if template.scope == Scope.MUNICIPALITY:
        municipality = Municipality.objects.filter(code=key).first()
        if municipality is None:
            raise Http404
        params = Params(org_id, start, end, municipality_id=municipality.pk)
        return Subject(
            template, year, key, municipality.name_fi, None, municipality, params, decision.basis
        )
    if key != ORGANISATION:
        raise Http404
    params = Params(org_id, start, end)
    organisation_name = user.organisation.name if user.organisation else ""
    return Subject(template, year, key, organisation_name, None, None, params, decision.basis)
