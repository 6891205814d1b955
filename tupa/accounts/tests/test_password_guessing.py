"""Every form that checks the account's password counts a wrong one as a failed login.

A session left open or taken over must not become an unthrottled oracle for the password
(which, once known, replaces the authenticator app and outlives the session).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tupa.accounts.models import Role, SecurityEvent, User
from tupa.core.tests.factories import DEFAULT_PASSWORD, org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Organisation

pytestmark = pytest.mark.django_db

PASSWORD_URL = "/kirjautuminen/tili/salasana/"
PASSPHRASE = "kolme vihreää kanoottia laiturilla"


def _change(client: Client, url: str, old: str) -> int:
    response = client.post(
        url,
        {"old_password": old, "new_password1": PASSPHRASE, "new_password2": PASSPHRASE},
    )
    return response.status_code


def test_guessing_the_current_password_locks_the_account(client: Client, worker: User) -> None:
    login_verified(client, worker)
    for attempt in range(5):
        _change(client, PASSWORD_URL, f"arvaus-numero-{attempt}")
    assert SecurityEvent.objects.filter(user=worker, kind="login_failed").count() >= 5
    _change(client, PASSWORD_URL, DEFAULT_PASSWORD)  # the right one, too late
    worker.refresh_from_db()
    assert worker.check_password(DEFAULT_PASSWORD)
    assert not worker.check_password(PASSPHRASE)


def test_the_admin_password_change_is_throttled_too(
    client: Client, organisation: Organisation
) -> None:
    admin = org_role_user(organisation, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    url = reverse("admin:password_change")
    for attempt in range(5):
        _change(client, url, f"arvaus-numero-{attempt}")
    _change(client, url, DEFAULT_PASSWORD)
    admin.refresh_from_db()
    assert admin.check_password(DEFAULT_PASSWORD)
