"""Session lifetime, log out everywhere and revocation on the next request."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, User
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm

from .helpers import (
    ACCOUNT_URL,
    DASHBOARD_URL,
    LOGIN_URL,
    confirmed_device,
    password_login,
    totp_code,
)

pytestmark = pytest.mark.django_db

EXPIRED = "Istunto vanhentui"
MINUTE = 60


def test_idle_timeout_after_30_minutes(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    login_verified(client, worker)
    assert client.get(DASHBOARD_URL).status_code == 200
    clock.shift(29 * MINUTE)
    assert client.get(DASHBOARD_URL).status_code == 200  # activity: the idle clock restarts
    clock.shift(29 * MINUTE)
    assert client.get(DASHBOARD_URL).status_code == 200
    clock.shift(31 * MINUTE)
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL + "?next=%2Fkirjautuminen%2Ftili%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert EXPIRED in page.content.decode()
    assert client.get(DASHBOARD_URL)["Location"].startswith(LOGIN_URL)


def test_absolute_timeout_after_12_hours_even_when_active(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    login_verified(client, worker)
    assert client.get(DASHBOARD_URL).status_code == 200
    for _ in range(28):  # 28 × 25 min = 11 h 40 min, never idle for long
        clock.shift(25 * MINUTE)
        assert client.get(DASHBOARD_URL).status_code == 200
    clock.shift(25 * MINUTE)  # 12 h 5 min after login
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session


def test_timeout_counts_from_the_real_login(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    device = confirmed_device(worker)
    password_login(client, worker.username)
    client.post("/kirjautuminen/vahvistus/", {"otp_token": totp_code(device)})
    assert client.get(DASHBOARD_URL).status_code == 200
    clock.shift(31 * MINUTE)
    assert client.get(DASHBOARD_URL)["Location"].startswith(LOGIN_URL)


def test_idle_timeout_applies_before_the_second_factor_too(
    client: Client, worker: User, clock: time_machine.Traveller
) -> None:
    confirmed_device(worker)
    password_login(client, worker.username)
    clock.shift(31 * MINUTE)
    response = client.get("/kirjautuminen/vahvistus/")
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session


def test_log_out_everywhere_ends_every_session(worker: User, clock: time_machine.Traveller) -> None:
    phone, desktop = Client(), Client()
    login_verified(phone, worker)
    login_verified(desktop, worker)
    assert phone.get(DASHBOARD_URL).status_code == 200
    assert desktop.get(DASHBOARD_URL).status_code == 200

    response = desktop.post("/kirjautuminen/tili/ulos-kaikkialta/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    worker.refresh_from_db()
    assert worker.session_generation == 1

    # The other device's session fails verification on its very next request…
    assert phone.get(DASHBOARD_URL)["Location"].startswith(LOGIN_URL)
    # …and so does the one that pressed the button.
    assert desktop.get(DASHBOARD_URL)["Location"].startswith(LOGIN_URL)
    # Logging in again works.
    assert password_login(desktop, worker.username).status_code == 302


def test_log_out_everywhere_is_post_only(client: Client, worker: User) -> None:
    login_verified(client, worker)
    assert client.get("/kirjautuminen/tili/ulos-kaikkialta/").status_code == 405


def test_disabled_user_is_denied_on_the_next_request(client: Client, worker: User) -> None:
    login_verified(client, worker)
    assert client.get(DASHBOARD_URL).status_code == 200
    User.objects.filter(pk=worker.pk).update(is_active=False)
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert client.get(ACCOUNT_URL)["Location"].startswith(LOGIN_URL)


def test_the_signed_in_user_is_read_with_her_organisation_in_one_query(
    client: Client, worker: User
) -> None:
    """Every page shows the organisation: it comes with the user, not in a query of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_verified(client, worker)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(ACCOUNT_URL)
    assert response.status_code == 200
    assert response.context["tupa_organisation_name"] == worker.organisation.name
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    users = [sql for sql in selects if sql.split(" FROM ")[1].startswith('"accounts_user"')]
    assert len(users) == 1 and 'JOIN "organisations_organisation"' in users[0]
    assert not [
        s for s in selects if s.split(" FROM ")[1].startswith('"organisations_organisation"')
    ]


def test_ended_membership_removes_the_service_form_on_the_next_request(
    client: Client, worker: User, service_form: ServiceForm
) -> None:
    login_verified(client, worker)
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Vauvaperhetyö Kuusela" in html

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with scopes_disabled():
        assert Membership.objects.filter(user=worker).update(valid_until=yesterday) == 1

    response = client.get(DASHBOARD_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vauvaperhetyö Kuusela" not in html
    assert "Sinulla ei ole voimassa olevaa jäsenyyttä missään työmuodossa." in html
    # The service form's own page is no longer in the navigation either.
    assert "/organisaatio/tyomuodot/vauvaperhetyo-kuusela/" not in html


def test_password_change_keeps_this_session_and_ends_the_others(worker: User) -> None:
    this, other = Client(), Client()
    login_verified(this, worker)
    login_verified(other, worker)
    response = this.post(
        "/kirjautuminen/tili/salasana/",
        {
            "old_password": "testi-salasana-pitka-ja-turvallinen",
            "new_password1": "kolme vihreää kanoottia laiturilla",
            "new_password2": "kolme vihreää kanoottia laiturilla",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT_URL
    assert this.get(DASHBOARD_URL).status_code == 200
    assert other.get(DASHBOARD_URL)["Location"].startswith(LOGIN_URL)
    worker.refresh_from_db()
    assert worker.check_password("kolme vihreää kanoottia laiturilla")
