"""Second factor: enrolment, verification, recovery codes, throttling, enforcement."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings as SettingsWrapper

from tupa.accounts import services
from tupa.accounts.models import User
from tupa.core.tests.factories import DEFAULT_PASSWORD
from tupa.core.tests.helpers import login_verified

from .helpers import (
    ACCOUNT_URL,
    DASHBOARD_URL,
    LOGIN_URL,
    LOGOUT_URL,
    RECOVERY_URL,
    SETUP_URL,
    VERIFY_URL,
    confirmed_device,
    password_login,
    recovery_codes_for,
    totp_code,
    wrong_code,
)

pytestmark = pytest.mark.django_db


def _codes_on_page(html: str) -> list[str]:
    block = html.split('id="recovery-codes"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<code>([a-z2-7]{8})</code>", block)


def test_setup_then_verify_then_dashboard(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    # Password step: no device yet, so enrolment.
    assert password_login(client, worker.username)["Location"] == SETUP_URL
    # The dashboard is out of reach until the second factor is done.
    assert client.get(DASHBOARD_URL)["Location"] == SETUP_URL + "?next=%2F"

    page = client.get(SETUP_URL)
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=worker)
    assert device.confirmed is False
    # Inline SVG QR code made on the server; no inline styles, no external images.
    svg = html.split("<svg ", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg
    assert "style=" not in svg
    assert "<img" not in html and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    # The secret for manual entry, base32 in groups of four.
    secret = re.search(r'<code id="totp-secret" class="secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    from base64 import b32encode

    assert secret.group(1).replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    # Reloading keeps the same pending device (and secret).
    client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=worker).count() == 1

    # A wrong code is refused with a clear message.
    response = client.post(SETUP_URL, {"otp_token": wrong_code(device)})
    assert response.status_code == 200
    assert "Koodi ei kelpaa" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    clock.shift(5)  # past django-otp's one-second back-off
    response = client.post(SETUP_URL, {"otp_token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == RECOVERY_URL
    assert TOTPDevice.objects.get(pk=device.pk).confirmed

    # Ten recovery codes, shown once.
    html = client.get(RECOVERY_URL).content.decode()
    codes = _codes_on_page(html)
    assert len(codes) == 10 == len(set(codes))
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=worker).values_list("token", flat=True)
    )
    again = client.get(RECOVERY_URL).content.decode()
    assert 'id="recovery-codes"' not in again
    assert not any(code in again for code in codes)

    assert client.get(DASHBOARD_URL).status_code == 200

    # Next login: password, then a code from the app.
    client.post(LOGOUT_URL)
    clock.shift(60)
    assert password_login(client, worker.username)["Location"] == VERIFY_URL
    assert client.get(DASHBOARD_URL)["Location"] == VERIFY_URL + "?next=%2F"
    verify_page = client.get(VERIFY_URL)
    assert 'name="otp_token"' in verify_page.content.decode()
    response = client.post(VERIFY_URL, {"otp_token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD_URL
    assert client.get(DASHBOARD_URL).status_code == 200


def test_verify_accepts_spaces_and_keeps_next(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    device = confirmed_device(worker)
    password_login(client, worker.username, next="/kirjautuminen/tili/")
    code = totp_code(device)
    response = client.post(
        VERIFY_URL, {"otp_token": f"{code[:3]} {code[3:]}", "next": "/kirjautuminen/tili/"}
    )
    assert response["Location"] == "/kirjautuminen/tili/"


def test_verify_ignores_off_site_next(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    device = confirmed_device(worker)
    password_login(client, worker.username)
    response = client.post(
        VERIFY_URL, {"otp_token": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == DASHBOARD_URL


def test_same_totp_code_cannot_be_used_twice(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    device = confirmed_device(worker)
    code = totp_code(device)
    password_login(client, worker.username)
    assert client.post(VERIFY_URL, {"otp_token": code}).status_code == 302
    other = Client()
    password_login(other, worker.username)
    clock.shift(2)
    response = other.post(VERIFY_URL, {"otp_token": code})
    assert response.status_code == 200
    assert "Koodi ei kelpaa" in response.content.decode()


def test_unverified_user_is_redirected_from_every_ordinary_page(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    confirmed_device(worker)
    password_login(client, worker.username)
    for url in (DASHBOARD_URL, ACCOUNT_URL, "/organisaatio/", RECOVERY_URL):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY_URL), url
    # htmx requests get a client-side redirect instead of a fragment.
    response = client.get(DASHBOARD_URL, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(VERIFY_URL)
    # Exempt pages stay reachable: the verify page itself and logout.
    assert client.get(VERIFY_URL).status_code == 200
    assert client.post(LOGOUT_URL).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_alone_cannot_enrol_a_new_device(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    confirmed_device(worker)
    password_login(client, worker.username)
    response = client.get(SETUP_URL)
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert client.post(SETUP_URL, {"otp_token": "123456"})["Location"] == VERIFY_URL
    assert TOTPDevice.objects.filter(user=worker).count() == 1


def test_recovery_code_works_once_only(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    confirmed_device(worker)
    recovery_codes_for(worker, ["abcd2345", "efgh6723"])

    password_login(client, worker.username)
    response = client.post(VERIFY_URL, {"otp_token": "ABCD 2345"})  # case and spaces do not matter
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD_URL
    assert client.get(DASHBOARD_URL).status_code == 200
    assert list(
        StaticToken.objects.filter(device__user=worker).values_list("token", flat=True)
    ) == ["efgh6723"]
    client.post(LOGOUT_URL)

    clock.shift(10)
    password_login(client, worker.username)
    response = client.post(VERIFY_URL, {"otp_token": "abcd2345"})
    assert response.status_code == 200
    assert "Koodi ei kelpaa" in response.content.decode()
    assert client.get(DASHBOARD_URL).status_code == 302


def test_recovery_code_without_app_leads_to_enrolment(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    recovery_codes_for(worker, ["abcd2345"])
    assert password_login(client, worker.username)["Location"] == VERIFY_URL
    response = client.post(VERIFY_URL, {"otp_token": "abcd2345"})
    assert response["Location"] == SETUP_URL
    # Verified now, so enrolling is allowed.
    assert client.get(SETUP_URL).status_code == 200


def test_wrong_codes_are_throttled_with_a_clear_message(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    device = confirmed_device(worker)
    password_login(client, worker.username)
    assert (
        "Koodi ei kelpaa"
        in client.post(VERIFY_URL, {"otp_token": wrong_code(device)}).content.decode()
    )
    # No time has passed: even the right code is refused while the back-off is on.
    response = client.post(VERIFY_URL, {"otp_token": totp_code(device)})
    html = response.content.decode()
    assert "Liian monta väärää koodia peräkkäin. Odota 1 sekunti ja yritä uudelleen." in html
    assert 'aria-invalid="true"' in html
    assert client.get(DASHBOARD_URL).status_code == 302
    clock.shift(2)
    assert client.post(VERIFY_URL, {"otp_token": totp_code(device)})["Location"] == DASHBOARD_URL


def test_recovery_code_attempt_does_not_throttle_the_app(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    device = confirmed_device(worker)
    recovery_codes_for(worker, ["abcd2345"])
    password_login(client, worker.username)
    client.post(VERIFY_URL, {"otp_token": "zzzz2222"})  # a wrong recovery code
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.post(VERIFY_URL, {"otp_token": totp_code(device)})["Location"] == DASHBOARD_URL


def test_regenerating_recovery_codes_replaces_the_old_ones(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    login_verified(client, worker)
    recovery_codes_for(worker, ["abcd2345"])
    response = client.post("/kirjautuminen/varakoodit/uudet/")
    assert response.status_code == 302
    assert response["Location"] == RECOVERY_URL + "?next=%2Fkirjautuminen%2Ftili%2F"
    codes = _codes_on_page(client.get(response["Location"]).content.decode())
    assert len(codes) == 10
    assert "abcd2345" not in codes
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    assert StaticDevice.objects.filter(user=worker).count() == 1
    assert client.get("/kirjautuminen/varakoodit/uudet/").status_code == 405


def test_verified_user_can_replace_the_app(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    old = login_verified(client, worker)
    html = client.get(SETUP_URL).content.decode()
    assert "Sinulla on jo todennussovellus käytössä" in html
    assert 'autocomplete="current-password"' in html  # replacing asks for the password
    new = TOTPDevice.objects.get(user=worker, confirmed=False)
    response = client.post(SETUP_URL, {"otp_token": totp_code(new), "password": DEFAULT_PASSWORD})
    assert response["Location"] == RECOVERY_URL
    assert list(TOTPDevice.objects.filter(user=worker).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get(DASHBOARD_URL).status_code == 200  # the session is verified by the new app


def test_a_session_alone_cannot_replace_the_app(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    """A verified session left open (or taken over) must not move the second factor to
    another phone: without the password, or with a wrong one, the old app stays, the new one
    is not confirmed, and the code typed is kept out of the answer."""
    old = login_verified(client, worker)
    client.get(SETUP_URL)
    new = TOTPDevice.objects.get(user=worker, confirmed=False)
    for data in ({}, {"password": "väärä-salasana-123"}):
        response = client.post(SETUP_URL, {"otp_token": totp_code(new), **data})
        assert response.status_code == 200
        assert "Nykyinen salasana" in response.content.decode()
        assert TOTPDevice.objects.get(pk=old.pk).confirmed
        assert not TOTPDevice.objects.get(pk=new.pk).confirmed


def test_setup_rejects_non_numeric_code(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    password_login(client, worker.username)
    client.get(SETUP_URL)
    response = client.post(SETUP_URL, {"otp_token": "abcd2345"})
    assert "Koodissa on kuusi numeroa" in response.content.decode()


def test_without_2fa_requirement_unverified_users_pass(
    client: Client, worker: User, settings: SettingsWrapper
) -> None:
    settings.TUPA_REQUIRE_2FA = False
    confirmed_device(worker)
    client.force_login(worker)
    assert client.get(DASHBOARD_URL).status_code == 200


def test_second_factor_verify_service_returns_the_matching_device(
    worker: User, clock: time_machine.Traveller
) -> None:
    device = confirmed_device(worker)
    recovery = recovery_codes_for(worker, ["abcd2345"])
    assert services.second_factor_verify(actor=worker, token=totp_code(device)) == device
    assert services.second_factor_verify(actor=worker, token="abcd2345") == recovery
    clock.shift(5)
    assert services.second_factor_verify(actor=worker, token="abcd2345") is None


def test_login_page_redirects_a_logged_in_user(client: Client, worker: User) -> None:
    login_verified(client, worker)
    assert client.get(LOGIN_URL)["Location"] == DASHBOARD_URL
