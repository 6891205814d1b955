"""The dashboard's "Raportit ja tilastot" list: every aggregate report a user may open.

Members reach their unit's reports from the service-form page; the executive director and the
finance role hold organisation-wide roles and have no such page, so the dashboard lists, for
each service form, the reports (registered by their apps in :data:`tupa.core.registry.reports`)
that the policy lets the user open. Nothing here reads client data: one query for the service
forms, one or two per report that narrows its forms (``available_in``), and the policy decisions use
the memberships cached per request.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tupa.access import policy
from tupa.core import registry
from tupa.organisations.models import ServiceForm


def is_visible(user: Any, visible: registry.Visibility, *args: Any) -> bool:
    """Whether a registered entry is shown: its policy action decided, or its predicate."""
    if isinstance(visible, str):
        return bool(policy.decide(user, visible, *args))
    return bool(visible(user, *args))


def report_links(*, user: Any) -> list[dict[str, Any]]:
    """[{"service_form": form, "links": [{"label", "url"}, …]}, …] for forms with any report."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return []
    forms = ServiceForm.objects.filter(organisation_id=user.organisation_id).order_by("name")
    reports = registry.reports.all()
    available = {
        report.key: set(report.available_in(user.organisation_id))
        for report in reports
        if report.available_in is not None
    }
    result = []
    for form in forms:
        links = []
        for report in reports:
            if not report.applies(form) or not is_visible(user, report.visible, form):
                continue
            if report.key in available and form.pk not in available[report.key]:
                continue
            links.append({"label": report.title, "url": reverse(report.url_name, args=[form.slug])})
        if links:
            result.append({"service_form": form, "links": links})
    return result
