"""Outpatient work: visits, no-shows, contacts, work done and the children met."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.episodes.models import Entry
from tupa.scheduling.models import Outcome

from ..base import UNKNOWN, Indicator, Params, Unit
from ..dimensions import (
    ADULT,
    CHILD,
    GENDER,
    MONTH,
    MUNICIPALITY,
    SERVICE_FORM,
    month_value,
    municipality_value,
)
from .common import (
    ADULTS_ONLY,
    APPOINTMENT_TYPE,
    APPOINTMENT_WORK,
    CONTACT_TYPE,
    CONTACT_TYPES,
    ENTRY_PLACE,
    PLACE_KIND,
    WHO_MET,
    WITH_CHILD,
    WORK_TYPE,
    Who,
    is_outpatient,
    meeting_unit,
    newest_of_chains,
    participants_of,
    principals,
    read_appointments,
    read_contacts,
)

# --------------------------------------------------------------------------- appointments


def visit_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = read_appointments(params, Outcome.HAPPENED)
        mains = principals(participants_of(r.episode_id for r in rows))
    for r in rows:
        values = (str(r.service_form_id), r.type, r.place_kind, month_value(r.day))
        yield meeting_unit(values, r.episode_id, mains)


def no_show_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = read_appointments(params, Outcome.NO_SHOW)
        mains = principals(participants_of(r.episode_id for r in rows))
    for r in rows:
        yield meeting_unit((str(r.service_form_id), month_value(r.day)), r.episode_id, mains)


# --------------------------------------------------------------------------- journal


def contact_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = read_contacts(params)
        mains = principals(participants_of(r.episode_id for r in rows))
    for r in rows:
        values = (str(r.service_form_id), r.type, r.place, month_value(r.day))
        yield meeting_unit(values, r.episode_id, mains)


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
    appointments = read_appointments(params, Outcome.HAPPENED)
    newest = newest_of_chains(
        {r.entry_id: r.entry_type for r in appointments if r.entry_id and r.entry_type}
    )
    meetings = []
    for r in appointments:
        entry_id, recorded = newest.get(r.entry_id, (None, None)) if r.entry_id else (None, None)
        # The journal may tell the kind of meeting more precisely (an intake, a family meeting).
        work = recorded if recorded in CONTACT_TYPES else APPOINTMENT_WORK[r.type]
        meetings.append(_Meeting(r.service_form_id, r.episode_id, str(work), r.day, entry_id))
    for c in read_contacts(params):
        meetings.append(_Meeting(c.service_form_id, c.episode_id, c.type, c.day, c.pk))
    return meetings


def _met(
    meetings: list[_Meeting],
) -> tuple[dict[int, list[Who]], list[tuple[_Meeting, list[Who]]]]:
    """Each meeting with the persons it was with (the entry's marked participants, else the
    episode's participants of that day), and the episodes' participants. Two queries."""
    people = participants_of(m.episode_id for m in meetings)
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
        mains = principals(people)
    for m, persons in met:
        classes = {w.age_class(m.day) for w in persons}
        if CHILD in classes:
            who = WITH_CHILD
        elif ADULT in classes:
            who = ADULTS_ONLY
        else:
            who = UNKNOWN
        yield meeting_unit(
            (str(m.service_form_id), m.work_type, who, month_value(m.day)), m.episode_id, mains
        )


def children_met_units(params: Params) -> Iterator[Unit]:
    """One unit per child and service form: see :data:`CHILDREN_MET`."""
    with scopes_disabled():
        meetings = _meetings(params)
        _people, met = _met(meetings)
    first: dict[tuple[int, str], tuple[dt.date, Who]] = {}
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
