"""The login flow: session keys, what skips the second factor, off-site
``next`` on the second-factor pages, throttling of recovery codes.

Each test pins a property no earlier test pinned (named in its docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tupa.access.marks import access_class
from tupa.accounts.middleware import is_two_factor_exempt
from tupa.accounts.models import User
from tupa.core.tests.helpers import login_verified

from .helpers import (
    DASHBOARD_URL,
    RECOVERY_URL,
    SETUP_URL,
    VERIFY_URL,
    confirmed_device,
    password_login,
    recovery_codes_for,
    totp_code,
)

pytestmark = pytest.mark.django_db

OFF_SITE = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _store() -> SessionBase:
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore()  # type: ignore[no-any-return]


def test_the_password_step_and_the_second_factor_each_give_a_new_session_key(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    """PIN (session fixation): the key a visitor had before logging in is dead after the
    password step, and the key of the password step is dead after the second factor."""
    device = confirmed_device(worker)
    anonymous = client.session
    anonymous["planted"] = "by an attacker"
    anonymous.save()
    before = _session_key(client)
    assert password_login(client, worker.username)["Location"] == VERIFY_URL
    after_password = _session_key(client)
    assert after_password != before
    assert not _store().exists(before)
    assert client.post(VERIFY_URL, {"otp_token": totp_code(device)})["Location"] == DASHBOARD_URL
    after_verify = _session_key(client)
    assert after_verify != after_password
    assert not _store().exists(after_password)
    assert client.get(DASHBOARD_URL).status_code == 200


def _views(patterns: Sequence[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _views(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, pattern.callback


#: The only pages a logged-in user reaches before the second factor that are not public:
#: entering the code and enrolling the first app.
SECOND_FACTOR_STEPS = {"accounts:verify", "accounts:setup"}


def test_only_the_second_factor_steps_and_public_pages_skip_the_second_factor() -> None:
    """PIN: a view marked two-factor-exempt is either a public page (login, logout, the
    activation link, language, privacy notices, the accessibility statement) or one of the two
    second-factor steps. A login-only or object-scoped page marked exempt would open data to a
    password alone."""
    exempt = {
        name: view
        for name, view in _views(get_resolver().url_patterns)
        if is_two_factor_exempt(view)
    }
    assert {"accounts:login", "accounts:logout", "volunteer_portal:activate"} <= set(exempt)
    assert set(exempt) >= SECOND_FACTOR_STEPS
    wrong = sorted(
        name
        for name, view in exempt.items()
        if name not in SECOND_FACTOR_STEPS and access_class(view) != "public"
    )
    assert wrong == []


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_recovery_codes_page_never_links_off_site(
    client: Client, worker: User, target: str
) -> None:
    """PIN (open redirect): the recovery-codes page's continue link takes ``next`` only when it
    points to this site."""
    login_verified(client, worker)
    client.post(RECOVERY_URL + "uudet/")  # new codes wait in the session for the page
    html = client.get(RECOVERY_URL, {"next": target}).content.decode()
    continue_link = re.search(
        r'href="([^"]*)"><span class="hds-button__label">Olen tallentanut', html
    )
    assert continue_link is not None, html
    assert continue_link.group(1) == "/"  # home, not the off-site target
    # (the language switch carries this page's own, encoded path: not a link off site)
    assert not re.search(r'(href|action)="[^"]*evil\.example', html), html


@pytest.mark.parametrize("target", OFF_SITE)
def test_enrolment_does_not_carry_an_off_site_next(
    client: Client, worker: User, clock: time_machine.Traveller, target: str
) -> None:
    """PIN (open redirect): the set-up step neither renders nor forwards an off-site ``next``."""
    password_login(client, worker.username)
    page = client.get(SETUP_URL, {"next": target})
    html = page.content.decode()
    # the set-up form's own hidden ``next`` (the language switch carries this page's path)
    assert re.search(r'type="hidden" name="next" value="[^"]*evil', html) is None
    assert not re.search(r'(href|action)="[^"]*evil\.example', html)
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    done = client.post(SETUP_URL + "?next=" + target, {"otp_token": totp_code(device)})
    assert done.status_code == 302
    assert "evil.example" not in done["Location"]
    assert done["Location"] == RECOVERY_URL


def test_wrong_recovery_codes_are_throttled(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    """PIN: recovery codes (eight characters, no app needed) are throttled like app codes: right
    after a wrong one even a right one is refused, so they cannot be guessed at speed."""
    confirmed_device(worker)
    recovery_codes_for(worker, ["abcd2345"])
    password_login(client, worker.username)
    assert "Koodi ei kelpaa" in client.post(VERIFY_URL, {"otp_token": "zzzz2222"}).content.decode()
    refused = client.post(VERIFY_URL, {"otp_token": "abcd2345"})
    assert refused.status_code == 200
    assert "Liian monta väärää koodia" in refused.content.decode()
    assert client.get(DASHBOARD_URL).status_code == 302
    clock.shift(2)
    assert client.post(VERIFY_URL, {"otp_token": "abcd2345"})["Location"] == DASHBOARD_URL


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_does_not_redirect_off_site(
    client: Client, worker: User, target: str
) -> None:
    """PIN (open redirect): the language switch, reachable by anyone, follows only a ``next``
    of this site."""
    login_verified(client, worker)
    response = client.post(reverse("set_language"), {"language": "sv", "next": target})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
