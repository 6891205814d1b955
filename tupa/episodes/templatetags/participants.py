"""Template tags for an episode's participants.

Usage::

    {% load participants %}
    {% participant_name participant %}

A tag rather than an included template: list pages show dozens of names, and an include costs
four to five times as much per name (56 names: 0.8 ms against 0.2 ms; ``benchmarks/README.md``,
run AD).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

if TYPE_CHECKING:
    from tupa.episodes.models import Participant

register = template.Library()


@register.simple_tag
def participant_name(participant: Participant) -> str:
    """The person's names, or the alias label marked as an alias (auto-escaped). Names only,
    never contact data; the caller decides whether the viewer may see the participant."""
    person = participant.person
    if person is not None:
        return f"{person.first_names} {person.last_name}"
    label = participant.alias.label if participant.alias is not None else ""
    return format_html('{} <span class="tag">{}</span>', label, gettext("peitenimi"))
