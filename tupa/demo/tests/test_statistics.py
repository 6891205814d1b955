"""The demo's federation: an analyst, three members and last year's shared returns; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.demo import statistics as demo
from tupa.dropin.models import DailyCount, Session
from tupa.organisations.models import ServiceForm
from tupa.statistics import services
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


def test_demo_return_shows_a_late_correction() -> None:
    """The demo association's sent return, then Perhetupa's lead adds one family (one adult,
    two children) to the year's last counted day: the sent page's difference is +3 visits."""
    organisation = OrganisationFactory.create()
    org_role_user(organisation, Role.EXECUTIVE_DIRECTOR, username="johtaja")
    perhetupa = ServiceFormFactory.create(
        organisation=organisation,
        area__organisation=organisation,
        slug=demo.DROP_IN,
        kind=ServiceForm.Kind.DROP_IN,
    )
    worker_in(perhetupa, role=Role.LEAD, username=demo.DROP_IN_LEAD)
    year = timezone.localdate().year - 1
    with scopes_disabled():
        for day, adults in ((dt.date(year, 12, 17), 4), (dt.date(year, 12, 18), 6)):
            DailyCount.objects.create(
                organisation=organisation,
                service_form=perhetupa,
                date=day,
                session=Session.DAY,
                adults=adults,
                children=5,
            )
    assert demo.build(organisation=organisation) is not None
    with scopes_disabled():
        sent = Submission.objects.get(organisation=organisation)
        changed = services.changes(services.frozen(sent), services.recompute(sent))
        corrected = DailyCount.objects.get(service_form=perhetupa, date=dt.date(year, 12, 18))
    assert (corrected.adults, corrected.children) == (7, 7)
    visits = [c for c in changed if c.title == "Perhetuvan käynnit"]
    assert [(c.sent, c.now) for c in visits] == [(20, 23)]
