"""Drill-downs from a figure to its records: who sees the records, who only the count, what is
logged (ARCHITECTURE.md §6, docs/statistics.md "drill-down")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.support import YEAR, client_since, turvakielto
from tupa.statistics.views import returns as return_views

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]


def _line(template_id: str, indicator: str) -> int:
    template = returns.get(template_id)
    return next(i for i, line in template.lines() if line.indicator == indicator)


def _drill(template_id: str, key: str, indicator: str = "outpatient.clients") -> str:
    return reverse("statistics:drill", args=[template_id, YEAR, key, _line(template_id, indicator)])


def _events(**filters: Any) -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.filter(**filters))


def _total(body: str) -> str:
    found = re.search(r'data-figure="drill-total">([^<]*)<', body)
    assert found is not None
    return found.group(1)


def _lahti_municipality_user(world: dict[str, Any]) -> Any:
    """A crisis worker who also holds the finance role (so may open Lahti's report)."""
    user = worker_in(world["crisis"])
    MembershipFactory(user=user, organisation=world["org"], service_form=None, role=Role.FINANCE)
    return user


def test_a_worker_of_another_form_learns_nothing_by_editing_the_drill_address(
    client: Client, world: dict[str, Any]
) -> None:
    """Another form's key, another template, a line that does not exist, another month or
    dimension value: 404 each time — no record, no count, nothing logged."""
    login_verified(client, world["jussi_worker"])
    own = _drill("stea.outpatient", "jussi")
    assert client.get(own).status_code == 200
    before = len(_events())
    line = _line("stea.outpatient", "outpatient.clients")
    refused = [
        _drill("stea.outpatient", "avokriisityo"),
        _drill("stea.outpatient", "avokriisityo") + f"?month={YEAR}-03",
        _drill("stea.outpatient", "avokriisityo") + "?adult_child=adult",
        reverse("statistics:drill", args=["internal.work_done", YEAR, "avokriisityo", 0]),
        _drill("municipality.yearly", "991"),
        reverse("statistics:drill", args=["avi.supervision", YEAR, "yhdistys", 0]),
        reverse("statistics:drill", args=["board.key_figures", YEAR, "yhdistys", 0]),
        reverse("statistics:drill", args=["stea.outpatient", YEAR, "jussi", 10_000]),
        reverse("statistics:drill", args=["stea.outpatient", YEAR, "jussi", line])
        + "?new_or_continuing=x",
        reverse("statistics:indicator", args=["outpatient.clients", "avokriisityo", YEAR]),
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"drill-total" not in response.content, url
    assert len(_events()) == before
    # The own form's drill-down shows the own client only.
    body = client.get(own).content.decode()
    with scopes_disabled():
        for person in world["people"]:
            assert person.first_names not in body


def test_count_only_roles_see_the_count_and_no_one_and_nothing_is_logged(
    client: Client, world: dict[str, Any]
) -> None:
    """Finance (a municipality's report), the executive director (any return) and the overview's
    drill-down for the director: the exact count and how many are hidden, no name, no log."""
    with scopes_disabled():
        names = [p.first_names for p in world["people"]]
    before = len(_events())
    cases = [
        ("finance", _drill("municipality.yearly", "991"), "7", "7 asiakkuutta"),
        ("director", _drill("stea.outpatient", "avokriisityo"), "8", "8 asiakkuutta"),
        (
            "director",
            reverse("statistics:indicator", args=["outpatient.clients", "avokriisityo", YEAR]),
            "8",
            "8 asiakkuutta",
        ),
    ]
    for who, url, total, hidden in cases:
        login_verified(client, world[who])
        response = client.get(url)
        assert response.status_code == 200, (who, url)
        body = response.content.decode()
        assert _total(body) == total, (who, url)
        assert hidden in body, (who, url)
        assert "/asiakkuudet/" not in body and not any(n in body for n in names), (who, url)
    assert len(_events()) == before
    # The federation's analyst and the DPO open no member's drill-down at all.
    for role in (Role.FEDERATION_ANALYST, Role.DATA_PROTECTION_OFFICER):
        login_verified(client, org_role_user(world["org"], role))
        assert client.get(_drill("stea.outpatient", "avokriisityo")).status_code == 404
    login_verified(client, org_role_user(OrganisationFactory.create(), Role.FEDERATION_ANALYST))
    assert client.get(_drill("municipality.yearly", "991")).status_code == 404


def test_a_municipalitys_drill_down_never_lists_a_protected_resident(
    client: Client, world: dict[str, Any]
) -> None:
    """ADR 0020 at record level: a viewer who may see the protected client elsewhere still does
    not find her in the list of Lahti's residents (that would tell where she lives), nor is she
    logged there; the unprotected residents are listed and logged."""
    secret = world["people"][0]
    turvakielto(world, secret)
    user = _lahti_municipality_user(world)
    login_verified(client, user)
    body = client.get(_drill("municipality.yearly", "991")).content.decode()
    assert _total(body) == "6"  # five crisis clients and the Jussi client; not the protected one
    assert secret.first_names not in body
    with scopes_disabled():
        for person in world["people"][1:]:
            assert person.first_names in body
    logged = {e.subject_id for e in _events(user=user)}
    assert str(secret.pk) not in logged
    assert len(logged) == 5
    assert "1 asiakkuus, jota sinulla ei ole oikeutta" in body  # the Jussi client
    # In the form's own drill-down she is listed by name, never with where she lives.
    body = client.get(_drill("stea.outpatient", "avokriisityo")).content.decode()
    assert secret.first_names in body
    assert "Testilahti" not in body and "Testihollola" not in body


def test_each_person_shown_is_logged_once_with_the_request_id(
    client: Client, world: dict[str, Any]
) -> None:
    """A person behind two listed episodes, seen on two bases (membership of one form, a
    co-worker assignment in another), is one event — with the strongest basis — and every
    event carries the request's id."""
    user = _lahti_municipality_user(world)
    with scopes_disabled():
        jussi_person, jussi_episode = next(
            (p.person, p.episode)
            for p in ParticipantFactory._meta.model.objects.filter(
                episode__service_form=world["jussi"]
            ).select_related("person", "episode")
        )
        Assignment.objects.create(
            episode=jussi_episode,
            user=user,
            valid_from=dt.date(YEAR, 1, 1),
            assigned_by=world["lead"],
        )
        _p, crisis_episode = client_since(world["crisis"], dt.date(YEAR, 3, 3))
        crisis_episode.participants.all().delete()
    ParticipantFactory.create(episode=crisis_episode, person=jussi_person)
    login_verified(client, user)
    response = client.get(_drill("municipality.yearly", "991"))
    assert response.status_code == 200
    events = _events(user=user)
    assert {e.request_id for e in events} == {response["X-Request-ID"]}
    by_subject: dict[str, list[str]] = {}
    for e in events:
        by_subject.setdefault(e.subject_id, []).append(e.basis)
    assert all(len(bases) == 1 for bases in by_subject.values()), by_subject
    assert by_subject[str(jussi_person.pk)] == ["membership"]
    assert len(by_subject) == 7  # six crisis clients of Lahti and the Jussi client


def test_records_past_the_limit_are_neither_shown_nor_logged(
    client: Client, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(return_views, "RECORD_LIMIT", 3)
    worker = world["worker"]
    login_verified(client, worker)
    body = client.get(_drill("stea.outpatient", "avokriisityo")).content.decode()
    assert _total(body) == "8"
    assert len(re.findall(r'href="/asiakkuudet/\d+/"', body)) == 3
    shown = [p for p in world["people"] if p.first_names in body]
    assert "Näytetään ensimmäiset 3 asiakkuutta" in body
    logged = {e.subject_id for e in _events(user=worker)}
    assert len(logged) == 3
    assert {str(p.pk) for p in shown} <= logged
    assert "asiakkuutta, joita sinulla ei ole oikeutta" not in body  # truncated ≠ hidden


def test_an_episode_whose_processing_is_restricted_is_not_listed(
    client: Client, world: dict[str, Any]
) -> None:
    """GDPR art. 18: the client lists leave out an episode with a restricted participant
    (``exclude_restricted_episodes``); so does a drill-down, which still counts it."""
    restricted = world["people"][1]
    with scopes_disabled():
        type(restricted).objects.filter(pk=restricted.pk).update(processing_restricted=True)
    worker = world["worker"]
    login_verified(client, worker)
    body = client.get(_drill("stea.outpatient", "avokriisityo")).content.decode()
    assert _total(body) == "8"
    assert restricted.first_names not in body
    assert str(restricted.pk) not in {e.subject_id for e in _events(user=worker)}
    assert len(_events(user=worker)) == 7


def test_a_drill_down_of_many_records_reads_no_more_than_one_of_few(
    client: Client, world: dict[str, Any]
) -> None:
    worker = world["worker"]
    login_verified(client, worker)
    url = _drill("stea.outpatient", "avokriisityo")
    client.get(url)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(50):
        client_since(world["crisis"], dt.date(YEAR, 1 + i % 12, 5))
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert _total(body) == "58"
    assert len(many) <= len(few), [q["sql"] for q in many.captured_queries]
    assert len(_events(user=worker)) == 8 + 8 + 58


def test_the_overviews_figure_and_its_drill_down_count_the_same(
    client: Client, world: dict[str, Any]
) -> None:
    """This year to date on the overview; its link opens a drill-down with that same total (a
    client whose work starts later this year is in neither)."""
    this_year = YEAR + 1
    client_since(world["crisis"], dt.date(this_year, 1, 10))
    client_since(world["crisis"], dt.date(this_year, 11, 10))  # planned, in the future
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:overview")).content.decode()
    base = reverse("statistics:indicator", args=["outpatient.clients", "avokriisityo", this_year])
    found = re.search(rf'<a href="({re.escape(base)}[^"]*)">([^<]*)</a>', page)
    assert found is not None
    url, figure = found.group(1).replace("&amp;", "&"), found.group(2)
    assert _total(client.get(url).content.decode()) == figure
    # Last year's figure (the same days of last year) links to its own drill-down.
    before = reverse("statistics:indicator", args=["outpatient.clients", "avokriisityo", YEAR])
    found = re.search(rf'<a href="({re.escape(before)}[^"]*)">([^<]*)</a>', page)
    assert found is not None
    url, figure = found.group(1).replace("&amp;", "&"), found.group(2)
    assert _total(client.get(url).content.decode()) == figure
    for until in ("x", f"{YEAR}-12-31", f"{this_year + 1}-01-01"):  # a day of that year only
        assert client.get(base, {"loppu": until}).status_code == 404
