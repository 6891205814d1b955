"""The demo's federation: an analyst, three members and last year's shared returns; idempotent."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import OrganisationFactory, org_role_user
from tupa.demo import statistics as demo
from tupa.statistics.models import Federation, Submission

pytestmark = pytest.mark.django_db


def test_demo_federation_is_built_once() -> None:
    organisation = OrganisationFactory.create()
    director = org_role_user(organisation, Role.EXECUTIVE_DIRECTOR, username="johtaja")
    summary = demo.build(organisation=organisation)
    assert summary is not None and summary.startswith("statistics: ")
    with scopes_disabled():
        federation = Federation.objects.get()
        members = [m.organisation for m in federation.memberships.order_by("pk")]
        assert members[0] == organisation and len(members) == 1 + demo.OTHER_MEMBERS
        analyst = User.objects.get(username="liitto")
        assert analyst.organisation == federation.office
        assert analyst.password == director.password
        sent = Submission.objects.order_by("pk")
        assert [s.organisation for s in sent] == members
        assert {s.template_id for s in sent} == {"federation.members"}
        assert sent[0].submitted_by == director
        # Each generated member's return is sent by its own executive director.
        for s in sent[1:]:
            assert s.submitted_by.organisation == s.organisation
            assert s.submitted_by.memberships.get().role == Role.EXECUTIVE_DIRECTOR
    assert demo.build(organisation=organisation) is None
    with scopes_disabled():
        assert Submission.objects.count() == 1 + demo.OTHER_MEMBERS
