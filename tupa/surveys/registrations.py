"""What the surveys app adds to the shared pages (see ``tupa.core.registry``): the navigation
link, the episode's feedback and outcome panel, and one link on the service-form page to the
form's feedback page (which lists the parts the user may open, :mod:`tupa.surveys.navigation`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.surveys.outcomes.panels import episode_panel as outcome_panel

registry.nav_links.register(
    registry.NavLink("surveys:index", _("Palaute"), "surveys.open", order=46),
)
registry.episode_panels.register(
    registry.EpisodePanel(
        "surveys_feedback", "surveys/outcomes/_episode_panel.html", outcome_panel, order=60
    ),
)
registry.service_form_links.register(
    registry.ServiceFormLinks("surveys/_service_form_links.html", order=130),
)
