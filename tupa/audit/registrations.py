"""What the audit app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

registry.nav_links.register(
    registry.NavLink("audit:access_log", _("Käyttöloki"), "audit.browse", order=60),
    registry.NavLink("audit:changes", _("Muutoshistoria"), "history.browse", order=80),
    registry.NavLink(
        "audit:security_events", _("Turvallisuustapahtumat"), "audit.security_events", order=90
    ),
)
