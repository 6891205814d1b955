"""Fixtures shared by the visitation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from .support import NOW


@pytest.fixture
def clock() -> Iterator[None]:
    """ "Today" of the tests (``support.NOW``); a module takes it with ``usefixtures("clock")``."""
    with time_machine.travel(NOW, tick=False):
        yield
