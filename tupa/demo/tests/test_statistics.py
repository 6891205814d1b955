"""The demo's federation: an analyst, a membership and last year's shared return; idempotent."""

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
        assert federation.memberships.get().organisation == organisation
        analyst = User.objects.get(username="liitto")
        assert analyst.organisation == federation.office
        assert analyst.password == director.password
        sent = Submission.objects.get()
        assert sent.template_id == "federation.members" and sent.submitted_by == director
    assert demo.build(organisation=organisation) is None
    with scopes_disabled():
        assert Submission.objects.count() == 1
