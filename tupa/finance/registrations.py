"""What the finance app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core import registry


def _may_approve_some_basis(user: Any) -> bool:
    from tupa.access.finance import may_approve_some_basis

    return may_approve_some_basis(user)


def _may_see_finance(user: Any) -> bool:
    from tupa.access.finance import may_see_finance

    return may_see_finance(user)


# One "Talous" entry opens the hub of every finance page the user may open (finance/index.html);
# a lead, who sees no money, gets "Laskutusperuste" for the basis of their own form.
registry.nav_links.register(
    registry.NavLink("finance:index", _("Talous"), _may_see_finance, order=50),
    registry.NavLink("finance:basis", _("Laskutusperuste"), _may_approve_some_basis, order=57),
)


def _grants_panel(user: Any) -> dict[str, object]:
    from tupa.finance.grants.selectors import dashboard_panel

    return dashboard_panel(user=user)


registry.dashboard_panels.register(
    registry.DashboardPanel(
        "grants_panel", "finance/grants/_dashboard_panel.html", _grants_panel, order=60
    ),
)


def _basis_panel(user: Any) -> dict[str, object]:
    from tupa.access.finance import basis_forms_of
    from tupa.finance.invoicing.selectors import basis_panel

    return basis_panel(user=user, forms=basis_forms_of(user))


registry.dashboard_panels.register(
    registry.DashboardPanel(
        "basis_panel", "finance/invoicing/_dashboard_panel.html", _basis_panel, order=61
    ),
)
