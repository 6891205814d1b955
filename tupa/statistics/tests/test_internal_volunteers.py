"""The volunteer statistics report (``internal.volunteers``) on screen: who sees it, whose names
the drill-down shows, the dashboard link, CSV, and the page's query count.

Scenario and hand-computed figures: :mod:`.volunteer_scenario` and
:mod:`.test_indicators_volunteers`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.helpers import login_verified
from tupa.home.reports import report_links
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests import volunteer_scenario as scenario
from tupa.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

TEMPLATE = "internal.volunteers"
NAMES = ("Aalto Antti", "Certo Cecilia", "Dahl Daniel", "Forss Frans")


@pytest.fixture
def world() -> dict[str, Any]:
    return scenario.build()


def _url(form: Any, name: str = "return", *extra: Any) -> str:
    return reverse(f"statistics:{name}", args=[TEMPLATE, scenario.YEAR, form.slug, *extra])


def _line(indicator: str, breakdown: tuple[str, ...]) -> int:
    for index, line in returns.get(TEMPLATE).lines():
        if line.indicator == indicator and line.breakdown == breakdown:
            return index
    raise KeyError(indicator)


def _volunteer_log() -> list[AccessEvent]:
    with scopes_disabled():
        ct = ContentType.objects.get_for_model(Volunteer)
        return list(AccessEvent.objects.filter(subject_type=ct))


def _tables(response: Any) -> dict[tuple[str, tuple[str, ...]], Any]:
    return {
        (cl.indicator.id, cl.line.breakdown): cl.table
        for cl in response.context["computed"].lines()
    }


def test_coordinator_reads_the_report_of_their_form_with_the_hand_computed_figures(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    response = client.get(_url(world["a"]))
    assert response.status_code == 200
    f = _tables(response)
    assert f[("volunteers.volunteers", ("status",))].cell("active") == 3
    assert f[("volunteers.volunteers", ("status",))].cell("ended") == 1
    assert f[("volunteers.tasks", ("role",))].cell("group_co_leader") == 1
    assert f[("volunteers.new", ("role",))].total == 1
    assert f[("volunteers.ended", ("role",))].total == 1
    assert f[("volunteers.hours", ("activity_kind",))].total == 967
    assert f[("volunteers.occasions", ("month",))].cell("2025-03") == 2
    assert f[("volunteers.completions", ("course_kind",))].cell("mieskaveri_basic") == 1
    assert f[("volunteers.matches_ended", ("success",))].cell("yes") == 1
    assert f[("volunteers.matches_ended", ("success",))].cell("no") == 1
    assert f[("volunteers.referred_families", ())].total == 2
    page = response.content.decode()
    assert "9,67" in page  # hours in hundredths, shown with two decimals
    # Only B's coordinator (and the director) read B's report.
    assert client.get(_url(world["b"])).status_code == 404
    # The monthly view is a range like every internal report.
    march = client.get(_url(world["a"]), {"alku": "2025-03-01", "loppu": "2025-03-31"})
    assert _tables(march)[("volunteers.hours", ("activity_kind",))].total == 267


def test_drill_down_lists_volunteers_to_their_coordinator_and_logs_them(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    line = _line("volunteers.volunteers", ("status",))
    response = client.get(_url(world["a"], "drill", line))
    assert response.status_code == 200
    page = response.content.decode()
    for name in NAMES:
        assert name in page
    assert "Berg" not in page and "Eklund" not in page
    logged = _volunteer_log()
    assert len(logged) == 4
    assert {e.basis for e in logged} == {"membership"}
    assert {e.action for e in logged} == {"list"}
    # A cell: the ended volunteers of the form.
    cell = client.get(_url(world["a"], "drill", line), {"status": "ended"}).content.decode()
    assert "Certo Cecilia" in cell and "Aalto Antti" not in cell


def test_lead_sees_the_counts_but_not_the_volunteers(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    assert client.get(_url(world["a"])).status_code == 200
    line = _line("volunteers.volunteers", ("status",))
    page = client.get(_url(world["a"], "drill", line)).content.decode()
    assert 'data-figure="drill-total">4<' in page
    for name in NAMES:
        assert name not in page
    assert "4 vapaaehtoista, joita sinulla ei ole oikeutta nähdä" in page
    assert _volunteer_log() == []


def test_director_reads_every_form_and_the_families_are_never_listed(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["director"])
    assert client.get(_url(world["b"])).status_code == 200
    line = _line("volunteers.hours", ("activity_kind",))
    page = client.get(_url(world["a"], "drill", line)).content.decode()
    assert "Aalto Antti" in page and "Dahl Daniel" in page
    assert "2,67" in page and "7,00" in page  # each volunteer's hours
    assert 'data-figure="drill-total">9,67<' in page  # the total in hours, not hundredths
    assert {e.basis for e in _volunteer_log()} == {"organisation_role"}
    families = _line("volunteers.referred_families", ())
    page = client.get(_url(world["a"], "drill", families)).content.decode()
    assert "Luvun takana olevia perheitä ei luetella tilastossa" in page
    assert "Asiakkuudet luvun takana" not in page


@pytest.mark.parametrize("who", ["worker_b", "coordinator_b"])
def test_without_the_right_no_report_no_drill_down(
    client: Client, world: dict[str, Any], who: str
) -> None:
    login_verified(client, world[who])
    line = _line("volunteers.volunteers", ("status",))
    assert client.get(_url(world["a"])).status_code == 404
    assert client.get(_url(world["a"], "drill", line)).status_code == 404
    assert client.get(_url(world["a"], "export", "csv")).status_code == 404
    assert client.get(reverse("statistics:volunteers", args=[world["a"].slug])).status_code == 404
    index = client.get(reverse("statistics:index"), {"vuosi": scenario.YEAR}).content.decode()
    assert _url(world["a"]) not in index
    assert _volunteer_log() == []


def test_statistics_page_and_dashboard_list_the_report(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    index = client.get(reverse("statistics:index"), {"vuosi": scenario.YEAR}).content.decode()
    assert "Vapaaehtoistoiminta" in index
    assert _url(world["a"]) in index and _url(world["b"]) not in index
    # The executive director's dashboard: every form with volunteers, not the one without.
    with scopes_disabled():
        links = report_links(user=world["director"])
    url = {
        f.slug: reverse("statistics:volunteers", args=[f.slug]) for f in (world["a"], world["b"])
    }
    listed = {
        row["service_form"].slug
        for row in links
        if any(link["url"] == url.get(row["service_form"].slug) for link in row["links"])
    }
    assert listed == {world["a"].slug, world["b"].slug}  # not the form without volunteers
    login_verified(client, world["director"])
    response = client.get(url[world["a"].slug])
    this_year = dt.date.today().year
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "statistics:return", args=[TEMPLATE, this_year, world["a"].slug]
    )


def test_csv_export(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["coordinator"])
    response = client.get(_url(world["a"], "export", "csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Vapaaehtoistoiminta" in text
    assert "9,67" in text
    for name in NAMES:
        assert name not in text  # aggregates only


def test_return_page_query_count_does_not_grow_with_volunteers(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_verified(client, world["director"])
    client.get(_url(world["a"]))
    with CaptureQueriesContext(connection) as before:
        assert client.get(_url(world["a"])).status_code == 200
    me = world["coordinator"]
    with scopes_disabled():
        for i in range(10):
            v = scenario.volunteer(
                world["org"].pk, me, f"Uusi{i}", "Lisä", "man", [("active", dt.date(2025, 2, 1))]
            )
            scenario.task(v, world["a"], "mieskaveri", dt.date(2025, 2, 1))
            scenario.hours(
                v, world["a"], "event", dt.date(2025, 5, 5), dt.time(10), dt.time(11), me
            )
    with CaptureQueriesContext(connection) as after:
        assert client.get(_url(world["a"])).status_code == 200
    assert len(after) == len(before), (len(before), len(after))
    with django_assert_max_num_queries(45):
        client.get(_url(world["a"]))


def test_the_matching_page_links_to_the_report_instead_of_counting(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    page = client.get(reverse("volunteers:cases")).content.decode()
    assert reverse("statistics:volunteers", args=[world["a"].slug]) in page
    assert reverse("statistics:volunteers", args=[world["b"].slug]) not in page
