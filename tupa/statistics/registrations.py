"""What the statistics app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core import registry


def _form_templates() -> list[Any]:
    from .returns import registry as returns
    from .returns.base import Period, Scope

    # A unit's own statistics over a free range (internal.dropin …) has its own report link.
    return [
        t for t in returns.latest() if t.scope == Scope.SERVICE_FORM and t.period != Period.RANGE
    ]


def has_form_returns(form: Any) -> bool:
    """Whether any service-form return (STEA, THL, internal reviews) may exist for the form."""
    return any(t.applies(form) for t in _form_templates())


def forms_with_returns(organisation_id: int) -> set[int]:
    """The organisation's forms some return exists for in some year, grants included (two
    queries)."""
    from tupa.organisations.models import ServiceForm

    from .returns.base import with_grants

    forms = with_grants(ServiceForm.objects.filter(organisation_id=organisation_id))
    templates = _form_templates()
    return {form.pk for form in forms if any(t.available_for(form) for t in templates)}


def forms_with_volunteers(organisation_id: int) -> set[int]:
    """The organisation's forms where a volunteer has ever had a task (one query)."""
    from .returns.internal.volunteers import forms_with_volunteers as having

    return set(having(organisation_id))


def _overview_panel(user: Any) -> dict[str, object]:
    from tupa.access.statistics import may_see_overview

    return {"visible": may_see_overview(user)}


def _grant_reports(request: Any, grant: Any) -> dict[str, Any] | None:
    from .views.grant_reports import grant_reports

    return grant_reports(request, grant)


registry.nav_links.register(
    registry.NavLink("statistics:index", _("Tilastot"), "statistics.open", order=45),
)
registry.dashboard_panels.register(
    # After a lead's own client work (10), before the grants (60): the forms at a glance.
    registry.DashboardPanel(
        "overview_panel", "statistics/_dashboard_panel.html", _overview_panel, order=20
    ),
)
registry.reports.register(
    registry.Report(
        "statistics:form_returns",
        _("Ilmoitukset (STEA, THL, puolivuosiseuranta)"),
        "statistics.form.view",
        applies=has_form_returns,
        available_in=forms_with_returns,
        order=5,
    ),
    registry.Report(
        "statistics:volunteers",
        _("Vapaaehtoistoiminnan tilastot"),
        "volunteers.statistics.view",
        available_in=forms_with_volunteers,
        order=80,
    ),
)
registry.grant_panels.register(
    registry.GrantPanel(
        "stea_results_reports", "statistics/_grant_reports.html", _grant_reports, order=10
    ),
)
