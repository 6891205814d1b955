"""The full identity code is shown only on a membership basis (the person page masks it for
everyone else); the edit page must not print it either.

An assigned co-worker — e.g. the Jussi-työ worker of a couple session, assigned by the shelter
staff — edits the person's name and languages, but her identity code stays masked for him, and
his save keeps the stored code as it is.
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
from tupa.episodes.models import Assignment
from tupa.people.models import Person
from tupa.people.tests.support import edit_data

pytestmark = pytest.mark.django_db

CODE = "150352-2342"  # not the form's help text example


@pytest.fixture
def assigned(world: dict[str, Any]) -> Any:
    worker = world["users"]["alvari_worker"]
    with scopes_disabled():
        Person.objects.filter(pk=world["persons"]["mother"].pk).update(
            hetu=CODE, birth_date=dt.date(1952, 3, 15)
        )
        world["persons"]["mother"].refresh_from_db()
        Assignment.objects.create(
            episode=world["episodes"]["stay"],
            user=worker,
            valid_from=dt.date(2020, 1, 1),
            assigned_by=world["users"]["shelter_worker"],
        )
    return worker


def test_an_assigned_worker_never_sees_the_full_code(
    client: Client,
    world: dict[str, Any],
    assigned: Any,
) -> None:
    mother = world["persons"]["mother"]
    login_verified(client, assigned)
    detail = client.get(reverse("people:detail", args=[mother.pk]))
    assert detail.status_code == 200
    assert CODE not in detail.content.decode()
    edit = client.get(reverse("people:edit", args=[mother.pk]))
    assert edit.status_code == 200
    assert CODE not in edit.content.decode()
    # His save changes what he may change and keeps the code.
    data = edit_data(mother, mother.version, languages="suomi, arabia")
    del data["hetu"]
    saved = client.post(reverse("people:edit", args=[mother.pk]), data)
    assert saved.status_code == 302
    with scopes_disabled():
        stored = Person.objects.get(pk=mother.pk)
    assert stored.hetu == CODE
    assert stored.languages == "suomi, arabia"


def test_a_member_edits_the_code(
    client: Client,
    world: dict[str, Any],
    assigned: Any,
) -> None:
    mother = world["persons"]["mother"]
    login_verified(client, world["users"]["shelter_worker"])
    assert CODE in client.get(reverse("people:edit", args=[mother.pk])).content.decode()


def test_the_merge_page_masks_the_code_of_a_person_seen_on_assignment(
    client: Client,
    world: dict[str, Any],
) -> None:
    """A shelter lead assigned to an Alvari episode merges its client into hers; the Alvari
    client's code is masked for her there as on that person's page."""
    lead = world["users"]["shelter_lead"]
    org = world["org"]
    other = PersonFactory.create(
        organisation=org, first_names="Maija", last_name="Meikäläinen", hetu=CODE
    )
    episode = EpisodeFactory(service_form=world["forms"]["alvari"], organisation=org)
    ParticipantFactory(episode=episode, person=other, role="client")
    with scopes_disabled():
        Assignment.objects.create(
            episode=episode,
            user=lead,
            valid_from=dt.date(2020, 1, 1),
            assigned_by=world["users"]["alvari_worker"],
        )
    login_verified(client, lead)
    assert CODE not in client.get(reverse("people:detail", args=[other.pk])).content.decode()
    mother = world["persons"]["mother"]
    page = client.get(reverse("people:merge", args=[mother.pk, other.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert CODE not in html
    assert "131052-308T" in html  # her own client's code, on membership
