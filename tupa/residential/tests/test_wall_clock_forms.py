"""Admission, discharge, move and member forms across the daylight-saving changes (issue 10).

29.3.2026 03:30 does not exist in Helsinki (03:00 → 04:00); 25.10.2026 03:30 happens twice
(first 00:30 UTC in summer time, then 01:30 UTC in winter time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django import forms
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Participant, Referral
from tupa.residential.members.forms import BabyBornForm, MemberArriveForm, MemberDepartForm
from tupa.residential.models import Place, Stay
from tupa.residential.stays.forms import AdmitForm, DischargeForm, MoveForm

from .support import family, place, residential_form, t

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _admit(data: dict[str, str]) -> forms.Form:
    return AdmitForm(
        data,
        places=Place.objects.none(),
        participants=Participant.objects.none(),
        taken=frozenset(),
    )


def _discharge(data: dict[str, str]) -> forms.Form:
    return DischargeForm(data, referrals=Referral.objects.none())


def _move(data: dict[str, str]) -> forms.Form:
    return MoveForm(data, places=Place.objects.none(), taken=frozenset())


def _arrive(data: dict[str, str]) -> forms.Form:
    return MemberArriveForm(data, participants=Participant.objects.none())


def _depart(data: dict[str, str]) -> forms.Form:
    return MemberDepartForm(data)


def _born(data: dict[str, str]) -> forms.Form:
    return BabyBornForm(data, mothers=Participant.objects.none())


FORMS: list[tuple[Callable[[dict[str, str]], forms.Form], str, str]] = [
    (_admit, "arrival_date", "arrival_time"),
    (_discharge, "departure_date", "departure_time"),
    (_move, "move_date", "move_time"),
    (_arrive, "arrival_date", "arrival_time"),
    (_depart, "departure_date", "departure_time"),
    (_born, "birth_date", "birth_time"),
]


@pytest.mark.parametrize(("make", "date_field", "time_field"), FORMS)
def test_a_nonexistent_time_is_refused_on_the_time_field(
    make: Callable[[dict[str, str]], forms.Form], date_field: str, time_field: str
) -> None:
    with scopes_disabled():
        form = make({date_field: "2026-03-29", time_field: "03:30"})
        assert not form.is_valid()
    assert form.errors[time_field] == [
        "Kellonaikaa 03:30 ei ole 29.3.2026: kellot siirretään silloin eteenpäin klo 03:00 → "
        "04:00. Anna aika ennen klo 03:00 tai klo 04:00 tai myöhemmin."
    ]


@pytest.mark.parametrize(("make", "date_field", "time_field"), FORMS)
def test_an_ambiguous_time_asks_which(
    make: Callable[[dict[str, str]], forms.Form], date_field: str, time_field: str
) -> None:
    with scopes_disabled():
        form = make({date_field: "2026-10-25", time_field: "03:30"})
        assert not form.is_valid()
    question = time_field + "_dst"
    assert form.errors[question][0].startswith("Kello 03:30 on 25.10.2026 kahdesti")
    names = list(form.fields)
    assert names.index(question) == names.index(time_field) + 1


def test_the_answer_decides_the_moment() -> None:
    base = {
        "departure_date": "2026-10-25",
        "departure_time": "03:30",
        "destination": "home",
        "version": "1",
    }
    with scopes_disabled():
        first = _discharge({**base, "departure_time_dst": "0"})
        second = _discharge({**base, "departure_time_dst": "1"})
        assert first.is_valid() and second.is_valid(), (first.errors, second.errors)
    assert first.moment() == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # type: ignore[attr-defined]
    assert second.moment() == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- through the view


@pytest.fixture(autouse=True)
def _pinned_now() -> Iterator[None]:
    with time_machine.travel(t(2026, 12, 1, 12), tick=False):
        yield


def _admit_data(place_pk: int, members: list[Any], **extra: str) -> dict[str, Any]:
    return {
        "place": str(place_pk),
        "payer_category": "state",
        "members": [str(m.pk) for m in members],
        **extra,
    }


def test_admission_at_a_nonexistent_time_is_refused_and_keeps_the_input(client: Client) -> None:
    form = residential_form(places=1, room_capacity=None)
    worker = worker_in(form)
    episode, members = family(form, children=1)
    login_verified(client, worker)
    response = client.post(
        reverse("residential:admit", args=[episode.pk]),
        _admit_data(place(form, "p1").pk, members, arrival_date="2026-03-29", arrival_time="03:30"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kellonaikaa 03:30 ei ole 29.3.2026" in html
    assert 'value="2026-03-29"' in html and 'value="03:30"' in html
    with scopes_disabled():
        assert not Stay.objects.filter(episode=episode).exists()


def test_admission_at_a_repeated_time_asks_and_stores_the_chosen_moment(client: Client) -> None:
    form = residential_form(places=1, room_capacity=None)
    worker = worker_in(form)
    episode, members = family(form, children=1)
    login_verified(client, worker)
    url = reverse("residential:admit", args=[episode.pk])
    data = _admit_data(
        place(form, "p1").pk, members, arrival_date="2026-10-25", arrival_time="03:30"
    )
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kumpi klo 03:30?" in html
    assert "jälkimmäinen klo 03:30 (talviaika, UTC+2), kellojen siirron jälkeen" in html
    with scopes_disabled():
        assert not Stay.objects.filter(episode=episode).exists()
    response = client.post(url, {**data, "arrival_time_dst": "1"})
    assert response.status_code == 302
    with scopes_disabled():
        stay = Stay.objects.get(episode=episode)
    assert stay.arrived_at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
