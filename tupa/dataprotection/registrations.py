"""What the data-protection app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

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
