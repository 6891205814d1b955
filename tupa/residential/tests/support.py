"""Test helpers: a residential service form with places, and families in it."""

from __future__ import annotations

import datetime as dt

from django_scopes import scope, scopes_disabled

from tupa.accounts.models import User
from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, ServiceFormFactory
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.models import PayerCategory, Place, Stay
from tupa.residential.stays import services as stay_services


def t(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=HELSINKI)


def residential_form(*, places: int = 5, room_capacity: int | None = 3) -> ServiceForm:
    """A shelter with ``places`` family places (p1…) and optionally a room (code "room")."""
    form = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, name="Turvakoti (testi)")
    with scopes_disabled():
        for i in range(1, places + 1):
            Place.objects.create(
                organisation=form.organisation,
                service_form=form,
                name=f"Perhepaikka {i}",
                code=f"p{i}",
                order=i,
            )
        if room_capacity:
            Place.objects.create(
                organisation=form.organisation,
                service_form=form,
                name="Huone A",
                code="room",
                kind=Place.Kind.ROOM,
                capacity=room_capacity,
                order=99,
            )
    return form


def victim_shelter(*, places: int) -> ServiceForm:
    """A shelter for victims of violence (``violence_work`` "victim") with ``places`` family
    places and no room."""
    form = residential_form(places=places, room_capacity=None)
    with scopes_disabled():
        ServiceForm.objects.filter(pk=form.pk).update(violence_work="victim")
        form.refresh_from_db()
    return form


def place(form: ServiceForm, code: str) -> Place:
    with scopes_disabled():
        return Place.objects.get(service_form=form, code=code)


def family(form: ServiceForm, *, children: int = 1) -> tuple[Episode, list[Participant]]:
    """An active episode with a mother (client) and ``children`` children."""
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    members = [ParticipantFactory.create(episode=episode, role="client")]
    members += [ParticipantFactory.create(episode=episode, role="child") for _ in range(children)]
    return episode, members


def admit(
    actor: User,
    form: ServiceForm,
    episode: Episode,
    members: list[Participant],
    code: str,
    arrived_at: dt.datetime,
) -> Stay:
    """The family's stay in the place ``code`` from ``arrived_at``, the state paying."""
    with scope(organisation=form.organisation):
        return stay_services.stay_admit(
            actor=actor,
            episode=episode,
            place=place(form, code),
            arrived_at=arrived_at,
            members=members,
            payer_category=PayerCategory.STATE,
        )
