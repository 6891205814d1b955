"""A child covered by a parent's restriction, seen by a worker who cannot see the parent.

The child's contact data stay hidden (the safe direction), but the banner must not tell the
parent's restriction — its kind (a population-register turvakielto, a court order…) and the
day it started (about when she fled) — to a worker on the other side of the wall.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ParticipantFactory
from tupa.core.tests.helpers import login_verified
from tupa.people.models import Restriction

pytestmark = pytest.mark.django_db


@pytest.fixture
def covered(world: dict[str, Any]) -> dict[str, Any]:
    mother, child = world["persons"]["mother"], world["persons"]["child"]
    with scopes_disabled():
        child.street_address = "Lapsen katu 5"
        child.save()
        Restriction.objects.create(
            person=mother,
            kind="court_order",
            source="Käräjäoikeus",
            valid_from=dt.date(2025, 3, 17),
            covers_household_children=True,
            created_by=world["users"]["shelter_worker"],
        )
    # The child also takes part in the father's Jussi-työ episode.
    ParticipantFactory(episode=world["episodes"]["jussi"], person=child, role="child")
    return world


def test_the_banner_across_the_wall_tells_nothing_of_the_parents_restriction(
    client: Client, covered: dict[str, Any]
) -> None:
    child = covered["persons"]["child"]
    login_verified(client, covered["users"]["jussi_worker"])
    response = client.get(reverse("people:detail", args=[child.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lapsen katu 5" not in html and "Suojattu tieto" in html  # still protected
    assert "Turvakielto – osoite- ja yhteystiedot on suojattu" in html
    assert "17.3.2025" not in html
    assert "tuomioistuimen määräys" not in html.lower()


def test_a_worker_who_sees_the_parent_reads_the_restriction(
    client: Client, covered: dict[str, Any]
) -> None:
    child = covered["persons"]["child"]
    login_verified(client, covered["users"]["shelter_worker"])
    html = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Lapsen katu 5" not in html
    assert "17.3.2025" in html
    assert "tuomioistuimen määräys" in html.lower()
