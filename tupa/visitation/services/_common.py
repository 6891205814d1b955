"""What the Tapaamispaikka's writes share: who may write, the last day an order's meetings may
be on."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tupa.access.visitation import may_work
from tupa.episodes.models import Episode
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_episode_processing_allowed

from ..models import MeetingOrder

if TYPE_CHECKING:
    from tupa.accounts.models import User


def require_writer(actor: User, episode: Episode) -> None:
    """A client-work member of the episode's visitation form; else PermissionDenied."""
    if episode.service_form.kind != ServiceForm.Kind.VISITATION:
        raise PermissionDenied(_("Asiakkuus ei kuulu tapaamispaikkatyöhön."))
    if not may_work(actor, episode.service_form):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
    # GDPR art. 18: no new orders, meetings or changes while processing is restricted.
    ensure_episode_processing_allowed(episode)


def last_meeting_day(order: MeetingOrder) -> dt.date | None:
    """The last day a meeting of ``order`` may be on: the end of its validity and, when its
    episode has ended, not after the episode's end."""
    last = order.valid_until
    episode = order.episode
    if episode.status == Episode.Status.ENDED and episode.end_date is not None:
        last = episode.end_date if last is None else min(last, episode.end_date)
    return last
