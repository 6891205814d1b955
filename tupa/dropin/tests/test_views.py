"""The screens of the open family house: access matrix, the tally with and without htmx,
form errors in Finnish with the typed values kept, the canary and query counts. The statistics
addresses redirect to the engine's report (its figures: ``tupa/statistics/tests/
test_internal_units.py``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified, refetched, rolled_back_world
from tupa.dropin import services
from tupa.dropin.models import ChildcareSession, DailyCount, IdentificationConsent
from tupa.scheduling.models import Booking

from .support import hall, house, t
from .test_statistics import TODAY, build_scenario

pytestmark = pytest.mark.django_db

CANARY = "CANARY-VUOKRAAJA-040"


@pytest.fixture(scope="module")
def built_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The scenario, built once for the module and rolled back after its last test (each test
    runs in a savepoint inside this transaction)."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(TODAY, tick=False):
            data = build_scenario()
            with scopes_disabled():
                data["booking"] = Booking.objects.filter(room=data["room"]).first()
                data["childcare"] = ChildcareSession.objects.filter(
                    service_form=data["form"]
                ).first()
        yield data


@pytest.fixture
def world(built_world: dict[str, Any]) -> Any:
    """The module's objects re-read from the database: a test may have changed one in memory."""
    with time_machine.travel(TODAY, tick=False):
        yield refetched(built_world)


def _member_urls(world: dict[str, Any]) -> list[str]:
    slug = world["form"].slug
    return [
        reverse("dropin:today", args=[slug]),
        reverse("dropin:childcare_list", args=[slug]),
        reverse("dropin:childcare_new", args=[slug]),
        reverse("dropin:childcare_edit", args=[slug, world["childcare"].pk]),
        reverse("dropin:bookings", args=[slug]),
        reverse("dropin:booking_new", args=[slug]),
        reverse("dropin:booking_cancel", args=[slug, world["booking"].pk]),
        reverse("dropin:identify", args=[slug]),
    ]


def _statistics_urls(world: dict[str, Any]) -> list[str]:
    slug = world["form"].slug
    return [
        reverse("dropin:statistics", args=[slug]),
        reverse("dropin:statistics_csv", args=[slug]),
    ]


def _lead_urls(world: dict[str, Any]) -> list[str]:
    return [reverse("dropin:correct", args=[world["form"].slug])]


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("who", "member", "statistics", "lead_page"),
    [
        ("worker", 200, 301, 404),
        ("lead", 200, 301, 200),
        ("other form worker", 404, 404, 404),
        ("other house worker", 404, 404, 404),
        ("executive director", 404, 301, 404),
        ("admin", 404, 404, 404),
        ("dpo", 404, 404, 404),
        ("finance", 404, 404, 404),
        ("other organisation", 404, 404, 404),
        ("anonymous", 302, 302, 302),
    ],
)
def test_access_matrix(
    client: Client, world: dict[str, Any], who: str, member: int, statistics: int, lead_page: int
) -> None:
    form = world["form"]
    org = form.organisation
    users = {
        "worker": lambda: world["worker"],
        "lead": lambda: world["lead"],
        "other form worker": lambda: worker_in(ServiceFormFactory.create(organisation=org)),
        "other house worker": lambda: worker_in(house(organisation=org, name="Toinen tupa")),
        "executive director": lambda: org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "admin": lambda: org_role_user(org, Role.ADMINISTRATOR),
        "dpo": lambda: org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "finance": lambda: org_role_user(org, Role.FINANCE),
        "other organisation": lambda: org_role_user(house().organisation, Role.EXECUTIVE_DIRECTOR),
    }
    if who != "anonymous":
        login_verified(client, users[who]())
    with time_machine.travel(TODAY, tick=False):
        for urls, expected in [
            (_member_urls(world), member),
            (_statistics_urls(world), statistics),
            (_lead_urls(world), lead_page),
        ]:
            for url in urls:
                response = client.get(url)
                if expected == 301:  # the statistics moved to the engine's report (a 302)
                    assert response.status_code == 302, (who, url)
                    assert response["Location"].startswith(reverse("statistics:index"))
                    continue
                assert response.status_code == expected, (who, url)
                if expected == 302:
                    assert response["Location"].startswith(reverse("accounts:login"))
                if expected == 404:
                    # GET-only pages answer 405 to a POST before anything is looked up.
                    assert client.post(url, {}).status_code in (404, 405), (who, url)


def test_bad_ids_and_other_kinds_of_form_are_404(client: Client, world: dict[str, Any]) -> None:
    outpatient = ServiceFormFactory.create(organisation=world["form"].organisation)
    login_verified(client, worker_in(outpatient))
    assert client.get(reverse("dropin:today", args=[outpatient.slug])).status_code == 404
    client.logout()
    login_verified(client, world["worker"])
    slug = world["form"].slug
    assert client.get(reverse("dropin:today", args=["ei-ole"])).status_code == 404
    assert client.get(reverse("dropin:childcare_edit", args=[slug, 999999])).status_code == 404
    assert client.get(reverse("dropin:booking_cancel", args=[slug, 999999])).status_code == 404
    # Another house's booking through this house's URL.
    other = house(organisation=world["form"].organisation, name="Toinen tupa")
    other_worker = worker_in(other)
    with time_machine.travel(TODAY, tick=False):
        foreign = services.booking_create(
            actor=other_worker,
            service_form=other,
            room=hall(other, name="Toisen tuvan sali"),
            kind=Booking.Kind.BIRTHDAY_PARTY,
            starts_at=t(2026, 3, 7, 12),
            ends_at=t(2026, 3, 7, 13),
            title="Juhlat",
        )
    assert client.get(reverse("dropin:booking_cancel", args=[slug, foreign.pk])).status_code == 404


# --------------------------------------------------------------------------- the tally


@time_machine.travel(t(2026, 5, 7, 10), tick=False)  # a Thursday
def test_tally_without_javascript_redirects_and_with_htmx_returns_the_partial(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = reverse("dropin:today", args=[world["form"].slug])
    html = client.get(url).content.decode()
    assert 'name="tap" value="adults:1"' in html
    assert "Vauvapäivä" in html or "vauvapäivä" in html
    response = client.post(url, {"tap": "adults:1", "session": "morning"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?istunto=morning"
    response = client.post(
        url, {"tap": "under_ones:1", "session": "morning"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="tally"' in html
    assert re.search(r'data-count="under_ones"[^>]*>1<', html)
    assert re.search(r'data-count="adults"[^>]*>1<', html)
    assert 'hx-swap-oob="true"' in html and "Tänään yhteensä 2 käyntiä" in html
    response = client.post(url, {"undo": "1", "session": "morning"}, HTTP_HX_REQUEST="true")
    assert re.search(r'data-count="under_ones"[^>]*>0<', response.content.decode())
    response = client.post(
        url, {"tap": "children:-1", "session": "morning"}, HTTP_HX_REQUEST="true"
    )
    assert "Luku on jo nolla." in response.content.decode()
    response = client.post(url, {"programme": "group", "session": "morning"})
    with scopes_disabled():
        count = DailyCount.objects.get(service_form=world["form"], date=dt.date(2026, 5, 7))
    assert (count.session, count.programme, count.adults, count.under_ones) == (
        "morning",
        "group",
        1,
        0,
    )


# --------------------------------------------------------------------------- forms


def test_booking_form_errors_are_finnish_and_keep_the_input(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = reverse("dropin:booking_new", args=[world["form"].slug])
    data = {
        "room": world["room"].pk,
        "kind": "birthday_party",
        "day": "2026-03-07",
        "start": "13:00",
        "end": "14:00",
        "title": "Tuplajuhlat",
        "organiser_name": "Varaaja Keksitty",
        "price": "",
        "billable": "on",
    }
    with time_machine.travel(TODAY, tick=False):
        html = client.post(url, data).content.decode()
        assert "Perhetupa sali on jo varattu 7.3.2026 klo 12.00–15.00." in html
        assert 'value="Tuplajuhlat"' in html and 'value="Varaaja Keksitty"' in html
        html = client.post(url, {**data, "day": "huomenna", "price": "abc"}).content.decode()
        assert "Anna päivämäärä muodossa p.k.vvvv." in html
        assert "Anna hinta euroina, esimerkiksi 45,00." in html
        assert 'value="huomenna"' in html and 'aria-invalid="true"' in html
        response = client.post(url, {**data, "day": "2026-03-08", "price": "40,50"})
        assert response.status_code == 302
    with scopes_disabled():
        assert Booking.objects.get(title="Tuplajuhlat").price == 40.5


def test_childcare_form_errors_and_save(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    url = reverse("dropin:childcare_new", args=[world["form"].slug])
    data = {
        "day": "2026-04-17",
        "start": "12:00",
        "end": "09:00",
        "children_under_1": "1",
        "children_1_2": "-2",
        "children_3_6": "kaksi",
        "staff_carers": "1",
        "volunteer_carers": "0",
    }
    with time_machine.travel(TODAY, tick=False):
        html = client.post(url, data).content.decode()
        assert "Päättymisajan on oltava alkamisajan jälkeen." in html
        assert "Anna luku, joka on nolla tai suurempi." in html
        assert "Anna luku kokonaislukuna." in html
        assert 'value="kaksi"' in html
        response = client.post(
            url, {**data, "end": "14:00", "children_1_2": "2", "children_3_6": "0"}
        )
        assert response.status_code == 302
    with scopes_disabled():
        saved = ChildcareSession.objects.get(starts_at=t(2026, 4, 17, 12))
    assert saved.children == 3


def test_identification_requires_the_consent_checkbox(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = reverse("dropin:identify", args=[world["form"].slug])
    data = {
        "first_names": "Aurora",
        "last_name": "Keksitty",
        "target_service_form": world["form"].pk,
    }
    with time_machine.travel(TODAY, tick=False):
        html = client.post(url, data).content.decode()
        assert "Kävijää voi kirjata asiakkaaksi vain hänen suostumuksellaan." in html
        assert 'value="Aurora"' in html
        with scopes_disabled():
            assert not IdentificationConsent.objects.exists()
        response = client.post(url, {**data, "consent": "on"})
    with scopes_disabled():
        record = IdentificationConsent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("episodes:detail", args=[record.episode_id])
    assert record.recorded_by == world["worker"]


def test_correction_page_prefills_the_day_and_saves(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    url = reverse("dropin:correct", args=[world["form"].slug])
    with time_machine.travel(TODAY, tick=False):
        html = client.get(url, {"day": "2026-03-02", "session": "day"}).content.decode()
        assert re.search(r'name="adults"[^>]*value="5"', html)
        response = client.post(
            url,
            {
                "day": "2026-03-02",
                "session": "day",
                "programme": "open_day",
                "adults": "6",
                "children": "4",
                "under_ones": "1",
                "first_timers": "2",
                "reason": "",
            },
        )
        assert "Kirjoita korjauksen syy." in response.content.decode()
        response = client.post(
            url,
            {
                "day": "2026-03-02",
                "session": "day",
                "programme": "open_day",
                "adults": "6",
                "children": "4",
                "under_ones": "1",
                "first_timers": "2",
                "reason": "Yksi aikuinen puuttui",
            },
        )
    assert response.status_code == 302
    with scopes_disabled():
        assert DailyCount.objects.get(service_form=world["form"], date="2026-03-02").adults == 6


# --------------------------------------------------------------------------- canary


def test_canary_other_organisation_and_other_house_never_appear(
    client: Client, world: dict[str, Any]
) -> None:
    org = world["form"].organisation
    other_house = house(organisation=org, name="Toinen tupa")
    foreign_org_house = house()
    with time_machine.travel(TODAY, tick=False):
        for form in (other_house, foreign_org_house):
            member = worker_in(form)
            room = hall(form, name=f"Sali {form.pk}")
            services.booking_create(
                actor=member,
                service_form=form,
                room=room,
                kind=Booking.Kind.BIRTHDAY_PARTY,
                starts_at=t(2026, 3, 7, 12),
                ends_at=t(2026, 3, 7, 15),
                title="CANARY-TOISEN-JUHLAT",
                organiser_contact="CANARY-TOINEN-VUOKRAAJA",
                price=None,
            )
            with scopes_disabled():
                DailyCount.objects.create(
                    organisation=form.organisation,
                    service_form=form,
                    date=dt.date(2026, 3, 2),
                    adults=900,
                )
    slug = world["form"].slug
    pages = [
        (reverse("dropin:bookings", args=[slug]), {"month": "2026-03"}),
        (reverse("dropin:statistics", args=[slug]), {"year": "2026", "month": "3"}),
        (reverse("dropin:statistics_csv", args=[slug]), {"year": "2026"}),
        (reverse("dropin:today", args=[slug]), {}),
        (reverse("dropin:childcare_list", args=[slug]), {"month": "2026-03"}),
    ]
    for user in (world["worker"], world["lead"]):
        client.logout()
        login_verified(client, user)
        with time_machine.travel(TODAY, tick=False):
            for url, params in pages:
                body = client.get(url, params, follow=True).content.decode("utf-8")
                assert "CANARY-TOISEN" not in body and "CANARY-TOINEN" not in body, url
                assert "900" not in body, url
    # The house's own renter is shown to its members only (bookings page).
    with time_machine.travel(TODAY, tick=False):
        body = client.get(pages[0][0], pages[0][1]).content.decode()
    assert CANARY in body


# --------------------------------------------------------------------------- query counts


def test_pages_use_a_bounded_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    login_verified(client, world["lead"])
    slug = world["form"].slug
    # More rows must not mean more queries.
    with time_machine.travel(TODAY, tick=False):
        for day in range(15, 28):
            services.booking_create(
                actor=world["worker"],
                service_form=world["form"],
                room=world["room"],
                kind=Booking.Kind.BIRTHDAY_PARTY,
                starts_at=t(2026, 4, day, 12),
                ends_at=t(2026, 4, day, 14),
                title=f"Juhlat {day}",
            )
        client.get(reverse("dropin:today", args=[slug]))  # warm the session and caches
        for url, params in [
            (reverse("dropin:bookings", args=[slug]), {"month": "2026-04"}),
            (reverse("dropin:childcare_list", args=[slug]), {"month": "2026-03"}),
            (reverse("dropin:today", args=[slug]), {}),
        ]:
            with django_assert_max_num_queries(20):
                assert client.get(url, params).status_code == 200
