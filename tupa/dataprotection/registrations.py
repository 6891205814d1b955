"""What the data-protection app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core import registry


def _access_request_panel(user: Any) -> dict[str, object]:
    from tupa.dataprotection.access_requests.selectors import review_panel

    return review_panel(user=user)


registry.nav_links.register(
    # The data subject's rights (``tupa.dataprotection.rights_urls``).
    registry.NavLink("rights:person_lookup", _("Tietosuojapyynnöt"), "audit.browse", order=70),
    # The anomaly findings of the access log (served under ``audit:``, ``.audit_urls``).
    registry.NavLink("audit:anomalies", _("Poikkeamat"), "audit.anomalies", order=100),
    # The register descriptions (served under ``organisations:``, ``tupa.dataprotection.register``).
    registry.NavLink(
        "organisations:registers",
        _("Rekisteriselosteet"),
        "data_protection.registers.view",
        order=110,
    ),
)
registry.dashboard_panels.register(
    # A unit worker's access requests under review (the review list has no menu entry): after
    # her own client work (10), before the overview (20).
    registry.DashboardPanel(
        "access_request_panel",
        "people/rights/_access_request_dashboard_panel.html",
        _access_request_panel,
        order=15,
    ),
)
