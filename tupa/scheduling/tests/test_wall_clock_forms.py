"""The appointment form across the daylight-saving changes (issue 10).

28.3.2027 03:30 does not exist in Helsinki (03:00 → 04:00); on 31.10.2027 03:00–03:59 happen
twice (first summer time UTC+3, then winter time UTC+2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from tupa.core.tests.helpers import login_verified
from tupa.scheduling.models import Appointment

from .support import World, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

UTC = dt.UTC


@pytest.fixture
def w() -> World:
    return world()


def _data(w: World, **overrides: Any) -> dict[str, Any]:
    return {
        "date": "2027-03-28",
        "start": "03:30",
        "end": "05:00",
        "type": "other",
        "place_kind": "other",
        "organiser": w.worker.pk,
        "repeat": "",
        **overrides,
    }


def test_a_nonexistent_start_is_refused_and_keeps_the_input(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    response = client.post(reverse("scheduling:create", args=[w.form.slug]), _data(w))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kellonaikaa 03:30 ei ole 28.3.2027" in html
    assert 'value="03:30"' in html and 'value="05:00"' in html
    with scope(organisation=w.form.organisation_id):
        assert not Appointment.objects.exists()


def test_repeated_times_are_asked_about_and_the_answers_are_stored(
    client: Client, w: World
) -> None:
    login_verified(client, w.worker)
    url = reverse("scheduling:create", args=[w.form.slug])
    data = _data(w, date="2027-10-31", start="03:30", end="03:15")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kumpi klo 03:30?" in html and "Kumpi klo 03:15?" in html
    # Not "the end must be after the start": which 03:15 is meant is not known yet.
    assert "Päättymisajan on oltava alkamisajan jälkeen." not in html
    # The first 03:30 (summer time) to the second 03:15 (winter time) is 45 minutes.
    response = client.post(url, {**data, "start_dst": "0", "end_dst": "1"})
    assert response.status_code == 302, response.content.decode()
    with scope(organisation=w.form.organisation_id):
        appointment = Appointment.objects.get()
    assert appointment.starts_at == dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert appointment.ends_at == dt.datetime(2027, 10, 31, 1, 15, tzinfo=UTC)


def test_an_end_before_the_start_is_still_refused_across_the_repeat(
    client: Client, w: World
) -> None:
    login_verified(client, w.worker)
    response = client.post(
        reverse("scheduling:create", args=[w.form.slug]),
        _data(w, date="2027-10-31", start="03:30", end="03:15", start_dst="1", end_dst="0"),
    )
    assert response.status_code == 400
    assert "Päättymisajan on oltava alkamisajan jälkeen." in response.content.decode()
