"""The cyclic collector is frozen once, after the process's first requests (tupa/core/collector.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from tupa.core import collector


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the hook asked of the collector, in order (the real one is left alone)."""
    made: list[str] = []
    monkeypatch.setattr(collector.gc, "collect", lambda: made.append("collect"))
    monkeypatch.setattr(collector.gc, "freeze", lambda: made.append("freeze"))
    monkeypatch.setattr(collector, "_finished", 0)  # a fresh process's count
    yield made


def _requests(client: Client, n: int) -> None:
    for _ in range(n):
        assert client.get(reverse("core:health")).status_code == 200


@pytest.mark.django_db
def test_the_collector_is_frozen_once_after_the_set_number_of_requests(
    client: Client, calls: list[str]
) -> None:
    with override_settings(TUPA_GC_FREEZE_AFTER=3):
        _requests(client, 2)
        assert calls == []
        _requests(client, 1)
        assert calls == ["collect", "freeze"]  # garbage collected first, then frozen
        _requests(client, 5)
        assert calls == ["collect", "freeze"]


@pytest.mark.django_db
def test_zero_never_freezes(client: Client, calls: list[str]) -> None:
    with override_settings(TUPA_GC_FREEZE_AFTER=0):
        _requests(client, 5)
    assert calls == []
