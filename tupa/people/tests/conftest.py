"""Fixtures the person tests share."""

from __future__ import annotations

from typing import Any

import pytest

from tupa.people.tests.support import family_world


@pytest.fixture
def world() -> dict[str, Any]:
    """:func:`~tupa.people.tests.support.family_world`: a family across the wall, anonymous and
    duplicate records, and every kind of user."""
    return family_world()
