"""The residential screens: access matrix, names and the access log, admission, move, discharge
and the occupancy numbers checked against a hand-computed scenario.

Scenario for the numbers (two family places, period 1.–10.10.2026, 10 days → 20 place-days):
- Family A (mother + child, payer state): p1 from 2.10. 20:00 to 5.10. 10:00 → nights 2., 3.
  and 4.10. = 3 place-days, 3 care days each (state 6); one arrival, one departure, length 3.
- Family B (one adult, payer municipality): p2 from 8.10. 12:00, still open → nights 8., 9.
  and 10.10. (counted to the period end) = 3 place-days, 3 care days (municipality 3).
Occupied 6 / 20 = 30.0 %, arrivals 2, departures 1, average length 3.0 days, care days 9,
one open stay. Now (pinned to 1.12.2026 12:00 for every test here): 2 places, 1 occupied (B),
1 free.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.residential.models import Destination, PayerCategory, Stay, StayMember
from tupa.residential.stays import selectors, services

from .support import family, place, residential_form, t

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now")]

#: "Today" for every test in this module: the scenario's dates lie in the past (no future
#: arrivals or departures) whatever the real date is.
NOW = t(2026, 12, 1, 12)


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


@pytest.fixture
def world() -> dict[str, Any]:
    form = residential_form(places=2, room_capacity=None)
    member = worker_in(form)
    a_episode, a_members = family(form, children=1)
    b_episode, b_members = family(form, children=0)
    stay_a = services.stay_admit(
        actor=member,
        episode=a_episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 10, 2, 20),
        members=a_members,
        payer_category=PayerCategory.STATE,
    )
    services.stay_discharge(
        actor=member, stay=stay_a, departed_at=t(2026, 10, 5, 10), destination=Destination.HOME
    )
    stay_b = services.stay_admit(
        actor=member,
        episode=b_episode,
        place=place(form, "p2"),
        arrived_at=t(2026, 10, 8, 12),
        members=b_members,
        payer_category=PayerCategory.MUNICIPALITY,
    )
    return {
        "form": form,
        "member": member,
        "a": (a_episode, a_members),
        "b": (b_episode, b_members),
        "stay_b": stay_b,
    }


def _outsiders(form: ServiceForm) -> dict[str, Any]:
    other_form = ServiceFormFactory.create(
        organisation=form.organisation, kind=ServiceForm.Kind.RESIDENTIAL
    )
    other_org_form = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL)
    return {
        "other form worker": worker_in(other_form),
        "other organisation": worker_in(other_org_form),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "executive director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
    }


def _urls(world: dict[str, Any]) -> list[str]:
    a_episode = world["a"][0]
    return [
        reverse("residential:occupancy", args=[world["form"].slug]),
        reverse("residential:admit", args=[a_episode.pk]),
        reverse("residential:discharge", args=[world["stay_b"].pk]),
        reverse("residential:move", args=[world["stay_b"].pk]),
    ]


# --------------------------------------------------------------------------- access


def test_access_matrix(client: Client, world: dict[str, Any]) -> None:
    urls = _urls(world)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    login_verified(client, world["member"])
    for url in urls:
        assert client.get(url).status_code == 200, url
    for label, user in _outsiders(world["form"]).items():
        client.logout()
        login_verified(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (label, url)
            assert client.post(url, {}).status_code == 404 or url.endswith(
                f"/tyomuoto/{world['form'].slug}/"
            ), (label, url)


def test_bad_ids_and_non_residential_forms_are_404(client: Client, world: dict[str, Any]) -> None:
    outpatient = ServiceFormFactory.create(organisation=world["form"].organisation)
    worker = worker_in(outpatient)
    episode = EpisodeFactory.create(service_form=outpatient, organisation=outpatient.organisation)
    login_verified(client, worker)
    assert client.get(reverse("residential:occupancy", args=[outpatient.slug])).status_code == 404
    assert client.get(reverse("residential:admit", args=[episode.pk])).status_code == 404
    client.logout()
    login_verified(client, world["member"])
    assert client.get(reverse("residential:occupancy", args=["ei-ole"])).status_code == 404
    assert client.get(reverse("residential:admit", args=[999999])).status_code == 404
    assert client.get(reverse("residential:move", args=[999999])).status_code == 404


# --------------------------------------------------------------------------- occupancy page


def test_occupancy_numbers_match_the_hand_computed_scenario(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["member"])
    url = reverse("residential:occupancy", args=[world["form"].slug])
    html = client.get(url, {"start": "2026-10-01", "end": "2026-10-10"}).content.decode()
    assert _figure(html, "places") == "2"
    assert _figure(html, "occupied") == "1"
    assert _figure(html, "free") == "1"
    assert _figure(html, "persons") == "1"
    assert _figure(html, "percent") == "30,0 %"
    assert _figure(html, "place-days") == "6 / 20"
    assert _figure(html, "arrivals") == "2"
    assert _figure(html, "departures") == "1"
    assert _figure(html, "average") == "3,0 vrk"
    assert _figure(html, "care-days") == "9"
    # The October row: state 6, municipality 3, other 0, total 9.
    row = re.search(r'<th scope="row">10/2026</th>(.*?)</tr>', html, re.S)
    assert row
    assert re.findall(r"<td[^>]*>(\d+)</td>", row.group(1)) == ["6", "3", "0", "9"]
    assert "1 asumisjakso on yhä auki" in html


def test_period_errors_are_finnish_and_keep_the_input(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["member"])
    url = reverse("residential:occupancy", args=[world["form"].slug])
    html = client.get(url, {"start": "2026-10-10", "end": "2026-10-01"}).content.decode()
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in html
    assert 'value="2026-10-10"' in html and 'value="2026-10-01"' in html
    assert 'data-figure="percent"' not in html
    html = client.get(url, {"start": "huomenna", "end": "2026-10-01"}).content.decode()
    assert 'value="huomenna"' in html
    assert 'aria-invalid="true"' in html


def test_names_only_for_visible_episodes_and_one_event_per_person(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    _b_episode, (b_adult,) = world["b"]
    # A stay in p1 whose episode belongs to another service form (a misfiled record): the page
    # must not name its people to a member of the shelter only.
    other_form = ServiceFormFactory.create(
        organisation=form.organisation, kind=ServiceForm.Kind.RESIDENTIAL
    )
    hidden_episode = EpisodeFactory.create(service_form=other_form, organisation=form.organisation)
    hidden = ParticipantFactory.create(episode=hidden_episode)
    with scopes_disabled():
        stay = Stay.objects.create(
            organisation=form.organisation,
            episode=hidden_episode,
            place=place(form, "p1"),
            arrived_at=t(2026, 11, 1),
            payer_category=PayerCategory.STATE,
            created_by=world["member"],
        )
        StayMember.objects.create(stay=stay, participant=hidden, arrived_at=t(2026, 11, 1))
    login_verified(client, world["member"])
    html = client.get(reverse("residential:occupancy", args=[form.slug])).content.decode()
    assert f"{b_adult.person.first_names} {b_adult.person.last_name}" in html
    assert hidden.person.first_names not in html
    assert "Varattu" in html
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=world["member"]))
    assert len(events) == 1
    event = events[0]
    assert event.subject_id == str(b_adult.person.pk)
    assert event.basis == "membership"
    assert event.action == "list"
    # Discharged family A is not shown and not logged.
    a_mother = world["a"][1][0]
    assert a_mother.person.first_names not in html


def test_occupancy_query_count_is_flat(client: Client) -> None:
    counts = []
    for size in (2, 5):
        form = residential_form(places=size, room_capacity=None)
        member = worker_in(form)
        for i in range(1, size + 1):
            episode, members = family(form, children=1)
            services.stay_admit(
                actor=member,
                episode=episode,
                place=place(form, f"p{i}"),
                arrived_at=t(2026, 10, i),
                members=members,
                payer_category=PayerCategory.STATE,
            )
        client.logout()
        login_verified(client, member)
        url = reverse("residential:occupancy", args=[form.slug])
        # The access log reads its content type once per process (then cached): clear it,
        # so every measured request reads it and the counts do not depend on test order.
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"start": "2026-10-01", "end": "2026-10-31"})
        assert response.status_code == 200
        with scopes_disabled():
            assert AccessEvent.objects.filter(user=member).count() == 2 * size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --------------------------------------------------------------------------- admission


def _admit_data(place_pk: int, members: list[Any], **extra: str) -> dict[str, Any]:
    return {
        "place": str(place_pk),
        "arrival_date": "2026-11-02",
        "arrival_time": "03:15",
        "payer_category": "state",
        "members": [str(m.pk) for m in members],
        **extra,
    }


def test_admit_creates_a_stay_and_the_place_is_no_longer_free(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    episode, members = family(form, children=2)
    login_verified(client, world["member"])
    url = reverse("residential:admit", args=[episode.pk])
    page = client.get(url).content.decode()
    assert "Perhepaikka 1" in page and "Perhepaikka 2 (varattu 8.10.2026 klo 12:00 alkaen)" in page
    assert page.count('type="checkbox"') == 3 and page.count("checked") >= 3
    response = client.post(url, _admit_data(place(form, "p1").pk, members[:2]))
    assert response.status_code == 302
    assert response["Location"] == reverse("episodes:detail", args=[episode.pk])
    with scopes_disabled():
        stay = Stay.objects.get(episode=episode)
        assert stay.place.code == "p1"
        assert stay.arrived_at == t(2026, 11, 2, 3, 15)
        assert sorted(stay.members.values_list("participant_id", flat=True)) == sorted(
            m.pk for m in members[:2]
        )
    html = client.get(reverse("residential:occupancy", args=[form.slug])).content.decode()
    assert _figure(html, "occupied") == "2"
    assert _figure(html, "free") == "0"
    # B and the two admitted now; the page counts from the residents it lists, as the selector.
    assert _figure(html, "persons") == "3"
    with scopes_disabled():
        now = selectors.occupancy_now(service_form=form)
    shown = tuple(int(_figure(html, name)) for name in ("places", "occupied", "free", "persons"))
    assert shown == (now.places, now.occupied, now.free, now.persons)


def test_admitting_to_a_taken_place_shows_the_error_and_keeps_the_input(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    episode, members = family(form, children=1)
    login_verified(client, world["member"])
    p2 = place(form, "p2")
    response = client.post(
        reverse("residential:admit", args=[episode.pk]),
        _admit_data(p2.pk, members[:1], payer_category="municipality"),
    )
    html = response.content.decode()
    assert "Paikka Perhepaikka 2 on jo varattu valittuna aikana." in html
    assert re.search(rf'<option value="{p2.pk}" selected>', html)
    assert 'value="2026-11-02"' in html and 'value="03:15"' in html
    assert re.search(r'value="municipality"[^>]*checked', html)
    assert re.search(rf'value="{members[1].pk}"(?![^>]*checked)', html)
    with scopes_disabled():
        assert not Stay.objects.filter(episode=episode).exists()


# --------------------------------------------------------------------------- move and discharge


def test_move_and_discharge(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    stay_b = world["stay_b"]
    login_verified(client, world["member"])
    response = client.post(
        reverse("residential:move", args=[stay_b.pk]),
        {
            "to_place": str(place(form, "p1").pk),
            "move_date": "2026-11-01",
            "move_time": "09:00",
            "version": str(stay_b.version),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        moved = Stay.objects.get(moved_from=stay_b)
    assert moved.place.code == "p1"
    # A stale version (the form loaded before the move) is refused, nothing changes.
    stale = client.post(
        reverse("residential:discharge", args=[stay_b.pk]),
        {
            "departure_date": "2026-11-20",
            "departure_time": "10:00",
            "destination": Destination.HOME,
            "version": "1",
        },
    )
    assert "Jakso on jo päättynyt" in stale.content.decode()
    response = client.post(
        reverse("residential:discharge", args=[moved.pk]),
        {
            "departure_date": "2026-11-20",
            "departure_time": "10:00",
            "destination": Destination.OWN_NEW_HOME,
            "version": str(moved.version),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        moved.refresh_from_db()
    assert moved.departed_at == t(2026, 11, 20, 10)
    assert moved.destination == Destination.OWN_NEW_HOME


def test_discharge_with_a_stale_version_shows_the_conflict(
    client: Client, world: dict[str, Any]
) -> None:
    stay_b = world["stay_b"]
    login_verified(client, world["member"])
    response = client.post(
        reverse("residential:discharge", args=[stay_b.pk]),
        {
            "departure_date": "2026-11-20",
            "departure_time": "10:00",
            "destination": Destination.HOME,
            "version": str(stay_b.version + 5),
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Joku muu on tallentanut" in html
    assert f'name="version" value="{stay_b.version}"' in html
    with scopes_disabled():
        stay_b.refresh_from_db()
    assert stay_b.departed_at is None
