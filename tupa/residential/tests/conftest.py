"""Fixtures shared by the residential tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine


@pytest.fixture
def pinned_now(request: pytest.FixtureRequest) -> Iterator[None]:
    """The clock stopped at the test module's ``NOW``; a module takes it with
    ``usefixtures("pinned_now")``."""
    with time_machine.travel(request.module.NOW, tick=False):
        yield
