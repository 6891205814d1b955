"""Bad input in every form and parameter of the register: overlong text, NUL bytes, impossible
dates, negative or huge numbers and forged choices are refused with a Finnish message, what was
typed kept, never a 500; a foreign material's id changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.prevention.models import Material

from .support import lead_in, material, prevention_form
from .test_views import built_world, world  # noqa: F401

pytestmark = pytest.mark.django_db

LONG = "x" * 5000
HUGE = "9" * 40


def _url(name: str, w: dict[str, Any], *args: Any) -> str:
    return reverse(f"prevention:{name}", args=[w["form"].slug, *args])


def _cases(w: dict[str, Any]) -> list[tuple[str, dict[str, str], str]]:
    activity = {
        "title": "Vanhempainilta",
        "kind": "event",
        "role": "organised",
        "starts_on": "2026-05-14",
        "professionals": "1",
        "citizens": "10",
        "children": "0",
    }
    delivery = {
        "lomake": "jako",
        "material": str(w["brochure"].pk),
        "date": "2026-05-14",
        "quantity": "5",
        "recipient_kind": "clinic",
        "recipient": "Neuvola",
    }
    new = _url("activity_new", w)
    edit = _url("activity_edit", w, w["activity"].pk)
    mats = _url("materials", w)
    remove = _url("activity_remove", w, w["activity"].pk)
    return [
        (new, {**activity, "starts_on": "2026-02-30"}, "p.k.vvvv"),
        (new, {**activity, "starts_on": "1.1.1999"}, "2100"),
        (new, {**activity, "ends_on": "2026-05-13"}, "Viimeinen"),
        (new, {**activity, "citizens": HUGE}, "Luku on liian suuri."),
        (new, {**activity, "children": "-3"}, "nolla tai suurempi"),
        (new, {**activity, "title": LONG}, "Nimi on liian pitkä"),
        (new, {**activity, "title": "Ilta\x00"}, "Tilaisuuden nimi"),
        (new, {**activity, "partners": LONG}, "Teksti on liian pitkä"),
        (new, {**activity, "notes": "a\x00b"}, "Muistiinpanot"),
        (new, {**activity, "kind": "\x00"}, "Valitse laji luettelosta."),
        (edit, {**activity, "role": "bogus"}, "Valitse osuus luettelosta."),
        (mats, {**delivery, "quantity": HUGE}, "Luku on liian suuri."),
        (mats, {**delivery, "date": "31.4.2026"}, "p.k.vvvv"),
        (mats, {**delivery, "recipient": LONG}, "Teksti on liian pitkä"),
        (mats, {**delivery, "recipient": "N\x00"}, "aria-invalid"),
        (mats, {**delivery, "material": "1" * 30}, "Valitse materiaali luettelosta."),
        (mats, {"lomake": "materiaali", "name": LONG}, "Nimi on liian pitkä"),
        (mats, {"lomake": "materiaali", "name": "E\x00"}, "aria-invalid"),
        (remove, {"reason": LONG}, "Syy on liian pitkä"),
        (remove, {"reason": "\x00" * 30}, "syy"),
    ]


def test_bad_input_is_refused_in_finnish(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    login_verified(client, lead_in(world["form"]))
    for url, data, expected in _cases(world):
        response = client.post(url, data)
        assert response.status_code == 400, (url, data, response.status_code)
        html = response.content.decode()
        assert expected in html, (url, data, expected)
        assert 'aria-invalid="true"' in html, (url, data, expected)


def test_bad_year_parameters_and_foreign_materials(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    login_verified(client, world["worker"])
    for query in ("?vuosi=99999999999999999999", "?vuosi=-1", "?vuosi=%00", "?vuosi=" + LONG):
        for name in ("activities", "materials"):
            assert client.get(_url(name, world) + query).status_code == 200, (name, query)
    other = prevention_form(organisation=world["form"].organisation, name="Toinen ehkäisevä")
    foreign = material(other, lead_in(other), name="Toisen esite")
    url = _url("material_active", world, foreign.pk)
    assert client.post(url, {"active": "0"}).status_code == 404
    with scopes_disabled():
        assert Material.objects.get(pk=foreign.pk).active
