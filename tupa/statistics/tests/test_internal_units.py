"""The units' own statistics as internal reports: the drop-in house, the groups and the supervised
meetings. The old page addresses redirect to the report (404 for whoever may not see it); the
report shows the figures the old pages' tests computed by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tables import Table
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.dropin.tests.support import house
from tupa.dropin.tests.test_statistics import TODAY as DROPIN_TODAY
from tupa.dropin.tests.test_statistics import build_scenario as dropin_scenario
from tupa.programmes.models import Session
from tupa.programmes.tests.support import add_member, add_session, group_form, pair, programme
from tupa.programmes.tests.support import record as record_attendance
from tupa.programmes.tests.support import t as group_t
from tupa.statistics import engine
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns import registry as returns
from tupa.visitation.tests import scenario as meetings
from tupa.visitation.tests.support import t as meeting_t
from tupa.visitation.tests.support import visitation_form

pytestmark = pytest.mark.django_db


def report(slug_year: tuple[str, int, str], start: dt.date, end: dt.date) -> str:
    url = reverse("statistics:return", args=list(slug_year))
    return f"{url}?{urlencode({'alku': start.isoformat(), 'loppu': end.isoformat()})}"


def tables(response: Any) -> dict[tuple[str, tuple[str, ...]], Table]:
    """The figures the return page computed, by (indicator id, breakdown)."""
    return {
        (cl.indicator.id, cl.line.breakdown): cl.table
        for cl in response.context["computed"].lines()
    }


def run(template: str, form: Any, start: dt.date, end: dt.date) -> dict[Any, Table]:
    params = Params(form.organisation_id, start, end, (form.pk,))
    computed = engine.run(returns.get(template), params)
    return {(cl.indicator.id, cl.line.breakdown): cl.table for cl in computed.lines()}


# --------------------------------------------------------------------------- drop-in house


@pytest.fixture
def house_world() -> Any:
    with time_machine.travel(DROPIN_TODAY, tick=False):
        yield dropin_scenario()


def test_dropin_old_addresses_redirect_to_the_report(
    client: Client, house_world: dict[str, Any]
) -> None:
    slug = house_world["form"].slug
    login_verified(client, house_world["worker"])
    old, old_csv = (
        reverse("dropin:statistics", args=[slug]),
        reverse("dropin:statistics_csv", args=[slug]),
    )
    with time_machine.travel(DROPIN_TODAY, tick=False):
        month = client.get(old, {"year": "2026", "month": "3"})
        year = client.get(old, {"year": "2025"})
        default = client.get(old)
        csv = client.get(old_csv, {"year": "2026"})
        bad = client.get(old, {"year": "kaksi", "month": "13"})
    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert month.status_code == 302
    assert month["Location"] == report(("internal.dropin_days", 2026, slug), *march)
    assert year["Location"] == report(
        ("internal.dropin", 2025, slug), dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    )
    whole_2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert default["Location"] == report(("internal.dropin", 2026, slug), *whole_2026)
    assert bad["Location"] == default["Location"]
    assert csv["Location"] == (
        reverse("statistics:export", args=["internal.dropin", 2026, slug, "csv"])
        + "?alku=2026-01-01&loppu=2026-12-31"
    )


def test_dropin_report_needs_access(client: Client, house_world: dict[str, Any]) -> None:
    form = house_world["form"]
    login_verified(client, worker_in(house(organisation=form.organisation, name="Toinen tupa")))
    with time_machine.travel(DROPIN_TODAY, tick=False):
        assert client.get(reverse("dropin:statistics", args=[form.slug])).status_code == 404
        assert client.get(reverse("dropin:statistics_csv", args=[form.slug])).status_code == 404
        page = reverse("statistics:return", args=["internal.dropin", 2026, form.slug])
        assert client.get(page).status_code == 404


def test_dropin_report_shows_the_hand_computed_figures(
    client: Client, house_world: dict[str, Any]
) -> None:
    form = house_world["form"]
    login_verified(client, org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR))
    with time_machine.travel(DROPIN_TODAY, tick=False):
        response = client.get(
            reverse("dropin:statistics", args=[form.slug]), {"year": "2026"}, follow=True
        )
        days = client.get(
            reverse("dropin:statistics", args=[form.slug]),
            {"year": "2026", "month": "3"},
            follow=True,
        )
        csv = client.get(
            reverse("dropin:statistics_csv", args=[form.slug]), {"year": "2026"}, follow=True
        )
    assert response.status_code == 200
    f = tables(response)
    assert f[("dropin.visits", ("visitor",))].total == 31
    assert f[("dropin.opening_days", ("day_type",))].total == 3
    assert f[("dropin.opening_days", ("day_type",))].cell("baby_day") == 1
    assert f[("dropin.childcare_children", ("age_group",))].total == 8
    assert f[("dropin.room_bookings", ("booking_kind", "billable"))].total == 4
    assert f[("dropin.rental_income", ("booking_kind",))].total == 15000  # 150,00 €
    assert f[("dropin.visits", ("month", "visitor"))].values[("row", "2026-03")] == 21
    html = response.content.decode()
    assert "CANARY-VUOKRAAJA" not in html  # the renter's contact is not an aggregate
    # Counted in cents, shown in euros: 15 000 cents is "150,00 €".
    assert "150,00" in html and "15\xa0000" not in html and "15 000" not in html
    march = tables(days)
    assert march[("dropin.visits", ("day", "visitor"))].values[("row", "2026-03-05")] == 11
    assert march[("dropin.visits", ("day", "visitor"))].total == 21
    assert csv.status_code == 200
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufeff") and "CANARY-VUOKRAAJA" not in body
    income = [r.split(";") for r in body.splitlines() if "dropin.rental_income" in r]
    totals = {r[4] for r in income if r[2] == "Yhteensä" and r[3] in ("", "Yhteensä")}
    assert totals == {"150,00"} and all(r[5] == "€" for r in income)


# --------------------------------------------------------------------------- groups

GROUP_NOW = dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def group_world() -> Any:
    """One programme with two sessions on 2.3. and 5.3.: the pair present at both, the other
    parent present once and absent once; 3 anonymous adults on 2.3.; a cancelled session 6.3.;
    a future session 20.3. (not held yet)."""
    with time_machine.travel(GROUP_NOW, tick=False):
        form = group_form()
        worker = worker_in(form)
        prog = programme(form, worker, name="Kevään ryhmä", starts_on=dt.date(2026, 3, 1))
        first = add_member(prog, worker, *pair(form))
        second = add_member(prog, worker, pair(form, child=False)[0])
        s1 = add_session(prog, worker, group_t(2026, 3, 2))
        s2 = add_session(prog, worker, group_t(2026, 3, 5))
        record_attendance(s1, worker, {first: "present", second: "present"}, anonymous_adults=3)
        record_attendance(s2, worker, {first: "present", second: "absent"})
        cancelled = add_session(prog, worker, group_t(2026, 3, 6))
        with scopes_disabled():
            Session.objects.filter(pk=cancelled.pk).update(cancelled=True)
        add_session(prog, worker, group_t(2026, 3, 20))
    return {"form": form, "worker": worker, "programme": prog}


def test_group_old_address_redirects_with_the_range(
    client: Client, group_world: dict[str, Any]
) -> None:
    slug = group_world["form"].slug
    login_verified(client, group_world["worker"])
    old = reverse("programmes:statistics", args=[slug])
    with time_machine.travel(GROUP_NOW, tick=False):
        ranged = client.get(old, {"start": "2026-03-01", "end": "2026-03-31"})
        finnish = client.get(old, {"start": "1.3.2026", "end": "31.3.2026"})
        default = client.get(old)
    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert ranged.status_code == 302
    assert ranged["Location"] == report(("internal.programmes", 2026, slug), *march)
    assert finnish["Location"] == ranged["Location"]
    year_to_date = (dt.date(2026, 1, 1), dt.date(2026, 3, 8))
    assert default["Location"] == report(("internal.programmes", 2026, slug), *year_to_date)


def test_group_report_needs_access(client: Client, group_world: dict[str, Any]) -> None:
    form = group_world["form"]
    login_verified(client, worker_in(ServiceFormFactory.create(organisation=form.organisation)))
    with time_machine.travel(GROUP_NOW, tick=False):
        assert client.get(reverse("programmes:statistics", args=[form.slug])).status_code == 404
        page = reverse("statistics:return", args=["internal.programmes", 2026, form.slug])
        assert client.get(page).status_code == 404


def test_group_report_shows_the_hand_computed_figures(
    client: Client, group_world: dict[str, Any]
) -> None:
    form, prog = group_world["form"], group_world["programme"]
    login_verified(client, org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR))
    with time_machine.travel(GROUP_NOW, tick=False):
        response = client.get(
            reverse("programmes:statistics", args=[form.slug]),
            {"start": "2026-03-01", "end": "2026-03-31"},
            follow=True,
        )
    assert response.status_code == 200
    f = tables(response)
    key = str(prog.pk)
    assert f[("programmes.sessions", ("programme",))].cell(key) == 2
    assert f[("programmes.cancelled_sessions", ("programme",))].cell(key) == 1
    assert f[("programmes.attendances", ("programme",))].cell(key) == 3
    assert f[("programmes.absences", ("programme", "absence"))].cell(key, "absent") == 1
    assert f[("programmes.members_present", ("programme",))].cell(key) == 2
    assert f[("programmes.persons", ("programme",))].cell(key) == 3  # the pair and the parent
    assert f[("programmes.absences", ("programme", "absence"))].cell(key, "excused") == 0
    assert f[("programmes.participants", ("adult_child", "gender"))].total == 3  # 2 + a child
    assert f[("programmes.anonymous", ("programme", "adult_child"))].cell(key, "adult") == 3
    # Attendance rate 3 / (3 + 1) = 75 %, as the old page showed it.
    assert 100 * 3 / (3 + 1) == 75.0


# --------------------------------------------------------------------------- supervised meetings

MEETING_NOW = meeting_t(2026, 6, 15, 12)
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


@pytest.fixture
def meeting_world() -> Any:
    with time_machine.travel(MEETING_NOW, tick=False):
        form = visitation_form()
        member = worker_in(form)
        built = meetings.build(form, member)
        other_form = visitation_form()
        meetings.build(other_form, worker_in(other_form))  # another organisation's
    return {"form": form, "member": member, **built}


def test_meeting_old_address_redirects(client: Client, meeting_world: dict[str, Any]) -> None:
    slug = meeting_world["form"].slug
    login_verified(client, meeting_world["member"])
    old = reverse("visitation:statistics", args=[slug])
    with time_machine.travel(MEETING_NOW, tick=False):
        ranged = client.get(old, {"start": "2026-01-01", "end": "2026-03-31"})
        default = client.get(old)
    assert ranged.status_code == 302
    assert ranged["Location"] == report(("internal.visitation", 2026, slug), *Q1)
    assert default["Location"] == report(
        ("internal.visitation", 2026, slug), dt.date(2026, 1, 1), dt.date(2026, 6, 15)
    )


def test_meeting_report_needs_access(client: Client, meeting_world: dict[str, Any]) -> None:
    form = meeting_world["form"]
    login_verified(client, org_role_user(form.organisation, Role.FINANCE))  # billing only
    with time_machine.travel(MEETING_NOW, tick=False):
        assert client.get(reverse("visitation:statistics", args=[form.slug])).status_code == 404
        page = reverse("statistics:return", args=["internal.visitation", 2026, form.slug])
        assert client.get(page).status_code == 404


def test_meeting_report_shows_the_hand_computed_figures(
    client: Client, meeting_world: dict[str, Any]
) -> None:
    """scenario.py: 9 meetings — supervised 7 (planned 1, took place 1, cancelled 3, no-show 1,
    interrupted 1, billable 4), exchange 2 (took place 2, billable 2); Lahti 7, Hollola 2; the
    court 7, the child supervisor 2; interrupted by threat 1; orders in force 2."""
    form = meeting_world["form"]
    login_verified(client, meeting_world["member"])
    with time_machine.travel(MEETING_NOW, tick=False):
        response = client.get(
            reverse("visitation:statistics", args=[form.slug]),
            {"start": "2026-01-01", "end": "2026-03-31"},
            follow=True,
        )
    assert response.status_code == 200
    f = tables(response)
    groups = ("planned", "took_place", "cancelled", "no_show", "interrupted")
    by_type = f[("visitation.meetings", ("meeting_type", "outcome_group"))]
    assert [by_type.cell("supervised", g) for g in groups] == [1, 1, 3, 1, 1]
    assert [by_type.cell("exchange", g) for g in groups] == [0, 2, 0, 0, 0]
    assert [by_type.values[("col", g)] for g in groups] == [1, 3, 3, 1, 1]
    assert by_type.total == 9
    billable = f[("visitation.meetings", ("meeting_type", "billable"))]
    assert billable.cell("supervised", "billable") == 4
    assert billable.cell("exchange", "billable") == 2
    assert billable.values[("col", "billable")] == 6
    payer = f[("visitation.meetings", ("payer_municipality", "outcome_group"))]
    assert {label: payer.values[("row", v)] for v, label in payer.rows} == {
        "Hollola": 2,
        "Lahti": 7,
        "ei tiedossa": 0,
    }
    authority = f[("visitation.meetings", ("authority", "outcome_group"))]
    named = {label: authority.values[("row", v)] for v, label in authority.rows}
    assert {k: v for k, v in named.items() if v} == {
        "Testin käräjäoikeus": 7,
        "Testin lastenvalvoja": 2,
    }
    basis = f[("visitation.meetings", ("basis", "outcome_group"))]
    assert {v: basis.values[("row", v)] for v, _l in basis.rows if basis.values[("row", v)]} == {
        "court_decision": 7,
        "supervisor_agreement": 2,
    }
    assert f[("visitation.interruptions", ("interruption_reason",))].cell("threat") == 1
    assert f[("visitation.orders", ("meeting_type",))].total == 2
