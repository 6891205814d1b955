"""A subject a page shows through several episodes is logged once, on the strongest basis."""

from __future__ import annotations

import itertools

from tupa.access import clients
from tupa.access.policy import Basis


def test_each_subject_once_under_its_strongest_basis_in_any_order() -> None:
    shown = [
        (Basis.CONSENT, "a", "Aino"),
        (Basis.MEMBERSHIP, "a", "Aino"),
        (Basis.BREAK_THE_GLASS, "b", "Bertta"),
        (Basis.ASSIGNMENT, "b", "Bertta"),
        (Basis.BREAK_THE_GLASS, "c", "Cecilia"),
    ]
    expected = {"membership": ["Aino"], "assignment": ["Bertta"], "break_the_glass": ["Cecilia"]}
    for order in itertools.permutations(shown):
        grouped = clients.once_each(order)
        assert {basis: sorted(names) for basis, names in grouped.items()} == expected


def test_nothing_shown_logs_nothing() -> None:
    assert clients.once_each([]) == {}
