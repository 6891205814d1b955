"""The personal iCal feed: no names or addresses, only the type and a short code; revocable."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope
from icalendar import Calendar

from tupa.core.tests.helpers import login_verified
from tupa.scheduling import services
from tupa.scheduling.models import Outcome, PlaceKind

from .support import World, t, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def w() -> World:
    data = world()
    with scope(organisation=data.form.organisation_id):
        visit = services.appointment_create(
            actor=data.worker,
            service_form=data.form,
            episode=data.episode,
            starts_at=t(2026, 11, 23, 10),
            ends_at=t(2026, 11, 23, 11),
            type="home_visit",
            place_kind=PlaceKind.CLIENT_HOME,
            place_note="Lintukuja 5 B 12",
            note="Kanariinan äiti paikalla",
        )[0]
        office = services.appointment_create(
            actor=data.worker,
            service_form=data.form,
            episode=data.episode,
            starts_at=t(2026, 11, 24, 13),
            ends_at=t(2026, 11, 24, 14),
            type="office_meeting",
            place_kind=PlaceKind.OWN_PREMISES,
            room=data.room,
        )[0]
        partner = services.appointment_create(
            actor=data.worker,
            service_form=data.form,
            episode=data.episode,
            starts_at=t(2026, 11, 25, 13),
            ends_at=t(2026, 11, 25, 14),
            type="office_meeting",
            place_kind=PlaceKind.PARTNER,
            partner=data.partner,
        )[0]
        services.appointment_record_outcome(
            actor=data.worker, appointment=partner, outcome=Outcome.CANCELLED_BY_CLIENT
        )
    data.extra.update(visit=visit, office=office, partner=partner)
    return data


def _new_feed_url(client: Client) -> str:
    html = client.post(reverse("scheduling:feed_settings"), {"action": "regenerate"}).content
    match = re.search(r'id="feed-url"[^>]*value="([^"]+)"', html.decode())
    assert match
    return match.group(1).replace("http://testserver", "")


def test_feed_has_codes_and_types_but_no_names_or_addresses(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    url = _new_feed_url(client)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    for secret in ("Kanariina", "Lintunen", "Lintukuja", "äiti", "Heinolan", "Keksitty"):
        assert secret not in body, secret
    calendar = Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    code = f"A-{w.episode.pk}"
    assert [str(e["summary"]) for e in events] == [
        f"Kotikäynti {code}",
        f"Toimistotapaaminen {code}",
        f"Toimistotapaaminen {code}",
    ]
    assert [str(e["location"]) for e in events] == [
        "asiakkaan koti",
        "Neuvotteluhuone",
        "yhteistyötahon tilat",
    ]
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    # 23.11.2026 10:00 Helsinki (EET, UTC+2) = 08:00 UTC.
    assert events[0].decoded("dtstart").isoformat() == "2026-11-23T08:00:00+00:00"


def test_revoked_or_regenerated_token_stops_working(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    first = _new_feed_url(client)
    assert client.get(first).status_code == 200
    second = _new_feed_url(client)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    response = client.post(reverse("scheduling:feed_settings"), {"action": "revoke"})
    assert response.status_code == 302
    assert client.get(second).status_code == 404
    html = client.get(reverse("scheduling:feed_settings")).content.decode()
    assert "ei käytössä" in html


def test_unknown_token_and_disabled_user_are_404(client: Client, w: World) -> None:
    assert client.get(reverse("scheduling:feed", args=["arvaus"])).status_code == 404
    login_verified(client, w.worker)
    url = _new_feed_url(client)
    w.worker.is_active = False
    w.worker.save()
    client.logout()
    assert client.get(url).status_code == 404


def test_feed_shows_only_the_users_own_appointments(client: Client, w: World) -> None:
    login_verified(client, w.colleague)
    url = _new_feed_url(client)
    calendar = Calendar.from_ical(client.get(url).content)
    assert list(calendar.walk("VEVENT")) == []
