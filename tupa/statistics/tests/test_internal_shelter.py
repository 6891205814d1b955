"""The residential units' internal returns (turn-aways, the 24 h line) and the old pages'
redirects: the hand-computed figures of the former counting selectors, now through the engine.

The worlds and their hand-computed figures are those of ``tupa/residential/tests/test_turnaway``
(``_counted_world``: year 2026 around month ends and the DST change) and ``test_line`` (27.2.–
31.3.2026 across a month boundary, Helsinki time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.residential.models import LineContact
from tupa.residential.tests import test_line, test_turnaway
from tupa.residential.tests.support import t
from tupa.statistics.engine import Computed, run
from tupa.statistics.indicators import residential as r
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns.internal.shelter import LINE, TURN_AWAYS
from tupa.statistics.tests.properties import assert_consistent

pytestmark = pytest.mark.django_db

D = dt.date
LATER = test_turnaway.LATER


def _run(template: Any, form: ServiceForm, start: dt.date, end: dt.date) -> Computed:
    computed = run(template, Params(form.organisation_id, start, end, (form.pk,)))
    for line in computed.lines():
        assert line.result is not None
        assert_consistent(line.result)
    return computed


def _nonzero(table: Any) -> dict[str, int]:
    return {row: table.values[("cell", row, "")] for row, _ in table.rows if table.cell(row)}


# --------------------------------------------------------------------------- turn-aways


def test_turn_aways_by_hand() -> None:
    form, _worker = test_turnaway._counted_world()
    with time_machine.travel(LATER, tick=False):
        year = _run(TURN_AWAYS, form, D(2026, 1, 1), D(2026, 12, 31))
    lines = year.lines()
    by_reason, persons_by_reason = lines[0].table, lines[1].table
    # The year: 5 requests, 6 adults, 6 children.
    assert (by_reason.total, persons_by_reason.total) == (5, 12)
    assert persons_by_reason.values[("col", "adult")] == 6
    assert persons_by_reason.values[("col", "child")] == 6
    # By reason (requests, adults, children).
    got = {
        reason: (
            by_reason.cell(reason),
            persons_by_reason.cell(reason, "adult"),
            persons_by_reason.cell(reason, "child"),
        )
        for reason, _label in by_reason.rows
    }
    assert got == {
        "no_place": (3, 4, 2),
        "not_suitable": (1, 1, 1),
        "safety": (1, 1, 3),
        "other": (0, 0, 0),
    }
    by_destination = lines[2].table
    assert by_destination.cell("other_shelter") == 3
    assert by_destination.cell("social_services") == 2
    assert by_destination.cell("nowhere") == 0
    # THL's figure: no free place and sent to another shelter: 2 requests, 3 + 2 = 5 persons.
    assert lines[4].table.cell("no_place", "other_shelter") == 2
    assert lines[5].table.cell("no_place", "other_shelter") == 5
    # By month: requests, adults, children.
    requests_by_month, persons_by_month = lines[6].table, lines[7].table
    months = {
        month: (
            requests_by_month.cell(month),
            persons_by_month.cell(month, "adult"),
            persons_by_month.cell(month, "child"),
        )
        for month, _label in requests_by_month.rows
    }
    assert months["2026-01"] == (1, 1, 2)
    assert months["2026-02"] == (2, 3, 1)
    assert months["2026-03"] == (2, 2, 3)
    assert all(months[f"2026-{m:02d}"] == (0, 0, 0) for m in range(4, 13))
    # THL's figure (persons) by month: January 3, February 2, March 0.
    with time_machine.travel(LATER, tick=False):
        persons = _run_indicator(r.SHELTER_TURNED_AWAY_V2, form, D(2026, 1, 1), D(2026, 12, 31))
    lack = persons.by("reason", "destination", "month")
    assert [lack[("no_place", "other_shelter", f"2026-0{m}")] for m in (1, 2, 3)] == [3, 2, 0]
    # A month is a range: February by reason; March has no THL figure.
    with time_machine.travel(LATER, tick=False):
        february = _run(TURN_AWAYS, form, D(2026, 2, 1), D(2026, 2, 28))
        march = _run(TURN_AWAYS, form, D(2026, 3, 1), D(2026, 3, 31))
        previous = _run(TURN_AWAYS, form, D(2025, 1, 1), D(2025, 12, 31))
        following = _run(TURN_AWAYS, form, D(2027, 1, 1), D(2027, 12, 31))
    assert _nonzero(february.lines()[0].table) == {"no_place": 1, "not_suitable": 1}
    assert march.lines()[4].table.cell("no_place", "other_shelter") == 0
    assert (previous.lines()[0].table.total, previous.lines()[1].table.total) == (1, 5)
    assert (following.lines()[0].table.total, following.lines()[1].table.total) == (1, 6)


def _run_indicator(indicator: Any, form: ServiceForm, start: dt.date, end: dt.date) -> Any:
    from tupa.statistics.engine import run_indicator

    result = run_indicator(indicator, Params(form.organisation_id, start, end, (form.pk,)))
    assert_consistent(result)
    return result


def _return_url(template_id: str, year: int, form: ServiceForm) -> str:
    return reverse("statistics:return", args=[template_id, year, form.slug])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead", 200),
        ("director", 200),
        ("member", 404),
        ("other_form", 404),
        ("other_org", 404),
        ("admin", 404),
        ("dpo", 404),
        ("finance", 404),
    ],
)
def test_turn_away_return_access(
    client: Client, turnaway_world: tuple[ServiceForm, dict[str, Any]], who: str, status: int
) -> None:
    form, users = turnaway_world
    url = _return_url(TURN_AWAYS.id, 2026, form)
    with time_machine.travel(LATER, tick=False):
        login_verified(client, users[who])
        assert client.get(url).status_code == status
        # The old page's address: the same check, then the new page.
        old = client.get(reverse("residential:turnaway_stats", args=[form.slug]), {"year": 2026})
    if status == 200 and who == "lead":
        assert old.status_code == 302
        assert urlsplit(old["Location"]).path == url
    elif who != "director":
        assert old.status_code == 404
    with scopes_disabled():
        assert not AccessEvent.objects.exists()  # anonymous data: nothing to log


@pytest.fixture
def turnaway_world() -> tuple[ServiceForm, dict[str, Any]]:
    form = test_turnaway.residential(slug="turvakoti")
    org = form.organisation
    users = {
        "member": worker_in(form),
        "lead": worker_in(form, role=Role.LEAD),
        "other_form": worker_in(test_turnaway.residential(organisation=org, area=form.area)),
        "other_org": worker_in(test_turnaway.residential()),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "finance": org_role_user(org, Role.FINANCE),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    }
    return form, users


def test_turn_away_redirects_map_the_period(
    client: Client, turnaway_world: tuple[ServiceForm, dict[str, Any]]
) -> None:
    form, users = turnaway_world
    login_verified(client, users["lead"])
    old = reverse("residential:turnaway_stats", args=[form.slug])
    new = _return_url(TURN_AWAYS.id, 2026, form)
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        cases = {
            "": (new, "2026-01-01", "2026-12-31"),
            "?year=2025": (_return_url(TURN_AWAYS.id, 2025, form), "2025-01-01", "2025-12-31"),
            "?year=2026&month=2": (new, "2026-02-01", "2026-02-28"),
            "?year=2025&month=12": (
                _return_url(TURN_AWAYS.id, 2025, form),
                "2025-12-01",
                "2025-12-31",
            ),
            "?year=20x6": (new, "2026-01-01", "2026-12-31"),
            "?year=2030": (new, "2026-01-01", "2026-12-31"),
        }
        for query, (path, start, end) in cases.items():
            response = client.get(old + query)
            assert response.status_code == 302, query
            location = urlsplit(response["Location"])
            assert location.path == path, query
            assert parse_qs(location.query) == {"alku": [start], "loppu": [end]}, query


def test_turn_away_page_shows_the_figures_and_query_count_is_flat(
    client: Client, turnaway_world: tuple[ServiceForm, dict[str, Any]]
) -> None:
    form, users = turnaway_world
    member, lead = users["member"], users["lead"]
    canary = "KANARIA-kaannytetty-7Q"
    other_unit = test_turnaway.residential(organisation=form.organisation, area=form.area)
    record = test_turnaway.record
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        record(other_unit, worker_in(other_unit), occurred_at=t(2026, 3, 5), adults=19, note=canary)
        for day in (1, 2):
            record(form, member, occurred_at=t(2026, 3, day, 10), children=day)
        login_verified(client, lead)
        url = _return_url(TURN_AWAYS.id, 2026, form)
        march = {"alku": "2026-03-01", "loppu": "2026-03-31"}
        client.get(url, march)  # warm caches (session, user)
        with CaptureQueriesContext(connection) as few:
            client.get(url, march)
        for day in range(3, 31):
            record(
                form, member, occurred_at=t(2026, 3, day, 10), reason="other", directed_to="other"
            )
        with CaptureQueriesContext(connection) as many:
            response = client.get(url, march)
    assert len(many.captured_queries) == len(few.captured_queries)
    html = response.content.decode()
    assert canary not in html
    lines = response.context["computed"].lines()
    # March: 30 requests; 30 adults; children 1 + 2 = 3; THL: 2 requests, persons 1+1 + 1+2 = 5.
    assert lines[0].table.total == 30
    assert lines[1].table.values[("col", "adult")] == 30
    assert lines[1].table.values[("col", "child")] == 3
    assert lines[4].table.cell("no_place", "other_shelter") == 2
    assert lines[5].table.cell("no_place", "other_shelter") == 5
    assert lines[6].table.cell("2026-03") == 30
    assert "Käännytetyt pyynnöt" in html


# --------------------------------------------------------------------------- the 24 h line


def _line_world() -> ServiceForm:
    """test_line's month boundary: Helsinki is UTC+2 in winter, UTC+3 from 29 March 2026."""
    form = test_line.shelter()
    worker = worker_in(form)
    other = ServiceFormFactory.create(organisation=form.organisation)
    record = test_line.record
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        record(form, worker, occurred_at=t(2026, 2, 27, 23, 50), channel="chat")  # 27.2.
        record(form, worker, occurred_at=t(2026, 2, 28, 0, 5), caller="relative")  # 28.2.
        # 28.2. 23:30 local = 21:30 UTC: still February locally.
        record(form, worker, occurred_at=t(2026, 2, 28, 23, 30), outcome="came_to_shelter")
        # 1.3. 00:30 local = 28.2. 22:30 UTC: March locally.
        record(form, worker, occurred_at=t(2026, 3, 1, 0, 30), duration_minutes=45)
        record(
            form,
            worker,
            occurred_at=t(2026, 3, 1, 13, 0),
            caller="professional",
            outcome="referred",
            referred_to="Rikosuhripäivystys",
        )
        record(form, worker, occurred_at=t(2026, 3, 3, 2, 0), channel="other")
        record(form, worker, occurred_at=t(2026, 3, 31, 23, 59))  # last minute of March
        record(form, worker, occurred_at=t(2026, 4, 1, 0, 0))  # outside the period
        record(form, worker, occurred_at=t(2026, 2, 26, 23, 59))  # outside the period
    other_contact = LineContact(
        organisation=form.organisation,
        service_form=other,
        occurred_at=t(2026, 3, 1, 12),
        caller="victim",
        outcome="advice",
        recorded_by=worker,
    )
    with scopes_disabled():
        other_contact.save()  # another service form: never counted here
    return form


def test_line_by_hand_across_a_month_boundary() -> None:
    form = _line_world()
    computed = _run(LINE, form, D(2026, 2, 27), D(2026, 3, 31))
    channel, caller, outcome, minutes, month, day = (line.table for line in computed.lines())
    assert channel.total == 7
    assert minutes.total == 6 * 10 + 45
    assert _nonzero(month) == {"2026-02": 3, "2026-03": 4}
    assert len(day.rows) == 2 + 31
    assert _nonzero(day) == {
        "2026-02-27": 1,
        "2026-02-28": 2,
        "2026-03-01": 2,
        "2026-03-03": 1,
        "2026-03-31": 1,
    }
    assert _nonzero(channel) == {"chat": 1, "phone": 5, "other": 1}
    assert _nonzero(caller) == {"victim": 5, "relative": 1, "professional": 1}
    assert _nonzero(outcome) == {"advice": 5, "came_to_shelter": 1, "referred": 1}
    assert dict(channel.rows)["phone"] == "puhelin"
    assert caller.cell("unknown") == 0


def test_line_months_counted_by_the_database_are_local_months() -> None:
    """Version 1 (THL's) and the minutes are counted per local month, version 2 per local date,
    by the database: 28.2. 23:30 local is February and 1.3. 00:30 local is March in each."""
    from tupa.statistics.indicators.computing import compute

    form = _line_world()
    params = Params(form.organisation_id, D(2026, 2, 27), D(2026, 3, 31), (form.pk,))
    v1, v2, minutes = (
        compute(indicator, params)
        for indicator in (
            r.SHELTER_LINE_CONTACTS,
            r.SHELTER_LINE_CONTACTS_V2,
            r.SHELTER_LINE_MINUTES,
        )
    )
    for result in (v1, v2, minutes):
        assert_consistent(result)
    assert v1.by("month") == v2.by("month") == {("2026-02",): 3, ("2026-03",): 4}
    # Six contacts of the default 10 minutes (three in February) and one of 45 in March.
    assert minutes.by("month") == {("2026-02",): 30, ("2026-03",): 45 + 30}
    assert v1.by("channel", "caller") == v2.by("channel", "caller")


@pytest.fixture
def line_world() -> tuple[ServiceForm, dict[str, Any]]:
    form = test_line.shelter()
    other_form = ServiceFormFactory.create(organisation=form.organisation)
    users = {
        "member": worker_in(form),
        "lead": worker_in(form, role=Role.LEAD),
        "other_form": worker_in(other_form),
        "other_org": worker_in(ServiceFormFactory.create()),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
    }
    return form, users


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("lead", 200),
        ("director", 200),  # the executive director sees every form's statistics
        ("other_form", 404),
        ("other_org", 404),
        ("admin", 404),
        ("dpo", 404),
    ],
)
def test_line_return_access(
    client: Client, line_world: tuple[ServiceForm, dict[str, Any]], who: str, status: int
) -> None:
    form, users = line_world
    login_verified(client, users[who])
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        assert client.get(_return_url(LINE.id, 2026, form)).status_code == status


def test_line_page_shows_the_figures_and_query_count_is_flat(
    client: Client, line_world: tuple[ServiceForm, dict[str, Any]]
) -> None:
    form, users = line_world
    member = users["member"]
    login_verified(client, member)
    old = reverse("residential:line_stats", args=[form.slug])
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        test_line.record(form, member, occurred_at=t(2026, 3, 1, 0, 30), channel="chat")
        test_line.record(form, member, occurred_at=t(2026, 2, 28, 23, 30))
        # The old address with a month: the return for that month.
        response = client.get(old, {"month": "2026-03"})
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == _return_url(LINE.id, 2026, form)
        assert parse_qs(location.query) == {"alku": ["2026-03-01"], "loppu": ["2026-03-31"]}
        url = response["Location"]
        client.get(url)  # warm caches (session, user)
        with CaptureQueriesContext(connection) as few:
            response = client.get(url)
        lines = response.context["computed"].lines()
        assert lines[0].table.cell("chat") == 1
        assert lines[0].table.cell("phone") == 0
        assert next(d for d, _label in lines[5].table.rows) == "2026-03-01"
        assert "2026-02-28" not in dict(lines[5].table.rows)
        for day in range(2, 29):
            test_line.record(form, member, occurred_at=t(2026, 3, day, 9))
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
        assert response.context["computed"].lines()[0].table.cell("phone") == 27
        assert len(many.captured_queries) == len(few.captured_queries)
        # Default: the current month (April 2026); a bad month falls back to it too.
        for query in ({}, {"month": "maaliskuu"}):
            location = urlsplit(client.get(old, query)["Location"])
            assert parse_qs(location.query) == {"alku": ["2026-04-01"], "loppu": ["2026-04-30"]}
    # Who may not use the line gets 404 from the old address too.
    login_verified(client, users["other_form"])
    assert client.get(old).status_code == 404
