"""What the statistics app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core import registry


def has_form_returns(form: Any) -> bool:
    """Whether any service-form return (STEA, THL, internal reviews) exists for the form."""
    from .returns import registry as returns
    from .returns.base import Scope

    return any(t.scope == Scope.SERVICE_FORM and t.applies(form) for t in returns.latest())


registry.nav_links.register(
    registry.NavLink("statistics:index", _("Tilastot"), "statistics.open", order=45),
)
registry.reports.register(
    registry.Report(
        "statistics:form_returns",
        _("Ilmoitukset (STEA, THL, puolivuosiseuranta)"),
        "statistics.form.view",
        applies=has_form_returns,
        order=5,
    ),
)
