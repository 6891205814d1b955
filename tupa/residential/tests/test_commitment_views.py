"""Commitment screens: access matrix, add / correct / cancel through the forms, the overlap
message on the form with the typed values kept, links from the episode and occupancy pages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.residential.models import PaymentCommitment

from .test_commitment import build_scenario, ensikoti_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario() -> dict[str, Any]:
    return build_scenario()


D = dt.date


def _urls(s: dict[str, Any]) -> list[str]:
    a = s["a"][0]
    return [
        reverse("residential:commitments", args=[a.pk]),
        reverse("residential:commitment_add", args=[a.pk]),
        reverse("residential:commitment_correct", args=[s["c2"].pk]),
        reverse("residential:commitment_cancel", args=[s["c2"].pk]),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("worker", 200),
        ("lead", 200),
        ("finance", 404),
        ("other form worker", 404),
        ("executive director", 404),
        ("admin", 404),
        ("other organisation", 404),
        ("anonymous", 302),
    ],
)
def test_access_matrix(client: Client, scenario: dict[str, Any], who: str, expected: int) -> None:
    form = scenario["form"]
    org = form.organisation
    users = {
        "worker": lambda: scenario["worker"],
        "lead": lambda: worker_in(form, role=Role.LEAD),
        "finance": lambda: org_role_user(org, Role.FINANCE),
        "other form worker": lambda: worker_in(
            ServiceFormFactory.create(organisation=org, kind=ServiceForm.Kind.RESIDENTIAL)
        ),
        "executive director": lambda: org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "admin": lambda: org_role_user(org, Role.ADMINISTRATOR),
        "other organisation": lambda: worker_in(ensikoti_form(slug="ensikoti-x")),
    }
    if who != "anonymous":
        login_verified(client, users[who]())
    urls = _urls(scenario)
    for url in urls:
        assert client.get(url).status_code == expected, (who, url)
        if expected == 404 and url != urls[0]:  # the list is GET-only (405 for POST)
            assert client.post(url, {}).status_code == 404, (who, url)


def test_bad_ids_are_404(client: Client, scenario: dict[str, Any]) -> None:
    login_verified(client, scenario["worker"])
    assert client.get(reverse("residential:commitments", args=[999999])).status_code == 404
    assert client.get(reverse("residential:commitment_correct", args=[999999])).status_code == 404


def test_list_shows_commitments_history_and_logs_the_family(
    client: Client, scenario: dict[str, Any]
) -> None:
    worker = scenario["worker"]
    login_verified(client, worker)
    a, members = scenario["a"]
    html = client.get(reverse("residential:commitments", args=[a.pk])).content.decode()
    assert "Päijät-Hämeen hyvinvointialue" in html and "PHHYKY/123/2026" in html
    assert "1.1.2026–3.2.2026" in html and "5.2.2026–toistaiseksi" in html
    assert "200,00" in html and "Muutoshistoria" in html and "Kirjattu" in html
    assert "Perhehuone 1" in html
    with scopes_disabled():
        events = AccessEvent.objects.filter(user=worker, episode_id=a.pk)
        assert sorted(int(e.subject_id) for e in events) == sorted(m.person.pk for m in members)
    # B's cancelled commitment is marked.
    b = scenario["b"][0]
    html = client.get(reverse("residential:commitments", args=[b.pk])).content.decode()
    assert "peruttu" in html


def test_add_correct_and_cancel_through_the_forms(client: Client, scenario: dict[str, Any]) -> None:
    login_verified(client, scenario["worker"])
    c = scenario["c"][0]
    # C has an open-ended commitment from 1.1.2026: an overlapping one is refused on the form.
    data = {
        "payer": str(scenario["p2"].pk),
        "reference": "LAHTI-77",
        "valid_from": "2026-03-01",
        "valid_until": "2026-03-31",
        "daily_price": "185,50",
    }
    response = client.post(reverse("residential:commitment_add", args=[c.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Asiakkuudella on jo voimassa oleva maksusitoumus ajalle 1.1.2026 alkaen" in html
    assert 'value="LAHTI-77"' in html and 'value="185,50"' in html
    assert 'value="2026-03-01"' in html
    # End the first one in February (a correction with a reason), then the new one fits.
    with scopes_disabled():
        first = PaymentCommitment.objects.get(episode=c)
    response = client.post(
        reverse("residential:commitment_correct", args=[first.pk]),
        {
            "payer": str(first.payer_id),
            "valid_from": "2026-01-01",
            "valid_until": "2026-02-28",
            "reason": "Päätös päättyi",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("residential:commitment_add", args=[c.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("residential:commitments", args=[c.pk])
    with scopes_disabled():
        new = PaymentCommitment.objects.get(episode=c, reference="LAHTI-77")
        assert str(new.daily_price) == "185.50"
        first.refresh_from_db()
        assert first.valid_until == D(2026, 2, 28)
    # Cancelling needs a reason.
    url = reverse("residential:commitment_cancel", args=[new.pk])
    response = client.post(url, {"cancelled_on": "2026-03-05", "reason": ""})
    assert response.status_code == 400
    assert "Kerro, miksi maksusitoumus perutaan." in response.content.decode()
    response = client.post(url, {"cancelled_on": "2026-03-05", "reason": "Maksaja perui"})
    assert response.status_code == 302
    with scopes_disabled():
        new.refresh_from_db()
    assert new.cancelled_on == D(2026, 3, 5)
    # A cancelled commitment cannot be corrected: the form sends back to the list.
    assert client.get(reverse("residential:commitment_correct", args=[new.pk])).status_code == 302


def test_form_validation_messages_are_finnish(client: Client, scenario: dict[str, Any]) -> None:
    login_verified(client, scenario["worker"])
    a = scenario["a"][0]
    response = client.post(
        reverse("residential:commitment_add", args=[a.pk]),
        {"payer": "", "valid_from": "2027-02-01", "valid_until": "2027-01-01", "daily_price": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Valitse maksaja." in html
    assert "Voimassaolon päättymispäivä ei voi olla ennen alkamispäivää." in html
    assert "Anna hinta euroina, esimerkiksi 185,50." in html
    assert 'value="x"' in html


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_links_from_the_episode_and_the_occupancy_page(
    client: Client, scenario: dict[str, Any]
) -> None:
    login_verified(client, scenario["worker"])
    form = scenario["form"]
    b = scenario["b"][0]
    html = client.get(reverse("episodes:detail", args=[b.pk])).content.decode()
    assert reverse("residential:commitments", args=[b.pk]) in html
    html = client.get(reverse("residential:occupancy", args=[form.slug])).content.decode()
    assert reverse("residential:commitments", args=[b.pk]) in html
    assert re.search(r"/asuminen/jakso/\d+/henkilot/", html)
