"""The family's volunteers on the client's episode page (VOL-14 links, Mieskaveri matches):
name, role and dates to those who see the episode, nothing to anyone else, no N+1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import MembershipFactory, client_in, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import CheckResult, RoleKind, Volunteer
from tupa.volunteers.screening import services as screening_services

from .support import coordinator_of, new_volunteer, volunteer_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Doulatoiminta")
    coordinator = coordinator_of(form)
    MembershipFactory.create(
        user=coordinator, organisation=form.organisation, service_form=form, role=Role.WORKER
    )
    _mother, episode = client_in(form, first_names="Kanariaäiti")
    return {"form": form, "coordinator": coordinator, "episode": episode}


def _link(w: dict[str, Any], first: str, *, started_on: dt.date = dt.date(2026, 6, 1)) -> Any:
    with scopes_disabled():
        doula = new_volunteer(w["coordinator"], w["form"], role=RoleKind.OTHER, first=first)
        screening_services.record_check_add(
            actor=w["coordinator"],
            volunteer=doula,
            seen_on=dt.date(2026, 2, 1),
            issued_on=dt.date(2026, 1, 20),
            seen_by=w["coordinator"],
            result=CheckResult.FIT,
        )
        matching_services.family_link_add(
            actor=w["coordinator"],
            volunteer=doula,
            episode=w["episode"],
            role=RoleKind.OTHER,
            started_on=started_on,
            note_for_volunteer="Salainen viesti vapaaehtoiselle",
        )
    return doula


def test_a_client_worker_sees_the_name_role_and_dates_never_the_screening(
    client: Client, world: dict[str, Any]
) -> None:
    _link(world, "Doris", started_on=dt.date(2026, 6, 1))
    worker = worker_in(world["form"])
    login_verified(client, worker)
    response = client.get(reverse("episodes:detail", args=[world["episode"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Doris Vapaa" in html
    assert "Muu vapaaehtoinen" in html
    assert "1.6.2026" in html
    for secret in ("Salainen viesti", "rikostausta", "ei estettä", "Ei estettä"):
        assert secret not in html
    # The volunteer shown is logged, with the basis of the episode decision.
    ct = ContentType.objects.get_for_model(Volunteer)
    with scopes_disabled():
        assert AccessEvent.objects.filter(
            user=worker, subject_type=ct, action="list", basis="membership"
        ).exists()


def test_a_user_who_cannot_see_the_episode_sees_nothing(
    client: Client, world: dict[str, Any]
) -> None:
    _link(world, "Doris")
    ct = ContentType.objects.get_for_model(Volunteer)
    # The coordinator role alone opens no client record; a worker of another form neither.
    for outsider in (coordinator_of(world["form"]), worker_in(volunteer_form(name="Muu"))):
        client.logout()
        login_verified(client, outsider)
        response = client.get(reverse("episodes:detail", args=[world["episode"].pk]))
        assert response.status_code == 404
        assert "Doris" not in response.content.decode()
        with scopes_disabled():
            assert not AccessEvent.objects.filter(user=outsider, subject_type=ct).exists()


def test_no_panel_without_volunteers(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, worker_in(world["form"]))
    response = client.get(reverse("episodes:detail", args=[world["episode"].pk]))
    assert response.status_code == 200
    assert 'id="vapaaehtoiset-perheelle"' not in response.content.decode()


def test_the_panel_adds_no_query_per_volunteer(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    _link(world, "Doris")
    login_verified(client, worker_in(world["form"]))
    url = reverse("episodes:detail", args=[world["episode"].pk])
    with django_assert_max_num_queries(200) as captured:
        assert client.get(url).status_code == 200
    baseline = len(captured)
    for first in ("Eeva", "Fanni", "Gerda"):
        _link(world, first)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert all(name in response.content.decode() for name in ("Eeva", "Fanni", "Gerda"))
