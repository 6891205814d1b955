"""Fixtures the journal and attachment tests share: the family, its organisation's scope, a
private media folder and stored files moved into place at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_scopes import scope

from tupa.core.tests.helpers import refetched, rolled_back_world
from tupa.episodes.journal import attachments
from tupa.episodes.tests.journal_support import Family, make_family


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Stored attachments go to a temporary folder, never to the project's media (modules
    that store files use it: ``pytest.mark.usefixtures("media_root")``)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def committed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests run in a transaction that never commits: each stored file is moved into place
    at once, as the commit would (modules that store files use it with ``media_root``; commit
    and rollback themselves: test_attachment_storage.py)."""
    monkeypatch.setattr(attachments, "_after_commit", lambda callback: callback())


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


@pytest.fixture
def org_scope(family: Family) -> Iterator[None]:
    """The family's organisation as the active scope."""
    with scope(organisation=family.episode.organisation_id):
        yield
