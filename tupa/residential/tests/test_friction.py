"""Friction found when the demo was tried (issue 10): the discharge form's follow-on referral,
the episode page's admission link and the admission form's "until when is this place taken"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Referral
from tupa.organisations.models import ServiceForm
from tupa.residential.models import Destination, PayerCategory, TurnAway
from tupa.residential.stays import selectors, services
from tupa.residential.turnaways import services as turnaway_services

from .support import family, place, residential_form, t

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now")]

NOW = t(2026, 12, 1, 12)


def _admit(member: Any, form: ServiceForm, code: str, at: Any) -> tuple[Any, Any]:
    episode, members = family(form, children=1)
    stay = services.stay_admit(
        actor=member,
        episode=episode,
        place=place(form, code),
        arrived_at=at,
        members=members,
        payer_category=PayerCategory.STATE,
    )
    return episode, stay


@pytest.fixture
def world() -> dict[str, Any]:
    """p1 open since 8.10. 12:00; p2 arrived today 08:00, departure recorded for 3.12. 10:00;
    p3 left today 09:30; p4 booked from 5.12. 14:00; p5 free."""
    form = residential_form(places=5, room_capacity=None)
    member = worker_in(form)
    in_place, stay_1 = _admit(member, form, "p1", t(2026, 10, 8, 12))
    _e2, stay_2 = _admit(member, form, "p2", t(2026, 12, 1, 8))
    services.stay_discharge(
        actor=member, stay=stay_2, departed_at=t(2026, 12, 3, 10), destination=Destination.HOME
    )
    _e3, stay_3 = _admit(member, form, "p3", t(2026, 11, 20, 10))
    services.stay_discharge(
        actor=member, stay=stay_3, departed_at=t(2026, 12, 1, 9, 30), destination=Destination.HOME
    )
    booked, _stay_4 = _admit(member, form, "p4", t(2026, 12, 5, 14))
    without_stay, _members = family(form, children=0)
    return {
        "form": form,
        "member": member,
        "in_place": in_place,
        "stay_1": stay_1,
        "booked": booked,
        "without_stay": without_stay,
    }


def test_the_follow_on_referral_is_named_by_its_form_and_date(
    client: Client, world: dict[str, Any]
) -> None:
    form, episode = world["form"], world["in_place"]
    crisis = ServiceFormFactory.create(organisation=form.organisation, name="Avokriisityö")
    with scopes_disabled():
        person = episode.participants.first().person
        referral = Referral.objects.create(
            organisation=form.organisation,
            from_episode=episode,
            to_service_form=crisis,
            person=person,
            reason="Jatkotuki kotiutuessa.",
            created_by=world["member"],
        )
    assert str(referral) == "Avokriisityö, ohjattu 1.12.2026 (odottaa)"
    login_verified(client, world["member"])
    html = client.get(reverse("residential:discharge", args=[world["stay_1"].pk])).content
    text = html.decode()
    assert "Referral object" not in text
    assert re.search(
        rf'<option value="{referral.pk}">Avokriisityö, ohjattu 1.12.2026 \(odottaa\)</option>', text
    )
    # Never the person: the label is safe in history and logs.
    assert person.last_name not in str(referral)


def test_admission_is_offered_only_to_an_episode_without_a_stay(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["member"])

    def page(episode: Any) -> str:
        return client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()

    admit = "Kirjaa tulo asumispaikkaan"
    in_place = page(world["in_place"])
    assert admit not in in_place
    assert reverse("residential:discharge", args=[world["stay_1"].pk]) in in_place
    assert admit not in page(world["booked"])  # booked from 5.12.: admitting again would clash
    assert admit in page(world["without_stay"])
    services.stay_discharge(
        actor=world["member"],
        stay=world["stay_1"],
        departed_at=t(2026, 12, 1, 11),
        destination=Destination.HOME,
    )
    assert admit in page(world["in_place"])


def test_admission_form_says_until_when_each_place_is_taken(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["member"])
    html = client.get(
        reverse("residential:admit", args=[world["without_stay"].pk])
    ).content.decode()
    options = dict(
        (code, label)
        for code, label in re.findall(r"<option value=\"\d+\"[^>]*>(Perhepaikka \d)([^<]*)<", html)
    )
    assert options == {
        # Stays have no planned end: an open one says since when the place is taken.
        "Perhepaikka 1": " (varattu 8.10.2026 klo 12:00 alkaen)",
        "Perhepaikka 2": " (varattu 3.12.2026 klo 10:00 asti)",
        "Perhepaikka 3": " (vapaa tänään klo 09:30 alkaen)",
        "Perhepaikka 4": " (varattu 5.12.2026 klo 14:00 alkaen)",
        "Perhepaikka 5": "",
    }
    # The place offered first is free now and not booked later.
    assert re.search(rf'<option value="{place(world["form"], "p3").pk}" selected>', html)


def test_place_bookings_run_one_query(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with scopes_disabled(), django_assert_num_queries(1):
        bookings = selectors.place_bookings(service_form=world["form"])
    assert {place.code for place in _places(world["form"], bookings)} == {"p1", "p2", "p3", "p4"}


def _places(form: ServiceForm, bookings: dict[int, Any]) -> list[Any]:
    with scopes_disabled():
        return list(form.places.filter(pk__in=bookings))


def test_night_lists_are_cards_on_a_phone(client: Client, world: dict[str, Any]) -> None:
    """Occupancy and the turn-away list: every cell names its column (data-label) so that the
    narrow-screen CSS can show each row as a card instead of a table that scrolls sideways."""
    form = world["form"]
    with scope(organisation=form.organisation):
        turnaway_services.turnaway_record(
            actor=world["member"],
            service_form=form,
            reason=TurnAway.Reason.NO_PLACE,
            directed_to=TurnAway.DirectedTo.OTHER_SHELTER,
        )
    login_verified(client, world["member"])
    occupancy = client.get(reverse("residential:occupancy", args=[form.slug])).content.decode()
    assert '<table class="data data--stack">' in occupancy
    assert 'data-label="Asukkaat"' in occupancy and 'data-label="Toiminnot"' in occupancy
    turnaways = client.get(reverse("residential:turnaway_list", args=[form.slug])).content
    html = turnaways.decode()
    assert '<table class="data data--stack">' in html
    for column in ("Syy", "Ohjattu", "Aikuisia", "Lapsia", "Yhteydenottotapa", "Kirjaaja"):
        assert f'data-label="{column}"' in html
