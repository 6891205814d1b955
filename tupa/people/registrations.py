"""What the people app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

registry.nav_links.register(
    registry.NavLink("people:search", _("Haku"), "client_work.access", order=20),
)
