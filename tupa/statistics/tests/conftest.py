"""Fixtures of the statistics views' tests (the organisation itself: :mod:`.support`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from .support import NOW, build_world


@pytest.fixture
def returns_due() -> Iterator[None]:
    """Today is :data:`~.support.NOW`: ``YEAR``'s returns are due."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    """:func:`~.support.build_world` (a module's own ``world`` fixture takes its place)."""
    return build_world()
