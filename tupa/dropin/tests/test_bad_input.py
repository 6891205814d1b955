"""Bad input in every form and parameter of the house: overlong text, NUL bytes, impossible dates,
negative or huge numbers and forged choices are refused with a Finnish message, what was typed
kept, never a 500; a forged tap changes no count."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.dropin.models import DailyCount

from .support import t
from .test_views import built_world, world  # noqa: F401

pytestmark = pytest.mark.django_db

LONG = "x" * 5000
HUGE = "9" * 40


def _form_cases(w: dict[str, Any]) -> list[tuple[str, dict[str, str], str]]:
    slug = w["form"].slug
    childcare = {
        "day": "2026-03-06",
        "start": "09:00",
        "end": "12:00",
        "children_under_1": "1",
        "children_1_2": "0",
        "children_3_6": "0",
        "staff_carers": "1",
    }
    correction = {
        "day": "2026-03-05",
        "session": "day",
        "programme": "open",
        "adults": "1",
        "children": "1",
        "under_ones": "0",
        "first_timers": "0",
        "reason": "Laskuri jäi auki",
    }
    identify = {"first_names": "Kävijä", "last_name": "Keksitty", "consent": "on"}
    new_child = reverse("dropin:childcare_new", args=[slug])
    correct = reverse("dropin:correct", args=[slug])
    ident = reverse("dropin:identify", args=[slug])
    return [
        (new_child, {**childcare, "day": "2026-02-30"}, "p.k.vvvv"),
        (new_child, {**childcare, "day": "1.1.3000"}, "2100"),
        (new_child, {**childcare, "children_1_2": HUGE}, "Luku on liian suuri."),
        (new_child, {**childcare, "children_1_2": "-1"}, "nolla tai suurempi"),
        (new_child, {**childcare, "note": LONG}, "300"),
        (new_child, {**childcare, "note": "Lapsi\x00"}, "Lisätieto"),
        (new_child, {**childcare, "start": "24:61"}, "klo"),
        (correct, {**correction, "day": "2026-02-29"}, "p.k.vvvv"),
        (correct, {**correction, "adults": HUGE}, "Luku on liian suuri."),
        (correct, {**correction, "reason": LONG}, "300"),
        (correct, {**correction, "reason": "\x00"}, "Korjauksen syy"),
        (correct, {**correction, "programme": "bogus"}, "Ohjelma"),
        (ident, {**identify, "first_names": LONG}, "200"),
        (ident, {**identify, "last_name": "K\x00"}, "Sukunimi"),
        (ident, {**identify, "birth_date": "31.2.1990"}, "p.k.vvvv"),
        (ident, {**identify, "birth_date": "1.1.1800"}, "1900"),
        (ident, {**identify, "hetu": "0" * 40}, "11"),
    ]


def test_bad_input_in_the_forms_is_refused_in_finnish(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    login_verified(client, world["lead"])
    with time_machine.travel(t(2026, 3, 7, 10), tick=False):
        for url, data, expected in _form_cases(world):
            response = client.post(url, data)
            assert response.status_code in (200, 400), (url, data, response.status_code)
            html = response.content.decode()
            assert expected in html, (url, data)
            assert 'aria-invalid="true"' in html, (url, data, expected)


@pytest.mark.parametrize(
    "data",
    [
        {"tap": "adults:99999"},
        {"tap": "pk:1"},
        {"tap": "adults\x00:1"},
        {"tap": "first_timers:-1"},
        {"programme": "bogus"},
        {"programme": "\x00"},
        {"tap": "adults:1", "session": "midnight"},
    ],
)
def test_forged_taps_never_fail_and_change_nothing(
    client: Client,
    world: dict[str, Any],  # noqa: F811
    data: dict[str, str],
) -> None:
    login_verified(client, world["worker"])
    url = reverse("dropin:today", args=[world["form"].slug])
    with time_machine.travel(t(2026, 3, 7, 10), tick=False):
        with scopes_disabled():
            before = list(DailyCount.objects.values_list("adults", "first_timers", "programme"))
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        with scopes_disabled():
            after = list(DailyCount.objects.values_list("adults", "first_timers", "programme"))
    if data.get("session") == "midnight":
        return  # an unknown session is read as the day's
    assert after == before


@pytest.mark.parametrize(
    "query", ["?month=99999-99", "?month=0000-01", "?month=2026-13", "?month=%00", "?month=" + LONG]
)
def test_bad_month_parameters_answer_the_page(
    client: Client,
    world: dict[str, Any],  # noqa: F811
    query: str,
) -> None:
    login_verified(client, world["lead"])
    slug = world["form"].slug
    with time_machine.travel(t(2026, 3, 7, 10), tick=False):
        for name in ("dropin:childcare_list", "dropin:bookings"):
            assert client.get(reverse(name, args=[slug]) + query).status_code == 200, name
        for extra in ("?day=2026-02-30&session=day", "?day=%00&session=x", "?istunto=%00"):
            for name in ("dropin:correct", "dropin:today"):
                response = client.get(reverse(name, args=[slug]) + extra)
                assert response.status_code == 200, (name, extra)
        for stats in (
            "?year=99999999999999999999&month=1",
            "?year=2026&month=-1",
            "?year=²&month=1",  # str.isdigit() passes it, int() refuses it
            "?year=2026&month=³",
        ):
            response = client.get(reverse("dropin:statistics", args=[slug]) + stats)
            assert response.status_code == 302, stats
