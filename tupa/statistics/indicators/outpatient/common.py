"""What the outpatient indicators share: roles, periods, who took part, the reads of appointments and journal entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from tupa.core.shapes import Shape
from tupa.core.wallclock import local_day
from tupa.episodes.models import Entry, Episode, Participant, ReferralSource
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind

from ..base import UNKNOWN, Choices, Dimension, Params, Unit
from ..dimensions import (
    adult_child_value,
    gender_value,
)
from ..reads import in_period, period_rows, shared_by_key, shared_read

#: Roles of the persons an episode serves; a partner or a close person is not a client.
CLIENT_ROLES = (
    Participant.Role.CLIENT,
    Participant.Role.EXPECTANT_PARENT,
    Participant.Role.CHILD,
)

ROLE_RANK = {str(role): rank for rank, role in enumerate(CLIENT_ROLES)}

#: The episode statuses of a client relationship that has begun (an enquiry or a place in the
#: queue is not one; its calls and advice are counted by ``outpatient.contacts``).
STARTED = (Episode.Status.ACTIVE, Episode.Status.ENDED)

#: Journal entry types that record a contact with a client (everything but a plain note).
CONTACT_TYPES = tuple(t for t in Entry.Type if t != Entry.Type.NOTE)

NEW = "new"
CONTINUING = "continuing"
WITH_CHILD = "child"
ADULTS_ONLY = "adults"
GROUP = "group"
OTHER = "other"

#: An appointment's kind of work in the terms of the journal (as its outcome entry records it;
#: the group-related and other appointments have no journal counterpart of their own).
APPOINTMENT_WORK: dict[str, str] = {
    AppointmentType.HOME_VISIT: Entry.Type.HOME_VISIT,
    AppointmentType.OFFICE_MEETING: Entry.Type.INDIVIDUAL_MEETING,
    AppointmentType.REMOTE: Entry.Type.PHONE,
    AppointmentType.NETWORK_MEETING: Entry.Type.NETWORK_MEETING,
    AppointmentType.GROUP: GROUP,
    AppointmentType.OTHER: OTHER,
}


# --------------------------------------------------------------------------- dimensions

NEW_OR_CONTINUING = Dimension(
    "new_or_continuing",
    _("uusi vai jatkuva asiakkuus"),
    ((NEW, _("uudet asiakkaat")), (CONTINUING, _("jatkavat asiakkaat"))),
)
REFERRAL_SOURCE = Dimension("referral_source", _("ohjaava taho"), tuple(ReferralSource.choices))
APPOINTMENT_TYPE = Dimension("type", _("tapaamisen laji"), tuple(AppointmentType.choices))
PLACE_KIND = Dimension("place_kind", _("paikka"), tuple(PlaceKind.choices))
CONTACT_CHOICES: Choices = tuple(
    (value, label) for value, label in Entry.Type.choices if value != Entry.Type.NOTE
)
CONTACT_TYPE = Dimension("type", _("kirjauksen laji"), CONTACT_CHOICES)
ENTRY_PLACE = Dimension("place", _("paikka"), tuple(Entry.Place.choices))
WORK_TYPE = Dimension(
    "work_type",
    _("työn laji"),
    (
        *CONTACT_CHOICES,
        (GROUP, _("ryhmään liittyvä tapaaminen")),
        (OTHER, _("muu tapaaminen")),
    ),
)
WHO_MET = Dimension(
    "met",
    _("keitä tavattiin"),
    (
        (WITH_CHILD, _("lapsi mukana")),
        (ADULTS_ONLY, _("vain aikuisia")),
        (UNKNOWN, _("ei tiedossa")),
    ),
)


# --------------------------------------------------------------------------- shared reads


@dataclass(frozen=True)
class Who:
    """A participant as the statistics see them: who (a person, or an unlinked alias) and when."""

    participant_id: int
    episode_id: int
    role: str
    key: str  # "p<person id>", or "a<alias id>" for an alias not linked to a person
    person_id: int | None
    birth_date: dt.date | None
    birth_year: int | None
    gender: str
    municipality_id: int | None
    joined_on: dt.date | None
    left_on: dt.date | None

    def on(self, day: dt.date) -> bool:
        """Was this a participant of the episode on ``day``?"""
        return (self.joined_on is None or self.joined_on <= day) and (
            self.left_on is None or self.left_on >= day
        )

    def age_class(self, day: dt.date) -> str:
        return adult_child_value(self.birth_date, self.birth_year, day)


WHO_FIELDS = (
    "pk",
    "episode_id",
    "role",
    "person_id",
    "person__birth_date",
    "person__gender",
    "person__municipality_id",
    "alias_id",
    "alias__birth_year",
    "alias__gender",
    "alias__person_id",
    "alias__person__birth_date",
    "alias__person__gender",
    "alias__person__municipality_id",
    "joined_on",
    "left_on",
)


def who_of(row: Sequence[Any]) -> Who:
    """A participant row of :data:`WHO_FIELDS`; an alias linked to a person is that person."""
    (
        pk,
        episode_id,
        role,
        person_id,
        birth_date,
        gender,
        municipality_id,
        alias_id,
        alias_birth_year,
        alias_gender,
        alias_person_id,
        alias_person_birth_date,
        alias_person_gender,
        alias_person_municipality_id,
        joined_on,
        left_on,
    ) = row
    if person_id is None and alias_person_id is not None:
        person_id = alias_person_id
        birth_date = alias_person_birth_date
        gender = alias_person_gender if alias_person_gender not in (None, UNKNOWN) else alias_gender
        municipality_id = alias_person_municipality_id
    key = f"p{person_id}" if person_id is not None else f"a{alias_id}"
    return Who(
        participant_id=pk,
        episode_id=episode_id,
        role=role,
        key=key,
        person_id=person_id,
        birth_date=birth_date,
        birth_year=alias_birth_year,
        gender=gender_value(gender if person_id is not None else alias_gender),
        municipality_id=municipality_id if person_id is not None else None,
        joined_on=joined_on,
        left_on=left_on,
    )


@shared_by_key
def participants_of(ids: set[int]) -> dict[int, list[Who]]:
    """Episode id → its participants (every role), in the order they were added (episodes
    without participants are left out). One query, for the episodes no earlier call of the run
    asked for."""
    out: dict[int, list[Who]] = {}
    if not ids:
        return out
    rows = Participant.objects.filter(episode_id__in=ids).order_by("pk").values_list(*WHO_FIELDS)
    for row in rows:
        who = who_of(row)
        out.setdefault(who.episode_id, []).append(who)
    return out


def principal(people: list[Who]) -> Who | None:
    """The episode's main client: the first client, else expectant parent, else child.

    Counts of meetings (not of persons) carry this person and their home municipality, so that
    a municipality's report shows the work done with its residents' families.
    """
    clients = [w for w in people if w.role in CLIENT_ROLES]
    if not clients:
        return None
    return min(clients, key=lambda w: (ROLE_RANK[w.role], w.participant_id))


def principals(people: Mapping[int, list[Who]]) -> dict[int, Who | None]:
    """Each episode's :func:`principal`: once an episode, not once a meeting."""
    return {episode_id: principal(who) for episode_id, who in people.items()}


def meeting_unit(
    values: tuple[str, ...], episode_id: int | None, mains: Mapping[int, Who | None]
) -> Unit:
    """A meeting's unit, carrying its episode's main client (``mains``: :func:`principals`)."""
    main = mains.get(episode_id) if episode_id is not None else None
    return Unit(
        values=values,
        episode_id=episode_id,
        person_id=main.person_id if main else None,
        municipality_id=main.municipality_id if main else None,
    )


def newest_of_chains(first: dict[int, str]) -> dict[int, tuple[int, str]]:
    """Entry id → the id and type of the newest version of its chain.

    ``first`` gives the type of each starting entry. One query per correction step: a chain is
    as long as the number of times one entry was corrected, which stays small.
    """
    newest = {pk: (pk, kind) for pk, kind in first.items()}
    frontier = {pk: pk for pk in first}  # a version → the entry its chain was entered from
    while frontier:
        step = Entry.objects.filter(supersedes_id__in=list(frontier)).values_list(
            "pk", "supersedes_id", "type"
        )
        following: dict[int, int] = {}
        for pk, previous, kind in step:
            origin = frontier[previous]
            newest[origin] = (pk, kind)
            following[pk] = origin
        frontier = following
    return newest


def chains_linked_from_appointments(entries: Mapping[int, int | None]) -> set[int]:
    """Of the newest versions ``entries`` (id → ``supersedes_id``), those whose chain holds an
    entry linked from an appointment (an outcome entry, possibly corrected in the journal since).
    """
    origin: dict[int, int] = {pk: pk for pk in entries}  # a version → the newest version
    frontier = {previous: pk for pk, previous in entries.items() if previous is not None}
    while frontier:
        origin.update({previous: origin[pk] for previous, pk in frontier.items()})
        step = Entry.objects.filter(pk__in=list(frontier), supersedes_id__isnull=False)
        frontier = {previous: pk for pk, previous in step.values_list("pk", "supersedes_id")}
    linked = Appointment.objects.filter(journal_entry_id__in=list(origin)).values_list(
        "journal_entry_id", flat=True
    )
    return {origin[pk] for pk in linked if pk is not None}


@dataclass(frozen=True)
class AppointmentRow:
    service_form_id: int
    episode_id: int
    type: str
    place_kind: str
    day: dt.date
    entry_id: int | None  # the outcome entry linked from the appointment
    entry_type: str | None


@dataclass(frozen=True)
class ContactRow:
    pk: int
    supersedes_id: int | None
    service_form_id: int
    episode_id: int
    type: str
    place: str
    day: dt.date


#: The appointment outcomes the indicators count: visits (and work done) and no-shows.
COUNTED_OUTCOMES = (Outcome.HAPPENED, Outcome.NO_SHOW)


_APPOINTMENTS: Final = Shape(
    lambda s: (
        Appointment.objects.filter(
            in_period(s, "starts_at"),
            organisation_id=s.organisation,
            service_form_id__in=s.forms,
            episode__isnull=False,
            outcome__in=COUNTED_OUTCOMES,
        )
        .annotate(local_day=local_day("starts_at"))
        .order_by("starts_at", "pk")
        .values_list(
            "outcome",
            "service_form_id",
            "episode_id",
            "type",
            "place_kind",
            "local_day",
            "journal_entry_id",
            "journal_entry__type",
        )
    )
)


@shared_read
def _appointments_by_outcome(params: Params) -> dict[str, list[AppointmentRow]]:
    # The local dates come from the database (as the contacts' below): reading ≈ 600 moments
    # and turning each into a Helsinki date took ≈ 2 ms in Python, half of this read.
    rows = period_rows(_APPOINTMENTS, params)
    found: dict[str, list[AppointmentRow]] = {outcome: [] for outcome in COUNTED_OUTCOMES}
    for outcome, *row in rows:
        found[outcome].append(AppointmentRow(*row))
    return found


def read_appointments(params: Params, outcome: str) -> list[AppointmentRow]:
    """The client appointments (with an episode) that started in the period with ``outcome``
    (one of :data:`COUNTED_OUTCOMES`): both outcomes are read in one query, once per run."""
    return _appointments_by_outcome(params)[outcome]


_CONTACTS: Final = Shape(
    lambda s: (
        Entry.objects.filter(
            in_period(s, "occurred_at"),
            episode__organisation_id=s.organisation,
            episode__service_form_id__in=s.forms,
            type__in=CONTACT_TYPES,
            superseded_by__isnull=True,
        )
        # Not the newest versions that are themselves an appointment's outcome entry: the
        # appointment is counted, and the entry would only be read to be dropped (in the
        # federation data every one of a year's 523 was).
        .exclude(Exists(Appointment.objects.filter(journal_entry_id=OuterRef("pk"))))
        .annotate(local_day=local_day("occurred_at"))
        .order_by("occurred_at", "pk")
        .values_list(
            "pk",
            "supersedes_id",
            "episode__service_form_id",
            "episode_id",
            "type",
            "place",
            "local_day",
        )
    )
)


@shared_read
def read_contacts(params: Params) -> list[ContactRow]:
    """The newest versions of the period's contact entries, without the appointments' own.

    An entry linked from an appointment is the appointment's outcome entry (the appointment is
    counted, not the entry). The database leaves out the newest versions that are linked
    themselves; only a corrected entry needs its older versions looked up (they may be the
    linked ones)."""
    rows = [ContactRow(*row) for row in period_rows(_CONTACTS, params)]
    corrected = {r.pk: r.supersedes_id for r in rows if r.supersedes_id}
    linked_earlier = chains_linked_from_appointments(corrected) if corrected else set()
    return [r for r in rows if r.pk not in linked_earlier]


def is_outpatient(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.OUTPATIENT
