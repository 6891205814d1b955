"""The DPO's security event log (/lokit/turvallisuus/) and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role, SecurityEvent, User
from tupa.audit.models import AccessEvent, Action
from tupa.audit.tests.builders import make_organisation, make_user
from tupa.core.tests.factories import org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import Organisation

pytestmark = pytest.mark.django_db

URL = "/lokit/turvallisuus/"
EXPORT_URL = "/lokit/turvallisuus/vienti/"
Kind = SecurityEvent.Kind
CANARY_PASSWORD = "Kanarialintu-salasana-4409"


def _local(y: int, m: int, d: int, hh: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, hh, tzinfo=HELSINKI)


def _event(when: dt.datetime | None = None, **fields: Any) -> SecurityEvent:
    user = fields.get("user")
    fields.setdefault("organisation_id", getattr(user, "organisation_id", None))
    (event,) = SecurityEvent.objects.bulk_create(
        [SecurityEvent(occurred_at=when or dt.datetime.now(tz=HELSINKI), **fields)]
    )
    return event


@pytest.fixture
def org() -> Organisation:
    return make_organisation()


@pytest.fixture
def dpo(org: Organisation) -> User:
    return org_role_user(org, Role.DATA_PROTECTION_OFFICER, first_name="Tiina", last_name="Suoja")


@pytest.fixture
def worker(org: Organisation) -> User:
    return make_user(organisation=org, username="ville.virtanen", first_name="Ville")


@pytest.fixture
def dpo_client(client: Client, dpo: User) -> Client:
    login_verified(client, dpo)
    return client


def test_urls() -> None:
    assert reverse("audit:security_events") == URL
    assert reverse("audit:security_events_export") == EXPORT_URL


def test_the_dpo_sees_failed_logins_lockouts_lifts_and_refusals(
    dpo_client: Client, org: Organisation, worker: User
) -> None:
    admin = org_role_user(org, Role.ADMINISTRATOR, first_name="Paula", last_name="Pääkäyttäjä")
    _event(kind=Kind.LOGIN_FAILED, user=worker)
    _event(kind=Kind.LOGIN_FAILED)  # an unknown username
    _event(kind=Kind.LOCKED_OUT, user=worker)
    _event(kind=Kind.LOCKOUT_LIFTED, user=worker, actor=admin, reason="Soitti itse aamulla.")
    _event(kind=Kind.REFUSED, user=worker, path="/henkilot/4711/", status_code=404)

    response = dpo_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "5 tapahtumaa" in html
    for text in (
        "Epäonnistunut kirjautuminen",
        "Tunnus lukittiin",
        "Lukitus poistettiin",
        "Torjuttu pyyntö",
        "(ville.virtanen)</td>",
        "Tuntematon käyttäjätunnus",
        "/henkilot/4711/",
        "(404)",
        "Paula Pääkäyttäjä",
        "Soitti itse aamulla.",
    ):
        assert text in html, text


def test_another_organisations_events_are_not_shown(dpo_client: Client) -> None:
    other = make_user(organisation=make_organisation(), username="vieras.kayttaja")
    _event(kind=Kind.LOGIN_FAILED, user=other)
    _event(kind=Kind.REFUSED, user=other, path="/henkilot/99/", status_code=404)
    html = dpo_client.get(URL).content.decode()
    assert "vieras.kayttaja" not in html and "/henkilot/99/" not in html
    assert "0 tapahtumaa" in html


def test_filters_by_user_kind_and_period(
    dpo_client: Client, org: Organisation, worker: User
) -> None:
    colleague = make_user(organisation=org, username="kaisa.kollega")
    _event(_local(2026, 3, 2), kind=Kind.LOGIN_FAILED, user=worker)
    _event(_local(2026, 3, 2), kind=Kind.REFUSED, user=worker, path="/a/", status_code=404)
    _event(_local(2026, 3, 2), kind=Kind.LOGIN_FAILED, user=colleague)
    _event(_local(2026, 2, 1), kind=Kind.LOGIN_FAILED, user=worker, request_id="vanha-pyynto")

    def shown(**query: Any) -> str:
        base = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        response = dpo_client.get(URL, base | query)
        assert response.status_code == 200
        return response.content.decode()

    html = shown(user=worker.pk)
    assert "2 tapahtumaa" in html and "(kaisa.kollega)</td>" not in html
    html = shown(user=worker.pk, kind=Kind.REFUSED)
    assert "1 tapahtuma" in html and "/a/" in html
    assert "vanha-pyynto" not in shown()
    assert "vanha-pyynto" in shown(date_from="2026-02-01")


def test_invalid_filters_show_errors_not_events(dpo_client: Client, worker: User) -> None:
    _event(kind=Kind.LOGIN_FAILED, user=worker)
    response = dpo_client.get(URL, {"kind": "password", "date_from": "eilen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tarkista rajaukset" in html
    assert "(ville.virtanen)</td>" not in html


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.EXECUTIVE_DIRECTOR, Role.FINANCE, Role.WORKER]
)
def test_everybody_else_gets_404(client: Client, org: Organisation, role: str) -> None:
    if role == Role.WORKER:
        from tupa.core.tests.factories import ServiceFormFactory, worker_in

        user = worker_in(ServiceFormFactory(organisation=org, area__organisation=org))
    else:
        user = org_role_user(org, role)
    login_verified(client, user)
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT_URL).status_code == 404


def test_the_navigation_links_the_page_for_the_dpo_only(
    dpo_client: Client, client: Client, org: Organisation
) -> None:
    assert f'href="{URL}"' in dpo_client.get(reverse("core:dashboard")).content.decode()
    director = org_role_user(org, Role.EXECUTIVE_DIRECTOR)
    other = Client()
    login_verified(other, director)
    assert f'href="{URL}"' not in other.get(reverse("core:dashboard")).content.decode()


def test_csv_export_is_logged_and_never_contains_a_password(
    dpo_client: Client, dpo: User, worker: User
) -> None:
    # A real failed login with a canary password, then the export.
    Client().post(
        reverse("accounts:login"), {"username": worker.username, "password": CANARY_PASSWORD}
    )
    Client().post(
        reverse("accounts:login"), {"username": CANARY_PASSWORD, "password": CANARY_PASSWORD}
    )
    _event(kind=Kind.REFUSED, user=worker, path="/henkilot/4711/", status_code=404)

    response = dpo_client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "turvallisuustapahtumat-" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")
    assert CANARY_PASSWORD not in body
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Aika", "Tapahtuma", "Käyttäjä"]
    kinds = sorted(row[1] for row in rows[1:])
    assert kinds == [
        "epäonnistunut kirjautuminen",
        "epäonnistunut kirjautuminen",
        "torjuttu pyyntö",
    ]
    assert any(row[2] == "Tuntematon käyttäjätunnus" for row in rows[1:])
    assert any(row[3] == "/henkilot/4711/" and row[4] == "404" for row in rows[1:])
    with scopes_disabled():
        (export,) = AccessEvent.objects.filter(action=Action.EXPORT)
    assert export.user == dpo and export.subject_id == str(dpo.pk)
