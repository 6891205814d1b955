"""What the volunteers app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.volunteers.matching.panels import episode_panel
from tupa.volunteers.models.matching import (
    CaseStep,
    FamilyLink,
    FollowUp,
    Match,
    MatchActivity,
    MatchingCase,
)
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

# The free texts of the matching of a client family (the erasure clears them,
# tupa.dataprotection.erasure).
registry.episode_texts.register(
    registry.EpisodeText(
        "matching_cases",
        _("Kaveritoiminnan prosessit"),
        MatchingCase,
        "episode_id",
        ("wishes", "family_situation", "confirmed_warnings", "end_reason", "area"),
        order=130,
    ),
    registry.EpisodeText(
        "case_steps",
        _("Kaveritoiminnan vaiheiden syyt"),
        CaseStep,
        "case__episode_id",
        ("reason",),
        order=140,
    ),
    registry.EpisodeText(
        "matches",
        _("Kaverisuhteet"),
        Match,
        "case__episode_id",
        ("note_for_volunteer",),
        order=150,
    ),
    registry.EpisodeText(
        "match_activities",
        _("Kaverisuhteen yhteinen tekeminen"),
        MatchActivity,
        "match__case__episode_id",
        ("note",),
        order=160,
    ),
    registry.EpisodeText(
        "follow_ups",
        _("Kaverisuhteen seurannat"),
        FollowUp,
        "case__episode_id",
        ("note",),
        order=170,
    ),
    registry.EpisodeText(
        "family_links",
        _("Vapaaehtoisten perhelinkit"),
        FamilyLink,
        "episode_id",
        ("note_for_volunteer",),
        order=180,
    ),
)
