"""Test helpers: an outpatient service form with workers, a client episode and rooms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import ServiceFormFactory, client_in, worker_in
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode
from tupa.organisations.models import Partner, ServiceForm
from tupa.people.models import Person
from tupa.scheduling import services
from tupa.scheduling.models import Appointment, Outcome, PlaceKind, Room

#: "Today" of the tests: Friday 20.11.2026 12:00 Helsinki (week 47: Mon 16.11.–Sun 22.11.).
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)


def t(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=HELSINKI)


@dataclass
class World:
    form: ServiceForm
    worker: User
    lead: User
    colleague: User
    person: Person
    episode: Episode
    room: Room
    partner: Partner
    extra: dict[str, Any]


def world() -> World:
    form = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT, name="Avotyö (testi)")
    worker = worker_in(form, first_name="Wilma", last_name="Työntekijä")
    lead = worker_in(form, role=Role.LEAD, first_name="Leena", last_name="Esihenkilö")
    colleague = worker_in(form, first_name="Kalle", last_name="Kollega")
    person, episode = client_in(form, first_names="Kanariina", last_name="Lintunen")
    with scopes_disabled():
        room = Room.objects.create(organisation=form.organisation, name="Neuvotteluhuone")
        partner = Partner.objects.create(
            organisation=form.organisation, name="Heinolan perhekeskus (testi)"
        )
    return World(form, worker, lead, colleague, person, episode, room, partner, {})


def plan(actor: Any, form: ServiceForm, start: dt.datetime, **kwargs: Any) -> Appointment:
    """An hour's home visit of the form from ``start`` (``kwargs`` override), conflicts confirmed."""
    values: dict[str, Any] = {
        "actor": actor,
        "service_form": form,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=1),
        "type": "home_visit",
        "place_kind": PlaceKind.CLIENT_HOME,
        "confirm_conflicts": True,
    }
    values.update(kwargs)
    with scope(organisation=form.organisation_id):
        return services.appointment_create(**values)[0]


def world_with_visit() -> World:
    """:func:`world` with the worker's home visit of her client on Tuesday 17.11.2026 at 10
    (``extra["visit"]``)."""
    data = world()
    data.extra["visit"] = plan(data.worker, data.form, t(2026, 11, 17, 10), episode=data.episode)
    return data


@dataclass
class ForeignVisit:
    """Another unit's appointment to which a worker is invited (she cannot see its episode)."""

    appointment: Appointment
    worker: User
    episode: Episode


def foreign_no_show(w: World, **kwargs: Any) -> ForeignVisit:
    """A no-show home visit of another unit of ``w``'s organisation on 19.11.2026 at 9, a client
    "Piilo Toinen", with ``w.worker`` invited as a co-worker (``kwargs`` override)."""
    other = ServiceFormFactory.create(organisation=w.form.organisation)
    other_worker = worker_in(other)
    _person, other_episode = client_in(other, first_names="Piilo", last_name="Toinen")
    appointment = plan(
        other_worker,
        other,
        t(2026, 11, 19, 9),
        episode=other_episode,
        co_workers=[w.worker],
        **kwargs,
    )
    with scope(organisation=other.organisation_id):
        services.appointment_record_outcome(
            actor=other_worker, appointment=appointment, outcome=Outcome.NO_SHOW
        )
    return ForeignVisit(appointment, other_worker, other_episode)


def planning_data(w: World, **overrides: Any) -> dict[str, Any]:
    """The planning form's POST for an hour's home visit of ``w``'s client on 24.11.2026."""
    data: dict[str, Any] = {
        "episode": w.episode.pk,
        "date": "2026-11-24",
        "start": "10:00",
        "end": "11:00",
        "type": "home_visit",
        "place_kind": "client_home",
        "organiser": w.worker.pk,
        "repeat": "",
    }
    data.update(overrides)
    return data
