"""Which tests the PostgreSQL stage of ``make test`` runs (conftest.py, ADR 0012)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import reaches_no_database


def test_a_pure_test_reaches_no_database_and_is_db_neutral(request: pytest.FixtureRequest) -> None:
    assert reaches_no_database(request.node)
    assert request.node.get_closest_marker("db_neutral") is not None


@pytest.mark.django_db
def test_a_marked_test_reaches_the_database(request: pytest.FixtureRequest) -> None:
    assert not reaches_no_database(request.node)


def test_a_test_with_the_db_fixture_reaches_it(request: pytest.FixtureRequest, db: Any) -> None:
    assert not reaches_no_database(request.node)


@pytest.fixture
def built(django_db_setup: Any, django_db_blocker: Any) -> None:
    """As the modules' ``built_world`` fixtures: unblocks the database by hand."""


def test_a_test_whose_fixture_unblocks_the_database_reaches_it(
    request: pytest.FixtureRequest, built: None
) -> None:
    assert not reaches_no_database(request.node)
