"""The signed-in user is read with her organisation, by a compiled query (ADR 0026)."""

from __future__ import annotations

import pytest

from tupa.accounts.backends import UserBackend
from tupa.accounts.models import User
from tupa.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_her_organisation_in_one_query(
    worker: User, django_assert_num_queries: object
) -> None:
    backend = UserBackend()
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = backend.get_user(str(worker.pk))  # the session keeps the id as text
        assert found is not None
        assert found.organisation is not None
        assert found.organisation.name == worker.organisation.name  # type: ignore[union-attr]
    assert found == worker
    assert backend.get_user(worker.pk) == worker


def test_an_inactive_unknown_or_malformed_id_is_nobody(worker: User) -> None:
    backend = UserBackend()
    other = UserFactory(organisation=worker.organisation, is_active=False)
    assert backend.get_user(other.pk) is None
    assert backend.get_user(worker.pk + other.pk + 1000) is None
    assert backend.get_user("not a number") is None
    assert backend.get_user(None) is None
