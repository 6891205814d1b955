"""Who may merge whom: a merge changes both records, so it needs a working basis for both.

A lead who sees a person only through the client's consent (read-only) or a break-the-glass
must not merge that person into her own client, nor open the merge page, which shows both
records' full identity codes (the person page masks the code on such a basis).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, PersonFactory
from tupa.core.tests.helpers import login_verified
from tupa.people.models import Consent, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world: dict[str, Any]) -> Person:
    """A Lapsityö client with an identity code, shared with Turvakoti by her consent."""
    org = world["org"]
    girl: Person = PersonFactory.create(
        organisation=org,
        first_names="Maija",
        last_name="Meikäläinen",
        hetu="131052-3081",
        birth_date=dt.date(1952, 10, 13),
    )
    episode = EpisodeFactory(service_form=world["forms"]["lapsityo"], organisation=org)
    ParticipantFactory(episode=episode, person=girl, role="client")
    with scopes_disabled():
        Consent.objects.create(
            person=girl,
            purpose="sharing",
            recipient_service_form=world["forms"]["shelter"],
            episode=episode,
            given_on=dt.date(2026, 1, 6),
            recorded_by=world["users"]["lapsityo_worker"],
        )
    return girl


def test_a_lead_cannot_merge_a_person_seen_only_by_consent(
    client: Client,
    world: dict[str, Any],
    shared: Person,
) -> None:
    mother = world["persons"]["mother"]
    login_verified(client, world["users"]["shelter_lead"])
    # She sees the shared person (read-only), with the code masked.
    page = client.get(reverse("people:detail", args=[shared.pk]))
    assert page.status_code == 200
    assert "131052-3081" not in page.content.decode()
    url = reverse("people:merge", args=[mother.pk, shared.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "131052-3081" not in response.content.decode()
    assert client.get(reverse("people:merge", args=[shared.pk, mother.pk])).status_code == 404
    posted = client.post(url, {"keep": str(mother.pk), "confirm": "on"})
    assert posted.status_code == 404
    with scopes_disabled():
        assert Person.objects.get(pk=shared.pk).merged_into_id is None
    # Nor is the merge offered on the person page's duplicate list.
    detail = client.get(reverse("people:detail", args=[mother.pk])).content.decode()
    assert reverse("people:merge", args=[mother.pk, shared.pk]) not in detail


def test_a_lead_still_merges_her_own_clients(
    client: Client,
    world: dict[str, Any],
) -> None:
    mother, duplicate = world["persons"]["mother"], world["persons"]["duplicate"]
    login_verified(client, world["users"]["shelter_lead"])
    url = reverse("people:merge", args=[mother.pk, duplicate.pk])
    assert url in client.get(reverse("people:detail", args=[mother.pk])).content.decode()
    assert client.get(url).status_code == 200
