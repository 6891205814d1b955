"""Shared reads: once per arguments inside a run, every time outside one, never across runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory
from tupa.statistics.indicators.base import Params
from tupa.statistics.indicators.dimensions import SERVICE_FORM
from tupa.statistics.indicators.reads import one_run, shared_by_key, shared_read

PARAMS = Params(1, dt.date(2025, 1, 1), dt.date(2025, 12, 31), (1,))
OTHER = Params(1, dt.date(2025, 1, 1), dt.date(2025, 6, 30), (1,))


def _counted() -> tuple[list[tuple[Params, str]], Callable[..., list[int]]]:
    """A shared read that records its calls."""
    calls: list[tuple[Params, str]] = []

    @shared_read
    def rows(params: Params, outcome: str = "held") -> list[int]:
        calls.append((params, outcome))
        return [len(calls)]

    return calls, rows


def test_outside_a_run_every_call_reads() -> None:
    calls, rows = _counted()
    assert rows(PARAMS) == [1]
    assert rows(PARAMS) == [2]
    assert len(calls) == 2


def test_inside_a_run_each_set_of_arguments_is_read_once() -> None:
    calls, rows = _counted()
    with one_run():
        first = rows(PARAMS)
        assert rows(PARAMS) is first
        assert rows(OTHER) == [2]  # other parameters: another read
        assert rows(PARAMS, "cancelled") == [3]  # another argument: another read
        assert rows(PARAMS, outcome="cancelled") == [4]  # keyword and positional differ
        assert rows(PARAMS, outcome="cancelled") == [4]
        with one_run():  # a nested run shares the outer one's memory
            assert rows(PARAMS) is first
    assert len(calls) == 4


def test_a_new_run_reads_again() -> None:
    calls, rows = _counted()
    with one_run():
        rows(PARAMS)
    with one_run():
        assert rows(PARAMS) == [2]  # a later run never sees an earlier run's rows
    assert rows(PARAMS) == [3]
    assert calls == [(PARAMS, "held")] * 3


def test_a_read_by_key_reads_each_key_once_per_run() -> None:
    asked: list[set[int]] = []

    @shared_by_key
    def squares(keys: set[int]) -> dict[int, int]:
        asked.append(set(keys))
        return {k: k * k for k in keys if k != 0}  # 0 has no value

    assert squares([1, 2]) == {1: 1, 2: 4}
    assert squares([2]) == {2: 4}
    assert asked == [{1, 2}, {2}]  # outside a run: every call reads
    asked.clear()
    with one_run():
        assert squares([1, 2, 0]) == {1: 1, 2: 4}
        assert squares([2, 3, 0]) == {2: 4, 3: 9}  # only 3 is read; 0 stays without a value
        assert squares(iter([1])) == {1: 1}  # nothing left to read
        assert squares([]) == {}
    with one_run():
        assert squares([3]) == {3: 9}  # a new run reads again
    assert asked == [{0, 1, 2}, {3}, {3}]


@pytest.mark.django_db
def test_the_service_form_choices_of_several_sets_of_forms_read_the_forms_once(
    django_assert_num_queries: Any,
) -> None:
    """The overview counts indicators for different sets of forms in one run: their
    service-form columns read the organisation's forms once, in the database's order of
    names, each set keeping only its own forms (another organisation's never)."""
    org, other = OrganisationFactory(), OrganisationFactory()
    b, a, c = (ServiceFormFactory(organisation=org, name=name) for name in ("Beeta", "Alfa", "Cee"))
    elsewhere = ServiceFormFactory(organisation=other, name="Aa")
    sets = ((a.pk, c.pk), (b.pk,), (a.pk, b.pk, c.pk), (a.pk, elsewhere.pk))
    with one_run(), django_assert_num_queries(1):
        choices = [
            SERVICE_FORM.values(Params(org.pk, dt.date(2025, 1, 1), dt.date(2025, 12, 31), ids))
            for ids in sets
        ]
    assert [[label for _value, label in c] for c in choices] == [
        ["Alfa", "Cee"],
        ["Beeta"],
        ["Alfa", "Beeta", "Cee"],
        ["Alfa"],
    ]
    assert choices[1] == ((str(b.pk), "Beeta"),)
