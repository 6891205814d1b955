"""The unit worker's review list of access requests and its count on the dashboard: one rule
(which drafts hold a unit's data), the same as the draft's units, in a constant number of
queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.access import policy
from tupa.access.dataprotection import unit_form_ids
from tupa.core.tests.factories import (
    EpisodeFactory,
    MembershipFactory,
    ParticipantFactory,
    client_in,
    worker_in,
)
from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.access_requests.selectors import review_panel
from tupa.dataprotection.tests.support import drafted, units_world
from tupa.people.models import Alias

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return units_world()


def test_the_review_list_holds_the_drafts_with_the_units_data_as_the_draft_lists_them(
    world: dict[str, Any],
) -> None:
    shelter, outpatient = world["shelter"], world["outpatient"]
    # Maija: a shelter client herself and an outpatient client first known by an alias.
    maija, _stay = client_in(shelter, first_names="Maija", last_name="Testinen")
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=world["org"],
            label="M",
            service_form=outpatient,
            person=maija,
            linked_at=timezone.now(),
            link_reason="Tunnistettu käynnillä",
            created_by=world["dpo"],
        )
    ParticipantFactory.create(
        episode=EpisodeFactory.create(service_form=outpatient), person=None, alias=alias
    )
    liisa, _ep = client_in(outpatient, first_names="Liisa", last_name="Testinen")
    maija_ar, liisa_ar = drafted(world["dpo"], maija), drafted(world["dpo"], liisa)
    both = worker_in(shelter)
    MembershipFactory(user=both, organisation=world["org"], service_form=outpatient)
    for user, expected in (
        (world["shelter_worker"], [(maija_ar, [shelter.pk])]),
        (world["outpatient_worker"], [(maija_ar, [outpatient.pk]), (liisa_ar, [outpatient.pk])]),
        (both, [(maija_ar, sorted([shelter.pk, outpatient.pk])), (liisa_ar, [outpatient.pk])]),
        (world["other_worker"], []),
        (world["dpo"], []),  # the DPO has her own list; she is no worker of a unit
        (world["director"], []),
    ):
        rows = ars.requests_to_review(user=user)
        assert sorted(rows, key=lambda row: row[0].pk) == sorted(expected, key=lambda r: r[0].pk)
        assert ars.requests_to_review_count(user=user) == len(rows)
        for ar, mine in rows:  # the units are the draft's own, narrowed to the user's
            assert mine == sorted(set(ars.build_draft(ar.person, ar).units) & unit_form_ids(user))


def test_only_drafts_wait_for_a_review(world: dict[str, Any]) -> None:
    shelter, worker, dpo = world["shelter"], world["shelter_worker"], world["dpo"]
    received, _e = client_in(shelter)
    ars.request_create(actor=dpo, person=received, received_on=timezone.localdate())
    verified, _e = client_in(shelter)
    ar = ars.request_create(actor=dpo, person=verified, received_on=timezone.localdate())
    ars.identity_verify(actor=dpo, access_request=ar, method="Passi")
    reviewed, _e = client_in(shelter)
    ar = drafted(world["dpo"], reviewed)
    ars.unit_review_complete(actor=worker, access_request=ar, service_form_id=shelter.pk)
    assert ars.requests_to_review_count(user=worker) == 1  # a draft until the DPO confirms
    ars.dpo_review_complete(actor=dpo, access_request=ar)
    assert ars.requests_to_review(user=worker) == []
    assert ars.requests_to_review_count(user=worker) == 0
    assert review_panel(user=worker) == {"visible": False, "waiting": 0}


def test_the_panel_costs_one_query_whatever_the_number_of_requests(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    shelter = world["shelter"]
    drafted(world["dpo"], client_in(shelter)[0])
    worker = world["shelter_lead"]
    policy.active_memberships(worker)  # the dashboard has read them already (cached per request)
    with django_assert_num_queries(1):
        assert review_panel(user=worker) == {"visible": True, "waiting": 1}
    for _n in range(4):
        drafted(world["dpo"], client_in(shelter)[0])
    with django_assert_num_queries(1):
        assert review_panel(user=worker) == {"visible": True, "waiting": 5}
    with django_assert_num_queries(2):  # the review list itself: the drafts and their units
        assert len(ars.requests_to_review(user=worker)) == 5


def test_the_panel_costs_nothing_without_the_basis(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    drafted(world["dpo"], client_in(world["shelter"])[0])
    for user in (world["dpo"], world["director"]):
        policy.active_memberships(user)
        with django_assert_num_queries(0):
            assert review_panel(user=user) == {"visible": False}
    worker = world["other_worker"]  # a worker of a unit with nothing waiting: the count only
    policy.active_memberships(worker)
    with django_assert_num_queries(1):
        assert review_panel(user=worker) == {"visible": False, "waiting": 0}
