"""Indicators of the outpatient service forms (Avokriisityö, Jussi-työ, Lapsityö, Alvari …).

The outpatient work leaves three kinds of record, and each indicator reads the one that says
what it counts:

* the **episode** and its participants say who was a client (``outpatient.clients``);
* the **appointment** and its outcome say which planned meetings took place or were missed
  (``outpatient.visits``, ``outpatient.no_shows``);
* the **journal** says what else was done: calls, chats, advice, crisis help, meetings written
  straight into the journal (``outpatient.contacts``).

Recording an appointment's outcome writes a journal entry and links it from the appointment
(:mod:`tupa.scheduling.services.outcomes`), so a held appointment would be counted twice if the
journal were counted as well: an entry whose version chain contains an entry linked from an
appointment is the appointment's, and only the appointment counts. ``outpatient.work_done`` is
the union of the two (every held appointment and every other contact, once), the "work done"
statistics of Lapsityö (seed-spec REP-07) and of any outpatient form, and
``outpatient.children_met`` the distinct children those meetings were with.

A client is a person (or an alias not yet linked to one) in the role of client, expectant parent
or child of an episode that had *started* (active or ended, with a start date) and overlapped the
period; a person in two episodes of the same form counts once, with the breakdowns of the
earlier one. Enquiries and the queue are not client relationships yet: their calls and advice
show in ``outpatient.contacts``.

Who a meeting was with follows the journal's own rule (``entry_subjects``): the participants
marked on the entry, or, when none are marked (an appointment's outcome entry marks none), all
who were participants of the episode on that day.

Every period bound is a Helsinki-local date; a moment (an appointment's start, an entry's time)
belongs to the local date it happened on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Entry, Episode, Participant, ReferralSource
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind

from .base import UNKNOWN, Choices, Dimension, Indicator, IndicatorRegistry, Params, Unit
from .dimensions import (
    ADULT,
    ADULT_CHILD,
    CHILD,
    GENDER,
    MONTH,
    MUNICIPALITY,
    SERVICE_FORM,
    adult_child_value,
    gender_value,
    month_value,
    municipality_value,
)

#: Roles of the persons an episode serves; a partner or a close person is not a client.
CLIENT_ROLES = (
    Participant.Role.CLIENT,
    Participant.Role.EXPECTANT_PARENT,
    Participant.Role.CHILD,
)

_ROLE_RANK = {str(role): rank for rank, role in enumerate(CLIENT_ROLES)}

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
_CONTACT_CHOICES: Choices = tuple(
    (value, label) for value, label in Entry.Type.choices if value != Entry.Type.NOTE
)
CONTACT_TYPE = Dimension("type", _("kirjauksen laji"), _CONTACT_CHOICES)
ENTRY_PLACE = Dimension("place", _("paikka"), tuple(Entry.Place.choices))
WORK_TYPE = Dimension(
    "work_type",
    _("työn laji"),
    (
        *_CONTACT_CHOICES,
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


def _moment(day: dt.date) -> dt.datetime:
    """The start of a Helsinki-local day."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=HELSINKI)


def _window(params: Params, field: str) -> Q:
    """``field`` (a moment) falls on a local date of the period."""
    return Q(
        **{
            f"{field}__gte": _moment(params.start),
            f"{field}__lt": _moment(params.end + dt.timedelta(days=1)),
        }
    )


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, HELSINKI).date()


@dataclass(frozen=True)
class _Who:
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


_WHO_FIELDS = (
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


def _who(row: Sequence[Any]) -> _Who:
    """A participant row of :data:`_WHO_FIELDS`; an alias linked to a person is that person."""
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
    return _Who(
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


def _participants_of(episode_ids: Iterable[int]) -> dict[int, list[_Who]]:
    """Episode id → its participants (every role), in the order they were added. One query."""
    ids = set(episode_ids)
    out: dict[int, list[_Who]] = defaultdict(list)
    if not ids:
        return out
    rows = Participant.objects.filter(episode_id__in=ids).order_by("pk").values_list(*_WHO_FIELDS)
    for row in rows:
        who = _who(row)
        out[who.episode_id].append(who)
    return out


def _principal(people: list[_Who]) -> _Who | None:
    """The episode's main client: the first client, else expectant parent, else child.

    Counts of meetings (not of persons) carry this person and their home municipality, so that
    a municipality's report shows the work done with its residents' families.
    """
    clients = [w for w in people if w.role in CLIENT_ROLES]
    if not clients:
        return None
    return min(clients, key=lambda w: (_ROLE_RANK[w.role], w.participant_id))


def _meeting_unit(
    values: tuple[str, ...], episode_id: int | None, people: dict[int, list[_Who]]
) -> Unit:
    main = _principal(people.get(episode_id, [])) if episode_id is not None else None
    return Unit(
        values=values,
        episode_id=episode_id,
        person_id=main.person_id if main else None,
        municipality_id=main.municipality_id if main else None,
    )


def _newest_of_chains(first: dict[int, str]) -> dict[int, tuple[int, str]]:
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


def _chains_linked_from_appointments(entries: dict[int, int | None]) -> set[int]:
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
class _Appointment:
    service_form_id: int
    episode_id: int
    type: str
    place_kind: str
    day: dt.date
    entry_id: int | None  # the outcome entry linked from the appointment
    entry_type: str | None


@dataclass(frozen=True)
class _Contact:
    pk: int
    supersedes_id: int | None
    service_form_id: int
    episode_id: int
    type: str
    place: str
    day: dt.date


def _appointments(params: Params, outcome: str) -> list[_Appointment]:
    """The client appointments (with an episode) that started in the period with ``outcome``."""
    rows = (
        Appointment.objects.filter(
            _window(params, "starts_at"),
            organisation_id=params.organisation_id,
            service_form_id__in=params.service_form_ids,
            episode__isnull=False,
            outcome=outcome,
        )
        .order_by("starts_at", "pk")
        .values_list(
            "service_form_id",
            "episode_id",
            "type",
            "place_kind",
            "starts_at",
            "journal_entry_id",
            "journal_entry__type",
        )
    )
    return [
        _Appointment(form_id, episode_id, kind, place, _local_date(starts_at), entry, entry_type)
        for form_id, episode_id, kind, place, starts_at, entry, entry_type in rows
    ]


def _contacts(params: Params) -> list[_Contact]:
    """The newest versions of the period's contact entries, without the appointments' own."""
    rows = [
        _Contact(pk, previous, form_id, episode_id, kind, place, _local_date(occurred_at))
        for pk, previous, form_id, episode_id, kind, place, occurred_at in Entry.objects.filter(
            _window(params, "occurred_at"),
            episode__organisation_id=params.organisation_id,
            episode__service_form_id__in=params.service_form_ids,
            type__in=CONTACT_TYPES,
            superseded_by__isnull=True,
        )
        .order_by("occurred_at", "pk")
        .values_list(
            "pk",
            "supersedes_id",
            "episode__service_form_id",
            "episode_id",
            "type",
            "place",
            "occurred_at",
        )
    ]
    if not rows:
        return rows
    linked = _chains_linked_from_appointments({r.pk: r.supersedes_id for r in rows})
    return [r for r in rows if r.pk not in linked]


# --------------------------------------------------------------------------- clients


def client_units(params: Params) -> Iterator[Unit]:
    """One unit per person and service form; see :data:`CLIENTS` for the rule."""
    with scopes_disabled():
        rows = (
            Participant.objects.filter(
                Q(episode__end_date__isnull=True) | Q(episode__end_date__gte=params.start),
                Q(joined_on__isnull=True) | Q(joined_on__lte=params.end),
                Q(left_on__isnull=True) | Q(left_on__gte=params.start),
                episode__organisation_id=params.organisation_id,
                episode__service_form_id__in=params.service_form_ids,
                episode__status__in=STARTED,
                episode__start_date__isnull=False,
                episode__start_date__lte=params.end,
                role__in=CLIENT_ROLES,
            )
            .order_by("pk")
            .values_list(
                *_WHO_FIELDS,
                "episode__service_form_id",
                "episode__start_date",
                "episode__referral_source",
            )
        )
        first: dict[tuple[int, str], tuple[dt.date, int, _Who, str]] = {}
        for row in rows:
            who = _who(row[: len(_WHO_FIELDS)])
            form_id: int = row[len(_WHO_FIELDS)]
            start_date: dt.date = row[len(_WHO_FIELDS) + 1]
            referral: str = row[len(_WHO_FIELDS) + 2]
            # The client relationship of this person began when the episode started, or later
            # if they joined it later (a child added to the family's episode).
            since = max(start_date, who.joined_on or start_date)
            key = (form_id, who.key)
            if key not in first or (since, who.episode_id) < first[key][:2]:
                first[key] = (since, who.episode_id, who, referral)
    for (form_id, _key), (since, episode_id, who, referral) in first.items():
        if referral not in ReferralSource.values:
            referral = ReferralSource.OTHER
        yield Unit(
            values=(
                str(form_id),
                who.age_class(max(since, params.start)),
                who.gender,
                NEW if since >= params.start else CONTINUING,
                referral,
                municipality_value(who.municipality_id),
            ),
            episode_id=episode_id,
            person_id=who.person_id,
            municipality_id=who.municipality_id,
        )


# --------------------------------------------------------------------------- appointments


def visit_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = _appointments(params, Outcome.HAPPENED)
        people = _participants_of(r.episode_id for r in rows)
    for r in rows:
        values = (str(r.service_form_id), r.type, r.place_kind, month_value(r.day))
        yield _meeting_unit(values, r.episode_id, people)


def no_show_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = _appointments(params, Outcome.NO_SHOW)
        people = _participants_of(r.episode_id for r in rows)
    for r in rows:
        yield _meeting_unit((str(r.service_form_id), month_value(r.day)), r.episode_id, people)


# --------------------------------------------------------------------------- journal


def contact_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = _contacts(params)
        people = _participants_of(r.episode_id for r in rows)
    for r in rows:
        values = (str(r.service_form_id), r.type, r.place, month_value(r.day))
        yield _meeting_unit(values, r.episode_id, people)


# --------------------------------------------------------------------------- work done


@dataclass(frozen=True)
class _Meeting:
    """A held appointment or a contact entry: one piece of work done with a client."""

    service_form_id: int
    episode_id: int
    work_type: str
    day: dt.date
    entry_id: int | None  # the newest journal version that records it, if any


def _meetings(params: Params) -> list[_Meeting]:
    """Every held client appointment and every other contact entry of the period, once."""
    appointments = _appointments(params, Outcome.HAPPENED)
    newest = _newest_of_chains(
        {r.entry_id: r.entry_type for r in appointments if r.entry_id and r.entry_type}
    )
    meetings = []
    for r in appointments:
        entry_id, recorded = newest.get(r.entry_id, (None, None)) if r.entry_id else (None, None)
        # The journal may tell the kind of meeting more precisely (an intake, a family meeting).
        work = recorded if recorded in CONTACT_TYPES else APPOINTMENT_WORK[r.type]
        meetings.append(_Meeting(r.service_form_id, r.episode_id, str(work), r.day, entry_id))
    for c in _contacts(params):
        meetings.append(_Meeting(c.service_form_id, c.episode_id, c.type, c.day, c.pk))
    return meetings


def _met(
    meetings: list[_Meeting],
) -> tuple[dict[int, list[_Who]], list[tuple[_Meeting, list[_Who]]]]:
    """Each meeting with the persons it was with (the entry's marked participants, else the
    episode's participants of that day), and the episodes' participants. Two queries."""
    people = _participants_of(m.episode_id for m in meetings)
    marked: dict[int, set[int]] = defaultdict(set)
    links = Entry.participants.through.objects.filter(
        entry_id__in=[m.entry_id for m in meetings if m.entry_id is not None]
    ).values_list("entry_id", "participant_id")
    for entry_id, participant_id in links:
        marked[entry_id].add(participant_id)
    out = []
    for m in meetings:
        everyone = people.get(m.episode_id, [])
        chosen = marked.get(m.entry_id, set()) if m.entry_id is not None else set()
        if chosen:
            met = [w for w in everyone if w.participant_id in chosen]
        else:
            met = [w for w in everyone if w.on(m.day)]
        out.append((m, met))
    return people, out


def work_done_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        meetings = _meetings(params)
        people, met = _met(meetings)
    for m, persons in met:
        classes = {w.age_class(m.day) for w in persons}
        if CHILD in classes:
            who = WITH_CHILD
        elif ADULT in classes:
            who = ADULTS_ONLY
        else:
            who = UNKNOWN
        yield _meeting_unit(
            (str(m.service_form_id), m.work_type, who, month_value(m.day)), m.episode_id, people
        )


def children_met_units(params: Params) -> Iterator[Unit]:
    """One unit per child and service form: see :data:`CHILDREN_MET`."""
    with scopes_disabled():
        meetings = _meetings(params)
        _people, met = _met(meetings)
    first: dict[tuple[int, str], tuple[dt.date, _Who]] = {}
    for m, persons in sorted(met, key=lambda pair: pair[0].day):
        for w in persons:
            key = (m.service_form_id, w.key)
            if w.age_class(m.day) == CHILD and key not in first:
                first[key] = (m.day, w)
    for (form_id, _key), (_day, w) in first.items():
        yield Unit(
            values=(str(form_id), w.gender, municipality_value(w.municipality_id)),
            episode_id=w.episode_id,
            person_id=w.person_id,
            municipality_id=w.municipality_id,
        )


# --------------------------------------------------------------------------- registry


def is_outpatient(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.OUTPATIENT


CLIENTS = Indicator(
    id="outpatient.clients",
    version=1,
    title=_("Avopalvelujen asiakkaat"),
    rule=_(
        "Henkilöt, jotka olivat kaudella asiakkaana, lapsena tai odottavana vanhempana "
        "työmuodon asiakkuudessa, joka oli alkanut viimeistään kauden viimeisenä päivänä eikä "
        "päättynyt ennen kauden alkua; pelkät yhteydenotot, jonossa olevat, puolisot ja läheiset "
        "eivät ole mukana, ja tunnistamaton peitenimellä asioiva lasketaan omana henkilönään. "
        "Henkilö lasketaan kerran työmuotoa kohden, ja jaottelut tulevat hänen aiemmin alkaneesta "
        "asiakkuudestaan: uusi, jos hänen asiakkuutensa alkoi kaudella, ja ikä sinä päivänä, jona "
        "hän kaudella ensimmäisen kerran oli asiakkaana."
    ),
    unit_label=_("henkilöä"),
    dimensions=(
        SERVICE_FORM,
        ADULT_CHILD,
        GENDER,
        NEW_OR_CONTINUING,
        REFERRAL_SOURCE,
        MUNICIPALITY,
    ),
    units=client_units,
    applies=is_outpatient,
)

VISITS = Indicator(
    id="outpatient.visits",
    version=1,
    title=_("Toteutuneet asiakastapaamiset"),
    rule=_(
        "Asiakkuuteen liitetyt tapaamiset, joiden lopputulos on ”toteutui” ja jotka alkoivat "
        "kaudella (Suomen aikaa); tapaaminen lasketaan kerran osallistujien määrästä riippumatta. "
        "Työntekijöiden omat tapaamiset ilman asiakkuutta eivät ole mukana."
    ),
    unit_label=_("tapaamista"),
    dimensions=(SERVICE_FORM, APPOINTMENT_TYPE, PLACE_KIND, MONTH),
    units=visit_units,
    applies=is_outpatient,
)

NO_SHOWS = Indicator(
    id="outpatient.no_shows",
    version=1,
    title=_("Tapaamiset, joihin asiakas ei saapunut"),
    rule=_(
        "Asiakkuuteen liitetyt kaudella alkaneet tapaamiset, joiden lopputulos on ”asiakas ei "
        "saapunut”. Asiakkaan tai työntekijän perumat tapaamiset eivät ole mukana."
    ),
    unit_label=_("tapaamista"),
    dimensions=(SERVICE_FORM, MONTH),
    units=no_show_units,
    applies=is_outpatient,
)

CONTACTS = Indicator(
    id="outpatient.contacts",
    version=1,
    title=_("Asiakaskirjauksiin merkityt yhteydenotot ja tapaamiset"),
    rule=_(
        "Kaudella tapahtuneet asiakaskirjaukset (korjatuista vain uusin versio), joiden laji on "
        "muu kuin ”muu kirjaus”, myös yhteydenotto- ja jonovaiheen asiakkuuksissa. Tapaamisen "
        "lopputuloksesta syntynyt kirjaus (myös korjattuna) ei ole mukana, koska tapaaminen "
        "lasketaan toteutuneisiin tapaamisiin."
    ),
    unit_label=_("kirjausta"),
    dimensions=(SERVICE_FORM, CONTACT_TYPE, ENTRY_PLACE, MONTH),
    units=contact_units,
    applies=is_outpatient,
)

WORK_DONE = Indicator(
    id="outpatient.work_done",
    version=1,
    title=_("Tehty asiakastyö"),
    rule=_(
        "Toteutuneet asiakastapaamiset ja muut asiakaskirjauksiin merkityt yhteydenotot ja "
        "tapaamiset yhteensä, kukin kerran. Työn laji on kirjauksen laji, tai tapaamisen laji, "
        "jos tapaamisen kirjaus ei sitä tarkenna; lapsi on mukana, jos joku kirjaukseen "
        "merkityistä osallistujista (tai, jos ketään ei ole merkitty, asiakkuuden sen päivän "
        "osallistujista) oli alle 18-vuotias."
    ),
    unit_label=_("kertaa"),
    dimensions=(SERVICE_FORM, WORK_TYPE, WHO_MET, MONTH),
    units=work_done_units,
    applies=is_outpatient,
)

CHILDREN_MET = Indicator(
    id="outpatient.children_met",
    version=1,
    title=_("Tavatut lapset"),
    rule=_(
        "Eri lapset, jotka olivat mukana kaudella jossakin tehdyn asiakastyön tapaamisessa tai "
        "yhteydenotossa (kirjaukseen merkittynä osallistujana tai, jos ketään ei ole merkitty, "
        "asiakkuuden sen päivän osallistujana) ja olivat silloin alle 18-vuotiaita. Lapsi "
        "lasketaan kerran työmuotoa kohden."
    ),
    unit_label=_("lasta"),
    dimensions=(SERVICE_FORM, GENDER, MUNICIPALITY),
    units=children_met_units,
    applies=is_outpatient,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(CLIENTS, VISITS, NO_SHOWS, CONTACTS, WORK_DONE, CHILDREN_MET)
