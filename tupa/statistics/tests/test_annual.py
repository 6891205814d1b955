"""The annual report's data pack: what it reads does not grow with the organisation's forms, and
a figure that counts no one is shown whole (the report is public: counts of people under 5 are
"< 5")."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory
from tupa.organisations.models import ServiceForm
from tupa.statistics.annual import Figure, pack

from .support import YEAR

pytestmark = pytest.mark.django_db


def _queries(organisation_id: int) -> int:
    with scopes_disabled(), CaptureQueriesContext(connection) as ctx:
        pack(organisation_id=organisation_id, year=YEAR, threshold=5)
    return len(ctx.captured_queries)


def _add_forms(org: Any, kind: str, count: int, prefix: str, **flags: Any) -> None:
    for n in range(count):
        ServiceFormFactory.create(
            **flags,
            kind=kind,
            name=f"{prefix} {kind} {n}",
            slug=f"{prefix}-{kind}-{n}".replace("_", "-"),
            organisation=org,
            area__organisation=org,
        )


KINDS = (
    ServiceForm.Kind.OUTPATIENT,
    ServiceForm.Kind.GROUP,
    ServiceForm.Kind.DROP_IN,
    ServiceForm.Kind.PREVENTION,
    ServiceForm.Kind.VISITATION,
)


def test_the_pack_reads_as_much_for_more_forms(world: dict[str, Any]) -> None:
    """With a form of every kind the pack counts, three more of each (without records) read
    nothing more: each indicator is counted once a year for all its forms, and what every run
    reads (the organisation's forms, its protected persons) once for the whole pack."""
    org = world["org"]
    for kind in KINDS:
        _add_forms(org, kind, 1, prefix="first")
    _add_forms(org, ServiceForm.Kind.RESIDENTIAL, 1, prefix="first", violence_work="victim")
    before = _queries(org.pk)
    for kind in KINDS:
        _add_forms(org, kind, 3, prefix="more")
    assert _queries(org.pk) == before
    # A shelter's figures have no service-form breakdown, so they are counted per shelter:
    # each more shelter reads its period's stay members and their participants once a year
    # (two queries), shared by its clients and residence days (six queries before one run).
    _add_forms(org, ServiceForm.Kind.RESIDENTIAL, 3, prefix="more", violence_work="victim")
    assert _queries(org.pk) == before + 3 * 2 * 2


def test_a_figure_that_counts_no_one_is_shown_whole(world: dict[str, Any]) -> None:
    """Three sessions held or a day open single out no one; three clients are "< 5"."""
    assert Figure(world["crisis"], 0, 3, 0).current_text == "3"
    assert Figure(world["crisis"], 0, 3, 5).current_text == "< 5"
