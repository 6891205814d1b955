"""The dashboard's "Raportit ja tilastot" list: every aggregate report a user may open.

Members reach their unit's reports from the service-form page; the executive director and the
finance role hold organisation-wide roles and have no such page, so the dashboard lists, for
each service form, the reports the policy lets the user open. Nothing here reads client data:
one query for the service forms, and the policy decisions use the memberships cached per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tupa.access import policy
from tupa.organisations.models import ServiceForm


@dataclass(frozen=True)
class Report:
    action: str
    url_name: str
    label: str | Promise
    applies: Callable[[ServiceForm], bool]


def _residential(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.RESIDENTIAL


def _shelter(form: ServiceForm) -> bool:
    return _residential(form) and form.violence_work == "victim"


REPORTS: tuple[Report, ...] = (
    Report(
        "residential.thl_summary.view",
        "residential:thl_summary_default",
        _("THL:n turvakotitilasto"),
        _shelter,
    ),
    Report(
        "residential.turnaway.stats",
        "residential:turnaway_stats",
        _("Käännytetyt pyynnöt"),
        _residential,
    ),
    Report(
        "residential.billing.view",
        "residential:billing",
        _("Laskutettavat hoitovuorokaudet"),
        _residential,
    ),
    Report(
        "dropin.statistics.view",
        "dropin:statistics",
        _("Kävijätilastot"),
        lambda f: f.kind == ServiceForm.Kind.DROP_IN,
    ),
    Report(
        "visitation.statistics.view",
        "visitation:statistics",
        _("Tapaamisten tilastot"),
        lambda f: f.kind == ServiceForm.Kind.VISITATION,
    ),
    Report(
        "visitation.billing.view",
        "visitation:billing",
        _("Laskutettavat tapaamiset"),
        lambda f: f.kind == ServiceForm.Kind.VISITATION,
    ),
    # Only forms that have group programmes (see report_links).
    Report(
        "programmes.statistics.view", "programmes:statistics", _("Ryhmien tilastot"), lambda f: True
    ),
)


def report_links(*, user: Any) -> list[dict[str, Any]]:
    """[{"service_form": form, "links": [{"label", "url"}, …]}, …] for forms with any report."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return []
    from tupa.programmes.models import GroupProgramme

    forms = ServiceForm.objects.filter(organisation_id=user.organisation_id).order_by("name")
    with_groups = set(
        GroupProgramme.objects.filter(organisation_id=user.organisation_id).values_list(
            "service_form_id", flat=True
        )
    )
    result = []
    for form in forms:
        links = []
        for report in REPORTS:
            if not report.applies(form) or not policy.decide(user, report.action, form):
                continue
            if report.url_name.startswith("programmes:") and form.pk not in with_groups:
                continue
            links.append({"label": report.label, "url": reverse(report.url_name, args=[form.slug])})
        if links:
            result.append({"service_form": form, "links": links})
    return result
