"""Helpers for the accounts tests: URLs, TOTP codes, devices, response normalisation."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tupa.accounts.models import User
from tupa.core.tests.factories import DEFAULT_PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN_URL = "/kirjautuminen/"
VERIFY_URL = "/kirjautuminen/vahvistus/"
SETUP_URL = "/kirjautuminen/kaksivaiheinen/"
RECOVERY_URL = "/kirjautuminen/varakoodit/"
LOGOUT_URL = "/kirjautuminen/ulos/"
ACCOUNT_URL = "/kirjautuminen/tili/"
DASHBOARD_URL = "/"

#: A Monday morning, a few seconds into a TOTP step.
START = datetime(2026, 3, 2, 7, 0, 5, tzinfo=UTC)


def password_login(
    client: Client, username: str, password: str = DEFAULT_PASSWORD, **extra: str
) -> TestResponse:
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def totp_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now (time_machine moves ``time.time``)."""
    device.refresh_from_db()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A six-digit code that is not valid in any step the device tolerates now."""
    device.refresh_from_db()
    valid = {
        totp(device.bin_key, device.step, device.t0, device.digits, device.drift + d)
        for d in range(-device.tolerance - 1, device.tolerance + 2)
    }
    candidate = 0
    while candidate in valid:
        candidate += 1
    return f"{candidate:06d}"


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Todennussovellus", confirmed=True)


def recovery_codes_for(user: User, codes: list[str]) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Varakoodit", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


_VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r'nonce="[^"]+"'),
]


def normalised(html: str, *replace: str) -> str:
    """Page text without per-request tokens (CSRF, CSP nonce); ``replace`` strings masked."""
    for pattern in _VOLATILE:
        html = pattern.sub("<volatile>", html)
    for text in replace:
        html = html.replace(text, "<masked>")
    return html
