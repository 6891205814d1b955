"""The demo's group childminders and Perhetupa childminders are volunteer records (issue 12
item 7): the programme and drop-in builders name volunteers of the register, never free text,
and only on days the rules allow. Read from the whole demo, built once for the package by
``manage.py build_demo`` (conftest.py)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from tupa.core.wallclock import HELSINKI
from tupa.demo import programmes
from tupa.demo.tests.conftest import WholeDemo
from tupa.dropin.models import ChildcareSession
from tupa.organisations.models import Organisation
from tupa.programmes.models import Leader, Session
from tupa.volunteers import rules
from tupa.volunteers.models import Volunteer

# Reads the whole demo, which runs on SQLite (make test runs it there only, ADR 0012), built once
# on one pytest-xdist worker (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]


@pytest.fixture
def built(demo_at_now: WholeDemo) -> Organisation:
    return demo_at_now.organisation


def test_the_childminders_are_volunteer_records_of_the_programme_demo_names(
    built: Organisation,
) -> None:
    with scopes_disabled():
        leaders = list(
            Leader.objects.filter(programme__organisation=built, kind="volunteer").select_related(
                "volunteer"
            )
        )
        assert leaders, "the Ero children's groups have volunteer childminders"
        assert all(x.volunteer_id is not None and x.name == "" for x in leaders)
        names = {str(x.volunteer) for x in leaders}
        assert names <= set(programmes.VOLUNTEERS)
        for name in programmes.VOLUNTEERS:  # one record per name, shared with the volunteer demo
            first, last = name.split(" ", 1)
            assert (
                Volunteer.objects.filter(
                    organisation=built, first_names=first, last_name=last
                ).count()
                <= 1
            )
        on_sessions = Session.objects.filter(leaders__in=leaders).distinct().count()
        assert on_sessions > 0


def test_perhetupa_childcare_names_volunteers_with_a_valid_check_that_day(
    built: Organisation,
) -> None:
    with scopes_disabled():
        sessions = list(
            ChildcareSession.objects.filter(organisation=built).prefetch_related(
                "volunteers__record_checks"
            )
        )
        assert sessions
        assert any(session.volunteers.all() for session in sessions)
        for session in sessions:
            named = list(session.volunteers.all())
            assert session.volunteer_carers >= len(named)
            day = session.starts_at.astimezone(HELSINKI).date()
            for volunteer in named:
                latest = rules.latest_check(
                    c for c in volunteer.record_checks.all() if c.seen_on <= day
                )
                assert rules.check_is_valid(latest, day)
