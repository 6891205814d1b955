"""Restriction of processing (GDPR art. 18) that actually restricts.

While ``Person.processing_restricted`` is set (by the DPO, :func:`tupa.people.rights.processing_restriction_set`):

- **no writes**: every write service that records something new about the person or changes
  their data calls :func:`ensure_processing_allowed` (a person, an alias or a participant) or
  :func:`ensure_episode_processing_allowed` (an episode: refused when any current participant
  is restricted, because an episode-level record — goals, stays, status, basic form — is about
  every participant). The refusal is a :class:`~django.core.exceptions.ValidationError` with a
  Finnish message. Not refused: lifting the restriction (the DPO's page), the DPO's own work
  (extracts, the erasure request), storage (nothing is deleted or changed), ending a worker's
  assignment and withdrawing a consent (both reduce processing);
- **hidden from lists**: :func:`exclude_restricted_persons` and
  :func:`exclude_restricted_episodes` take restricted persons out of the person search, and
  episodes with a restricted participant out of the caseload and client lists. The DPO finds
  the person through the exact identity-code lookup (``/oikeudet/``).

Art. 18(2) lets the controller process a restricted person's data for legal claims or to
protect another person's rights; that is not a worker's everyday decision here: the DPO lifts
the restriction (with a reason, kept in the change history) when such processing is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from .models import Alias, Person


def _message() -> str:
    return _(
        "Henkilön tietojen käsittelyä on rajoitettu (tietosuoja-asetus 18 artikla). Uusia "
        "kirjauksia tai muutoksia ei voi tallentaa ennen kuin tietosuojavastaava poistaa "
        "rajoituksen."
    )


def _person_ids(subjects: Iterable[Any]) -> set[int]:
    """Person ids behind persons, aliases (linked ones) and participants; ints are person ids."""
    ids: set[int] = set()
    for subject in subjects:
        if subject is None:
            continue
        if isinstance(subject, int):
            ids.add(subject)
        elif isinstance(subject, Person):
            if subject.pk is not None:
                ids.add(subject.pk)
        elif isinstance(subject, Alias):
            if subject.person_id is not None:
                ids.add(subject.person_id)
        else:  # a Participant (or anything with person_id / alias)
            person_id = getattr(subject, "person_id", None)
            if person_id is not None:
                ids.add(person_id)
            elif getattr(subject, "alias_id", None) is not None:
                alias_person = Alias.objects.filter(pk=subject.alias_id).values_list(
                    "person_id", flat=True
                )
                ids.update(pk for pk in alias_person if pk is not None)
    return ids


def restricted_ids(subjects: Iterable[Any]) -> set[int]:
    """Ids of restricted persons among ``subjects`` (one query; read from the database, so a
    stale in-memory person cannot slip past)."""
    # By primary key only, so safe outside the organisation scope (some services check first).
    with scopes_disabled():
        ids = _person_ids(subjects)
        if not ids:
            return set()
        return set(
            Person.objects.filter(pk__in=ids, processing_restricted=True).values_list(
                "pk", flat=True
            )
        )


def ensure_processing_allowed(*subjects: Any) -> None:
    """Refuse the write when any of the persons (aliases, participants) is restricted."""
    if restricted_ids(subjects):
        raise ValidationError(_message(), code="processing_restricted")


def episode_restricted(episode: Any) -> bool:
    from tupa.episodes.models import Participant

    with scopes_disabled():
        return (
            Participant.objects.filter(episode_id=episode.pk, left_on__isnull=True)
            .filter(
                Q(person__processing_restricted=True) | Q(alias__person__processing_restricted=True)
            )
            .exists()
        )


def episode_restricted_at(episode_ref: str) -> Exists:
    """:func:`episode_restricted` as a subquery for a list (one query, not one per row): whether
    the episode at ``episode_ref`` (an ``OuterRef`` path, e.g. ``"case__episode_id"``) has a
    current participant — a person or a linked alias — whose processing is restricted."""
    from tupa.episodes.models import Participant

    restricted = Person.objects.filter(processing_restricted=True).values("pk")
    return Exists(
        Participant.objects.filter(episode_id=OuterRef(episode_ref), left_on__isnull=True).filter(
            Q(person_id__in=restricted) | Q(alias__person_id__in=restricted)
        )
    )


def ensure_episode_processing_allowed(episode: Any) -> None:
    """Refuse an episode-level write when a current participant of the episode is restricted."""
    if episode is not None and episode.pk is not None and episode_restricted(episode):
        raise ValidationError(_message(), code="processing_restricted")


# --------------------------------------------------------------------------- lists


def exclude_restricted_persons(persons: QuerySet[Person]) -> QuerySet[Person]:
    return persons.filter(processing_restricted=False)


def exclude_restricted_aliases(aliases: QuerySet[Alias]) -> QuerySet[Alias]:
    return aliases.exclude(person__processing_restricted=True)


def exclude_restricted_episodes(episodes: QuerySet[Any]) -> QuerySet[Any]:
    """Episodes without a restricted current participant (person or linked alias).

    Uncorrelated: ``id NOT IN (episodes of the restricted persons)``. The restricted persons are
    a handful (partial index ``person_restricted``), so the subqueries are computed once — where a
    correlated ``NOT EXISTS`` probed the participants of every episode of a unit's list, and of
    its paginator's count, one by one. One subquery for the persons and one for their aliases,
    each a join from the few restricted persons into the participants' own index: one ``OR`` of
    the two could use no index and read every current participant of every organisation
    (13 → 0.8 ms for a shelter's list at ten organisations, and growing with their number)."""
    from tupa.episodes.models import Participant

    restricted = Person.objects.filter(processing_restricted=True).values("pk")
    restricted_aliases = Alias.objects.filter(person_id__in=restricted).values("pk")
    current = Participant.objects.filter(left_on__isnull=True)
    return episodes.exclude(
        pk__in=current.filter(person_id__in=restricted).values("episode_id")
    ).exclude(pk__in=current.filter(alias_id__in=restricted_aliases).values("episode_id"))


def restricted_episode_ids(episode_ids: Iterable[int]) -> set[int]:
    """Ids among ``episode_ids`` of the episodes with a restricted current participant (the
    rule of :func:`exclude_restricted_episodes`): one query, none without ids."""
    from tupa.episodes.models import Episode

    ids = set(episode_ids)
    if not ids:
        return set()
    kept = exclude_restricted_episodes(Episode.objects.filter(pk__in=ids)).values_list(
        "pk", flat=True
    )
    return ids - set(kept)
