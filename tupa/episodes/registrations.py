"""What the client-work app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core import registry


def _panel(user: Any) -> dict[str, object]:
    from .selectors import dashboard_panel

    return dashboard_panel(user=user)


registry.nav_links.register(
    registry.NavLink("episodes:caseload", _("Asiakkuudet"), "client_work.access", order=10),
)
registry.dashboard_panels.register(
    registry.DashboardPanel("episodes_panel", "episodes/_dashboard_panel.html", _panel, order=10),
)
registry.service_form_links.register(
    registry.ServiceFormLinks(
        "episodes/_service_form_links.html", lambda form: form.keeps_clients, order=10
    ),
)
