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
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tupa.core.shapes import Shape

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


def _restricted_episodes_among(**where: Any) -> QuerySet[Any]:
    """Ids of the episodes with a restricted current participant — a person, or an alias linked
    to one — among the participations ``where`` selects.

    The rule of :func:`exclude_restricted_episodes` and :func:`restricted_episode_ids`, written
    once. Two reads joined by ``UNION``, each from the few restricted persons (partial index
    ``person_restricted``) into the participants' own index. One ``OR`` of the two could use no
    index and read every current participant of every organisation (13 → 0.8 ms for a
    shelter's list at ten organisations, and growing with their number)."""
    from tupa.episodes.models import Participant

    current = Participant._base_manager.filter(left_on__isnull=True, **where)
    by_person = current.filter(person__processing_restricted=True)
    by_alias = current.filter(alias__person__processing_restricted=True)
    return by_person.values_list("episode_id", flat=True).union(
        by_alias.values_list("episode_id", flat=True)
    )


#: The rule above for one organisation's episodes, compiled once per connection (ADR 0026).
_RESTRICTED_EPISODES: Final = Shape(
    lambda s: _restricted_episodes_among(episode__organisation_id=s.organisation),
    name="restricted_episodes",
)


def restricted_episodes(organisation_id: int) -> frozenset[int]:
    """Ids of the organisation's episodes with a restricted current participant (one query;
    restricted persons are a handful, so the set is small and usually empty)."""
    return frozenset(pk for (pk,) in _RESTRICTED_EPISODES.rows(organisation=organisation_id))


def exclude_restricted_episodes(
    episodes: QuerySet[Any], *, organisation_id: int | None
) -> QuerySet[Any]:
    """``episodes`` (of the organisation ``organisation_id``) without those that have a
    restricted current participant (person or linked alias); none without an organisation.

    The few restricted episodes are read first (:func:`restricted_episodes`) and left out by
    id — no condition at all when there are none, which is nearly always. The former
    ``NOT IN`` subqueries cost nothing to run, but the ORM built and compiled them into every
    list's query and its paginator's count: 2.5–3 ms of a client list's 25 (docs/performance.md,
    twenty-fifth stop)."""
    if organisation_id is None:
        return episodes.none()
    restricted = restricted_episodes(organisation_id)
    return episodes.exclude(pk__in=sorted(restricted)) if restricted else episodes


def restricted_episode_ids(episode_ids: Iterable[int]) -> set[int]:
    """Ids among ``episode_ids`` of the episodes with a restricted current participant (the
    rule of :func:`exclude_restricted_episodes`): one query, none without ids."""
    ids = set(episode_ids)
    if not ids:
        return set()
    return set(_restricted_episodes_among(episode_id__in=sorted(ids)))
