"""What the home app adds to the shared pages: the configuration admin (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

registry.nav_links.register(
    registry.NavLink("admin:index", _("Asetukset"), "configuration.manage", order=120),
)
