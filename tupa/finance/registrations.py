"""What the finance app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

registry.nav_links.register(
    registry.NavLink("finance:budget", _("Talousarvio"), "budget.view", order=50),
    registry.NavLink("finance:grants", _("Avustukset"), "finance.grants.view", order=52),
    registry.NavLink(
        "finance:agreements", _("Ostopalvelusopimukset"), "finance.agreements.view", order=51
    ),
)


def _grants_panel(user: Any) -> dict[str, object]:
    from tupa.finance.grants.selectors import dashboard_panel

    return dashboard_panel(user=user)


registry.dashboard_panels.register(
    registry.DashboardPanel(
        "grants_panel", "finance/grants/_dashboard_panel.html", _grants_panel, order=60
    ),
)
