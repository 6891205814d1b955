"""The building blocks of visibility: the visible persons, aliases, participations and forms.

Each read starts from :func:`tupa.access.clients.persons_visible_to` or the user's
:func:`~tupa.access.clients.episode_visibility`, never from ``Person.objects`` alone; the search,
the duplicates and the person page build on these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from tupa.access.clients import (
    EpisodeVisibility,
    episode_visibility,
    person_bases,
    persons_visible_to,
)
from tupa.access.policy import Basis
from tupa.episodes.models import Participant

from ..models import Alias, Person

if TYPE_CHECKING:
    from tupa.accounts.models import User


def _visible_participations(visibility: EpisodeVisibility) -> QuerySet[Participant]:
    """The participations in episodes the user may see, newest first, with the episode and its
    service form. The condition is on the participation's own episode (joined for its service
    form anyway), so PostgreSQL starts from the persons' participations, not from the visible
    episodes."""
    return (
        Participant.objects.filter(visibility.through("episode"))
        .select_related("episode__service_form")
        .order_by("-episode__opened_at", "-episode__pk")
    )


def visible_participations(
    *, user: User, visibility: EpisodeVisibility | None = None
) -> Prefetch[Any]:
    """Prefetch of a person's (or alias's) participations in episodes the user may see
    (:func:`_visible_participations`), set as ``visible_participations``. ``visibility``: the
    user's :func:`episode_visibility`, when the caller has it already."""
    if visibility is None:
        visibility = episode_visibility(user=user)
    return Prefetch(
        "participations",
        queryset=_visible_participations(visibility),
        to_attr="visible_participations",
    )


def visible_forms(visibility: EpisodeVisibility) -> Prefetch[Any]:
    """:func:`visible_participations` reading only the episode's service form and its name: a
    list that shows each person with the forms of their episodes (the search) needs nothing
    else."""
    return Prefetch(
        "participations",
        queryset=_visible_participations(visibility).only(
            "person_id", "alias_id", "episode__service_form__name"
        ),
        to_attr="visible_participations",
    )


def visible_person(*, user: User, pk: int) -> Person | None:
    """The person if the user may see them (else None → 404), with visible participations."""
    visibility = episode_visibility(user=user)
    return (
        persons_visible_to(user=user, episodes=visibility.episodes())
        .filter(pk=pk)
        .select_related("municipality")
        .prefetch_related(visible_participations(user=user, visibility=visibility))
        .first()
    )


def merged_target(*, user: User, pk: int) -> Person | None:
    """For a merged person's old id: the person it was merged into, when the user sees that one."""
    row = Person.objects.filter(pk=pk, merged_into__isnull=False).only("merged_into_id").first()
    if row is None:
        return None
    target = row
    for _hop in range(5):  # merges may chain; follow a few hops
        if target.merged_into_id is None:
            break
        nxt = Person.objects.filter(pk=target.merged_into_id).first()
        if nxt is None:
            return None
        target = nxt
    return visible_person(user=user, pk=target.pk)


def bases_for(
    *, user: User, persons: Iterable[Person], known: Mapping[int, Basis] | None = None
) -> dict[Basis, list[Person]]:
    """Group persons by the basis the access log records (persons without one are dropped).

    ``known``: the bases already decided in this request for (at least) these persons, by
    :func:`~tupa.access.clients.person_bases` (the person page decides them once)."""
    people = list({p.pk: p for p in persons}.values())
    if known is not None and all(p.pk in known or p.pk is None for p in people):
        bases: Mapping[int, Basis] = known
    else:
        bases = person_bases(user=user, persons=people)
    grouped: dict[Basis, list[Person]] = {}
    for person in people:
        basis = bases.get(person.pk)
        if basis is not None:
            grouped.setdefault(basis, []).append(person)
    return grouped


def visible_alias(*, user: User, pk: int) -> Alias | None:
    """An alias with a participation in an episode the user may see (else None → 404)."""
    visibility = episode_visibility(user=user)
    return (
        Alias.objects.filter(pk=pk, participations__episode__in=visibility.episodes().values("pk"))
        .select_related("service_form", "person")
        .prefetch_related(visible_participations(user=user, visibility=visibility))
        .distinct()
        .first()
    )
