"""The group-programme screens: access matrix, names and the access log, warnings, attendance
form, statistics page, canary and query counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.access import policy
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.programmes.models import PEUKALOINEN_RULES, Attendance, GroupProgramme, Session
from tupa.programmes.views.programmes import figures_url
from tupa.statistics import engine
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns import registry as returns

from .support import add_member, add_session, group_form, pair, programme, record, t

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def world() -> dict[str, Any]:
    with time_machine.travel(NOW, tick=False):
        form = group_form(slug="peukaloinen")
        worker = worker_in(form)
        lead = worker_in(form, role=Role.LEAD)
        prog = programme(
            form,
            worker,
            name="Peukaloinen kevät",
            ends_on=dt.date(2026, 8, 31),
            planned_hours_per_week=12,
            rules=PEUKALOINEN_RULES,
        )
        members = []
        persons = []
        for i in range(6):
            parent, child = pair(form, person__first_names=f"Äiti{i}")
            members.append(add_member(prog, worker, parent, child, joined_on=dt.date(2026, 3, 2)))
            persons += [parent.person, child.person]  # type: ignore[union-attr]
        session = add_session(prog, worker, t(2026, 3, 2))
        record(session, worker, {members[0]: "present", members[1]: "absent"}, anonymous_adults=3)
        add_session(prog, worker, t(2026, 3, 3))
    return {
        "form": form,
        "worker": worker,
        "lead": lead,
        "programme": prog,
        "members": members,
        "persons": persons,
        "session": session,
    }


def _urls(w: dict[str, Any]) -> list[str]:
    prog, slug = w["programme"], w["form"].slug
    return [
        reverse("programmes:list", args=[slug]),
        reverse("programmes:create", args=[slug]),
        reverse("programmes:statistics", args=[slug]),
        reverse("programmes:detail", args=[prog.pk]),
        reverse("programmes:edit", args=[prog.pk]),
        reverse("programmes:member_add", args=[prog.pk]),
        reverse("programmes:leader_add", args=[prog.pk]),
        reverse("programmes:session_add", args=[prog.pk]),
        reverse("programmes:session", args=[w["session"].pk]),
    ]


def _outsiders(form: Any) -> dict[str, Any]:
    return {
        "other form worker": worker_in(ServiceFormFactory.create(organisation=form.organisation)),
        "other organisation": worker_in(group_form()),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "executive director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
    }


@time_machine.travel(NOW, tick=False)
def test_access_matrix(client: Client, world: dict[str, Any]) -> None:
    urls = _urls(world)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    for insider in ("worker", "lead"):
        client.logout()
        login_verified(client, world[insider])
        for url in urls:
            assert client.get(url, follow=True).status_code == 200, (insider, url)
    stats_url = reverse("programmes:statistics", args=[world["form"].slug])
    leave_url = reverse("programmes:member_leave", args=[world["members"][0].pk])
    for label, user in _outsiders(world["form"]).items():
        client.logout()
        login_verified(client, user)
        for url in urls:
            expected = 200 if (label == "executive director" and url == stats_url) else 404
            assert client.get(url, follow=True).status_code == expected, (label, url)
            if url != stats_url:
                assert client.post(url, {}).status_code in (404, 405), (label, url)
        assert client.post(leave_url, {"left_on": "2026-03-08"}).status_code == 404, label


@time_machine.travel(NOW, tick=False)
def test_bad_ids_are_404(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    for name in ("detail", "edit", "member_add", "leader_add", "session_add", "session"):
        assert client.get(reverse(f"programmes:{name}", args=[999999])).status_code == 404
    for name in ("list", "create", "statistics"):
        assert client.get(reverse(f"programmes:{name}", args=["ei-ole"])).status_code == 404


def _report(form: Any, start: dt.date, end: dt.date) -> dict[str, int]:
    """The group statistics report's totals (the engine counts what the old page did)."""
    params = Params(form.organisation_id, start, end, (form.pk,))
    computed = engine.run(returns.get("internal.programmes"), params)
    return {cl.indicator.id: cl.table.total for cl in computed.lines()}


@time_machine.travel(NOW, tick=False)
def test_executive_director_statistics_shows_counts_no_links(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR))
    response = client.get(
        reverse("programmes:statistics", args=[world["form"].slug]),
        {"start": "2026-03-01", "end": "2026-03-31"},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[0][0].endswith("?alku=2026-03-01&loppu=2026-03-31")
    assert (
        _report(world["form"], dt.date(2026, 3, 1), dt.date(2026, 3, 31))["programmes.attendances"]
        == 1
    )
    assert "Äiti" not in html
    assert reverse("programmes:detail", args=[world["programme"].pk]) not in html
    with scopes_disabled():
        assert not AccessEvent.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_detail_shows_names_warnings_and_logs_each_person(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    html = client.get(reverse("programmes:detail", args=[world["programme"].pk])).content.decode()
    for person in world["persons"]:
        assert str(person) in html
    # 6 pairs > max 5 (error), no motivation meetings, 12 h < 15 h, no aftercare; the
    # 2.3.–31.8. period is six months (ends on or after 1.9. − 1 day = 1.9.? no: 2.3.+6 kk
    # − 1 day = 1.9. → 31.8. is one day short).
    assert "Ryhmässä on 6 paria, enimmäismäärä on 5." in html
    assert "6 osallistujalla on alle 3 motivointitapaamista ennen ryhmän aloitusta." in html
    assert "Suunniteltu tuntimäärä 12 h viikossa on alle tavoitteen 15 h." in html
    assert "Jälkitukea ei ole suunniteltu (6 kk ryhmän jälkeen)." in html
    assert "Ryhmäjakso on lyhyempi kuin 6 kuukautta." in html
    # The figures are the statistics report's, one link away (see test_detail_links_…).
    assert "data-figure" not in html
    assert "Ryhmän luvut tilastoissa" in html
    with scopes_disabled():
        events = AccessEvent.objects.filter(user=world["worker"])
        assert {e.subject_id for e in events} == {str(p.pk) for p in world["persons"]}
        assert {e.basis for e in events} == {"membership"}
        assert events.count() == 12


def _figures_link(html: str) -> str | None:
    match = re.search(r'<a href="([^"]*)">Ryhmän luvut tilastoissa</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None


@time_machine.travel(NOW, tick=False)
def test_detail_links_to_the_group_statistics_over_the_programme_period(
    client: Client, world: dict[str, Any]
) -> None:
    """No figures box of its own: a link to the report ``internal.programmes`` over the
    programme's period (2.3.2026 to the later of its end 31.8.2026 and today), whose figures
    for the programme are those the box showed."""
    form, prog = world["form"], world["programme"]
    login_verified(client, world["worker"])
    html = client.get(reverse("programmes:detail", args=[prog.pk])).content.decode()
    assert "data-figure" not in html
    url = _figures_link(html)
    report = reverse("statistics:return", args=["internal.programmes", 2026, form.slug])
    assert url == f"{report}?alku=2026-03-02&loppu=2026-08-31"
    response = client.get(url)
    assert response.status_code == 200
    f = {
        (cl.indicator.id, cl.line.breakdown): cl.table
        for cl in response.context["computed"].lines()
    }
    key = str(prog.pk)
    # Held: 2.3. and 3.3. (started and not cancelled; 3.3. has no marks yet).
    assert f[("programmes.sessions", ("programme",))].cell(key) == 2
    assert f[("programmes.attendances", ("programme",))].cell(key) == 1
    assert f[("programmes.anonymous", ("programme", "adult_child"))].cell(key, "adult") == 3
    absences = f[("programmes.absences", ("programme", "absence"))]
    # Attendance rate 1 / (1 + 1 + 0) = 50,0 %, read from the visits and the absences.
    assert (absences.cell(key, "absent"), absences.cell(key, "excused")) == (1, 0)
    assert f[("programmes.members_present", ("programme",))].cell(key) == 1
    assert f[("programmes.persons", ("programme",))].cell(key) == 2  # the parent and the baby


@time_machine.travel(NOW, tick=False)
def test_detail_link_only_for_whoever_may_see_the_report(
    client: Client, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link is decided by the report's policy action on the service form: were workers not
    to read statistics, the worker would see the page without the link, the lead with it."""
    detail = reverse("programmes:detail", args=[world["programme"].pk])
    rule = policy.RULES["statistics.form.view"]
    monkeypatch.setitem(
        policy.RULES,
        "statistics.form.view",
        dataclasses.replace(rule, roles=rule.roles - {str(Role.WORKER)}),
    )
    login_verified(client, world["worker"])
    response = client.get(detail)
    assert response.status_code == 200
    html = response.content.decode()
    assert _figures_link(html) is None
    assert "Ryhmän luvut tilastoissa" not in html and "data-figure" not in html
    client.logout()
    login_verified(client, world["lead"])
    html = client.get(detail).content.decode()
    assert _figures_link(html) is not None
    assert "data-figure" not in html


@pytest.mark.parametrize(
    ("dates", "today", "expected"),
    [
        # Aftercare after the period: to the aftercare's end.
        (
            (dt.date(2026, 1, 5), dt.date(2026, 4, 30), dt.date(2026, 10, 31)),
            dt.date(2026, 3, 8),
            ("2026", "2026-01-05", "2026-10-31"),
        ),
        # Ended last year: still to today, as the page counted; the URL's year is the start's.
        (
            (dt.date(2024, 9, 1), dt.date(2025, 5, 31), None),
            dt.date(2026, 3, 8),
            ("2024", "2024-09-01", "2026-03-08"),
        ),
        # Open-ended: to today.
        (
            (dt.date(2025, 9, 1), None, None),
            dt.date(2026, 3, 8),
            ("2025", "2025-09-01", "2026-03-08"),
        ),
        # Ends next year: to its end (planned and cancelled sessions count too).
        (
            (dt.date(2026, 9, 1), dt.date(2027, 5, 31), None),
            dt.date(2026, 3, 8),
            ("2026", "2026-09-01", "2027-05-31"),
        ),
        # Running for over five years: its last five years (the report's longest range).
        (
            (dt.date(2019, 1, 1), None, None),
            dt.date(2026, 3, 8),
            ("2021", "2021-03-05", "2026-03-08"),
        ),
        # Starts next year: no report yet.
        ((dt.date(2027, 1, 4), None, None), dt.date(2026, 3, 8), None),
    ],
)
def test_figures_url_period(
    world: dict[str, Any], dates: tuple[Any, Any, Any], today: dt.date, expected: Any
) -> None:
    starts_on, ends_on, aftercare_until = dates
    prog = GroupProgramme(
        service_form=world["form"],
        starts_on=starts_on,
        ends_on=ends_on,
        aftercare_until=aftercare_until,
    )
    url = figures_url(world["worker"], prog, today)
    if expected is None:
        assert url is None
        return
    year, start, end = expected
    report = reverse("statistics:return", args=["internal.programmes", int(year), "peukaloinen"])
    assert url == f"{report}?alku={start}&loppu={end}"


@time_machine.travel(NOW, tick=False)
def test_attendance_form_fast_checkboxes_and_head_counts(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    m = world["members"]
    with scope(organisation=world["form"].organisation):
        session = Session.objects.get(programme=world["programme"], starts_at=t(2026, 3, 3))
    url = reverse("programmes:session", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="present_{m[0].pk}"' in page.content.decode()
    data = {
        f"present_{m[0].pk}": "on",
        f"present_{m[1].pk}": "on",
        f"excused_{m[2].pk}": "on",
        "anonymous_adults": "2",
        "anonymous_children": "4",
        "topic": "Vuorovaikutus",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    with scope(organisation=world["form"].organisation):
        statuses = dict(
            Attendance.objects.filter(session=session).values_list("member_id", "status")
        )
        session.refresh_from_db()
    assert statuses == {
        m[0].pk: "present",
        m[1].pk: "present",
        m[2].pk: "excused",
        m[3].pk: "absent",
        m[4].pk: "absent",
        m[5].pk: "absent",
    }
    assert (session.anonymous_adults, session.anonymous_children) == (2, 4)
    assert session.topic == "Vuorovaikutus"


@time_machine.travel(NOW, tick=False)
def test_attendance_form_validation_keeps_values(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    m = world["members"]
    url = reverse("programmes:session", args=[world["session"].pk])
    response = client.post(
        url,
        {
            f"present_{m[0].pk}": "on",
            f"excused_{m[0].pk}": "on",
            "anonymous_adults": "-1",
            "anonymous_children": "kaksi",
            "topic": "Leikki",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Valitse joko paikalla tai poissa ilmoittaen, ei molempia." in html
    assert "Luvun on oltava vähintään 0." in html
    assert "Anna kokonaisluku." in html
    assert 'value="Leikki"' in html
    assert 'aria-invalid="true"' in html


@time_machine.travel(NOW, tick=False)
def test_create_programme_form_validation_and_peukaloinen_preset(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = reverse("programmes:create", args=[world["form"].slug])
    bad = client.post(
        url,
        {
            "name": "Syksyn ryhmä",
            "type": "closed",
            "target_group": "baby_parent",
            "starts_on": "1.9.2026",
            "ends_on": "31.8.2026",
            "pairs_target": "5",
            "pairs_max": "4",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Enimmäismäärä ei voi olla pienempi kuin tavoite." in html
    assert 'value="Syksyn ryhmä"' in html
    fixed = client.post(
        url,
        {
            "name": "Syksyn ryhmä",
            "type": "closed",
            "target_group": "baby_parent",
            "starts_on": "1.9.2026",
            "ends_on": "31.8.2026",
            "use_peukaloinen": "on",
        },
    )
    assert fixed.status_code == 400
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in fixed.content.decode()
    good = client.post(
        url,
        {
            "name": "Syksyn ryhmä",
            "type": "closed",
            "target_group": "baby_parent",
            "starts_on": "1.9.2026",
            "ends_on": "28.2.2027",
            "planned_hours_per_week": "15",
            "use_peukaloinen": "on",
            "pairs_max": "6",
        },
    )
    assert good.status_code == 302
    with scope(organisation=world["form"].organisation):
        created = GroupProgramme.objects.get(name="Syksyn ryhmä")
    assert created.rules == {**PEUKALOINEN_RULES, "pairs_max": 6}


@time_machine.travel(NOW, tick=False)
def test_session_add_weekly_and_member_add(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    prog = world["programme"]
    response = client.post(
        reverse("programmes:session_add", args=[prog.pk]),
        {
            "day": "2026-03-09",
            "start_time": "09:00",
            "end_time": "13:00",
            "weeks": "2",
            "weekdays": ["0", "1", "2"],
        },
    )
    assert response.status_code == 302
    with scope(organisation=world["form"].organisation):
        assert Session.objects.filter(programme=prog).count() == 2 + 6
    bad = client.post(
        reverse("programmes:session_add", args=[prog.pk]),
        {"day": "2026-03-09", "start_time": "13:00", "end_time": "09:00", "weeks": "1"},
    )
    assert bad.status_code == 400
    assert "Päättymisajan on oltava alkamisajan jälkeen." in bad.content.decode()
    parent, child = pair(world["form"], person__first_names="Uusi")
    page = client.get(reverse("programmes:member_add", args=[prog.pk]))
    assert "Uusi" in page.content.decode()
    response = client.post(
        reverse("programmes:member_add", args=[prog.pk]),
        {"participant": parent.pk, "child": child.pk, "joined_on": "2026-03-09"},
    )
    assert response.status_code == 302
    with scope(organisation=world["form"].organisation):
        assert prog.members.count() == 7


@time_machine.travel(NOW, tick=False)
def test_canary_other_organisation_and_other_form_never_shown(
    client: Client, world: dict[str, Any]
) -> None:
    # Another service form of the same organisation, and another organisation, with a programme,
    # members and head counts that must never appear in the pages or the counts.
    other_form = group_form(organisation=world["form"].organisation)
    other_org_form = group_form()
    for form in (other_form, other_org_form):
        w = worker_in(form)
        prog = programme(form, w, name="KANARIA-RYHMÄ-9c1e")
        parent, _ = pair(form, child=False, person__first_names="KANARIA-NIMI-9c1e")
        member = add_member(prog, w, parent)
        record(
            add_session(prog, w, t(2026, 3, 2)),
            w,
            {member: "present"},
            anonymous_adults=77,
            anonymous_children=55,
        )
    login_verified(client, world["worker"])
    prog = world["programme"]
    urls = [
        *_urls(world),
        reverse("programmes:statistics", args=[world["form"].slug])
        + "?start=2026-01-01&end=2026-12-31",
    ]
    detail = client.get(reverse("programmes:detail", args=[prog.pk])).content.decode()
    urls.append(_figures_link(detail) or "")  # the programme's figures in the report
    for url in urls:
        html = client.get(url, follow=True).content.decode()
        assert "KANARIA" not in html, url
    figures = _report(world["form"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert figures["programmes.attendances"] == 1
    assert figures["programmes.anonymous"] == 3
    assert prog.pk  # the programme page was part of the sweep


@time_machine.travel(NOW, tick=False)
def test_query_counts_are_flat(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    worker, prog = world["worker"], world["programme"]
    # Many more sessions, members' marks and a second programme.
    for day in range(9, 28):
        session = add_session(prog, worker, t(2026, 3, day))
        if day < 12:
            record(session, worker, {m: "present" for m in world["members"]}, anonymous_adults=1)
    programme(world["form"], worker, name="Toinen", starts_on=dt.date(2026, 3, 2))
    login_verified(client, worker)
    for url, limit in [
        (reverse("programmes:list", args=[world["form"].slug]), 12),
        (reverse("programmes:detail", args=[prog.pk]), 32),
        (reverse("programmes:session", args=[world["session"].pk]), 30),
        (reverse("programmes:member_add", args=[prog.pk]), 24),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
