"""Bad input on every appointment screen: a Finnish message or 404, the typed values kept, never a
500. "Today" is Friday 20.11.2026."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tupa.core.tests.helpers import login_verified

from .support import World, planning_data, world_with_visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

HUGE = "9" * 30


@pytest.fixture
def w() -> World:
    return world_with_visit()


@pytest.mark.parametrize(
    "query",
    ["²", "١٢", HUGE, "-1", "1.0", " 1", "0x1"],
)
def test_a_strange_episode_in_the_address_is_404(client: Client, w: World, query: str) -> None:
    login_verified(client, w.worker)
    response = client.get(reverse("scheduling:create", args=[w.form.slug]), {"asiakkuus": query})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [
        {"episode": HUGE},
        {"room": HUGE, "place_kind": "own_premises"},
        {"partner": "abc", "place_kind": "partner"},
        {"organiser": HUGE},
        {"co_workers": [HUGE]},
        {"co_workers": [HUGE, "x"]},
        {"repeat": "weekly", "repeat_count": HUGE},
        {"repeat": "sometimes"},
        {"date": "2026-02-30", "start": "25:61"},
        {"note": "a\x00b"},
        {"place_note": "x" * 5000},
        {"type": "<script>", "place_kind": "🙂"},
    ],
)
def test_garbage_in_the_planning_form_is_a_finnish_400(
    client: Client, w: World, overrides: dict[str, Any]
) -> None:
    login_verified(client, w.worker)
    url = reverse("scheduling:create", args=[w.form.slug])
    response = client.post(url, planning_data(w, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors


def test_garbage_in_the_edit_and_outcome_forms_is_a_400(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    visit = w.extra["visit"]
    response = client.post(
        reverse("scheduling:edit", args=[visit.pk]),
        planning_data(w, version=HUGE, room=HUGE, place_kind="own_premises"),
    )
    assert response.status_code == 400
    response = client.post(
        reverse("scheduling:detail", args=[visit.pk]),
        {"outcome": "planned", "outcome_note": "x" * 6000},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Valitse" in html and "x" * 6000 in html


@pytest.mark.parametrize("day", ["²", HUGE, "2026-13-01", "0001-01-01", "2026-11-17T10:00"])
def test_a_strange_day_on_the_calendars_shows_today(client: Client, w: World, day: str) -> None:
    login_verified(client, w.worker)
    for url in (
        reverse("scheduling:my_calendar"),
        reverse("scheduling:team_week", args=[w.form.slug]),
    ):
        response = client.get(url, {"paiva": day, "nakyma": "vuosi"})
        assert response.status_code == 200


def test_an_unknown_feed_action_or_token_is_404(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    assert client.post(reverse("scheduling:feed_settings"), {"action": "x"}).status_code == 404
    assert client.get(reverse("scheduling:feed", args=["x" * 101])).status_code == 404
    assert client.get(reverse("scheduling:feed", args=["ä"])).status_code == 404
