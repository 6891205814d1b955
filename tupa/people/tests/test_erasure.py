"""GDPR art. 17 erasure requests: the retention assessment, refusal and grant, DPO-only pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.people import erasure
from tupa.people.models import ErasureRequest

pytestmark = pytest.mark.django_db

HKI = ZoneInfo("Europe/Helsinki")
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=HKI)


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world() -> dict[str, Any]:
    shelter = ServiceFormFactory.create(name="Turvakoti", slug="turvakoti")
    org = shelter.organisation
    family_house = ServiceFormFactory.create(
        organisation=org,
        area=shelter.area,
        name="Perhetalo",
        slug="perhetalo",
        register=ServiceForm.Register.OWN_ACTIVITY,
    )
    kept = PersonFactory.create(organisation=org, hetu="010190-123A", last_name="Säilytettävä")
    ended = EpisodeFactory.create(
        service_form=shelter,
        status="ended",
        start_date=dt.date(2020, 5, 1),
        end_date=dt.date(2020, 6, 30),
        end_reason="planned_end",
        service_task="working_age",
    )
    ParticipantFactory.create(episode=ended, person=kept)
    free = PersonFactory.create(organisation=org, hetu="020290-123B", last_name="Poistettava")
    own = EpisodeFactory.create(service_form=family_house, service_task="own_activity")
    ParticipantFactory.create(episode=own, person=free)
    return {
        "org": org,
        "shelter": shelter,
        "kept": kept,
        "free": free,
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "worker": worker_in(shelter),
        "lead": worker_in(shelter, role=Role.LEAD),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "exec": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    }


def test_retention_rows_follow_register_and_service_task(world: dict[str, Any]) -> None:
    with scope(organisation=world["org"].pk):
        rows = erasure.retention_rows(person=world["kept"])
        assert len(rows) == 1
        assert rows[0].keep_until == "2030-06-30"  # working-age services: 10 years after end
        assert rows[0].must_keep
        free_rows = erasure.retention_rows(person=world["free"])
        assert len(free_rows) == 1 and not free_rows[0].must_keep
        # A statutory episode whose period has ended no longer requires keeping.
        late = erasure.retention_rows(person=world["kept"], today=dt.date(2030, 7, 1))
        assert not late[0].must_keep


def test_rules_per_task() -> None:
    end = dt.date(2020, 1, 31)
    assert erasure._rule("child_family", role="client", birth_date=None, end_date=end)[1] == (
        dt.date(2050, 1, 31)
    )
    assert erasure._rule("family_law", role="child", birth_date=dt.date(2015, 2, 28), end_date=end)[
        1
    ] == dt.date(2135, 2, 28)
    assert erasure._rule("child_welfare", role="client", birth_date=None, end_date=end)[1] is None
    assert erasure._rule("working_age", role="client", birth_date=None, end_date=None)[1] is None


def _look_up(client: Client, hetu: str) -> None:
    response = client.post(reverse("rights:person_lookup"), {"identifier": hetu})
    assert response.status_code == 200


def _run_workflow(client: Client, person: Any, reasoning: str) -> ErasureRequest:
    list_url = reverse("rights:erasure_list", kwargs={"pk": person.pk})
    assert client.get(list_url).status_code == 200
    response = client.post(
        list_url, {"received_on": "2026-03-10", "request_text": "Pyydän poistamaan tietoni."}
    )
    assert response.status_code == 302
    with scopes_disabled():
        item = ErasureRequest.objects.get(person=person)
    assert item.status == ErasureRequest.Status.RECEIVED
    detail = reverse("rights:erasure_detail", kwargs={"pk": person.pk, "request_pk": item.pk})
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"action": "assess"}).status_code == 302
    response = client.post(detail, {"action": "decide", "reasoning": reasoning})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        item.refresh_from_db()
    return item


def test_refusal_shows_the_retention_rule_and_the_appeal(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, "010190-123A")
    item = _run_workflow(client, world["kept"], "Asiakasasiakirjat on säilytettävä.")
    assert item.status == ErasureRequest.Status.DECIDED
    assert item.decision == ErasureRequest.Decision.REFUSED
    url = reverse("rights:erasure_decision", kwargs={"pk": world["kept"].pk, "request_pk": item.pk})
    page = client.get(url).content.decode()
    assert "2030-06-30" in page
    assert "10 vuotta asiakkuuden päättymisestä" in page
    assert "tietosuojavaltuutetun" in page
    response = client.get(url, {"muoto": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_refusal_needs_reasoning(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, "010190-123A")
    with scope(organisation=world["org"].pk):
        item = erasure.erasure_request_receive(
            actor=world["dpo"], person=world["kept"], received_on=dt.date(2026, 3, 10)
        )
        erasure.erasure_request_assess(actor=world["dpo"], request=item)
    detail = reverse(
        "rights:erasure_detail", kwargs={"pk": world["kept"].pk, "request_pk": item.pk}
    )
    response = client.post(detail, {"action": "decide", "reasoning": ""})
    assert response.status_code == 200
    assert "Kirjoita perustelut." in response.content.decode()


def test_own_activity_only_is_granted_with_the_data_to_remove(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, "020290-123B")
    item = _run_workflow(client, world["free"], "")
    assert item.decision == ErasureRequest.Decision.GRANTED
    url = reverse("rights:erasure_decision", kwargs={"pk": world["free"].pk, "request_pk": item.pk})
    page = client.get(url).content.decode()
    assert "Poistettavat tiedot" in page


@pytest.mark.parametrize("who", ["worker", "lead", "admin", "exec"])
def test_erasure_pages_are_404_for_everyone_else(
    client: Client, world: dict[str, Any], who: str
) -> None:
    with scope(organisation=world["org"].pk):
        item = erasure.erasure_request_receive(
            actor=world["dpo"], person=world["kept"], received_on=dt.date(2026, 3, 10)
        )
    login_verified(client, world[who])
    pk = world["kept"].pk
    urls = [
        reverse("rights:erasure_list", kwargs={"pk": pk}),
        reverse("rights:erasure_detail", kwargs={"pk": pk, "request_pk": item.pk}),
        reverse("rights:erasure_decision", kwargs={"pk": pk, "request_pk": item.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, (who, url)
    assert client.post(urls[0], {"received_on": "2026-03-10"}).status_code == 404
    assert client.post(urls[1], {"action": "assess"}).status_code == 404


def test_typed_id_without_lookup_is_404(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["dpo"])
    url = reverse("rights:erasure_list", kwargs={"pk": world["kept"].pk})
    assert client.get(url).status_code == 404
    _look_up(client, "020290-123B")  # another person found: still 404 for this one
    assert client.get(url).status_code == 404
