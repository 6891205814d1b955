"""Billing-ready counts against the hand-computed scenario (see scenario.py); the statistics' are
asserted through the engine in ``tupa/statistics/tests/test_internal_units.py``."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_scopes import scope

from tupa.core.tests.factories import worker_in
from tupa.visitation import selectors

from . import scenario
from .support import family, make_order, municipality, t, visitation_form

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


@pytest.fixture
def world() -> dict:
    with time_machine.travel(t(2026, 6, 15, 12), tick=False):
        form = visitation_form()
        member = worker_in(form)
        built = scenario.build(form, member)
        # Another organisation's order in Lahti with a billable meeting: never counted here.
        other_form = visitation_form()
        other_member = worker_in(other_form)
        episode, people = family(other_form)
        order = make_order(
            other_member, episode, people, payer_municipality=municipality("398", "Lahti")
        )
        scenario.build(other_form, other_member)
        del order
    return {"form": form, "member": member, **built}


def test_billing_per_municipality_and_month(world: dict) -> None:
    with scope(organisation=world["form"].organisation_id):
        result = selectors.billing(service_form=world["form"], start=START, end=END)
    got = [
        (r.municipality, r.month.strftime("%Y-%m"), r.type_counts(), r.total) for r in result.rows
    ]
    assert got == [
        ("Hollola", "2026-01", [0, 0, 1], 1),
        ("Hollola", "2026-03", [0, 0, 1], 1),
        ("Lahti", "2026-01", [1, 0, 0], 1),
        ("Lahti", "2026-02", [3, 0, 0], 3),
    ]
    assert result.total == 6
    assert result.type_totals() == [4, 0, 2]
    lahti_feb = result.rows[3]
    assert lahti_feb.by_outcome == {"no_show": 1, "interrupted": 1, "cancelled_resident": 1}


def test_billing_follows_the_configured_rule(world: dict, settings: pytest.FixtureRequest) -> None:
    settings.TUPA_VISITATION_BILLING = {"outcomes": ["took_place"], "late_cancellations": False}  # type: ignore[attr-defined]
    with scope(organisation=world["form"].organisation_id):
        result = selectors.billing(service_form=world["form"], start=START, end=END)
    assert [(r.municipality, r.month.month, r.total) for r in result.rows] == [
        ("Hollola", 1, 1),
        ("Hollola", 3, 1),
        ("Lahti", 1, 1),
    ]


def test_billing_month_boundary_in_helsinki_time(world: dict) -> None:
    with scope(organisation=world["form"].organisation_id):
        january = selectors.billing(
            service_form=world["form"], start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)
        )
        april = selectors.billing(
            service_form=world["form"], start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
        )
    # The no-show at 1.2. 00:30 (31.1. in UTC) is not January's.
    assert [(r.municipality, r.total) for r in january.rows] == [("Hollola", 1), ("Lahti", 1)]
    assert [(r.municipality, r.month, r.total) for r in april.rows] == [
        ("Hollola", dt.date(2026, 4, 1), 1)
    ]
