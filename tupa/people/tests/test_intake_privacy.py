"""The intake (a new client, identifying an alias) tells nothing about a person the user cannot
see: not whether her processing is restricted (GDPR art. 18) — the refusal is the same neutral
message as for an identity code that does not match the name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Participant
from tupa.people.models import Person
from tupa.people.tests.support import mothers_code_typed

pytestmark = pytest.mark.django_db

NEUTRAL = "Henkilötunnus ja nimi eivät täsmää rekisterissä olevaan tietoon."
ART_18 = "18 artikla"


def _restrict(person: Person) -> None:
    with scopes_disabled():
        Person.objects.filter(pk=person.pk).update(processing_restricted=True)


def test_intake_does_not_tell_a_hidden_persons_processing_restriction(
    client: Client,
    world: dict[str, Any],
) -> None:
    mother = world["persons"]["mother"]
    _restrict(mother)
    login_verified(client, world["users"]["alvari_worker"])
    data = mothers_code_typed(world, "alvari")
    restricted = client.post(reverse("people:create"), data)
    mismatch = client.post(reverse("people:create"), {**data, "first_names": "Pekka"})
    assert restricted.status_code == mismatch.status_code == 200
    html = restricted.content.decode()
    assert ART_18 not in html
    assert NEUTRAL in html and NEUTRAL in mismatch.content.decode()
    with scopes_disabled():
        assert not Participant.objects.filter(
            person=mother, episode__service_form=world["forms"]["alvari"]
        ).exists()


def test_identifying_an_alias_does_not_tell_a_hidden_persons_processing_restriction(
    client: Client,
    world: dict[str, Any],
) -> None:
    """A Turvakoti worker identifying "Sininen" as the Lapsityö child (whom she does not see)."""
    child = world["persons"]["child"]
    with scopes_disabled():
        Participant.objects.filter(person=child, episode=world["episodes"]["stay"]).delete()
        Person.objects.filter(pk=child.pk).update(hetu="020419A308B")
    _restrict(child)
    login_verified(client, world["users"]["shelter_worker"])
    url = reverse("people:alias_link", args=[world["alias"].pk])
    data = {
        "first_names": "Eetu",
        "last_name": "Meikäläinen",
        "hetu": "020419A308B",
        "birth_date": "",
        "gender": "male",
        "reason": "Kertoi henkilöllisyytensä vastaanotolla.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert ART_18 not in html
    assert NEUTRAL in html
