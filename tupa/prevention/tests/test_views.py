"""The register's pages: who reaches them (members only; removal the lead's), the forms' Finnish
errors with the typed values kept, the saves and removals, the year navigation, the link from
the service form's page, and a bounded number of queries whatever the number of rows."""

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
from tupa.prevention import services
from tupa.prevention.models import Activity, Delivery, Material

from .support import NOW, activity, delivery, lead_in, material, prevention_form

pytestmark = pytest.mark.django_db


def _build() -> dict[str, Any]:
    form = prevention_form()
    worker, lead = worker_in(form), lead_in(form)
    brochure = material(form, worker)
    poster = material(form, worker, "Huoneentaulu-juliste")
    retired = material(form, worker, "Vanha esite")
    services.material_set_active(actor=worker, material=retired, active=False)
    return {
        "form": form,
        "worker": worker,
        "lead": lead,
        "activity": activity(form, worker, partners="Päijät-Hämeen hyvinvointialue"),
        "last_year": activity(form, worker, title="Syysseminaari", starts_on=dt.date(2025, 12, 3)),
        "brochure": brochure,
        "poster": poster,
        "retired": retired,
        "delivery": delivery(form, worker, brochure),
    }


@pytest.fixture(scope="module")
def built_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with rolled_back_world(django_db_blocker), time_machine.travel(NOW, tick=False):
        yield _build()


@pytest.fixture
def world(built_world: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with time_machine.travel(NOW, tick=False):
        yield refetched(built_world)


def _url(name: str, world: dict[str, Any], *args: Any) -> str:
    return reverse(f"prevention:{name}", args=[world["form"].slug, *args])


def _member_urls(world: dict[str, Any]) -> list[str]:
    return [
        _url("activities", world),
        _url("activity_new", world),
        _url("activity_edit", world, world["activity"].pk),
        _url("materials", world),
    ]


def _lead_urls(world: dict[str, Any]) -> list[str]:
    return [
        _url("activity_remove", world, world["activity"].pk),
        _url("delivery_remove", world, world["delivery"].pk),
    ]


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("who", "member", "lead_page"),
    [
        ("worker", 200, 404),
        ("lead", 200, 200),
        ("coordinator", 200, 404),
        ("other form worker", 404, 404),
        ("other prevention form lead", 404, 404),
        ("executive director", 404, 404),
        ("admin", 404, 404),
        ("dpo", 404, 404),
        ("finance", 404, 404),
        ("other organisation", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_access_matrix(
    client: Client, world: dict[str, Any], who: str, member: int, lead_page: int
) -> None:
    form = world["form"]
    org = form.organisation
    users = {
        "worker": lambda: world["worker"],
        "lead": lambda: world["lead"],
        "coordinator": lambda: worker_in(form, role=Role.COORDINATOR),
        "other form worker": lambda: worker_in(ServiceFormFactory.create(organisation=org)),
        "other prevention form lead": lambda: lead_in(
            prevention_form(organisation=org, name="Toinen ehkäisevä")
        ),
        "executive director": lambda: org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "admin": lambda: org_role_user(org, Role.ADMINISTRATOR),
        "dpo": lambda: org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "finance": lambda: org_role_user(org, Role.FINANCE),
        "other organisation": lambda: lead_in(prevention_form()),
    }
    if who != "anonymous":
        login_verified(client, users[who]())
    for urls, expected in [(_member_urls(world), member), (_lead_urls(world), lead_page)]:
        for url in urls:
            response = client.get(url)
            assert response.status_code == expected, (who, url)
            if expected == 302:
                assert response["Location"].startswith(reverse("accounts:login"))
            if expected == 404:
                # GET-only pages answer 405 to a POST before anything is looked up.
                assert client.post(url, {"reason": "kirjattu kahdesti"}).status_code in (
                    404,
                    405,
                ), (who, url)
    toggle = _url("material_active", world, world["brochure"].pk)
    response = client.post(toggle, {"active": "0"})
    assert response.status_code == (302 if member in (200, 302) else 404), who
    with scopes_disabled():
        assert Activity.objects.filter(pk=world["activity"].pk).exists()
        assert Delivery.objects.filter(pk=world["delivery"].pk).exists()
        active = Material.objects.get(pk=world["brochure"].pk).active
    assert active is (member != 200)


def test_bad_ids_other_forms_rows_and_other_kinds_of_form_are_404(
    client: Client, world: dict[str, Any]
) -> None:
    org = world["form"].organisation
    outpatient = ServiceFormFactory.create(organisation=org)
    login_verified(client, worker_in(outpatient))
    assert client.get(reverse("prevention:activities", args=[outpatient.slug])).status_code == 404
    client.logout()
    login_verified(client, world["lead"])
    assert client.get(reverse("prevention:activities", args=["ei-ole"])).status_code == 404
    assert client.get(_url("activity_edit", world, 999999)).status_code == 404
    assert client.get(_url("activity_remove", world, 999999)).status_code == 404
    assert client.get(_url("delivery_remove", world, 999999)).status_code == 404
    assert client.post(_url("material_active", world, 999999), {"active": "0"}).status_code == 404
    # Another form's rows through this form's URLs.
    other = prevention_form(organisation=org, name="Toinen ehkäisevä")
    other_worker = worker_in(other)
    foreign = activity(other, other_worker, title="CANARY-TOISEN-TILAISUUS")
    foreign_material = material(other, other_worker, "CANARY-TOISEN-MATERIAALI")
    foreign_delivery = delivery(other, other_worker, foreign_material)
    assert client.get(_url("activity_edit", world, foreign.pk)).status_code == 404
    assert (
        client.post(_url("activity_remove", world, foreign.pk), {"reason": "x" * 10}).status_code
        == 404
    )
    assert client.get(_url("delivery_remove", world, foreign_delivery.pk)).status_code == 404
    toggle = _url("material_active", world, foreign_material.pk)
    assert client.post(toggle, {"active": "0"}).status_code == 404
    for url in (_url("activities", world), _url("materials", world)):
        body = client.get(url).content.decode()
        assert "CANARY-TOISEN" not in body, url
    with scopes_disabled():
        assert Activity.objects.filter(pk=foreign.pk).exists()
        assert Material.objects.get(pk=foreign_material.pk).active


# --------------------------------------------------------------------------- the list


def test_the_list_shows_the_years_activities_with_links_and_the_statistics_note(
    client: Client, world: dict[str, Any]
) -> None:
    worker = world["worker"]
    fair = activity(
        world["form"],
        worker,
        title="Turvallisuusmessut",
        starts_on=dt.date(2026, 4, 20),
        ends_on=dt.date(2026, 4, 23),
        children=0,
    )
    login_verified(client, worker)
    url = _url("activities", world)
    html = client.get(url).content.decode()
    assert "Tilaisuudet ja tapahtumat 2026" in html
    # Newest first, the fair as a date range, the head counts and partners, each row linked.
    assert html.index("Turvallisuusmessut") < html.index("Turvallisuusteemapäivä")
    assert "20.4.2026</time>–<time" in html and "23.4.2026" in html
    assert "Päijät-Hämeen hyvinvointialue" in html
    assert re.search(r'<td class="num">40</td>', html)
    assert _url("activity_edit", world, fair.pk) in html
    assert _url("activity_edit", world, world["activity"].pk) in html
    assert "Syysseminaari" not in html  # last year's
    assert _url("activity_new", world) in html and "Kirjaa tilaisuus" in html
    assert _url("materials", world) in html
    assert reverse("statistics:form_returns", args=[world["form"].slug]) in html
    assert "?vuosi=2025" in html and "?vuosi=2027" not in html  # no next year from this one
    html = client.get(url, {"vuosi": "2025"}).content.decode()
    assert "Syysseminaari" in html and "Turvallisuusmessut" not in html
    assert "?vuosi=2026" in html and "?vuosi=2024" in html
    for odd in ("abc", "1999", "2999", "-1", "２０２５", "²⁰²⁵"):
        html = client.get(url, {"vuosi": odd}).content.decode()
        assert "Tilaisuudet ja tapahtumat 2026" in html, odd


def test_the_service_form_page_links_to_the_register_for_members(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    slug = world["form"].slug
    front = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("organisations:service_form", args=[slug]) in front
    html = client.get(reverse("organisations:service_form", args=[slug])).content.decode()
    assert _url("activities", world) in html
    assert _url("materials", world) in html
    # Another kind of form's page has no such links.
    outpatient = ServiceFormFactory.create(organisation=world["form"].organisation)
    client.logout()
    login_verified(client, worker_in(outpatient))
    page = client.get(reverse("organisations:service_form", args=[outpatient.slug]))
    assert page.status_code == 200 and b"/ehkaiseva-tyo/" not in page.content


# --------------------------------------------------------------------------- activity form


def _activity_data(**changes: str) -> dict[str, str]:
    return {
        "title": "Väkivallattomuuden kampanjapäivä",
        "kind": "event",
        "role": "co_organised",
        "starts_on": "2026-05-12",
        "ends_on": "",
        "professionals": "4",
        "citizens": "120",
        "children": "35",
        "partners": "Lahden kaupunki",
        "notes": "",
        **changes,
    }


def test_activity_form_errors_are_finnish_and_keep_the_input(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = _url("activity_new", world)
    html = client.get(url).content.decode()
    assert 'type="date"' in html and 'value="2026-05-15"' in html
    response = client.post(
        url, _activity_data(title="", professionals="-1", children="kaksi", starts_on="huomenna")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Anna tilaisuuden nimi." in html
    assert "Anna luku, joka on nolla tai suurempi." in html
    assert "Anna luku kokonaislukuna." in html
    assert "Anna päivämäärä muodossa p.k.vvvv." in html
    assert 'value="kaksi"' in html and 'value="huomenna"' in html
    assert 'value="Lahden kaupunki"' in html and 'aria-invalid="true"' in html
    # The service's refusals land on their fields, with what was typed kept.
    html = client.post(url, _activity_data(ends_on="2026-05-10")).content.decode()
    assert "Viimeinen päivä ei voi olla ennen ensimmäistä." in html
    assert 'value="Väkivallattomuuden kampanjapäivä"' in html
    assert re.search(
        r'id="id_ends_on"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_ends_on"', html
    )
    html = client.post(url, _activity_data(starts_on="2026-05-16")).content.decode()
    assert "Päivä ei voi olla tulevaisuudessa; kirjaa toteutunut." in html
    with scopes_disabled():
        assert not Activity.objects.filter(title="Väkivallattomuuden kampanjapäivä").exists()


def test_an_activity_is_recorded_and_corrected(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    response = client.post(_url("activity_new", world), _activity_data(starts_on="12.5.2026"))
    assert response.status_code == 302
    assert response["Location"] == _url("activities", world) + "?vuosi=2026"
    with scopes_disabled():
        saved = Activity.objects.get(title="Väkivallattomuuden kampanjapäivä")
    assert (saved.starts_on, saved.role, saved.reached) == (
        dt.date(2026, 5, 12),
        "co_organised",
        159,
    )
    assert saved.service_form_id == world["form"].pk
    assert "Tilaisuus tallennettu." in client.get(response["Location"]).content.decode()
    url = _url("activity_edit", world, saved.pk)
    html = client.get(url).content.decode()
    assert 'value="Väkivallattomuuden kampanjapäivä"' in html and 'value="120"' in html
    response = client.post(url, _activity_data(citizens="150", starts_on="2025-11-05"))
    assert response.status_code == 302
    assert response["Location"].endswith("?vuosi=2025")
    with scopes_disabled():
        saved.refresh_from_db()
        assert saved.history.count() == 2
    assert (saved.citizens, saved.starts_on) == (150, dt.date(2025, 11, 5))


# --------------------------------------------------------------------------- removal


def test_a_worker_sees_no_removal_and_cannot_post_one(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    edit = client.get(_url("activity_edit", world, world["activity"].pk)).content.decode()
    assert _url("activity_remove", world, world["activity"].pk) not in edit
    assert "Poiston syy" not in edit
    html = client.get(_url("materials", world)).content.decode()
    assert _url("delivery_remove", world, world["delivery"].pk) not in html
    for url in _lead_urls(world):
        assert client.post(url, {"reason": "kirjattu kahdesti"}).status_code == 404
    with scopes_disabled():
        assert Activity.objects.filter(pk=world["activity"].pk).exists()
        assert Delivery.objects.filter(pk=world["delivery"].pk).exists()


def test_the_lead_removes_an_activity_with_a_reason(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    pk = world["activity"].pk
    edit = client.get(_url("activity_edit", world, pk)).content.decode()
    remove = _url("activity_remove", world, pk)
    assert f'action="{remove}"' in edit and "Poiston syy" in edit
    response = client.post(remove, {"reason": ""})
    assert response.status_code == 400
    assert "Kirjoita poistolle syy." in response.content.decode()
    response = client.post(remove, {"reason": "abc"})
    html = response.content.decode()
    assert "Kirjoita poistolle syy (vähintään 5 merkkiä)." in html and 'value="abc"' in html
    response = client.post(remove, {"reason": "kirjattu kahdesti"})
    assert response.status_code == 302
    assert response["Location"] == _url("activities", world) + "?vuosi=2026"
    with scopes_disabled():
        assert not Activity.objects.filter(pk=pk).exists()
        removed = Activity.history.get(id=pk, history_type="-")
    assert (removed.history_user, removed.history_change_reason) == (
        world["lead"],
        "kirjattu kahdesti",
    )


# --------------------------------------------------------------------------- materials


def test_the_materials_page_offers_only_the_forms_active_materials(
    client: Client, world: dict[str, Any]
) -> None:
    other = prevention_form(organisation=world["form"].organisation, name="Toinen ehkäisevä")
    material(other, worker_in(other), "CANARY-TOISEN-MATERIAALI")
    login_verified(client, world["worker"])
    html = client.get(_url("materials", world)).content.decode()
    select = re.search(r'<select name="material".*?</select>', html, re.S)
    assert select is not None
    options = select.group(0)
    assert "Turvallinen lapsuus -esite" in options and "Huoneentaulu-juliste" in options
    assert "Vanha esite" not in options and "CANARY" not in html
    # The year's delivery and the list of materials with their toggles.
    assert "Mäkirinteen koulu" in html and "Koulu tai oppilaitos" in html
    assert "Vanha esite" in html and "Palauta jakoon" in html and "Poista jaosta" in html
    assert _url("material_active", world, world["retired"].pk) in html


def test_delivery_form_errors_are_finnish_and_keep_the_input(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = _url("materials", world)
    data = {
        "lomake": "jako",
        "material": str(world["retired"].pk),
        "date": "2026-05-14",
        "quantity": "0",
        "recipient_kind": "",
        "recipient": "Itäinen neuvola",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Valitse materiaali luettelosta." in html
    assert "Anna vähintään 1." in html
    assert "Valitse, millaiseen paikkaan materiaali meni." in html
    assert 'value="Itäinen neuvola"' in html
    html = client.post(
        url,
        {
            **data,
            "material": world["poster"].pk,
            "quantity": "25",
            "recipient_kind": "clinic",
            "date": "2026-05-20",
        },
    ).content.decode()
    assert "Päivä ei voi olla tulevaisuudessa; kirjaa toteutunut." in html
    assert 'value="25"' in html
    response = client.post(
        url, {**data, "material": world["poster"].pk, "quantity": "25", "recipient_kind": "clinic"}
    )
    assert response.status_code == 302
    assert response["Location"] == url + "?vuosi=2026"
    with scopes_disabled():
        saved = Delivery.objects.get(material=world["poster"])
    assert (saved.quantity, saved.recipient, saved.date) == (
        25,
        "Itäinen neuvola",
        dt.date(2026, 5, 14),
    )


def test_materials_are_added_and_toggled(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    url = _url("materials", world)
    response = client.post(url, {"lomake": "materiaali", "name": " huoneentaulu-JULISTE "})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Työmuodolla on jo tämän niminen materiaali." in html
    assert 'value=" huoneentaulu-JULISTE "' in html or 'value="huoneentaulu-JULISTE"' in html
    response = client.post(url, {"lomake": "materiaali", "name": ""})
    assert "Anna materiaalin nimi." in response.content.decode()
    response = client.post(url, {"lomake": "materiaali", "name": "Miniturvallisuusseula"})
    assert response.status_code == 302
    with scopes_disabled():
        added = Material.objects.get(service_form=world["form"], name="Miniturvallisuusseula")
    assert added.active
    toggle = _url("material_active", world, added.pk) + "?vuosi=2025"
    response = client.post(toggle, {"active": "0"})
    assert response["Location"] == url + "?vuosi=2025"
    assert (
        "Miniturvallisuusseula poistettu jaosta."
        in client.get(response["Location"]).content.decode()
    )
    added.refresh_from_db()
    assert not added.active
    assert client.get(toggle).status_code == 405
    client.post(toggle, {"active": "1"})
    added.refresh_from_db()
    assert added.active


def test_the_lead_removes_a_delivery_with_a_reason(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    pk = world["delivery"].pk
    html = client.get(_url("materials", world)).content.decode()
    remove = _url("delivery_remove", world, pk)
    assert remove in html
    html = client.get(remove).content.decode()
    assert "Turvallinen lapsuus -esite" in html and "Poiston syy" in html
    response = client.post(remove, {"reason": " "})
    assert response.status_code == 400
    assert "Kirjoita poistolle syy." in response.content.decode()
    response = client.post(remove, {"reason": "väärä materiaali"})
    assert response.status_code == 302
    assert response["Location"] == _url("materials", world) + "?vuosi=2026"
    with scopes_disabled():
        assert not Delivery.objects.filter(pk=pk).exists()
        removed = Delivery.history.get(id=pk, history_type="-")
    assert removed.history_change_reason == "väärä materiaali"
    assert removed.history_user == world["lead"]


# --------------------------------------------------------------------------- query counts


def test_the_lists_use_a_bounded_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    form, worker = world["form"], world["worker"]
    login_verified(client, world["lead"])
    client.get(_url("activities", world))  # warm the session and caches
    counts = []
    for more in (0, 15):
        for n in range(more):
            activity(form, worker, title=f"Tilaisuus {n}", starts_on=dt.date(2026, 2, 1 + n))
            item = material(form, worker, f"Esite {n}")
            delivery(form, worker, item, date=dt.date(2026, 3, 1 + n))
            if n % 3 == 0:
                services.material_set_active(actor=worker, material=item, active=False)
        measured = []
        for url in (_url("activities", world), _url("materials", world)):
            with django_assert_max_num_queries(15) as captured:
                assert client.get(url).status_code == 200
            measured.append(len(captured))
        counts.append(measured)
    assert counts[0] == counts[1], "more rows must not mean more queries"
