"""What the client-work app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.episodes.models import Episode, ExternalReferral, Goal, NetworkMeeting, Referral


def _panel(user: Any) -> dict[str, object]:
    from .selectors import dashboard_panel

    return dashboard_panel(user=user)


registry.nav_links.register(
    registry.NavLink("episodes:caseload", _("Asiakkuudet"), "client_work.access", order=10),
)
registry.dashboard_panels.register(
    registry.DashboardPanel("episodes_panel", "episodes/_dashboard_panel.html", _panel, order=10),
)
registry.service_form_links.register(
    registry.ServiceFormLinks(
        "episodes/_service_form_links.html", lambda form: form.keeps_clients, order=10
    ),
)

# The free texts of the client record (the erasure clears them, tupa.dataprotection.erasure).
registry.episode_texts.register(
    registry.EpisodeText(
        "summary",
        _("Tilanteen kuvaus ja ohjaajan yhteyshenkilö"),
        Episode,
        "id",
        ("summary", "referral_contact"),
        order=10,
    ),
    registry.EpisodeText(
        "basic_form",
        _("Perustietolomakkeen tekstivastaukset"),
        Episode,
        "id",
        (registry.EPISODE_BASIC_FORM,),
        order=20,
    ),
    registry.EpisodeText(
        "goals", _("Tavoitteet"), Goal, "episode_id", ("text", "defined_with"), order=30
    ),
    registry.EpisodeText(
        "network_meetings",
        _("Verkostoneuvottelut"),
        NetworkMeeting,
        "episode_id",
        ("notes", "external_participants"),
        order=40,
    ),
    registry.EpisodeText(
        "referrals",
        _("Ohjaukset toiseen työmuotoon"),
        Referral,
        "from_episode_id",
        ("reason", "decision_note"),
        order=50,
    ),
    registry.EpisodeText(
        "external_referrals",
        _("Ohjaukset ulkopuolisiin palveluihin"),
        ExternalReferral,
        "episode_id",
        ("note",),
        order=60,
    ),
)
