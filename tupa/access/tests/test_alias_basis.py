"""An anonymous client (alias) is seen, logged and changed on the basis of the episode (issue 9).

The old rule called every non-member basis "assignment", so a user who reached a shelter episode
by break-the-glass was logged as an assigned co-worker and could identify the alias.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.access import clients
from tupa.access.policy import Basis
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment, BreakGlass
from tupa.people import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    shelter = ServiceFormFactory(slug="turvakoti", violence_work="victim")
    outpatient = ServiceFormFactory(
        slug="avokriisi", organisation=shelter.organisation, violence_work="victim"
    )
    member = worker_in(shelter)
    alias = services.alias_create(actor=member, service_form=shelter, label="Äiti A")
    episode = EpisodeFactory(service_form=shelter, organisation=shelter.organisation)
    ParticipantFactory(
        episode=episode, person=None, alias=alias, role="client", violence_role="experienced"
    )
    emergency = worker_in(outpatient)
    assigned = worker_in(outpatient)
    outsider = worker_in(outpatient)
    now = timezone.now()
    with scopes_disabled():
        BreakGlass.objects.create(
            user=emergency,
            episode=episode,
            reason="Kiireellinen tilanne",
            started_at=now,
            expires_at=now + dt.timedelta(hours=1),
        )
        Assignment.objects.create(
            episode=episode, user=assigned, valid_from=dt.date(2020, 1, 1), assigned_by=member
        )
    return {
        "alias": alias,
        "member": member,
        "emergency": emergency,
        "assigned": assigned,
        "outsider": outsider,
    }


def test_the_basis_is_the_best_basis_of_the_aliass_episodes(world) -> None:  # type: ignore[no-untyped-def]
    alias = world["alias"]
    with scope(organisation=alias.organisation_id):
        assert clients.alias_basis(user=world["member"], alias=alias) is Basis.MEMBERSHIP
        assert clients.alias_basis(user=world["assigned"], alias=alias) is Basis.ASSIGNMENT
        assert clients.alias_basis(user=world["emergency"], alias=alias) is Basis.BREAK_THE_GLASS
        assert clients.alias_basis(user=world["outsider"], alias=alias) is None


@pytest.mark.parametrize(
    ("who", "status"), [("member", 200), ("assigned", 200), ("emergency", 404), ("outsider", 404)]
)
def test_only_membership_or_assignment_may_identify_an_alias(client, world, who, status) -> None:  # type: ignore[no-untyped-def]
    login_verified(client, world[who])
    response = client.get(reverse("people:alias_link", args=[world["alias"].pk]))
    assert response.status_code == status
