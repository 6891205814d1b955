"""Quick search: finds only visible persons, never reveals a hidden one, logs each row once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, PersonFactory
from tupa.core.tests.helpers import login_verified
from tupa.people import selectors, services
from tupa.people.models import Alias, Restriction
from tupa.people.selectors import search as search_selectors

pytestmark = pytest.mark.django_db

SEARCH = "/henkilot/haku/"


def _search(user: Any, query: str) -> selectors.SearchResults:
    with scope(organisation=user.organisation_id):
        return selectors.search_persons(user=user, query=query)


def _names(results: selectors.SearchResults) -> list[str]:
    return [f"{p.first_names} {p.last_name}" for p in results.persons]


def _search_events(user: Any) -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.filter(user=user, action="search").order_by("pk"))


# --------------------------------------------------------------------------- the selector


def test_search_by_name_ignores_case_and_diacritics(world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    expected = {"Maija Meikäläinen", "maija MEIKALAINEN"}
    assert set(_names(_search(worker, "meikalainen maija"))) == expected
    assert set(_names(_search(worker, "MEIKÄLÄINEN"))) == expected | {"Eetu Meikäläinen"}
    assert set(_names(_search(worker, "Meikälä"))) == expected | {"Eetu Meikäläinen"}
    assert _names(_search(worker, "eetu")) == ["Eetu Meikäläinen"]
    assert _names(_search(worker, "  ee  meik ")) == ["Eetu Meikäläinen"]  # word parts
    assert _names(_search(worker, "Olematon")) == []


def test_control_characters_in_a_query_separate_words(world: dict[str, Any]) -> None:
    """A NUL byte (which PostgreSQL refuses in a text parameter: the search answered 500) or a
    tab in the typed query is a space: no name holds one."""
    worker = world["users"]["shelter_worker"]
    results = _search(worker, "eetu\x00meik\t")
    assert results.query == "eetu meik"
    assert _names(results) == ["Eetu Meikäläinen"]


def test_results_are_sorted_by_name(world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    names = [(p.last_name, p.first_names, p.pk) for p in _search(worker, "mei").persons]
    assert names == sorted(names)  # the database's name order, hidden rows play no part
    assert len(names) == 3


def test_search_by_identity_code_temporary_id_and_birth_date(world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    mother, child = world["persons"]["mother"], world["persons"]["child"]
    assert _search(worker, "131052-308t").persons == [mother]
    assert _search(worker, "131052-308U").persons == []  # exact only
    assert _search(worker, child.temporary_id.lower()).persons == [child]
    born = {p.pk for p in _search(worker, "13.10.1952").persons}
    assert born == {mother.pk, world["persons"]["duplicate"].pk}


def test_search_by_alias_label(world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    results = _search(worker, "sinin")
    assert results.persons == []
    assert results.aliases == [world["alias"]]
    # Once identified, the label leads to the person (for the alias's own service form).
    person = PersonFactory(organisation=world["org"], first_names="Sanna", last_name="Keksitty")
    services.alias_link(actor=worker, alias=world["alias"], person=person, reason="Tunnistettu")
    results = _search(worker, "sininen")
    assert results.aliases == []
    assert results.persons == [person]
    assert _search(world["users"]["lapsityo_worker"], "sininen").empty


def test_hidden_persons_are_never_found(world: dict[str, Any]) -> None:
    shelter_worker = world["users"]["shelter_worker"]
    jussi_worker = world["users"]["jussi_worker"]
    assert _search(shelter_worker, "Matti").empty
    assert _search(shelter_worker, "Virtanen").empty
    assert _search(jussi_worker, "Maija").empty
    assert _search(jussi_worker, "Meikäläinen").empty
    assert _search(jussi_worker, "131052-308T").empty
    assert _search(jussi_worker, "13.10.1952").empty
    assert _search(jussi_worker, "Sininen").empty
    assert _names(_search(jussi_worker, "matti")) == ["Matti Virtanen"]
    # Lapsityö sees the child (its client) but not the mother.
    assert _names(_search(world["users"]["lapsityo_worker"], "meik")) == ["Eetu Meikäläinen"]


def test_too_short_queries_search_nothing(world: dict[str, Any]) -> None:
    results = _search(world["users"]["shelter_worker"], "M")
    assert results.too_short and not results.searched and results.empty


def test_truncation(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # Patched where search_persons reads it (the package only re-exports the value).
    monkeypatch.setattr(search_selectors, "SEARCH_LIMIT", 2)
    results = _search(world["users"]["shelter_worker"], "mei")
    assert len(results.persons) == 2 and results.truncated


# --------------------------------------------------------------------------- the view


def _normalise(html: str, query: str) -> str:
    html = html.replace(quote(query), "QUERY").replace(query, "QUERY")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return html


@pytest.mark.parametrize("htmx", [False, True])
def test_a_hidden_name_and_a_nonexistent_name_give_the_same_response(
    client: Client,
    world: dict[str, Any],
    htmx: bool,
) -> None:
    jussi_worker = world["users"]["jussi_worker"]
    login_verified(client, jussi_worker)
    headers = {"HX-Request": "true"} if htmx else {}
    hidden = client.post(SEARCH, {"q": "Meikäläinen"}, headers=headers)
    missing = client.post(SEARCH, {"q": "Olemtonta"}, headers=headers)
    assert hidden.status_code == missing.status_code == 200
    assert _normalise(hidden.content.decode(), "Meikäläinen") == _normalise(
        missing.content.decode(), "Olemtonta"
    )
    assert "Ei hakutuloksia." in hidden.content.decode()
    # Same for an identity code.
    code_hidden = client.post(SEARCH, {"q": "131052-308T"}, headers=headers)
    code_missing = client.post(SEARCH, {"q": "010594Y308V"}, headers=headers)
    assert _normalise(code_hidden.content.decode(), "131052-308T") == _normalise(
        code_missing.content.decode(), "010594Y308V"
    )
    assert _search_events(jussi_worker) == []


def test_search_logs_one_event_per_person_shown_with_the_basis(
    client: Client,
    world: dict[str, Any],
) -> None:
    worker = world["users"]["shelter_worker"]
    login_verified(client, worker)
    response = client.post(SEARCH, {"q": "meik"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maija" in html and "Eetu" in html
    assert "Lapsityö" not in html  # only the viewer's visible episodes' service forms
    events = _search_events(worker)
    shown = {world["persons"][k].pk for k in ("mother", "child", "duplicate")}
    assert sorted(int(e.subject_id) for e in events) == sorted(shown)  # exactly one each
    assert {e.basis for e in events} == {"membership"}
    assert {e.view_name for e in events} == {"people:search"}
    assert all("meik" not in e.view_name for e in events)


def test_an_alias_row_is_logged_too(client: Client, world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    login_verified(client, worker)
    html = client.post(SEARCH, {"q": "Sininen"}).content.decode()
    assert "Peitenimi: Sininen" in html
    assert reverse("people:alias_link", args=[world["alias"].pk]) in html
    events = _search_events(worker)
    assert [(e.subject_type.model, e.subject_id) for e in events] == [
        ("alias", str(world["alias"].pk))
    ]


def test_the_wall_in_the_search_page(client: Client, world: dict[str, Any]) -> None:
    jussi_worker = world["users"]["jussi_worker"]
    login_verified(client, jussi_worker)
    html = client.post(SEARCH, {"q": "Maija Meikäläinen"}).content.decode()
    assert "Ei hakutuloksia." in html
    assert reverse("people:detail", args=[world["persons"]["mother"].pk]) not in html


def test_htmx_gets_only_the_results(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["users"]["shelter_worker"])
    partial = client.post(SEARCH, {"q": "eetu"}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html and "Eetu" in html
    full = client.post(SEARCH, {"q": "eetu"}).content.decode()
    assert "<html" in full and 'hx-post="/henkilot/haku/"' in full
    assert 'value="eetu"' in full


def test_restricted_persons_sort_with_everyone_and_show_no_restricted_fields(
    client: Client,
    world: dict[str, Any],
) -> None:
    worker = world["users"]["shelter_worker"]
    org, shelter = world["org"], world["forms"]["shelter"]
    episode = EpisodeFactory(service_form=shelter, organisation=org)
    names = ["Aalto", "Beck", "Cederqvist"]
    persons = {}
    for last in names:
        persons[last] = PersonFactory(
            organisation=org,
            first_names="Testi",
            last_name=last,
            street_address=f"Salainen tie {last}",
            phone=f"050-{last}",
        )
        ParticipantFactory(episode=episode, person=persons[last])
    with scopes_disabled():
        Restriction.objects.create(
            person=persons["Beck"],
            kind="turvakielto",
            valid_from=dt.date(2025, 1, 1),
            created_by=worker,
        )
    login_verified(client, worker)
    html = client.post(SEARCH, {"q": "testi"}).content.decode()
    positions = [html.index(f"{last}, Testi") for last in names]
    assert positions == sorted(positions)  # Beck between Aalto and Cederqvist
    assert "Salainen tie" not in html and "050-" not in html


def _query_count(client: Client, query: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(SEARCH, {"q": query})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_flat(client: Client, world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    org, shelter = world["org"], world["forms"]["shelter"]
    for i in range(30):
        episode = EpisodeFactory(service_form=shelter, organisation=org)
        ParticipantFactory(
            episode=episode,
            person=PersonFactory(organisation=org, first_names=f"Laaja{i}", last_name="Joukko"),
        )
        if i < 3:
            ParticipantFactory(
                episode=episode,
                person=PersonFactory(organisation=org, first_names=f"Pieni{i}", last_name="Ryhmä"),
            )
    login_verified(client, worker)
    _query_count(client, "Joukko")  # warm up: caches (the access log's content type) filled
    few = _query_count(client, "Ryhmä")
    many = _query_count(client, "Joukko")
    assert few == many
    assert many <= 20
    with scopes_disabled():
        assert AccessEvent.objects.filter(user=worker, action="search").count() == 63


def test_the_person_query_reads_the_persons_table_once(world: dict[str, Any]) -> None:
    """The words filter the visible persons' query itself: the persons table appears once in
    it (a ``pk IN (visible persons)`` wrapper joined it to itself and looked every visible
    person up twice — half the search's database time at 30 organisations)."""
    worker = world["users"]["shelter_worker"]
    with CaptureQueriesContext(connection) as ctx:
        found = _search(worker, "meikalainen")
    assert found.persons
    person_queries = [
        q["sql"] for q in ctx.captured_queries if 'ORDER BY "people_person"."last_name"' in q["sql"]
    ]
    assert len(person_queries) == 1
    assert len(re.findall(r'FROM "people_person"', person_queries[0])) == 1


def test_the_search_reads_only_what_its_list_shows(world: dict[str, Any]) -> None:
    """A list of names and birth dates reads no identity code, address or phone, and of each
    visible episode only its service form's name (data minimisation, and a tenth less time)."""
    worker = world["users"]["shelter_worker"]
    with CaptureQueriesContext(connection) as ctx:
        found = _search(worker, "meikalainen")
    assert found.persons and found.persons[0].visible_participations  # type: ignore[attr-defined]
    person_sql = next(
        q["sql"] for q in ctx.captured_queries if 'ORDER BY "people_person"."last_name"' in q["sql"]
    )
    selected = person_sql.split(" FROM ", 1)[0]
    assert '"people_person"."last_name"' in selected
    for column in ("hetu", "street_address", "phone", "email", "temporary_id"):
        assert f'"people_person"."{column}"' not in selected, column
    parts_sql = next(
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "episodes_participant"')
    )
    selected = parts_sql.split(" FROM ", 1)[0]
    assert '"organisations_serviceform"."name"' in selected
    for column in ('"episodes_episode"."summary"', '"organisations_serviceform"."description"'):
        assert column not in selected, column


def test_alias_model_is_searchable_only_by_its_visible_episodes(world: dict[str, Any]) -> None:
    # An alias of Turvakoti without any episode is not found by anyone.
    with scopes_disabled():
        Alias.objects.create(
            organisation=world["org"],
            service_form=world["forms"]["shelter"],
            label="Irrallinen",
            created_by=world["users"]["shelter_worker"],
        )
    assert _search(world["users"]["shelter_worker"], "Irrallinen").empty


def test_the_query_never_travels_in_the_url(client, world) -> None:  # type: ignore[no-untyped-def]
    """A name or identity code in a GET query would land in browser history and server logs."""
    login_verified(client, world["users"]["shelter_lead"])
    page = client.get(SEARCH, {"q": "Meikäläinen"})
    assert page.status_code == 200
    assert "Meikäläinen" not in page.content.decode()  # a GET query is ignored, not searched
    html = page.content.decode()
    assert 'method="post"' in html and "hx-get" not in html
    found = client.post(SEARCH, {"q": "Meikäläinen"})
    assert "Meikäläinen" in found.content.decode()
