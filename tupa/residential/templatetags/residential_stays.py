"""Template tags of residential stays, for pages outside the residential app.

Usage (``residential/_episode_links.html``, included by the episode page)::

    {% load residential_stays %}
    {% current_stay_id episode as stay_id %}

``stay_id`` is the id of the episode's stay that is open or ends later (or a booked one that
starts later), else None: "Kirjaa tulo asumispaikkaan" is offered only when there is none (the
links need the id only). Run inside the
organisation scope (every view is).
"""

from __future__ import annotations

from django import template
from django.db.models import Q
from django.utils import timezone

from tupa.episodes.models import Episode
from tupa.residential.models import Stay

register = template.Library()


@register.simple_tag
def current_stay_id(episode: Episode) -> int | None:
    return (
        Stay.objects.filter(episode=episode)
        .filter(Q(departed_at__isnull=True) | Q(departed_at__gt=timezone.now()))
        .order_by("arrived_at")
        .values_list("pk", flat=True)
        .first()
    )
