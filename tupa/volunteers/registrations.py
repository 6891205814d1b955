"""What the volunteers app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

registry.nav_links.register(
    registry.NavLink("volunteers:index", _("Vapaaehtoiset"), "volunteers.open", order=48),
)
registry.service_form_links.register(
    registry.ServiceFormLinks("volunteers/_service_form_links.html", order=120),
)
