"""The own-account page, password change and the password validators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import DEFAULT_PASSWORD, MembershipFactory
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm

from .helpers import ACCOUNT_URL, recovery_codes_for

pytestmark = pytest.mark.django_db

PASSWORD_URL = "/kirjautuminen/tili/salasana/"
PASSPHRASE = "kolme vihreää kanoottia laiturilla"


def test_urls_are_where_the_browser_tests_expect_them() -> None:
    assert reverse("accounts:login") == "/kirjautuminen/"
    assert reverse("accounts:verify") == "/kirjautuminen/vahvistus/"
    assert reverse("accounts:setup") == "/kirjautuminen/kaksivaiheinen/"
    assert reverse("accounts:recovery_codes") == "/kirjautuminen/varakoodit/"
    assert reverse("accounts:account") == "/kirjautuminen/tili/"
    assert reverse("accounts:logout") == "/kirjautuminen/ulos/"
    assert reverse("accounts:logout_everywhere") == "/kirjautuminen/tili/ulos-kaikkialta/"
    assert reverse("accounts:staff_list") == "/kirjautuminen/henkilosto/"
    assert reverse("accounts:staff_detail", args=[7]) == "/kirjautuminen/henkilosto/7/"


def test_account_page_shows_identity_memberships_and_2fa(
    client: Client, worker: User, service_form: ServiceForm
) -> None:
    MembershipFactory.create(  # ended: not shown
        user=worker,
        organisation=worker.organisation,
        service_form=service_form,
        role=Role.LEAD,
        valid_from=dt.date(2019, 1, 1),
        valid_until=dt.date(2019, 12, 31),
    )
    login_verified(client, worker)
    recovery_codes_for(worker, ["abcd2345", "efgh6723", "ijkl2345"])
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Aaltonen" in html
    assert "anna.aaltonen" in html
    assert "Kuvitteellinen ensi- ja turvakoti ry" in html
    assert "Vauvaperhetyö Kuusela" in html
    assert "Työntekijä" in html
    assert "1.1.2020 – toistaiseksi" in html
    assert "31.12.2019" not in html  # the ended lead membership
    assert "<dd>3</dd>" in html  # unused recovery codes
    assert 'action="/kirjautuminen/tili/ulos-kaikkialta/"' in html
    assert 'action="/kirjautuminen/varakoodit/uudet/"' in html
    assert 'href="/kirjautuminen/tili/salasana/"' in html
    assert "/kirjautuminen/henkilosto/" not in html  # a worker is not an administrator
    assert response["Cache-Control"] == "no-store, max-age=0"


def test_account_page_says_when_2fa_is_off(
    client: Client, worker: User, settings: SettingsWrapper
) -> None:
    settings.TUPA_REQUIRE_2FA = False
    client.force_login(worker)
    html = client.get(ACCOUNT_URL).content.decode()
    assert "Kaksivaiheinen tunnistautuminen on kytketty pois päältä" in html


@pytest.mark.parametrize(
    "common", ["password1234", "qwertyuiop123", "Salasana2025!", "kesäkuu123456"]
)
def test_validators_reject_common_passwords(common: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_password(common)
    codes = {e.code for e in excinfo.value.error_list}
    assert codes & {"password_too_common"}


def test_validators_reject_short_and_overlong_passwords() -> None:
    with pytest.raises(ValidationError):
        validate_password("Lyhyt-1")
    with pytest.raises(ValidationError):
        validate_password("x" * 257 + " kolme sanaa")


def test_validators_accept_a_long_passphrase(worker: User) -> None:
    validate_password(PASSPHRASE, user=worker)  # does not raise


def test_password_change_rejects_a_common_password(client: Client, worker: User) -> None:
    login_verified(client, worker)
    response = client.post(
        PASSWORD_URL,
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tämä salasana on liian yleinen." in html
    assert 'aria-invalid="true"' in html
    worker.refresh_from_db()
    assert worker.check_password(DEFAULT_PASSWORD)


def test_password_change_requires_the_current_password(client: Client, worker: User) -> None:
    login_verified(client, worker)
    response = client.post(
        PASSWORD_URL,
        {
            "old_password": "vaara-vanha-salasana",
            "new_password1": PASSPHRASE,
            "new_password2": PASSPHRASE,
        },
    )
    assert "Nykyinen salasana on väärin." in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(DEFAULT_PASSWORD)


def test_password_change_accepts_a_passphrase(client: Client, worker: User) -> None:
    login_verified(client, worker)
    response = client.post(
        PASSWORD_URL,
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": PASSPHRASE,
            "new_password2": PASSPHRASE,
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password(PASSPHRASE)
    assert "Salasana on vaihdettu." in client.get(ACCOUNT_URL).content.decode()


def test_administrator_sees_the_staff_link(client: Client, worker: User) -> None:
    admin = MembershipFactory.create(
        user__organisation=worker.organisation,
        organisation=worker.organisation,
        service_form=None,
        role=Role.ADMINISTRATOR,
    ).user
    login_verified(client, admin)
    assert 'href="/kirjautuminen/henkilosto/"' in client.get(ACCOUNT_URL).content.decode()
