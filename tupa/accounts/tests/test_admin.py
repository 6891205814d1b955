"""Admin of accounts, memberships and devices: own organisation only, no secrets, no deleting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role, User
from tupa.core.tests.factories import OrganisationFactory, UserFactory, org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Organisation, ServiceForm

from .helpers import confirmed_device, recovery_codes_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return org_role_user(organisation, Role.ADMINISTRATOR, username="paakayttaja", is_staff=True)


@pytest.fixture
def stranger() -> User:
    other = OrganisationFactory.create(name="Toinen kuvitteellinen yhdistys ry", slug="toinen")
    return UserFactory.create(organisation=other, username="vieras.tyontekija")


def test_user_admin_lists_own_organisation_only(
    client: Client, administrator: User, worker: User, stranger: User
) -> None:
    login_verified(client, administrator)
    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "anna.aaltonen" in html
    assert "vieras.tyontekija" not in html
    assert client.get(reverse("admin:accounts_user_change", args=[stranger.pk])).status_code == 302
    page = client.get(reverse("admin:accounts_user_change", args=[worker.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="session_generation"' not in html  # shown read-only
    assert "is_superuser" not in html  # only the platform operator grants that
    assert client.get(reverse("admin:accounts_user_delete", args=[worker.pk])).status_code == 403


def test_new_user_gets_the_administrators_organisation(
    client: Client, administrator: User, organisation: Organisation
) -> None:
    login_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "uusi.tyontekija",
            "first_name": "Uusi",
            "last_name": "Työntekijä",
            "email": "",
            "title": "",
            "usable_password": "true",
            "password1": "kolme vihreää kanoottia laiturilla",
            "password2": "kolme vihreää kanoottia laiturilla",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="uusi.tyontekija").organisation_id == organisation.pk


def test_membership_admin_filters_by_period(
    client: Client, administrator: User, worker: User, service_form: ServiceForm
) -> None:
    with scopes_disabled():
        ended_membership = Membership.objects.create(
            organisation=service_form.organisation,
            user=worker,
            service_form=service_form,
            role=Role.LEAD,
            valid_from=dt.date(2019, 1, 1),
            valid_until=dt.date(2019, 12, 31),
        )
    login_verified(client, administrator)
    url = reverse("admin:accounts_membership_changelist")
    assert client.get(url).status_code == 200
    link = reverse("admin:accounts_membership_change", args=[ended_membership.pk])
    assert link in client.get(url + "?voimassa=ended").content.decode()
    assert link not in client.get(url + "?voimassa=active").content.decode()
    assert link in client.get(url).content.decode()


def test_logout_everywhere_admin_action(client: Client, administrator: User, worker: User) -> None:
    login_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "logout_everywhere", "_selected_action": [worker.pk]},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.session_generation == 1


def test_device_admin_is_scoped_and_shows_no_secrets(
    client: Client, administrator: User, worker: User, stranger: User
) -> None:
    mine = confirmed_device(worker)
    theirs = confirmed_device(stranger)
    recovery_codes_for(worker, ["abcd2345"])
    login_verified(client, administrator)
    html = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert reverse("admin:otp_totp_totpdevice_change", args=[mine.pk]) in html
    assert reverse("admin:otp_totp_totpdevice_change", args=[theirs.pk]) not in html
    detail = client.get(reverse("admin:otp_totp_totpdevice_change", args=[mine.pk]))
    assert detail.status_code == 200
    assert mine.key not in detail.content.decode()
    static = StaticDevice.objects.get(user=worker)
    detail = client.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk]))
    assert detail.status_code == 200
    assert "abcd2345" not in detail.content.decode()
    # Resetting a lost phone: the administrator deletes the device.
    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[mine.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=mine.pk).exists()
