"""Fixtures the journal and attachment tests share: the family, and a private media folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tupa.core.tests.helpers import refetched, rolled_back_world
from tupa.episodes.tests.journal_support import Family, make_family


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Stored attachments go to a temporary folder, never to the project's media (modules
    that store files use it: ``pytest.mark.usefixtures("media_root")``)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(scope="module")
def built_family(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Family]:
    """The family is built once for the module; each test runs in a savepoint inside this
    transaction, so whatever a test writes is rolled back before the next one."""
    with rolled_back_world(django_db_blocker):
        yield make_family()


@pytest.fixture
def family(built_family: Family) -> Family:
    """Fresh instances for each test: a test may change one in memory (a login, for one)."""
    return dataclasses.replace(
        built_family,
        **{f.name: refetched(getattr(built_family, f.name)) for f in dataclasses.fields(Family)},
    )
