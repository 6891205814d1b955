"""The dashboard panel that leads a unit worker to her review list of access requests (the list
has no menu entry): the count only, to the workers of the units whose data is under review."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent, AccessRequest
from tupa.core.tests.factories import client_in
from tupa.core.tests.helpers import login_verified
from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.tests.support import drafted, units_world

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("core:dashboard")
INBOX = reverse("rights:access_request_inbox")
HEADING = '<h2 id="access-request-panel">'


def sentence(count: int) -> str:
    return f"Tarkastettavana olevia tietopyyntöjä, joissa on yksikkösi tietoja: {count}"


@pytest.fixture
def world() -> dict[str, Any]:
    return units_world()


def drafted_in_shelter(world: dict[str, Any], **person_kwargs: Any) -> Any:
    """A request of a new client of the shelter, taken to the units' review."""
    person, _episode = client_in(world["shelter"], **person_kwargs)
    return drafted(world["dpo"], person)


def access_events() -> int:
    with scopes_disabled():
        return AccessEvent.objects.count()


def test_a_worker_of_the_unit_sees_the_count_and_the_link(
    client: Client, world: dict[str, Any]
) -> None:
    drafted_in_shelter(world, first_names="Maija", last_name="Pyytäjä")
    drafted_in_shelter(world)
    login_verified(client, world["shelter_worker"])
    logged = access_events()
    response = client.get(DASHBOARD)
    assert response.context["access_request_panel"] == {"visible": True, "waiting": 2}
    html = response.content.decode()
    assert HEADING in html and sentence(2) in html
    assert f'<a href="{INBOX}">Tarkastettavat tietopyynnöt</a>' in html
    assert "Maija" not in html and "Pyytäjä" not in html  # the count only, no names…
    assert access_events() == logged  # …so nothing to log, as the other panels' counts
    inbox = client.get(INBOX)  # the link leads to the list, which names and logs the persons
    assert "Maija Pyytäjä" in inbox.content.decode()
    assert access_events() == logged + 2


@pytest.mark.parametrize("who", ["other_worker", "director", "dpo"])
def test_others_see_no_panel_and_no_count(client: Client, world: dict[str, Any], who: str) -> None:
    drafted_in_shelter(world)
    login_verified(client, world[who])
    response = client.get(DASHBOARD)
    panel = response.context["access_request_panel"]
    assert not panel["visible"] and panel.get("waiting", 0) == 0
    html = response.content.decode()
    assert HEADING not in html and INBOX not in html and "yksikkösi tietoja" not in html


def test_nothing_waiting_shows_no_panel(client: Client, world: dict[str, Any]) -> None:
    person, _episode = client_in(world["shelter"])  # a request received, not yet drafted
    ars.request_create(actor=world["dpo"], person=person, received_on=timezone.localdate())
    login_verified(client, world["shelter_worker"])
    response = client.get(DASHBOARD)
    assert response.context["access_request_panel"] == {"visible": False, "waiting": 0}
    assert HEADING not in response.content.decode()
    assert INBOX not in response.content.decode()


def test_the_dashboard_queries_do_not_grow_with_the_requests(
    client: Client, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    drafted_in_shelter(world)
    login_verified(client, world["shelter_worker"])
    client.get(DASHBOARD)  # the first request of the session settles it
    with CaptureQueriesContext(connection) as one:
        assert client.get(DASHBOARD).context["access_request_panel"]["waiting"] == 1
    for _n in range(5):
        drafted_in_shelter(world)
    with django_assert_num_queries(len(one)):
        assert client.get(DASHBOARD).context["access_request_panel"]["waiting"] == 6
    assert len(panel_queries(one)) == 1  # the panel's count, one query
    # Without the review list's basis the panel asks nothing at all.
    login_verified(client, world["director"])
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as director:
        assert not client.get(DASHBOARD).context["access_request_panel"]["visible"]
    assert panel_queries(director) == []


def panel_queries(captured: CaptureQueriesContext) -> list[str]:
    table = AccessRequest._meta.db_table
    return [q["sql"] for q in captured.captured_queries if table in q["sql"]]
