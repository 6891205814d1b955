"""The demo's prevention work (TPPH): its activities and material deliveries are written through
the register's services, lie in the demo's history, name no person, and STEA's report for the
TPPH grant counts them. Read from the whole demo (conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from tupa.demo import prevention
from tupa.demo.calendar import history_start
from tupa.demo.tests.conftest import NOW, WholeDemo
from tupa.organisations.models import Organisation, ServiceForm
from tupa.prevention.models import Activity, Delivery, Material

pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]


@pytest.fixture
def built(demo_at_now: WholeDemo) -> Organisation:
    return demo_at_now.organisation


def test_tpph_has_a_history_of_activities_and_deliveries(built: Organisation) -> None:
    today = NOW.date()
    with scopes_disabled():
        form = ServiceForm.objects.get(organisation=built, slug=prevention.SLUG)
        activities = list(Activity.objects.filter(service_form=form))
        deliveries = list(Delivery.objects.filter(service_form=form))
        materials = list(Material.objects.filter(service_form=form))
        recorded_by = {
            h.history_user.username
            for h in Activity.history.filter(service_form_id=form.pk).select_related("history_user")
        }
    assert {m.name for m in materials} == set(prevention.MATERIALS)
    assert [m.name for m in materials if not m.active] == ["Turvallinen vanhuus -esite"]
    last_year = [a for a in activities if a.starts_on.year == today.year - 1]
    # Six coordination-group meetings, a fair and a seminar every whole year of history.
    assert sum(a.kind == "network" for a in last_year) == 6
    assert sum(a.kind == "seminar" for a in last_year) == 2
    assert all(history_start(today) <= a.starts_on < today for a in activities)
    assert all(history_start(today) <= d.date < today for d in deliveries)
    assert all(a.reached > 0 for a in activities)
    assert recorded_by == {prevention.COORDINATOR}


def test_building_again_changes_nothing(built: Organisation) -> None:
    with scopes_disabled():
        before = Activity.objects.filter(organisation=built).count()
    assert prevention.build(organisation=built) is None
    with scopes_disabled():
        assert Activity.objects.filter(organisation=built).count() == before


def test_the_fair_lasts_four_days(built: Organisation) -> None:
    with scopes_disabled():
        fairs = list(
            Activity.objects.filter(organisation=built, title__startswith="Kokonaisturvallisuus")
        )
    assert fairs
    assert all(f.ends_on == f.starts_on + dt.timedelta(days=3) for f in fairs)
