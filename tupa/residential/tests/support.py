"""Test helpers: a residential service form with places, and families in it."""

from __future__ import annotations

import datetime as dt

from django_scopes import scopes_disabled

from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, ServiceFormFactory
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.models import Place


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


def place(form: ServiceForm, code: str) -> Place:
    with scopes_disabled():
        return Place.objects.get(service_form=form, code=code)


def family(form: ServiceForm, *, children: int = 1) -> tuple[Episode, list[Participant]]:
    """An active episode with a mother (client) and ``children`` children."""
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    members = [ParticipantFactory.create(episode=episode, role="client")]
    members += [ParticipantFactory.create(episode=episode, role="child") for _ in range(children)]
    return episode, members
