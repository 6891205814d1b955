"""What the volunteers app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.volunteers.matching.panels import episode_panel
from tupa.volunteers.register.staffing import session_choices

registry.nav_links.register(
    registry.NavLink("volunteers:index", _("Vapaaehtoiset"), "volunteers.open", order=48),
)
registry.service_form_links.register(
    registry.ServiceFormLinks("volunteers/_service_form_links.html", order=120),
)
registry.episode_panels.register(
    registry.EpisodePanel(
        "volunteers_family", "volunteers/_episode_panel.html", episode_panel, order=50
    ),
)
registry.volunteer_staffing.register(
    registry.VolunteerStaffing("volunteers", session_choices),
)
