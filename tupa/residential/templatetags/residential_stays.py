"""Template tags of residential stays, for pages outside the residential app.

Usage (``residential/_episode_links.html``, included by the episode page)::

    {% load residential_stays %}
    {% current_stay_id episode as stay_id %}

``stay_id`` is the id of the episode's stay that is open or ends later (or a booked one that
starts later), else None: "Kirjaa tulo asumispaikkaan" is offered only when there is none (the
links need the id only). The read filters by the episode's organisation itself.
"""

from __future__ import annotations

from typing import Final

from django import template
from django.db.models import Q
from django.utils import timezone

from tupa.core.shapes import Shape
from tupa.episodes.models import Episode
from tupa.residential.models import Stay

register = template.Library()

#: Asked on every residential episode page: a shape compiled once per connection (ADR 0026,
#: second addendum), filtering by the organisation itself; the moment is a value of the call.
_CURRENT: Final = Shape(
    lambda s: (
        Stay.objects.filter(episode_id=s.episode, organisation_id=s.organisation)
        .filter(Q(departed_at__isnull=True) | Q(departed_at__gt=s.now))
        .order_by("arrived_at", "pk")
        .values_list("pk")[:1]
    ),
    name="an episode's current stay",
)


@register.simple_tag
def current_stay_id(episode: Episode) -> int | None:
    rows = _CURRENT.rows(
        episode=episode.pk, organisation=episode.organisation_id, now=timezone.now()
    )
    return rows[0][0] if rows else None
