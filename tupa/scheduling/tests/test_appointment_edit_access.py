"""What a co-worker who cannot see an appointment's episode gets from its pages.

A worker of another service form may be named a co-worker of an appointment (``may_manage``) and
so reach its pages, but the episode is not theirs: the detail page shows it only as "Varattu"
and hides the note and the place note (they may hold a client's name or address). The change
page must hide them just the same.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from tupa.core.tests.factories import ServiceFormFactory, client_in, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.scheduling.models import Appointment

from .support import World, plan, t, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CANARY_NOTE = "KANARIA-muistiinpano-4R"
CANARY_PLACE = "KANARIA-kotiosoite-8T"
CANARY_NAME = "KANARIA-asiakas-2W"


@pytest.fixture
def w() -> World:
    data = world()
    other = ServiceFormFactory.create(organisation=data.form.organisation)
    other_worker = worker_in(other)
    _person, other_episode = client_in(other, first_names=CANARY_NAME, last_name="Piilo")
    data.extra["foreign"] = plan(
        other_worker,
        other,
        t(2026, 11, 24, 9),
        episode=other_episode,
        co_workers=[data.worker],  # our worker, who cannot see the other form's episode
        note=CANARY_NOTE,
        place_note=CANARY_PLACE,
    )
    return data


def test_detail_hides_the_notes_from_a_co_worker_without_the_episode(
    client: Client, w: World
) -> None:
    login_verified(client, w.worker)
    html = client.get(reverse("scheduling:detail", args=[w.extra["foreign"].pk])).content.decode()
    assert "Varattu" in html
    for canary in (CANARY_NOTE, CANARY_PLACE, CANARY_NAME):
        assert canary not in html


def test_change_page_hides_the_notes_from_a_co_worker_without_the_episode(
    client: Client, w: World
) -> None:
    """The change page put the note and the place note into its inputs for anyone who may
    manage the appointment, although the detail page hides them from a co-worker who cannot
    see the episode."""
    login_verified(client, w.worker)
    response = client.get(reverse("scheduling:edit", args=[w.extra["foreign"].pk]))
    html = response.content.decode()
    for canary in (CANARY_NOTE, CANARY_PLACE, CANARY_NAME):
        assert canary not in html
    assert response.status_code == 404


def test_change_post_from_a_co_worker_without_the_episode_is_refused(
    client: Client, w: World
) -> None:
    """Nor may they overwrite the note they cannot read."""
    login_verified(client, w.worker)
    foreign = w.extra["foreign"]
    response = client.post(
        reverse("scheduling:edit", args=[foreign.pk]),
        {
            "date": "2026-11-24",
            "start": "09:00",
            "end": "10:00",
            "type": "home_visit",
            "place_kind": "client_home",
            "organiser": foreign.organiser_id,
            "note": "overwritten",
            "version": foreign.version,
        },
    )
    assert response.status_code == 404
    with scope(organisation=w.form.organisation_id):
        assert Appointment.objects.get(pk=foreign.pk).note == CANARY_NOTE
