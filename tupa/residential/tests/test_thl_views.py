"""THL screens: the capture form of an episode and the year summary with its year-end check —
access matrix, access log, form validation, CSV, canary and query counts.

Uses the hand-computed year 2025 of :mod:`.test_thl` (its docstring has the numbers).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    PersonFactory,
    ServiceFormFactory,
    UserFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment
from tupa.organisations.models import ServiceForm
from tupa.residential.models import ShelterClientData

from .support import residential_form, t
from .test_thl import NOW, admit, build_year, episode_of, person_in, shelter

pytestmark = pytest.mark.django_db

CANARY = "Kanarialintu-7Q"


@pytest.fixture
def world() -> Any:
    with time_machine.travel(NOW, tick=False):
        data = build_year()
        form = data["form"]
        data["worker"] = worker_in(form)
        data["lead"] = data["actor"]
        yield data


def _outsiders(form: ServiceForm) -> dict[str, Any]:
    other_form = ServiceFormFactory.create(
        organisation=form.organisation, kind=ServiceForm.Kind.RESIDENTIAL, violence_work="victim"
    )
    other_org_form = ServiceFormFactory.create(
        kind=ServiceForm.Kind.RESIDENTIAL, violence_work="victim"
    )
    return {
        "other form worker": worker_in(other_form),
        "other organisation": worker_in(other_org_form),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "finance": org_role_user(form.organisation, Role.FINANCE),
    }


def _summary_urls(form: ServiceForm) -> list[str]:
    return [
        reverse("residential:thl_summary", args=[form.slug, 2025]),
        reverse("residential:thl_summary_csv", args=[form.slug, 2025]),
    ]


# --------------------------------------------------------------------------- access matrix


@pytest.mark.parametrize(
    ("who", "episode_form", "summary"),
    [
        ("worker", 200, 200),
        ("lead", 200, 200),
        ("executive director", 404, 200),
        ("other form worker", 404, 404),
        ("other organisation", 404, 404),
        ("admin", 404, 404),
        ("dpo", 404, 404),
        ("finance", 404, 404),
        ("assigned co-worker", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_access_matrix(
    client: Client, world: dict[str, Any], who: str, episode_form: int, summary: int
) -> None:
    form = world["form"]
    episode = world["episodes"]["d"]
    users = {
        "worker": world["worker"],
        "lead": world["lead"],
        "executive director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        **_outsiders(form),
    }
    if who == "assigned co-worker":
        user = UserFactory.create(organisation=form.organisation)
        with scopes_disabled():
            Assignment.objects.create(
                episode=episode,
                user=user,
                valid_from=dt.date(2025, 1, 1),
                assigned_by=world["lead"],
            )
        users[who] = user
    with time_machine.travel(NOW, tick=False):
        if who != "anonymous":
            login_verified(client, users[who])
        url = reverse("residential:thl_episode", args=[episode.pk])
        for method, allowed in ((client.get, 200), (client.post, 400)):
            # An empty POST by a member is a form error (400); everyone else gets 404 / login.
            response = method(url)
            expected_status = allowed if episode_form == 200 else episode_form
            assert response.status_code == expected_status, (who, url, method)
            if episode_form == 302:
                assert response["Location"].startswith(reverse("accounts:login"))
        for url in [
            *_summary_urls(form),
            reverse("residential:thl_summary_default", args=[form.slug]),
        ]:
            response = client.get(url)
            expected = 302 if url.endswith("/thl/") and summary == 200 else summary
            assert response.status_code == expected, (who, url)


def test_bad_ids_years_and_non_shelters_are_404(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    ensikoti = residential_form(places=1, room_capacity=None)
    worker = worker_in(ensikoti)
    episode = episode_of(ensikoti)
    person_in(episode)
    with time_machine.travel(NOW, tick=False):
        login_verified(client, worker)
        assert client.get(reverse("residential:thl_episode", args=[episode.pk])).status_code == 404
        assert (
            client.get(reverse("residential:thl_summary", args=[ensikoti.slug, 2025])).status_code
            == 404
        )
        client.logout()
        login_verified(client, world["worker"])
        assert client.get(reverse("residential:thl_episode", args=[999999])).status_code == 404
        assert (
            client.get(reverse("residential:thl_summary", args=["ei-ole", 2025])).status_code == 404
        )
        assert (
            client.get(reverse("residential:thl_summary", args=[form.slug, 2027])).status_code
            == 404
        )
        assert (
            client.get(reverse("residential:thl_summary", args=[form.slug, 1999])).status_code
            == 404
        )


def test_year_picker_redirects(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    url = reverse("residential:thl_summary_default", args=[form.slug])
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        assert client.get(url)["Location"] == reverse(
            "residential:thl_summary", args=[form.slug, 2025]
        )
        assert client.get(url, {"vuosi": "2024"})["Location"] == reverse(
            "residential:thl_summary", args=[form.slug, 2024]
        )
        # A year outside the picker falls back to last year.
        assert client.get(url, {"vuosi": "1066"})["Location"].endswith("/thl/2025/")


# --------------------------------------------------------------------------- the summary page


def _cells(html: str, table: str, label: str) -> list[str]:
    block = re.search(rf'data-table="{table}">(.*?)</table>', html, re.S)
    assert block, table
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', block.group(1), re.S)
    assert row, (table, label)
    return re.findall(r"<td>([^<]*)</td>", row.group(1))


def test_summary_page_numbers_and_check_list_for_a_member(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    people = world["people"]
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        html = client.get(
            reverse("residential:thl_summary", args=[form.slug, 2025])
        ).content.decode()
    assert _cells(html, "clients", "Asiakkaita vuoden aikana") == ["4", "3", "7"]
    assert _cells(html, "clients", "Asumisvuorokaudet") == ["88", "27", "115"]
    assert _cells(html, "clients", "Keskimääräinen asumisaika (vrk / asiakas)") == [
        "22,0",
        "9,0",
        "16,4",
    ]
    assert _cells(html, "gender", "Tieto puuttuu") == ["0", "1", "1"]
    assert _cells(html, "violence_forms", "Fyysinen") == ["2", "0", "2"]
    assert _cells(html, "stays", "Perhepaikat vuoden lopussa") == ["3"]
    assert _cells(html, "turn_aways", "Henkilöt yhteensä") == ["4"]
    assert _cells(html, "line", "Yhteydenotot yhteensä") == ["3"]
    assert 'data-status="not-ready"' in html
    assert "Valmis lähetettäväksi</strong>" not in html
    # The check list names the open stay's man and the child without data, links to fix them.
    d1, b3 = people["d1"].person, people["b3"].person
    assert f"{d1.first_names} {d1.last_name}" in html
    assert f"{b3.first_names} {b3.last_name}" in html
    assert reverse("residential:thl_episode", args=[world["episodes"]["b"].pk]) in html
    # Persons with complete data and closed stays are not named.
    a1 = people["a1"].person
    assert a1.first_names not in html
    with scopes_disabled():
        events = AccessEvent.objects.filter(user=world["worker"])
        assert sorted(int(e.subject_id) for e in events) == sorted([d1.pk, b3.pk])
        assert {e.basis for e in events} == {"membership"}
        assert {e.action for e in events} == {"list"}


def test_executive_director_sees_numbers_but_no_episodes(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    director = org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)
    with time_machine.travel(NOW, tick=False):
        login_verified(client, director)
        html = client.get(
            reverse("residential:thl_summary", args=[form.slug, 2025])
        ).content.decode()
    assert _cells(html, "clients", "Asiakkaita vuoden aikana") == ["4", "3", "7"]
    assert 'data-figure="open-stays"' in html and 'data-figure="missing-data"' in html
    for participant in world["people"].values():
        if participant.person is not None:
            assert participant.person.first_names not in html
    assert "Kanerva" not in html
    assert "Asiakkuus #" not in html
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=director).exists()


def test_ready_when_nothing_is_open_or_missing(client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        form = shelter(places=1)
        lead = worker_in(form, role="lead")
        episode = episode_of(form)
        mother = person_in(episode, born=dt.date(1990, 1, 1))
        from tupa.residential.stays import services
        from tupa.residential.thl import services as thl_services

        stay = admit(lead, episode, form, "p1", t(2025, 5, 1), [mother])
        services.stay_discharge(
            actor=lead, stay=stay, departed_at=t(2025, 5, 8), destination="home"
        )
        thl_services.shelter_data_save(
            actor=lead,
            episode=episode,
            rows=[
                {
                    "participant": mother,
                    "client_status": "victim",
                    "gender": "female",
                    "age_band": "35-44",
                    "violence_forms": ["physical"],
                    "relationship": "current_partner",
                    "stay_order": "first",
                    "violence_duration": "1_5y",
                }
            ],
        )
        login_verified(client, lead)
        html = client.get(
            reverse("residential:thl_summary", args=[form.slug, 2025])
        ).content.decode()
    assert 'data-status="ready"' in html
    assert "Valmis lähetettäväksi" in html
    assert _cells(html, "clients", "Asumisvuorokaudet") == ["7", "0", "7"]


def test_csv_is_finnish_excel_and_has_no_personal_data(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["lead"])
        response = client.get(reverse("residential:thl_summary_csv", args=[form.slug, 2025]))
    assert response["Content-Type"].startswith("text/csv")
    assert f"thl-turvakoti-{form.slug}-2025.csv" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").split("\r\n")
    assert "Asiakkaita vuoden aikana;4;3;7" in lines
    assert "Keskimääräinen asumisaika (vrk / asiakas);22,0;9,0;16,4" in lines
    assert "Perheet (pyynnöt);2" in lines
    assert lines[1].startswith("Valmis lähetettäväksi;ei;")
    for participant in world["people"].values():
        if participant.person is not None:
            assert participant.person.first_names not in body
    assert "Kanerva" not in body
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=world["lead"]).exists()


def test_canary_of_another_organisation_and_unit(client: Client, world: dict[str, Any]) -> None:
    """Another organisation's shelter with the same slug and a canary-named family never leaks."""
    form = world["form"]
    with time_machine.travel(NOW, tick=False):
        other_org_form = ServiceFormFactory.create(
            kind=ServiceForm.Kind.RESIDENTIAL, violence_work="victim", slug=form.slug
        )
        from tupa.residential.models import Place

        with scopes_disabled():
            Place.objects.create(
                organisation=other_org_form.organisation,
                service_form=other_org_form,
                name="Perhepaikka 1",
                code="p1",
            )
        other_lead = worker_in(other_org_form, role="lead")
        episode = episode_of(other_org_form)
        canary = PersonFactory.create(
            organisation=other_org_form.organisation, first_names=CANARY, last_name=CANARY
        )
        from tupa.core.tests.factories import ParticipantFactory

        participant = ParticipantFactory.create(episode=episode, person=canary)
        admit(other_lead, episode, other_org_form, "p1", t(2025, 6, 1), [participant])
        # Same organisation, another shelter: its open stay has a canary-named person too.
        other_unit = world["other"]
        unit_episode = episode_of(other_unit)
        unit_person = PersonFactory.create(
            organisation=other_unit.organisation, first_names=CANARY + "U", last_name="X"
        )
        unit_participant = ParticipantFactory.create(episode=unit_episode, person=unit_person)
        admit(
            worker_in(other_unit),
            unit_episode,
            other_unit,
            "room",
            t(2025, 9, 1),
            [unit_participant],
        )
        login_verified(client, world["worker"])
        pages = [client.get(url) for url in _summary_urls(form)]
        pages.append(
            client.get(reverse("residential:thl_episode", args=[world["episodes"]["d"].pk]))
        )
        pages.append(client.get(reverse("residential:occupancy", args=[form.slug])))
    for response in pages:
        assert response.status_code == 200
        assert CANARY not in response.content.decode()
    assert _cells(pages[0].content.decode(), "clients", "Asiakkaita vuoden aikana") == [
        "4",
        "3",
        "7",
    ]


def test_summary_page_query_count_is_flat(client: Client) -> None:
    counts = []
    with time_machine.travel(NOW, tick=False):
        for size in (1, 4):
            form = shelter(places=size)
            lead = worker_in(form, role="lead")
            for i in range(1, size + 1):
                episode = episode_of(form)
                mother = person_in(episode, born=dt.date(1990, 1, 1))
                child = person_in(episode, role="child", born=dt.date(2020, 1, 1))
                admit(lead, episode, form, f"p{i}", t(2025, 12, i), [mother, child])
            client.logout()
            login_verified(client, lead)
            url = reverse("residential:thl_summary", args=[form.slug, 2025])
            client.get(url)  # warm the per-process caches (content types, sessions)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            with scopes_disabled():
                # Every family is open and lacks data: each person is named and logged once
                # per request (two requests).
                assert AccessEvent.objects.filter(user=lead).count() == 2 * 2 * size
            counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_summary_page_max_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        url = reverse("residential:thl_summary", args=[world["form"].slug, 2025])
        with django_assert_max_num_queries(40):
            assert client.get(url).status_code == 200


# --------------------------------------------------------------------------- the capture form


def _post_data(world: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    b = world["people"]
    data: dict[str, Any] = {}
    rows: dict[str, dict[str, Any]] = {
        "b1": {
            "client_status": "victim",
            "gender": "female",
            "age_band": "35-44",
            "violence_forms": ["physical", "threat"],
            "relationship": "former_partner",
            "stay_order": "repeat",
            "violence_duration": "gt_5y",
        },
        "b2": {
            "client_status": "violent_environment",
            "gender": "male",
            "age_band": "7-12",
            "relationship": "parent",
            "stay_order": "unknown",
            "violence_duration": "1_5y",
        },
        "b3": {
            "client_status": "violent_environment",
            "gender": "male",
            "age_band": "0-3",
            "relationship": "parent",
            "stay_order": "first",
            "violence_duration": "unknown",
        },
    }
    for key, values in rows.items():
        prefix = f"p{b[key].pk}"
        for name, value in {**values, **overrides.get(key, {})}.items():
            data[f"{prefix}-{name}"] = value
    return data


def test_form_lists_every_participant_with_proposals_and_logs_them(
    client: Client, world: dict[str, Any]
) -> None:
    episode = world["episodes"]["b"]
    people = world["people"]
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        response = client.get(reverse("residential:thl_episode", args=[episode.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for key in ("b1", "b2", "b3"):
        assert people[key].person.first_names in html
    b3 = people["b3"].pk
    # B3 has no data yet: the proposal (a 2-year-old boy, violent environment) is preselected.
    assert re.search(rf'name="p{b3}-client_status" value="violent_environment"[^>]*checked', html)
    assert re.search(r'<option value="0-3" selected>', html)
    assert "ehdotus asiakastiedoista" in html
    with scopes_disabled():
        events = AccessEvent.objects.filter(user=world["worker"])
        assert sorted(int(e.subject_id) for e in events) == sorted(
            people[k].person.pk for k in ("b1", "b2", "b3")
        )
        assert {e.episode_id for e in events} == {episode.pk}


def test_form_errors_are_finnish_and_keep_the_input(client: Client, world: dict[str, Any]) -> None:
    episode = world["episodes"]["b"]
    b1 = world["people"]["b1"].pk
    url = reverse("residential:thl_episode", args=[episode.pk])
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        response = client.post(
            url,
            _post_data(
                world,
                b1={"violence_forms": [], "relationship": "current_partner"},
                b2={"gender": "alien"},
            ),
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Valitse vähintään yksi väkivallan muoto" in html
    assert "Valitse jokin vaihtoehdoista." in html
    assert 'aria-invalid="true"' in html
    # The B2 gender field is the invalid one, with its error linked in the summary.
    assert re.search(
        rf'<select name="p{world["people"]["b2"].pk}-gender"[^>]*aria-invalid="true"', html
    )
    assert re.search(r'<option value="current_partner" selected>', html)
    with scopes_disabled():
        assert not ShelterClientData.objects.filter(
            participant_id=world["people"]["b3"].pk
        ).exists()
        assert ShelterClientData.objects.get(participant_id=b1).relationship == "former_partner"


def test_form_saves_and_the_year_becomes_complete(client: Client, world: dict[str, Any]) -> None:
    episode = world["episodes"]["b"]
    url = reverse("residential:thl_episode", args=[episode.pk])
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        stamp = re.search(r'name="stamp" value="([0-9a-f]+)"', client.get(url).content.decode())
        assert stamp
        response = client.post(url, {**_post_data(world), "stamp": stamp.group(1)})
        assert response.status_code == 302
        assert response["Location"] == reverse("episodes:detail", args=[episode.pk])
        # The same stale stamp again is a conflict; the typed values stay on the page.
        stale = client.post(
            url, {**_post_data(world, b2={"stay_order": "repeat"}), "stamp": stamp.group(1)}
        )
    assert stale.status_code == 409
    assert "Joku muu on tallentanut tilastotietoja" in stale.content.decode()
    with scopes_disabled():
        b3 = ShelterClientData.objects.get(participant_id=world["people"]["b3"].pk)
        assert (b3.client_status, b3.age_band, b3.updated_by) == (
            "violent_environment",
            "0-3",
            world["worker"],
        )
        b2 = ShelterClientData.objects.get(participant_id=world["people"]["b2"].pk)
        assert b2.stay_order == "unknown"
        assert ShelterClientData.objects.get(
            participant_id=world["people"]["b1"].pk
        ).violence_forms == [
            "physical",
            "threat",
        ]


def test_links_from_the_episode_and_occupancy_pages(client: Client, world: dict[str, Any]) -> None:
    episode = world["episodes"]["d"]
    thl_url = reverse("residential:thl_episode", args=[episode.pk])
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        detail = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
        occupancy = client.get(
            reverse("residential:occupancy", args=[world["form"].slug])
        ).content.decode()
        service_form_page = client.get(
            reverse("organisations:service_form", args=[world["form"].slug])
        ).content.decode()
    assert thl_url in detail
    assert thl_url in occupancy
    assert (
        reverse("residential:thl_summary_default", args=[world["form"].slug]) in service_form_page
    )


def test_empty_post_asks_for_the_status_of_those_who_stayed(
    client: Client, world: dict[str, Any]
) -> None:
    episode = world["episodes"]["d"]
    with time_machine.travel(NOW, tick=False):
        partner = person_in(episode, role="partner")
        login_verified(client, world["worker"])
        response = client.post(reverse("residential:thl_episode", args=[episode.pk]), {})
    html = response.content.decode()
    assert response.status_code == 400
    d1 = world["people"]["d1"].pk
    assert f'href="#id_p{d1}-client_status_0"' in html
    assert "Valitse asiakkaan asema." in html
    # The partner never stayed: an empty status is allowed ("ei tilastoida"), no error.
    assert f'href="#id_p{partner.pk}-client_status_0"' not in html
    assert "ei asunut turvakodissa – ei tilastoida" in html
