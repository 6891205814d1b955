"""The iCal feed tells no more than the web calendar.

An appointment the feed's owner sees on her calendar only as "Varattu" (an invited co-worker
from another unit, a client under a processing restriction — GDPR art. 18) is "Varattu" in the
feed too: no type, no code, no place, no outcome beyond "cancelled". Every event's UID is an
opaque per-user hash: stable from one fetch to the next (calendar programs update events by it),
but it neither contains the appointment's id nor matches the UID another worker's feed gives
the same appointment. "Today" is Friday 20.11.2026.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope
from icalendar import Calendar

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.people import rights
from tupa.scheduling import services
from tupa.scheduling.models import Appointment, Outcome

from .support import World, foreign_no_show, plan, t, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def w() -> World:
    """Our worker's own home visit on 23.11., and a no-show home visit of another unit on 19.11.
    to which she is invited as a co-worker (she cannot see its episode)."""
    data = world()
    data.extra["own"] = plan(data.worker, data.form, t(2026, 11, 23, 10), episode=data.episode)
    foreign = foreign_no_show(data, type="network_meeting")
    data.extra.update(
        foreign=foreign.appointment, other_worker=foreign.worker, other_episode=foreign.episode
    )
    return data


def _feed(client: Client, user: User) -> bytes:
    with scope(organisation=user.organisation_id):
        token = services.feed_token_regenerate(actor=user)
    response = client.get(reverse("scheduling:feed", args=[token]))
    assert response.status_code == 200
    return bytes(response.content)


def _events(body: bytes) -> dict[Any, Any]:
    """The feed's events by their start time."""
    return {e.decoded("dtstart"): e for e in Calendar.from_ical(body).walk("VEVENT")}


def _event_at(body: bytes, appointment: Appointment) -> Any:
    return _events(body)[appointment.starts_at]


def test_an_invited_co_workers_feed_shows_only_varattu(client: Client, w: World) -> None:
    foreign: Appointment = w.extra["foreign"]
    body = _feed(client, w.worker)
    event = _event_at(body, foreign)
    assert str(event["summary"]) == "Varattu"
    assert "location" not in event
    assert str(event["status"]) == "CONFIRMED"  # "did not come" is not told
    assert f"A-{w.extra['other_episode'].pk}" not in body.decode()
    text = event.to_ical().decode()
    for secret in ("verkosto", "asiakkaan koti", "saapunut"):
        assert secret.lower() not in text.lower(), secret
    # Her own visit keeps its type and code.
    own = _event_at(body, w.extra["own"])
    assert str(own["summary"]) == f"Kotikäynti A-{w.episode.pk}"


def test_a_cancelled_varattu_is_only_cancelled(client: Client, w: World) -> None:
    foreign: Appointment = w.extra["foreign"]
    with scope(organisation=foreign.organisation_id):
        services.appointment_record_outcome(
            actor=w.extra["other_worker"],
            appointment=foreign,
            outcome=Outcome.CANCELLED_BY_CLIENT,
        )
    event = _event_at(_feed(client, w.worker), foreign)
    assert str(event["summary"]) == "Varattu"
    assert str(event["status"]) == "CANCELLED"


def test_uids_are_opaque_stable_and_per_user(client: Client, w: World) -> None:
    foreign: Appointment = w.extra["foreign"]
    first = _event_at(_feed(client, w.worker), foreign)
    again = _event_at(_feed(client, w.worker), foreign)
    organisers = _event_at(_feed(client, w.extra["other_worker"]), foreign)
    uid = str(first["uid"])
    assert uid == str(again["uid"])  # calendar programs update the event by its UID
    local = uid.split("@")[0]
    assert str(foreign.pk) not in local.split("-")  # no appointment id …
    assert "appointment" not in local
    assert uid != str(organisers["uid"])  # … and nothing two workers' feeds could match
    own_uid = str(_event_at(_feed(client, w.worker), w.extra["own"])["uid"])
    assert str(w.extra["own"].pk) not in own_uid.split("@")[0].split("-")


def test_a_restricted_client_is_varattu_in_the_feed(client: Client, w: World) -> None:
    dpo = org_role_user(w.form.organisation, Role.DATA_PROTECTION_OFFICER)
    with scope(organisation=w.form.organisation_id):
        rights.processing_restriction_set(
            actor=dpo, person=w.person, restricted=True, reason="Asiakas kiistää tiedot"
        )
    body = _feed(client, w.worker)
    event = _event_at(body, w.extra["own"])
    assert str(event["summary"]) == "Varattu"
    assert f"A-{w.episode.pk}" not in body.decode()


def test_another_organisations_appointments_stay_out(client: Client, w: World) -> None:
    """A worker of another organisation invited by a crafted row is not in her feed."""
    elsewhere = ServiceFormFactory.create(organisation=OrganisationFactory.create())
    stranger = worker_in(elsewhere)
    _person, episode = client_in(elsewhere, first_names="Vieras", last_name="Ulkopuolinen")
    plan(stranger, elsewhere, t(2026, 11, 26, 9), episode=episode)
    body = _feed(client, w.worker)
    assert t(2026, 11, 26, 9) not in _events(body)
