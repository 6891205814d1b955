"""The volunteers of a family on the client's episode page (VOL-14 links, Mieskaveri matches).

Registered as a :class:`tupa.core.registry.EpisodePanel`: the episode page calls it only after
it has decided that the user sees the episode. It shows the volunteer's name, role and dates —
never their contact data, screening or the note for the volunteer — and logs one access-log
row per volunteer shown, with the basis of the episode decision (fail closed). Two queries,
plus the log write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.http import HttpRequest

from tupa.audit.models import Action
from tupa.core.shapes import Shape
from tupa.volunteers.common import log_volunteers
from tupa.volunteers.models import FamilyLink, Match, RoleKind, Volunteer

_VOLUNTEER_FIELDS = (
    "volunteer__id",
    "volunteer__first_names",
    "volunteer__last_name",
    "volunteer__organisation_id",
)


@dataclass(frozen=True)
class FamilyVolunteer:
    volunteer: Volunteer
    role: str
    started_on: dt.date
    ended_on: dt.date | None


# The page's two reads, asked on every episode page: shapes compiled once per connection
# (ADR 0026, second addendum), filtering by the organisation themselves.
_LINKS: Final = Shape(
    lambda s: (
        FamilyLink.objects.filter(episode_id=s.episode, organisation_id=s.organisation)
        .select_related("volunteer")
        .only("pk", "role", "started_on", "ended_on", "volunteer_id", *_VOLUNTEER_FIELDS)
    ),
    name="an episode's volunteer links",
)
_MATCHES: Final = Shape(
    lambda s: (
        Match.objects.filter(case__episode_id=s.episode, organisation_id=s.organisation)
        .select_related("volunteer")
        .only("pk", "started_on", "ended_on", "volunteer_id", *_VOLUNTEER_FIELDS)
    ),
    name="an episode's Mieskaveri matches",
)


def family_volunteers(episode: Any) -> list[FamilyVolunteer]:
    """The family links and Mieskaveri matches of ``episode``, newest first (two queries)."""
    values = {"episode": episode.pk, "organisation": episode.organisation_id}
    links = _LINKS.instances(**values)
    matches = _MATCHES.instances(**values)
    rows = [
        FamilyVolunteer(link.volunteer, link.get_role_display(), link.started_on, link.ended_on)
        for link in links
    ] + [
        FamilyVolunteer(m.volunteer, str(RoleKind.MIESKAVERI.label), m.started_on, m.ended_on)
        for m in matches
    ]
    rows.sort(key=lambda r: (r.ended_on is not None, -r.started_on.toordinal()))
    return rows


def episode_panel(request: HttpRequest, episode: Any, basis: Any) -> dict[str, Any] | None:
    rows = family_volunteers(episode)
    if not rows:
        return None
    log_volunteers(
        request,
        {r.volunteer.pk: r.volunteer for r in rows}.values(),
        basis=basis,
        action=Action.LIST,
    )
    return {"rows": rows}
