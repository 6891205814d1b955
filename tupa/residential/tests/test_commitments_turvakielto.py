"""The home municipality of a payment commitment under turvakielto.

The billing list and its CSV hide a commitment's home municipality ("Kotikunta") when somebody
of the family has a restriction in force, for the unit's own workers too
(``test_billing_views.test_home_municipality_is_hidden_for_a_person_under_turvakielto``). The
episode's own commitment pages show the same value, and must hide it just the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Municipality
from tupa.people.models import Restriction
from tupa.residential.commitments import services

from .test_commitment import build_scenario

pytestmark = pytest.mark.django_db

CANARY = "Kanarialahti"


@pytest.fixture
def scenario() -> dict[str, Any]:
    s = build_scenario()
    municipality = Municipality.objects.create(code="997", name_fi=CANARY, name_sv=CANARY)
    s["municipality"] = municipality
    with scopes_disabled():
        services.commitment_correct(
            actor=s["worker"], commitment=s["c2"], reason="Kotikunta", municipality=municipality
        )
        _a, (mother, _child) = s["a"]
        Restriction.objects.create(
            person=mother.person,
            kind="turvakielto",
            valid_from=dt.date(2020, 1, 1),
            created_by=s["worker"],
        )
    return s


def test_commitment_list_hides_the_home_municipality_under_turvakielto(
    client: Client, scenario: dict[str, Any]
) -> None:
    login_verified(client, scenario["worker"])
    episode = scenario["a"][0]
    response = client.get(reverse("residential:commitments", args=[episode.pk]))
    assert response.status_code == 200
    assert CANARY not in response.content.decode()


def test_commitment_correct_form_does_not_preselect_the_hidden_home_municipality(
    client: Client, scenario: dict[str, Any]
) -> None:
    login_verified(client, scenario["worker"])
    with scopes_disabled():
        current = type(scenario["c2"]).objects.filter(episode=scenario["a"][0]).order_by("-pk")
        commitment = next(c for c in current if c.municipality_id == scenario["municipality"].pk)
    response = client.get(reverse("residential:commitment_correct", args=[commitment.pk]))
    assert response.status_code == 200
    assert f'value="{scenario["municipality"].pk}" selected' not in response.content.decode()


def test_correcting_without_a_home_municipality_keeps_the_hidden_one(
    client: Client, scenario: dict[str, Any]
) -> None:
    login_verified(client, scenario["worker"])
    with scopes_disabled():
        model = type(scenario["c2"])
        commitment = model.objects.get(
            episode=scenario["a"][0], municipality=scenario["municipality"]
        )
    url = reverse("residential:commitment_correct", args=[commitment.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {"valid_from": commitment.valid_from.strftime("%-d.%-m.%Y"), "reason": "Viite korjattu"}
    )
    data["reference"] = "KORJATTU/1"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    with scopes_disabled():
        commitment.refresh_from_db()
    assert commitment.reference == "KORJATTU/1"
    assert commitment.municipality_id == scenario["municipality"].pk
