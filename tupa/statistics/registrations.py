"""What the statistics app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

registry.nav_links.register(
    registry.NavLink("statistics:index", _("Tilastot"), "statistics.open", order=45),
)
