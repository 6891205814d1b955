"""The client list's name filter travels in a POST body, never in a URL (issue 10).

A name in a GET query lands in browser history, proxy and server logs. The non-identifying
filters (status, referral source, dates) may stay in the address; the name may not.
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory
from tupa.core.tests.helpers import login_verified

from .test_services import build_world
from .test_views import _episode_with

pytestmark = pytest.mark.django_db

_URL_ATTRS = re.compile(r'(?:href|action|hx-get|hx-post|hx-push-url|formaction)="([^"]*)"')


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    page = response.context["page"]
    return sorted(p.person.first_names for e in page.object_list for p in e.current_participants)


def _setup(client: Client):  # type: ignore[no-untyped-def]
    world = build_world()
    _episode_with(world, world.shelter, "Hilda", "Haettava")
    login_verified(client, world.member)
    return world, reverse("episodes:client_list", args=[world.shelter.slug])


def test_a_name_in_the_query_string_filters_nothing(client: Client) -> None:
    _world, url = _setup(client)
    everyone = _names(client.get(url))
    assert "Hilda" in everyone and len(everyone) > 1

    response = client.get(url, {"q": "Hilda"})

    assert response.status_code == 200
    assert _names(response) == everyone  # ignored, not applied
    assert 'value="Hilda"' not in response.content.decode()


def test_the_name_filter_is_posted_and_never_put_in_a_url(client: Client) -> None:
    _world, url = _setup(client)
    page = client.get(url).content.decode()
    form = re.search(r'<form[^>]*aria-label="Asiakaslistan rajaukset"[^>]*>', page, re.S)
    assert form and 'method="post"' in form.group(0) and "hx-get" not in form.group(0)

    response = client.post(url, {"q": "hilda haett"})

    assert response.status_code == 200
    assert _names(response) == ["Hilda"]
    body = response.content.decode()
    assert 'value="hilda haett"' in body  # kept in the form field, where it belongs
    for address in _URL_ATTRS.findall(body):
        assert "hilda" not in html.unescape(address).lower(), address
    assert "HX-Push-Url" not in response.headers


def test_pages_of_a_name_filtered_list_keep_the_name_in_the_body(client: Client) -> None:
    world, url = _setup(client)
    for number in range(30):
        _episode_with(world, world.shelter, f"Sivu{number:02d}", "Sivutettu")
    with scopes_disabled():
        other = EpisodeFactory(service_form=world.shelter, organisation=world.org)
        ParticipantFactory(episode=other, person__first_names="Muu", person__last_name="Nimi")

    first = client.post(url, {"q": "sivutettu"})
    assert first.context["page"].paginator.count == 30
    body = first.content.decode()
    # The next page is a submit button of the filter form: the name goes in the POST body.
    assert re.search(r'<button[^>]*form="client-list-filters"[^>]*name="page"[^>]*value="2"', body)
    assert "?page=" not in body and "q=" not in body

    second = client.post(url, {"q": "sivutettu", "page": "2"})
    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 5
    assert "Muu" not in _names(second)


def test_non_identifying_filters_still_work_by_get(client: Client) -> None:
    world, url = _setup(client)
    with scopes_disabled():
        ended = EpisodeFactory(
            service_form=world.shelter,
            organisation=world.org,
            status="ended",
            end_date="2026-02-01",
            end_reason="other",
        )
        ParticipantFactory(episode=ended, person__first_names="Päättynyt")
    response = client.get(url, {"status": "ended"})
    assert [e.pk for e in response.context["page"].object_list] == [ended.pk]
    posted = client.post(url, {"status": "ended", "q": "päättynyt"})
    assert [e.pk for e in posted.context["page"].object_list] == [ended.pk]
