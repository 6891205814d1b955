"""Password step: same answer for every failure, lockout without enumeration, safe ``next``."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from tupa.accounts.models import User

from .helpers import (
    DASHBOARD_URL,
    LOGIN_URL,
    LOGOUT_URL,
    SETUP_URL,
    VERIFY_URL,
    confirmed_device,
    normalised,
    password_login,
)

pytestmark = pytest.mark.django_db

GENERIC_ERROR = "Käyttäjätunnus tai salasana on virheellinen"
LOCKED_TITLE = "Kirjautuminen estetty hetkeksi"


def test_login_page_has_the_fields_and_no_2fa_notice_when_2fa_is_on(client: Client) -> None:
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert '<label for="id_username">Käyttäjätunnus' in html
    assert "Kaksivaiheinen tunnistautuminen on kytketty pois päältä" not in html


def test_login_page_says_so_when_2fa_is_switched_off(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.TUPA_REQUIRE_2FA = False
    html = client.get(LOGIN_URL).content.decode()
    assert 'id="two-factor-off-notice"' in html
    assert "Kaksivaiheinen tunnistautuminen on kytketty pois päältä tässä demoympäristössä." in html


def test_successful_password_step_goes_to_setup_without_a_device(
    client: Client, worker: User
) -> None:
    response = password_login(client, worker.username)
    assert response.status_code == 302
    assert response["Location"] == SETUP_URL
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_successful_password_step_goes_to_verify_with_a_device(
    client: Client, worker: User
) -> None:
    confirmed_device(worker)
    response = password_login(client, worker.username)
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL


def test_wrong_password_and_unknown_user_get_the_same_answer(client: Client, worker: User) -> None:
    wrong = password_login(client, worker.username, "vaara-salasana-joka-ei-kay")
    unknown = password_login(client, "ei.ole.olemassa", "vaara-salasana-joka-ei-kay")

    assert wrong.status_code == unknown.status_code == 200
    wrong_html = wrong.content.decode()
    unknown_html = unknown.content.decode()
    assert GENERIC_ERROR in wrong_html
    assert GENERIC_ERROR in unknown_html
    # Apart from the echoed username the two pages are byte for byte the same.
    assert normalised(wrong_html, worker.username) == normalised(unknown_html, "ei.ole.olemassa")
    assert "_auth_user_id" not in client.session


def test_typed_username_is_kept_but_password_is_not(client: Client, worker: User) -> None:
    html = password_login(client, worker.username, "vaara-salasana-joka-ei-kay").content.decode()
    assert f'value="{worker.username}"' in html
    assert "vaara-salasana-joka-ei-kay" not in html


def test_disabled_user_cannot_log_in_and_gets_the_generic_message(
    client: Client, worker: User
) -> None:
    User.objects.filter(pk=worker.pk).update(is_active=False)
    disabled = password_login(client, worker.username)  # the correct password
    unknown = password_login(client, "ei.ole.olemassa")

    assert disabled.status_code == 200
    assert GENERIC_ERROR in disabled.content.decode()
    assert "_auth_user_id" not in client.session
    assert normalised(disabled.content.decode(), worker.username) == normalised(
        unknown.content.decode(), "ei.ole.olemassa"
    )


def _fail(client: Client, username: str, times: int) -> list[int]:
    return [
        password_login(client, username, f"vaara-{i}-salasana").status_code for i in range(times)
    ]


def test_lockout_after_five_failures_is_identical_for_existing_and_unknown_users(
    client: Client, worker: User
) -> None:
    existing = _fail(client, worker.username, 5)
    unknown = _fail(client, "ei.ole.olemassa", 5)
    # Four ordinary failures, and the fifth locks the username: the same for both.
    assert existing == unknown == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.filter(username=worker.username).get().failures_since_start == 5
    assert AccessAttempt.objects.filter(username="ei.ole.olemassa").get().failures_since_start == 5

    # While locked, even the right password is refused, and the page is the same as for a
    # username that does not exist.
    locked_existing = password_login(client, worker.username)
    locked_unknown = password_login(client, "ei.ole.olemassa")
    assert locked_existing.status_code == locked_unknown.status_code == 429
    existing_html = locked_existing.content.decode()
    assert LOCKED_TITLE in existing_html
    assert worker.username not in existing_html
    assert normalised(existing_html) == normalised(locked_unknown.content.decode())
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client: Client, worker: User) -> None:
    _fail(client, "ei.ole.olemassa", 5)
    response = password_login(client, worker.username)
    assert response.status_code == 302  # another username from the same address still works


def test_four_failures_then_success_resets_the_counter(client: Client, worker: User) -> None:
    assert _fail(client, worker.username, 4) == [200] * 4
    assert password_login(client, worker.username).status_code == 302
    assert not AccessAttempt.objects.filter(username=worker.username).exists()


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/polku",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_next_cannot_redirect_off_site(
    client: Client, worker: User, settings: SettingsWrapper, evil: str
) -> None:
    settings.TUPA_REQUIRE_2FA = False
    response = client.post(
        LOGIN_URL + "?next=" + evil, {"username": worker.username, "password": "x", "next": evil}
    )
    assert response.status_code == 200  # wrong password: no redirect at all
    assert f'<input type="hidden" name="next" value="{evil}' not in response.content.decode()
    response = password_login(client, worker.username, next=evil)
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD_URL


def test_safe_next_is_honoured(client: Client, worker: User, settings: SettingsWrapper) -> None:
    settings.TUPA_REQUIRE_2FA = False
    response = password_login(client, worker.username, next="/kirjautuminen/tili/")
    assert response["Location"] == "/kirjautuminen/tili/"


def test_safe_next_travels_through_the_second_factor(client: Client, worker: User) -> None:
    confirmed_device(worker)
    response = password_login(client, worker.username, next="/kirjautuminen/tili/")
    assert response["Location"] == VERIFY_URL + "?next=%2Fkirjautuminen%2Ftili%2F"


def test_login_page_keeps_safe_next_in_a_hidden_field(client: Client) -> None:
    html = client.get(LOGIN_URL + "?next=/organisaatio/").content.decode()
    assert '<input type="hidden" name="next" value="/organisaatio/">' in html
    html = client.get(LOGIN_URL + "?next=https://evil.example/").content.decode()
    assert '<input type="hidden" name="next"' not in html


def test_without_2fa_the_password_is_enough(
    client: Client, worker: User, settings: SettingsWrapper
) -> None:
    settings.TUPA_REQUIRE_2FA = False
    assert password_login(client, worker.username)["Location"] == DASHBOARD_URL
    assert client.get(DASHBOARD_URL).status_code == 200


def test_logout_is_post_only(client: Client, worker: User, settings: SettingsWrapper) -> None:
    settings.TUPA_REQUIRE_2FA = False
    password_login(client, worker.username)
    assert client.get(LOGOUT_URL).status_code == 405
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session
    assert client.get(DASHBOARD_URL)["Location"].startswith(LOGIN_URL)


def test_anonymous_dashboard_goes_to_login(client: Client) -> None:
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL + "?next=/"


def test_a_page_without_a_login_goes_to_the_login_page_and_an_htmx_fragment_whole(
    client: Client,
) -> None:
    """A page asks the login and comes back after it; a fragment that htmx asks for (the
    dashboard's overview panel after the session ended elsewhere) gets no login form to swap
    into its place: the client is sent to the login page as a whole page."""
    response = client.get("/tilastot/yleiskuva/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL + "?next=/tilastot/yleiskuva/"
    response = client.get("/tilastot/yleiskuva/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and not response.content
    assert response["HX-Redirect"] == LOGIN_URL
