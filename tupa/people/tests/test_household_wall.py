"""The wall holds for households: perpetrator-side work never adds members to a household that
holds a person on the victim side whom the worker does not see (docs/security.md "The wall").

The world (``support.family_world``): Maija, her child Eetu and Matti, who has used violence
and is a Jussi-työ client, are one household. Matti has a new baby, Veeti, who takes part in
his Jussi-työ episode. Adding Veeti to the household from Matti's page would write Jussi-työ's
work into the family of the woman who fled him.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.access.clients import user_scope
from tupa.access.episodes import households_behind_wall
from tupa.core.tests.factories import ParticipantFactory, PersonFactory
from tupa.core.tests.helpers import login_verified
from tupa.people import services
from tupa.people.models import Household, HouseholdMember, Relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def baby(world: dict[str, Any]) -> Any:
    man = world["persons"]["man"]
    veeti = PersonFactory(
        organisation=world["org"],
        first_names="Veeti",
        last_name="Virtanen",
        birth_date=dt.date(2026, 6, 1),
    )
    ParticipantFactory(episode=world["episodes"]["jussi"], person=veeti, role="child")
    with scopes_disabled():
        Relationship.objects.create(person=man, relative=veeti, kind="parent")
    return veeti


def _members(household: Household) -> set[int]:
    with scopes_disabled():
        return set(
            HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True)
        )


def test_a_jussi_worker_adds_nobody_to_the_victims_household(
    client: Client, world: dict[str, Any], baby: Any
) -> None:
    man, household = world["persons"]["man"], world["household"]
    before = _members(household)
    login_verified(client, world["users"]["jussi_worker"])
    page = client.get(reverse("people:detail", args=[man.pk])).content.decode()
    add = reverse("people:household_add_member", args=[man.pk, household.pk])
    assert add not in page  # no link to a form he may not use
    assert client.get(add).status_code == 404
    assert client.post(add, {"member": str(baby.pk)}).status_code == 404
    with scope(organisation=world["org"].pk), pytest.raises(PermissionDenied):
        services.household_add_member(
            actor=world["users"]["jussi_worker"], household=household, person=baby
        )
    assert _members(household) == before


def test_the_jussi_worker_keeps_his_own_households_and_the_shelter_its_own(
    client: Client, world: dict[str, Any], baby: Any
) -> None:
    """Positive controls: Matti's own new household takes members from Jussi-työ, and the
    shelter adds members to Maija's household as before."""
    man, mother, household = (
        world["persons"]["man"],
        world["persons"]["mother"],
        world["household"],
    )
    login_verified(client, world["users"]["jussi_worker"])
    created = client.post(
        reverse("people:household_create", args=[man.pk]),
        {"name": "Matin uusi perhe", "family_types": ["stepfamily"], "members": []},
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    with scopes_disabled():
        own = Household.objects.get(name="Matin uusi perhe")
    add_own = reverse("people:household_add_member", args=[man.pk, own.pk])
    assert add_own in client.get(reverse("people:detail", args=[man.pk])).content.decode()
    assert client.post(add_own, {"member": str(baby.pk)}).status_code == 302
    assert _members(own) == {man.pk, baby.pk}
    # The shelter worker sees Maija and Eetu; Matti is hidden from her, yet she may add to
    # Maija's household (the wall keeps perpetrator-side work out, not the victim side in).
    shelter_worker = world["users"]["shelter_worker"]
    newborn = PersonFactory(organisation=world["org"], first_names="Aino", last_name="Meikäläinen")
    ParticipantFactory(episode=world["episodes"]["stay"], person=newborn, role="child")
    with scopes_disabled():
        Relationship.objects.create(person=mother, relative=newborn, kind="parent")
    login_verified(client, shelter_worker)
    add = reverse("people:household_add_member", args=[mother.pk, household.pk])
    assert add in client.get(reverse("people:detail", args=[mother.pk])).content.decode()
    assert client.post(add, {"member": str(newborn.pk)}).status_code == 302
    assert newborn.pk in _members(household)


def test_the_wall_check_costs_nothing_outside_perpetrator_work(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    shelter_worker, jussi_worker = (world["users"][k] for k in ("shelter_worker", "jussi_worker"))
    with scope(organisation=world["org"].pk):
        for user in (shelter_worker, jussi_worker):
            user_scope(user)  # read once per request (the page has read it already)
        with django_assert_num_queries(0):
            assert not households_behind_wall(
                user=shelter_worker, household_ids=[world["household"].pk]
            )
        with django_assert_num_queries(2):  # the user's grants, then the households
            assert households_behind_wall(
                user=jussi_worker, household_ids=[world["household"].pk]
            ) == {world["household"].pk}
