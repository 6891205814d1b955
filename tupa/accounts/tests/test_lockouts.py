"""Login lockouts: administrators see them in /hallinta/ and lift one with a reason (recorded)."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from tupa.accounts import services
from tupa.accounts.models import Role, SecurityEvent, User
from tupa.core.tests.factories import OrganisationFactory, UserFactory, org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Organisation

from .helpers import password_login

pytestmark = pytest.mark.django_db

LIST_URL = "/hallinta/lukitukset/"
REASON = "Soitti itse, tunnistin äänestä ja tarkistin työpuhelinnumeron."


def lift_url(user: User) -> str:
    return reverse("admin:accounts_lockout_lift", args=[user.pk])


def lock_out(user: User, settings: Any, failures: int | None = None) -> None:
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT if failures is None else failures):
        password_login(attacker, user.username, "vaara-salasana-joka-ei-kay")


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return org_role_user(organisation, Role.ADMINISTRATOR, username="paakayttaja", is_staff=True)


@pytest.fixture
def stranger() -> User:
    other = OrganisationFactory.create(name="Toinen kuvitteellinen yhdistys ry", slug="toinen")
    return UserFactory.create(organisation=other, username="vieras.tyontekija")


@pytest.fixture
def admin_client(client: Client, administrator: User) -> Client:
    login_verified(client, administrator)
    return client


def test_urls() -> None:
    assert reverse("admin:accounts_lockouts") == LIST_URL


def test_the_administrator_sees_current_lockouts_of_their_own_organisation(
    admin_client: Client, worker: User, stranger: User, organisation: Organisation, settings: Any
) -> None:
    almost = UserFactory.create(organisation=organisation, username="melkein.lukossa")
    lock_out(worker, settings)
    lock_out(stranger, settings)
    lock_out(almost, settings, failures=settings.AXES_FAILURE_LIMIT - 1)

    response = admin_client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert worker.username in html
    assert lift_url(worker) in html
    assert stranger.username not in html  # another organisation's account
    assert almost.username not in html  # not locked (yet)


def test_the_admin_index_links_to_the_lockouts(admin_client: Client) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert LIST_URL in html
    assert "Kirjautumisen lukitukset" in html


def test_lifting_needs_a_reason_and_lets_the_user_in_at_once(
    admin_client: Client, administrator: User, worker: User, settings: Any
) -> None:
    lock_out(worker, settings)
    assert password_login(Client(), worker.username).status_code == 429

    page = admin_client.get(lift_url(worker))
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()

    refused = admin_client.post(lift_url(worker), {"reason": "ok"})
    assert refused.status_code == 200
    assert "vähintään" in refused.content.decode()
    assert password_login(Client(), worker.username).status_code == 429  # still locked

    response = admin_client.post(lift_url(worker), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert password_login(Client(), worker.username).status_code == 302  # in

    (lift,) = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT_LIFTED)
    assert (lift.user, lift.actor, lift.reason) == (worker, administrator, REASON)
    assert lift.organisation_id == worker.organisation_id


def test_an_account_that_is_not_locked_cannot_be_lifted(admin_client: Client, worker: User) -> None:
    response = admin_client.post(lift_url(worker), {"reason": REASON})
    assert response.status_code == 302
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT_LIFTED).exists()


def test_another_organisations_account_is_not_found(
    admin_client: Client, stranger: User, settings: Any
) -> None:
    lock_out(stranger, settings)
    assert admin_client.get(lift_url(stranger)).status_code == 404
    assert admin_client.post(lift_url(stranger), {"reason": REASON}).status_code == 404
    assert password_login(Client(), stranger.username).status_code == 429


@pytest.mark.parametrize("role", [Role.DATA_PROTECTION_OFFICER, Role.EXECUTIVE_DIRECTOR])
def test_other_roles_cannot_see_or_lift_lockouts(
    client: Client, organisation: Organisation, worker: User, settings: Any, role: str
) -> None:
    other = org_role_user(organisation, role, is_staff=True)
    lock_out(worker, settings)
    login_verified(client, other)
    for response in (
        client.get(LIST_URL, follow=True),
        client.post(lift_url(worker), {"reason": REASON}, follow=True),
    ):
        assert response.status_code in {403, 404}
        assert worker.username not in response.content.decode()
    assert password_login(Client(), worker.username).status_code == 429


# --- the service ------------------------------------------------------------------------------


def test_service_refuses_without_the_administrator_role(
    organisation: Organisation, worker: User, stranger: User, settings: Any
) -> None:
    lock_out(worker, settings)
    dpo = org_role_user(organisation, Role.DATA_PROTECTION_OFFICER)
    other_admin = org_role_user(stranger.organisation, Role.ADMINISTRATOR)  # type: ignore[arg-type]
    for actor in (dpo, other_admin, worker):
        with pytest.raises(PermissionDenied):
            services.lockout_lift(actor=actor, user=worker, reason=REASON)
    assert AccessAttempt.objects.filter(username=worker.username).exists()


def test_service_refuses_a_short_reason(administrator: User, worker: User, settings: Any) -> None:
    lock_out(worker, settings)
    with pytest.raises(ValidationError):
        services.lockout_lift(actor=administrator, user=worker, reason="   lyhyt  ")


def test_the_lift_is_not_made_if_it_cannot_be_recorded(
    administrator: User, worker: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock_out(worker, settings)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("levy täynnä")

    monkeypatch.setattr(SecurityEvent.objects, "create", broken)
    with pytest.raises(DatabaseError):
        services.lockout_lift(actor=administrator, user=worker, reason=REASON)
    monkeypatch.undo()
    assert password_login(Client(), worker.username).status_code == 429  # still locked
