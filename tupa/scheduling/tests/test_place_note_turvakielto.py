"""The place note and the note of a protected family's appointment (turvakielto).

A home visit's "paikan tarkenne" may hold the very address the family hides, whatever its help
text asks, and its "lisätieto" the door code. For an appointment whose episode is protected
(:func:`protected_episode_ids`) both are shown — on the appointment's page and in its change form — only to a worker who may
reveal the protected persons' restricted fields (:func:`tupa.access.contact.may_reveal_person`:
a work-task basis, never across the wall); an invited co-worker who sees the episode through an
assignment gets the neutral placeholder, and saving the change form keeps the note untouched.
The iCal feed never carries a place note at all. "Today" is Friday 20.11.2026.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from icalendar import Calendar

from tupa.accounts.models import User
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment
from tupa.people.models import Restriction
from tupa.scheduling import services
from tupa.scheduling.models import Appointment

from .support import World, plan, t, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ADDRESS = "KANARIA-Piilokatu 7 B 12"
DOOR_CODE = "Ovikoodi KANARIA-4321"


def _protect(w: World) -> None:
    with scopes_disabled():
        Restriction.objects.create(
            person=w.person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2020, 1, 1),
            created_by=w.lead,
        )


@pytest.fixture
def w() -> World:
    """The worker's home visit of her client on 24.11., a worker of another unit invited as a
    co-worker and assigned to the episode (so she sees the episode, on an assignment basis)."""
    data = world()
    other = ServiceFormFactory.create(organisation=data.form.organisation, area=data.form.area)
    invited = worker_in(other, first_name="Iida", last_name="Kutsuttu")
    with scope(organisation=data.form.organisation_id):
        Assignment.objects.create(
            episode=data.episode,
            user=invited,
            valid_from=dt.date(2026, 11, 1),
            assigned_by=data.worker,
        )
    data.extra["invited"] = invited
    data.extra["visit"] = plan(
        data.worker,
        data.form,
        t(2026, 11, 24, 10),
        episode=data.episode,
        co_workers=[invited],
        place_note=ADDRESS,
        note=DOOR_CODE,
    )
    return data


def _detail(client: Client, user: User, appointment: Appointment) -> str:
    login_verified(client, user)
    response = client.get(reverse("scheduling:detail", args=[appointment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_invited_co_worker_does_not_read_a_protected_familys_place_note(
    client: Client, w: World
) -> None:
    _protect(w)
    html = _detail(client, w.extra["invited"], w.extra["visit"])
    assert "Kotikäynti" in html  # she does see the appointment and its episode
    assert ADDRESS not in html and DOOR_CODE not in html
    assert html.count("Suojattu tieto") == 2


def test_an_empty_place_note_looks_the_same(client: Client, w: World) -> None:
    """The placeholder shows whether the note is empty or not: nothing tells that an address
    was written."""
    _protect(w)
    with scope(organisation=w.form.organisation_id):
        Appointment.objects.filter(pk=w.extra["visit"].pk).update(place_note="")
    assert "Suojattu tieto" in _detail(client, w.extra["invited"], w.extra["visit"])


def test_the_change_form_does_not_put_a_protected_place_note_in_its_input(
    client: Client, w: World
) -> None:
    _protect(w)
    login_verified(client, w.extra["invited"])
    response = client.get(reverse("scheduling:edit", args=[w.extra["visit"].pk]))
    assert response.status_code == 200
    assert ADDRESS not in response.content.decode()
    assert DOOR_CODE not in response.content.decode()


def test_saving_the_change_form_keeps_the_hidden_place_note(client: Client, w: World) -> None:
    _protect(w)
    visit: Appointment = w.extra["visit"]
    login_verified(client, w.extra["invited"])
    response = client.post(
        reverse("scheduling:edit", args=[visit.pk]),
        {
            "date": "2026-11-24",
            "start": "11:00",
            "end": "12:00",
            "type": "home_visit",
            "place_kind": "client_home",
            "organiser": w.worker.pk,
            "co_workers": [w.extra["invited"].pk],
            "version": visit.version,
            "confirm": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with scope(organisation=w.form.organisation_id):
        visit.refresh_from_db()
    assert (visit.place_note, visit.note) == (ADDRESS, DOOR_CODE)
    assert visit.starts_at == t(2026, 11, 24, 11)


def test_the_worker_of_the_family_still_reads_the_place_note(client: Client, w: World) -> None:
    _protect(w)
    detail = _detail(client, w.worker, w.extra["visit"])
    assert ADDRESS in detail and DOOR_CODE in detail
    client.logout()
    login_verified(client, w.worker)
    edit = client.get(reverse("scheduling:edit", args=[w.extra["visit"].pk])).content.decode()
    assert ADDRESS in edit and DOOR_CODE in edit


def test_without_a_restriction_the_invited_co_worker_reads_the_place_note(
    client: Client, w: World
) -> None:
    detail = _detail(client, w.extra["invited"], w.extra["visit"])
    assert ADDRESS in detail and DOOR_CODE in detail


def test_the_feed_never_carries_the_place_note(client: Client, w: World) -> None:
    _protect(w)
    for user in (w.worker, w.extra["invited"]):
        with scope(organisation=w.form.organisation_id):
            token = services.feed_token_regenerate(actor=user)
        body = client.get(reverse("scheduling:feed", args=[token])).content
        assert ADDRESS.encode() not in body and DOOR_CODE.encode() not in body
        assert len(Calendar.from_ical(body).walk("VEVENT")) == 1
