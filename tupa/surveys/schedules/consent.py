"""May a person be contacted for a follow-up on a day? (CON-01, ``docs/surveys-due-lists.md``)

Two records speak of it: the episode's ``contact_permission`` flag (yes/no with the date it was
given, :func:`tupa.episodes.services.contact_permission_set`) and the person's follow-up
:class:`~tupa.people.models.Consent` rows (purpose ``follow_up``; given, valid until, withdrawn).
The *relevant* consents of a person for an episode are the follow-up consents recorded for that
episode or for no episode at all. The rule:

    allowed on ``day`` ⇔ a relevant consent is in force on ``day``
                       ∨ (the episode's flag is yes, given by ``day``,
                          ∧ no relevant consent was withdrawn or expired by ``day``)

So a consent given later overrides an earlier "no", and a withdrawal (or the end of a consent's
validity) overrides the episode's "yes" — the most recent word of the person counts. A withdrawn
permission removes the person from every due list that needs the permission, and an open
follow-up invitation is shown as "lupa peruttu" and is not reminded or re-issued.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q
from django_scopes import scopes_disabled

from tupa.people.models import Consent
from tupa.surveys.models import MeasurementPoint

if TYPE_CHECKING:
    from tupa.episodes.models import Episode
    from tupa.surveys.models import Invitation

#: (episode id, person id)
Pair = tuple[int, int]


def _ended_by(consent: Consent, day: dt.date) -> bool:
    withdrawn = consent.withdrawn_on is not None and consent.withdrawn_on <= day
    expired = consent.valid_until is not None and consent.valid_until < day
    return withdrawn or expired


def decide(*, episode: Episode, consents: Iterable[Consent], day: dt.date) -> bool:
    """The rule for one person of ``episode`` given the person's relevant follow-up consents."""
    rows = list(consents)
    if any(c.in_force_on(day) for c in rows):
        return True
    flag_given = episode.contact_permission is True and (
        episode.contact_permission_date is None or episode.contact_permission_date <= day
    )
    return flag_given and not any(_ended_by(c, day) for c in rows)


def follow_up_consents(person_ids: Iterable[int]) -> dict[int, list[Consent]]:
    """The follow-up consents of the persons, by person (one query)."""
    ids = set(person_ids)
    grouped: dict[int, list[Consent]] = defaultdict(list)
    if not ids:
        return grouped
    # The persons were read in the caller's scope; the consents belong to them.
    with scopes_disabled():
        rows = Consent.objects.filter(person_id__in=ids, purpose=Consent.Purpose.FOLLOW_UP).only(
            "person_id", "episode_id", "given_on", "valid_until", "withdrawn_on"
        )
        for consent in rows:
            grouped[consent.person_id].append(consent)
    return grouped


def permissions(
    *, episodes: dict[int, Episode], pairs: Iterable[Pair], day: dt.date
) -> dict[Pair, bool]:
    """The rule for many (episode, person) pairs at once: one query for the consents.

    ``episodes``: the episodes of the pairs by id (their ``contact_permission`` fields loaded)."""
    wanted = list(pairs)
    consents = follow_up_consents(person_id for _e, person_id in wanted)
    result: dict[Pair, bool] = {}
    for episode_id, person_id in wanted:
        relevant = [c for c in consents.get(person_id, []) if c.episode_id in (None, episode_id)]
        result[(episode_id, person_id)] = decide(
            episode=episodes[episode_id], consents=relevant, day=day
        )
    return result


def contact_allowed(*, episode: Episode, person_id: int, day: dt.date) -> bool:
    """May the person of ``episode`` be contacted for a follow-up on ``day``? (one query)"""
    with scopes_disabled():
        rows = Consent.objects.filter(person_id=person_id, purpose=Consent.Purpose.FOLLOW_UP)
        relevant = list(rows.filter(Q(episode_id=episode.pk) | Q(episode__isnull=True)))
    return decide(episode=episode, consents=relevant, day=day)


def needs_permission(invitation: Invitation) -> bool:
    """A follow-up: the schedule reaches the person after the service (N months after the end,
    the end of aftercare), or an outcome measure's follow-up measurement point."""
    schedule = invitation.schedule
    if invitation.person_id is None or invitation.episode_id is None:
        return False
    if schedule is not None and schedule.needs_contact_permission:
        return True
    return invitation.measurement_point == MeasurementPoint.FOLLOW_UP


def invitation_permissions(invitations: Iterable[Invitation], *, day: dt.date) -> dict[int, bool]:
    """For each invitation (by id): is its contact still allowed on ``day``? True where no
    permission is needed. The invitations come with ``schedule`` and ``episode`` loaded."""
    rows = list(invitations)
    follow_ups = [inv for inv in rows if needs_permission(inv)]
    episodes = {inv.episode.pk: inv.episode for inv in follow_ups if inv.episode is not None}
    allowed = permissions(
        episodes=episodes,
        pairs={(inv.episode_id, inv.person_id) for inv in follow_ups},  # type: ignore[misc]
        day=day,
    )
    return {
        inv.pk: (allowed[(inv.episode_id, inv.person_id)] if inv in follow_ups else True)  # type: ignore[index]
        for inv in rows
    }
