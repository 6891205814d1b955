import pytest
from django.contrib.auth import user_logged_in
from django.test import RequestFactory

from tupa.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_updates_last_login_without_a_history_version() -> None:
    user = UserFactory()
    versions_before = user.history.count()
    assert user.last_login is None
    user_logged_in.send(sender=type(user), request=RequestFactory().get("/"), user=user)
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == versions_before
