import pytest
from django.conf import settings
from django.urls import reverse

from tupa.accounts.models import User
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified

pytestmark = pytest.mark.django_db


def test_saved_language_beats_the_browsers_accept_language(client) -> None:
    user = worker_in(ServiceFormFactory())
    login_verified(client, user)
    response = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.headers["Content-Language"] == "fi"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"


def test_switching_language_saves_it_to_the_account(client) -> None:
    user = worker_in(ServiceFormFactory())
    login_verified(client, user)
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "sv"
    # A new browser (no cookie) gets Swedish straight after login.
    client.cookies.clear()
    login_verified(client, user)
    assert client.get(reverse("core:dashboard")).headers["Content-Language"] == "sv"


def test_anonymous_language_switch_works_and_rejects_unknown_codes(client) -> None:
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"


def test_a_switch_as_the_first_request_after_login_is_kept(client) -> None:
    """With a saved language and no cookie yet, the switch is the user's new choice: the saved
    language must not overwrite the cookie the switch sets."""
    user = worker_in(ServiceFormFactory())
    User.objects.filter(pk=user.pk).update(preferred_language="fi")
    user.refresh_from_db()
    login_verified(client, user)
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    assert client.get(reverse("core:dashboard")).headers["Content-Language"] == "sv"
