"""THL screens: the capture form of an episode, the year-end check page
(``residential:thl_year_end``), THL's return in the statistics (``statistics:return``
``thl.shelter``) and the old year summary's addresses, which redirect there — access matrix,
access log, form validation, CSV export, canary and query counts.

Uses the hand-computed year 2025 of :mod:`.test_thl` (its docstring and ``HAND_2025``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.conflicts import MESSAGE as CONFLICT_MESSAGE
from tupa.core.tests.factories import (
    PersonFactory,
    ServiceFormFactory,
    UserFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified, refetched, rolled_back_world
from tupa.episodes.models import Assignment
from tupa.organisations.models import ServiceForm
from tupa.residential.models import ShelterClientData
from tupa.statistics.returns.thl import THL_SHELTER

from .support import residential_form, t
from .test_thl import (
    HAND_2024,
    HAND_2025,
    NOW,
    admit,
    build_year,
    episode_of,
    figures,
    person_in,
    shelter,
)

pytestmark = pytest.mark.django_db

CANARY = "Kanarialintu-7Q"
#: Queries of the year-end check page and of THL's return page (warm caches), whatever the
#: number of families.
YEAR_END_PAGE_QUERIES = 13
RETURN_PAGE_QUERIES = 28


@pytest.fixture(scope="module")
def built_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The year and a worker, built once for the module and rolled back after its last test
    (each test runs in a savepoint inside this transaction)."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(NOW, tick=False):
            data = build_year()
            form = data["form"]
            data["worker"] = worker_in(form)
            data["lead"] = data["actor"]
        yield data


@pytest.fixture
def world(built_world: dict[str, Any]) -> Any:
    with time_machine.travel(NOW, tick=False):
        yield refetched(built_world)


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


def _return_url(form: ServiceForm, year: int = 2025) -> str:
    """THL's return of the shelter in the statistics: where the old summary's figures are."""
    return reverse("statistics:return", args=[THL_SHELTER.id, year, form.slug])


def _old_urls(form: ServiceForm) -> list[str]:
    """The old year summary's addresses: they redirect to the statistics after the check."""
    return [
        reverse("residential:thl_summary", args=[form.slug, 2025]),
        reverse("residential:thl_summary_csv", args=[form.slug, 2025]),
        reverse("residential:thl_summary_default", args=[form.slug]),
    ]


def _year_end_url(form: ServiceForm, year: int = 2025) -> str:
    return reverse("residential:thl_year_end", args=[form.slug, year])


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
    """``summary``: the year-end check and THL's return (200) — the old addresses redirect (302)
    for the same people and answer 404 to the others."""
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
        for url in _old_urls(form):
            response = client.get(url)
            assert response.status_code == (302 if summary == 200 else summary), (who, url)
            if summary == 200:
                assert urlsplit(response["Location"]).path.startswith("/tilastot/"), (who, url)
        for url in (_year_end_url(form), _return_url(form)):
            response = client.get(url)
            assert response.status_code == summary, (who, url)
            if summary == 302:
                assert response["Location"].startswith(reverse("accounts:login"))
    with scopes_disabled():
        # Only the members' own pages name persons: the return and the redirects log nothing.
        logged = AccessEvent.objects.exclude(view_name="residential:thl_episode")
        assert {e.view_name for e in logged} <= {"residential:thl_year_end"}
        assert all(e.user_id in (world["worker"].pk, world["lead"].pk) for e in logged)


def test_bad_ids_years_and_non_shelters_are_404(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    ensikoti = residential_form(places=1, room_capacity=None)
    worker = worker_in(ensikoti)
    episode = episode_of(ensikoti)
    person_in(episode)
    with time_machine.travel(NOW, tick=False):
        login_verified(client, worker)
        assert client.get(reverse("residential:thl_episode", args=[episode.pk])).status_code == 404
        for name in ("residential:thl_summary", "residential:thl_year_end"):
            assert client.get(reverse(name, args=[ensikoti.slug, 2025])).status_code == 404
        assert client.get(_return_url(ensikoti)).status_code == 404
        client.logout()
        login_verified(client, world["worker"])
        assert client.get(reverse("residential:thl_episode", args=[999999])).status_code == 404
        for name in ("residential:thl_summary", "residential:thl_year_end"):
            for args in (["ei-ole", 2025], [form.slug, 2027], [form.slug, 1999]):
                assert client.get(reverse(name, args=args)).status_code == 404, (name, args)
        assert (
            client.get(reverse("residential:thl_summary_csv", args=[form.slug, 2027])).status_code
            == 404
        )


def test_old_addresses_redirect_to_the_statistics(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    default = reverse("residential:thl_summary_default", args=[form.slug])
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        # The year picker's ?vuosi= is the return's year; none or a bad one is last year.
        cases = {
            "": 2025,
            "?vuosi=2024": 2024,
            "?vuosi=2026": 2026,
            "?vuosi=1066": 2025,
            "?vuosi=2027": 2025,
            "?vuosi=viime": 2025,
            "?vuosi=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94": 2025,  # full-width 2024
        }
        for query, expected in cases.items():
            response = client.get(default + query)
            assert response.status_code == 302, query
            assert response["Location"] == _return_url(form, expected), query
        old = client.get(reverse("residential:thl_summary", args=[form.slug, 2024]))
        assert old["Location"] == _return_url(form, 2024)
        csv_old = client.get(reverse("residential:thl_summary_csv", args=[form.slug, 2025]))
        assert csv_old.status_code == 302
        assert csv_old["Location"] == reverse(
            "statistics:export", args=[THL_SHELTER.id, 2025, form.slug, "csv"]
        )
        # Following a redirect lands on THL's return of the year.
        page = client.get(default, follow=True)
    assert page.redirect_chain == [(_return_url(form), 302)]
    assert page.status_code == 200
    assert page.context["template"] is THL_SHELTER


# --------------------------------------------------------------------------- THL's return


def test_return_page_gives_the_hand_figures(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        response = client.get(_return_url(form))
        previous = client.get(_return_url(form, 2024))
    assert response.status_code == 200
    assert figures(response.context["computed"]) == HAND_2025
    assert figures(previous.context["computed"]) == HAND_2024
    html = response.content.decode()
    assert "Asiakkaita vuoden aikana" in html and "Asumisvuorokaudet" in html
    # The year is not ready: the two problems link to the year-end check.
    problems = response.context["computed"].problems
    assert [p.url for p in problems] == [_year_end_url(form)] * 2
    assert f'href="{_year_end_url(form)}"' in html
    # Aggregates only: nobody is named, nothing is logged.
    for participant in world["people"].values():
        if participant.person is not None:
            assert participant.person.first_names not in html
    assert "Kanerva" not in html
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=world["worker"]).exists()


def test_csv_export_of_the_return_has_no_personal_data(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["lead"])
        response = client.get(
            reverse("residential:thl_summary_csv", args=[form.slug, 2025]), follow=True
        )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"thl.shelter-{form.slug}-2025.csv" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").split("\r\n")
    # The grand totals of the first lines. The clients' total 7 is shown. The four adults are
    # four "< 5"s of one violence-duration row each, and the adults' total is a "< 5": with
    # the zeros of the adults' column shown, each would be at least 1, so the adults exactly
    # 4 and the children 7 - 4 = 3, and the total had to be hidden (ADR 0034). The zeros of a
    # column whose total is a "< 5" are "< 5" too (ADR 0036; no adult is aged 0-3), so each
    # "< 5" there may be 0. The residence days (115) are shown.
    assert any(
        line.startswith("Asiakkaat ja asumisvuorokaudet;Asiakkaita vuoden aikana;Yhteensä;;7;")
        for line in lines
    ), lines[:20]
    assert any(
        line.startswith("Asiakkaiden taustatiedot;Ikäryhmä tulohetkellä;0–3 v;aikuiset;< 5;")
        for line in lines
    ), lines[:20]
    assert any(
        line.startswith("Asiakkaat ja asumisvuorokaudet;Asumisvuorokaudet;Yhteensä;")
        and ";115;" in line
        for line in lines
    ), lines[:20]
    for participant in world["people"].values():
        if participant.person is not None:
            assert participant.person.first_names not in body
    assert "Kanerva" not in body
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=world["lead"]).exists()


# --------------------------------------------------------------------------- the year-end check


def test_year_end_page_lists_and_logs_the_episodes_for_a_member(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    people = world["people"]
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        response = client.get(_year_end_url(form))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="not-ready"' in html
    assert "Valmis lähetettäväksi</strong>" not in html
    assert 'data-figure="open-stays"' in html and 'data-figure="missing-data"' in html
    assert _return_url(form) in html
    # The check list names the open stay's man and the child without data, links to fix them.
    d1, b3 = people["d1"].person, people["b3"].person
    assert f"{d1.first_names} {d1.last_name}" in html
    assert f"{b3.first_names} {b3.last_name}" in html
    assert reverse("residential:thl_episode", args=[world["episodes"]["b"].pk]) in html
    assert reverse("episodes:detail", args=[world["episodes"]["d"].pk]) in html
    assert reverse("residential:thl_confirm_year_end", args=[world["stay_d"].pk, 2025]) in html
    # Persons with complete data and closed stays are not named.
    a1 = people["a1"].person
    assert a1.first_names not in html
    assert "Kanerva" not in html
    with scopes_disabled():
        events = AccessEvent.objects.filter(user=world["worker"])
        assert sorted(int(e.subject_id) for e in events) == sorted([d1.pk, b3.pk])
        assert {e.basis for e in events} == {"membership"}
        assert {e.action for e in events} == {"list"}
        assert {e.view_name for e in events} == {"residential:thl_year_end"}


def test_executive_director_sees_counts_but_no_episodes(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    director = org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)
    with time_machine.travel(NOW, tick=False):
        login_verified(client, director)
        html = client.get(_year_end_url(form)).content.decode()
        returned = client.get(_return_url(form))
    assert returned.status_code == 200
    assert figures(returned.context["computed"]).clients == (4, 3, 7)
    assert 'data-status="not-ready"' in html
    assert 'data-figure="open-stays"' in html and 'data-figure="missing-data"' in html
    for participant in world["people"].values():
        if participant.person is not None:
            assert participant.person.first_names not in html
    assert "Kanerva" not in html
    assert "Asiakkuus #" not in html
    assert "vuodenvaihde/2025/" not in html  # no confirm buttons
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
        html = client.get(_year_end_url(form)).content.decode()
        returned = client.get(_return_url(form))
    assert 'data-status="ready"' in html
    assert "Valmis lähetettäväksi" in html
    computed = returned.context["computed"]
    assert computed.problems == []
    assert figures(computed).days == (7, 0, 7)
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=lead).exists()  # nobody listed


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
        pages = [client.get(url, follow=True) for url in _old_urls(form)]
        pages.append(client.get(_year_end_url(form)))
        pages.append(
            client.get(reverse("residential:thl_episode", args=[world["episodes"]["d"].pk]))
        )
        pages.append(client.get(reverse("residential:occupancy", args=[form.slug])))
    for response in pages:
        assert response.status_code == 200
        assert CANARY not in response.content.decode()
    assert figures(pages[0].context["computed"]) == HAND_2025


def _families(form: ServiceForm, lead: Any, size: int) -> None:
    """``size`` open families (mother and child, no THL data) from December 2025."""
    for i in range(1, size + 1):
        episode = episode_of(form)
        mother = person_in(episode, born=dt.date(1990, 1, 1))
        child = person_in(episode, role="child", born=dt.date(2020, 1, 1))
        admit(lead, episode, form, f"p{i}", t(2025, 12, i), [mother, child])


def test_year_end_and_return_query_counts_are_flat(client: Client) -> None:
    counts: dict[str, list[int]] = {"year_end": [], "return": []}
    with time_machine.travel(NOW, tick=False):
        for size in (1, 4):
            form = shelter(places=size)
            lead = worker_in(form, role="lead")
            _families(form, lead, size)
            client.logout()
            login_verified(client, lead)
            for key, url in (("year_end", _year_end_url(form)), ("return", _return_url(form))):
                client.get(url)  # warm the per-process caches (content types, sessions)
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                assert response.status_code == 200
                counts[key].append(len(queries))
            with scopes_disabled():
                # Every family is open and lacks data: each person is named and logged once
                # per request of the year-end check (two requests); the return logs nothing.
                assert AccessEvent.objects.filter(user=lead).count() == 2 * 2 * size
    assert counts["year_end"][0] == counts["year_end"][1], counts
    assert counts["return"][0] == counts["return"][1], counts
    assert counts["year_end"][1] <= YEAR_END_PAGE_QUERIES, counts
    assert counts["return"][1] <= RETURN_PAGE_QUERIES, counts


def test_year_end_and_return_pages_max_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    form = world["form"]
    with time_machine.travel(NOW, tick=False):
        login_verified(client, world["worker"])
        client.get(_year_end_url(form))  # warm the per-process caches
        with django_assert_max_num_queries(YEAR_END_PAGE_QUERIES):
            assert client.get(_year_end_url(form)).status_code == 200
        with django_assert_max_num_queries(RETURN_PAGE_QUERIES):
            assert client.get(_return_url(form)).status_code == 200


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
        # The page shown with the conflict carries the stamp of the rows saved now: saving
        # again from it is the user's choice, and goes through.
        moved_on = re.search(r'name="stamp" value="([0-9a-f]+)"', stale.content.decode())
        assert moved_on and moved_on.group(1) != stamp.group(1)
        with scopes_disabled():  # the refused save wrote nothing
            b2_pk = world["people"]["b2"].pk
            assert ShelterClientData.objects.get(participant_id=b2_pk).stay_order == "unknown"
        again = client.post(
            url, {**_post_data(world, b2={"stay_order": "repeat"}), "stamp": moved_on.group(1)}
        )
    assert stale.status_code == 409
    assert str(CONFLICT_MESSAGE) in stale.content.decode()
    assert again.status_code == 302
    with scopes_disabled():
        b3 = ShelterClientData.objects.get(participant_id=world["people"]["b3"].pk)
        assert (b3.client_status, b3.age_band, b3.updated_by) == (
            "violent_environment",
            "0-3",
            world["worker"],
        )
        b2 = ShelterClientData.objects.get(participant_id=world["people"]["b2"].pk)
        assert b2.stay_order == "repeat"
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
