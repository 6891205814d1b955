"""``active_memberships``: the memberships every access decision reads, once per request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tupa.access import policy
from tupa.accounts.models import Role
from tupa.core.tests.factories import MembershipFactory, ServiceFormFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_valid_memberships_in_a_fixed_order_in_one_query() -> None:
    user = UserFactory.create()
    org = user.organisation
    today = timezone.localdate()
    # Created in an order unlike the expected one, so the order is not the primary keys'.
    second = ServiceFormFactory.create(organisation=org, area__organisation=org, order=2)
    first = ServiceFormFactory.create(organisation=org, area__organisation=org, order=1)
    org_wide = MembershipFactory.create(user=user, service_form=None, role=Role.EXECUTIVE_DIRECTOR)
    worker = MembershipFactory.create(user=user, service_form=second, role=Role.WORKER)
    lead = MembershipFactory.create(user=user, service_form=first, role=Role.LEAD)
    MembershipFactory.create(  # ended yesterday
        user=user, service_form=first, valid_until=today - dt.timedelta(days=1)
    )
    MembershipFactory.create(  # begins tomorrow
        user=user, service_form=second, valid_from=today + dt.timedelta(days=1)
    )
    MembershipFactory.create(service_form=first)  # someone else's

    with CaptureQueriesContext(connection) as queries:
        found = policy.active_memberships(user)
        again = policy.active_memberships(user)
    assert len(queries) == 1
    assert again is found
    # Service-form memberships by the form's order, organisation-wide ones last.
    assert [m.pk for m in found] == [lead.pk, worker.pk, org_wide.pk]
    assert found[0].service_form == first  # read with the membership


def test_an_inactive_account_has_none() -> None:
    membership = MembershipFactory.create()
    user = membership.user
    user.is_active = False
    assert policy.active_memberships(user) == []
