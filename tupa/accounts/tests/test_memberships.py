"""The membership queryset's vocabulary: which memberships are in force, which are client work."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from tupa.access.clients import CLIENT_WORK_ROLES
from tupa.accounts.models import Membership, Role
from tupa.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_client_work_is_the_worker_lead_and_coordinator_memberships() -> None:
    organisation = OrganisationFactory.create()
    in_form = {
        role: MembershipFactory.create(
            user=UserFactory.create(organisation=organisation), role=role
        )
        for role in (Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.VOLUNTEER_COORDINATOR)
    }
    for role in (Role.EXECUTIVE_DIRECTOR, Role.FINANCE, Role.DATA_PROTECTION_OFFICER):
        MembershipFactory.create(
            user=UserFactory.create(organisation=organisation), role=role, service_form=None
        )
    with scopes_disabled():
        found = set(Membership.objects.client_work().values_list("pk", flat=True))
    expected = {in_form[r].pk for r in (Role.WORKER, Role.LEAD, Role.COORDINATOR)}
    assert found == expected
    # The in-memory set of the access module says the same.
    with scopes_disabled():
        roles = {m.role for m in Membership.objects.all() if m.role in CLIENT_WORK_ROLES}
    assert roles == {Role.WORKER, Role.LEAD, Role.COORDINATOR}
