"""Reads of the client journal: entries and their versions, participants, co-worker choices.

The caller has checked access (:mod:`tupa.access.episodes`) and logs what it shows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from tupa.accounts.models import Membership, User
from tupa.core.shapes import Shape, Slots

from ..models import Attachment, Entry, EntryParticipant, Episode, Participant
from ..selectors import participant_rows, participants_of

if TYPE_CHECKING:
    from tupa.people.models import Alias, Person


def co_worker_candidates(*, organisation_id: int, also_ids: Iterable[int] = ()) -> QuerySet[User]:
    """Active staff of the organisation doing client work in any service form (CLI-16).

    ``also_ids`` adds users of the organisation regardless of their current memberships (the
    co-workers of an entry being corrected, who may have left since). Each user carries
    ``client_memberships`` (active memberships with their service form), so a form can show
    where the co-worker works without further queries.
    """
    memberships = (
        Membership.objects.active()
        .client_work()
        .select_related("service_form")
        .order_by("service_form__name")
    )
    working = Q(
        is_active=True,
        pk__in=memberships.filter(organisation_id=organisation_id).values("user_id"),
    )
    extra = [int(pk) for pk in also_ids]
    return (
        User.objects.filter(organisation_id=organisation_id)
        .filter(working | Q(pk__in=extra) if extra else working)
        .prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="client_memberships")
        )
        .order_by("last_name", "first_name", "username")
    )


def episode_participants(episode: Episode) -> QuerySet[Participant]:
    return participant_rows().filter(episode=episode)


def episode_persons(episode: Episode) -> list[Person | Alias]:
    """The persons and anonymous aliases taking part in the episode (access-log subjects).

    Aliases are logged so that a client's log extract covers her anonymous phase once the alias
    is linked to her.
    """
    return [p.person or p.alias for p in participants_of(episode) if p.person or p.alias]  # type: ignore[misc]


def _details() -> tuple[str | Prefetch, ...]:
    """What a shown entry carries besides its author (joined): co-workers and attachments."""
    return ("co_workers", Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))


def _with_details(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    return queryset.select_related("author").prefetch_related(*_details())


def _shown(entries: list[Entry], episode: Episode) -> list[Entry]:
    """``entries`` of ``episode`` with their ``shown_participants``: the episode's own
    participants (read once per episode object, :func:`~tupa.episodes.selectors.participants_of`)
    that each entry links to, by one query of the links. A link to another episode's participant,
    which the journal's services refuse, is never shown."""
    participants = {p.pk: p for p in participants_of(episode)}
    linked: dict[int, list[Participant]] = {entry.pk: [] for entry in entries}
    links = (
        EntryParticipant.objects.filter(entry_id__in=linked)
        .order_by("participant_id")
        .values_list("entry_id", "participant_id")
    )
    for entry_id, participant_id in links:
        if participant_id in participants:
            linked[entry_id].append(participants[participant_id])
    for entry in entries:
        entry.episode = episode
        entry.shown_participants = linked[entry.pk]
    return entries


@functools.cache
def _current(limit: int | None) -> Shape:
    """The newest versions of an episode's entries, newest first, with their authors (``limit``
    + 1 of them, when given): the episode page's read, a shape compiled once per connection
    (ADR 0026, second addendum), one for each limit. It filters by the organisation itself, as
    the organisation scope would."""

    def build(s: Slots) -> QuerySet[Entry]:
        current = (
            Entry.objects.filter(
                episode_id=s.episode,
                episode__organisation_id=s.organisation,
                superseded_by__isnull=True,
            )
            .select_related("author")
            .order_by("-occurred_at", "-pk")
        )
        return current if limit is None else current[: limit + 1]

    return Shape(build, name=f"current journal entries ({limit})")


def current_entries(episode: Episode, *, limit: int | None = None) -> tuple[list[Entry], bool]:
    """The newest version of every entry of ``episode``, newest first, with their details — the
    ``limit`` newest when given — and whether there are older ones beyond the limit.

    The caller has checked access (``episode_basis``) and logs the read.
    """
    found = _current(limit).instances(episode=episode.pk, organisation=episode.organisation_id)
    shown = found if limit is None else found[:limit]
    prefetch_related_objects(shown, *_details())
    return _shown(shown, episode), limit is not None and len(found) > limit


def _chain(entry: Entry) -> list[int]:
    """The ids of ``entry``'s chain of versions, oldest first."""
    chain_ids: list[int] = [entry.pk]
    previous_id = entry.supersedes_id
    while previous_id is not None:
        chain_ids.insert(0, previous_id)
        previous_id = (
            Entry.objects.filter(pk=previous_id).values_list("supersedes_id", flat=True).first()
        )
    current = entry.pk
    while True:
        following = Entry.objects.filter(supersedes_id=current).values_list("pk", flat=True).first()
        if following is None:
            break
        chain_ids.append(following)
        current = following
    return chain_ids


def entry_versions(entry: Entry) -> list[Entry]:
    """Every version of ``entry``'s chain, oldest first (the original is the first), with
    their details."""
    chain_ids = _chain(entry)
    rows = {e.pk: e for e in _with_details(Entry.objects.filter(pk__in=chain_ids))}
    return _shown([rows[pk] for pk in chain_ids], entry.episode)


def newest_version(entry: Entry) -> Entry:
    """The chain's current version (without the details a page shows)."""
    return Entry.objects.get(pk=_chain(entry)[-1])


def entry_subjects(entry: Entry) -> list[Person | Alias]:
    """Whose data an entry (or its attachment) shows: its participants, else everyone's."""
    subjects: list[Person | Alias] = [
        p.person or p.alias  # type: ignore[misc]
        for p in entry.participants.select_related("person", "alias").order_by("pk")
        if p.person is not None or p.alias is not None
    ]
    return subjects or episode_persons(entry.episode)
