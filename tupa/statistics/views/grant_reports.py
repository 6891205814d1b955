"""The results reports of a grant, on its page in the grants register (``registry.grant_panels``).

STEA's results report (*tuloksellisuusraportti*) is made per grant target and year: for every
year the grant covers up to this one, and every form it funds that has a STEA template, the
report's row — its page (when the user may open it), deadline (the register's, else 31 March) and
state, the same as in the catalogue (:mod:`.catalogue`): sent in Tupa, sent elsewhere by the register, late or still to
send. A grant no STEA report counts (no form, as the association's general grant, Ay, or forms
without a STEA template) says so, and so does one whose first year has not begun. An
application or a rejected grant shows nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tupa.access import statistics as access
from tupa.access.marks import user_of
from tupa.finance.models.grants import FUNDING
from tupa.organisations.models import ServiceForm

from ..models import Submission
from ..returns import registry as returns
from ..returns.base import GrantsRegister, with_grants


def grant_reports(request: HttpRequest, grant: Any) -> dict[str, Any] | None:
    """The panel's context: the grant's reports by year and form (four queries), or ``None``
    for a grant no STEA report is made for."""
    templates = [t for t in returns.latest() if t.granted_by and grant.kind in t.granted_by]
    if not templates or grant.status not in FUNDING:
        return None
    user = user_of(request)
    today = timezone.localdate()
    years = range(grant.year_from, min(grant.year_to, today.year) + 1)
    forms = list(with_grants(ServiceForm.objects.filter(grants=grant)).order_by("name", "pk"))
    sent: dict[tuple[str, int, int], Submission] = {}
    for s in Submission.objects.filter(
        organisation_id=grant.organisation_id,
        template_id__in=[t.id for t in templates],
        service_form__in=forms,
        period_start__year__in=list(years),
    ):
        assert s.service_form_id is not None
        sent.setdefault((s.template_id, s.service_form_id, s.period_start.year), s)  # newest
    # The grant's results-report deadlines of every year, due and done (one query, none
    # without a form): each row's deadline and whether it was done elsewhere.
    register = GrantsRegister.of_grant(grant)
    # The forms' reports and whether the user may open them, decided once, not once a year.
    reports = [
        (form, template, access.may_see_return(user, template, form))
        for form in forms
        for template in templates
        if template.applies(form)
    ]
    rows = []
    for year in reversed(years):
        for form, template, may_open in reports:
            if grant in template.grants_for(form, year):
                rows.append(
                    {
                        "year": year,
                        "form": form,
                        "template": template,
                        "url": (
                            reverse("statistics:return", args=[template.id, year, form.slug])
                            if may_open
                            else ""
                        ),
                        "deadline": register.deadline(template, [grant], year),
                        "sent": sent.get((template.id, form.pk, year)),
                        "reported_on": register.reported_on([grant], year),
                    }
                )
    return {"rows": rows, "counted": bool(reports), "first_year": grant.year_from, "today": today}
