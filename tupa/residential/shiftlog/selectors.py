"""Reads of the shift log (issue 4, item 8): a 7-day window of notes and linkable episodes.

A constant number of queries per page: the notes with their authors and successors, the
linked episodes, the clients of those episodes, and the viewer's basis for each episode.
Linked episodes are shown (as their clients' names) only when the viewer may see the episode;
otherwise the link is left out entirely. An episode with a participant whose processing is
restricted (GDPR art. 18) is left out of the links and of the choices, as out of the client lists
(``tupa.people.processing.exclude_restricted_episodes``); so it cannot be linked to a new note
either. The persons shown are returned for the access log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from tupa.access import clients
from tupa.episodes.models import Episode, Participant
from tupa.people.processing import exclude_restricted_episodes
from tupa.residential.models import ShiftNote

if TYPE_CHECKING:
    from tupa.access.policy import Basis
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Alias, Person

WINDOW_DAYS = 7
#: Whose names label a linked episode: the clients, not the children.
LABEL_ROLES = (Participant.Role.CLIENT, Participant.Role.EXPECTANT_PARENT)

_SHIFT_RANK = Case(
    When(shift=ShiftNote.Shift.MORNING, then=Value(1)),
    When(shift=ShiftNote.Shift.EVENING, then=Value(2)),
    When(shift=ShiftNote.Shift.NIGHT, then=Value(3)),
    default=Value(0),
    output_field=IntegerField(),
)


def _clients_prefetch() -> Prefetch[Any, Any, Any]:
    return Prefetch(
        "participants",
        queryset=Participant.objects.filter(left_on__isnull=True, role__in=LABEL_ROLES)
        .select_related("person", "alias")
        .order_by("pk"),
        to_attr="label_clients",
    )


def linkable_episodes(
    *, user: User, service_form: ServiceForm, keep: ShiftNote | None = None
) -> QuerySet[Episode]:
    """Active episodes of the unit the user may see (plus ``keep``'s links, when correcting),
    none with a restricted participant (GDPR art. 18)."""
    q = Q(status=Episode.Status.ACTIVE)
    if keep is not None:
        q |= Q(pk__in=keep.episodes.values("pk"))
    return (
        exclude_restricted_episodes(
            clients.form_episodes_visible_to(user=user, service_form=service_form).filter(q),
            organisation_id=service_form.organisation_id,
        )
        .prefetch_related(_clients_prefetch())
        .order_by("opened_at", "pk")
    )


def episode_subjects(episodes: list[Episode]) -> list[Person | Alias]:
    """The persons (or aliases) whose names label ``episodes`` (prefetched ``label_clients``)."""
    subjects: list[Person | Alias] = []
    for episode in episodes:
        for participant in getattr(episode, "label_clients", []):
            subject = participant.person or participant.alias
            if subject is not None:
                subjects.append(subject)
    return subjects


def window(weeks_back: int, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The 7 days shown on page ``weeks_back`` (0 = the last 7 days up to ``today``)."""
    end = today - dt.timedelta(days=WINDOW_DAYS * weeks_back)
    return end - dt.timedelta(days=WINDOW_DAYS - 1), end


@dataclass
class LogNote:
    """A note as shown: its earlier versions and the linked episodes the viewer may see."""

    note: ShiftNote
    earlier: list[ShiftNote] = field(default_factory=list)
    links: list[Episode] = field(default_factory=list)

    @property
    def superseded_elsewhere(self) -> bool:
        """Corrected by a note that falls outside the window or the filter."""
        return hasattr(self.note, "superseded_by")


@dataclass
class ShiftLog:
    start: dt.date
    end: dt.date
    notes: list[LogNote]
    #: The persons shown as link labels, by the basis on which each linked episode is visible.
    shown: dict[Basis, dict[tuple[str, int], Person | Alias]]


def shift_log(
    *,
    user: User,
    service_form: ServiceForm,
    start: dt.date,
    end: dt.date,
    shift: str | None = None,
) -> ShiftLog:
    """Notes of ``start``..``end`` (shift dates), newest first; corrections folded together."""
    notes_qs = (
        ShiftNote.objects.filter(service_form=service_form, shift_date__range=(start, end))
        .select_related("author", "superseded_by")
        .prefetch_related(
            Prefetch(
                "episodes",
                queryset=Episode.objects.prefetch_related(_clients_prefetch()).order_by("pk"),
            )
        )
        .annotate(shift_rank=_SHIFT_RANK)
        .order_by("-shift_date", "-shift_rank", "-created_at", "-pk")
    )
    if shift:
        notes_qs = notes_qs.filter(shift=shift)
    notes = list(notes_qs)
    by_pk = {n.pk: n for n in notes}
    linked_ids = {e.pk for n in notes for e in n.episodes.all()}
    bases = clients.episode_bases(user=user, episode_ids=linked_ids)
    bases = clients.listed_bases(bases)  # GDPR art. 18: a restricted family is not named

    # A superseded note is shown under its newest successor in the window.
    successor: dict[int, int] = {}
    for note in notes:
        if note.supersedes_id in by_pk:
            successor[note.supersedes_id] = note.pk

    def newest(pk: int) -> int:
        while pk in successor:
            pk = successor[pk]
        return pk

    earlier: dict[int, list[ShiftNote]] = defaultdict(list)
    for note in notes:
        if note.pk in successor:
            earlier[newest(note.pk)].append(note)
    shown: dict[Basis, dict[tuple[str, int], Person | Alias]] = defaultdict(dict)
    result: list[LogNote] = []
    for note in notes:
        if note.pk in successor:
            continue
        versions = sorted(
            earlier.get(note.pk, []), key=lambda n: (n.created_at, n.pk), reverse=True
        )
        for version in [note, *versions]:
            version.visible_links = [  # type: ignore[attr-defined]
                e for e in version.episodes.all() if e.pk in bases
            ]
            for episode in version.visible_links:  # type: ignore[attr-defined]
                for participant in getattr(episode, "label_clients", []):
                    if participant.person is not None:
                        shown[bases[episode.pk]][("person", participant.person.pk)] = (
                            participant.person
                        )
                    elif participant.alias is not None:
                        shown[bases[episode.pk]][("alias", participant.alias.pk)] = (
                            participant.alias
                        )
        links = note.visible_links  # type: ignore[attr-defined]
        result.append(LogNote(note=note, earlier=versions, links=links))
    return ShiftLog(start=start, end=end, notes=result, shown=dict(shown))
