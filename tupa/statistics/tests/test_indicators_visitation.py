"""The supervised meetings' indicators against the hand-computed scenario and the billing list.

The fixture is the visitation app's own scenario (``tupa/visitation/tests/scenario.py``), period
1.1.–31.3.2026 in Helsinki time:

Order A (episode A, one child), Lahti, supervised, court decision: 10.1. took place; 24.1.
cancelled by the visiting parent (timely); 1.2. 00:30 no-show (UTC 31.1.: February's); 7.2.
interrupted (threat); 21.2. late cancellation by the resident parent (billable); 7.3. cancelled
by us; 21.3. planned (no outcome).
Order B (episode B, one child), Hollola, exchange, supervisor's agreement: 15.1. took place;
31.3. 23:30 took place; 1.4. 00:30 took place (UTC 31.3. but April's: outside the period).

Meetings 9: planned 1, took place 3 (A 1, B 2), cancelled 3, no-show 1, interrupted 1; billable
6 (took place 3 + no-show + interrupted + the late cancellation), not billable 3. By type:
supervised 7, exchange 2. By basis: court 7, agreement 2. By month: January 3 (10.1., 24.1.,
15.1.), February 3, March 3 (7.3., 21.3., 31.3.). By payer: Lahti 7, Hollola 2.
Billable by payer and month: Lahti January 1, February 3; Hollola January 1, March 1.
Orders valid in the period 2; children 2 (Lahti 1, Hollola 1).

Another organisation runs the same scenario (also paid by Lahti): never counted here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import rolled_back_world
from tupa.organisations.models import Municipality
from tupa.statistics.engine import run_indicator
from tupa.statistics.indicators import visitation
from tupa.statistics.indicators.base import UNKNOWN, Indicator, Params, Result
from tupa.statistics.tests.properties import assert_consistent
from tupa.visitation import selectors, services
from tupa.visitation.models import OrderBasis
from tupa.visitation.tests import scenario
from tupa.visitation.tests.support import family, make_order, municipality, t, visitation_form

pytestmark = pytest.mark.django_db

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
ALL = (
    visitation.MEETINGS,
    visitation.BILLABLE_MEETINGS,
    visitation.INTERRUPTIONS,
    visitation.ORDERS,
    visitation.CHILDREN,
)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Built once for the module, rolled back at its end; each test runs in a savepoint."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(t(2026, 6, 15, 12), tick=False):
            form = visitation_form()
            member = worker_in(form)
            built = scenario.build(form, member)
            other_form = visitation_form()
            scenario.build(other_form, worker_in(other_form))
        yield {
            "form": form,
            "member": member,
            "org": form.organisation_id,
            "lahti": municipality("398", "Lahti"),
            "hollola": municipality("098", "Hollola"),
            **built,
        }


def _run(
    indicator: Indicator,
    org_id: int,
    start: dt.date,
    end: dt.date,
    municipality_id: int | None = None,
) -> Result:
    result = run_indicator(indicator, Params(org_id, start, end, municipality_id=municipality_id))
    assert_consistent(result)
    return result


def test_meetings(world: dict[str, Any]) -> None:
    r = _run(visitation.MEETINGS, world["org"], *PERIOD)
    lahti, hollola = str(world["lahti"].pk), str(world["hollola"].pk)
    assert r.total == 9
    assert r.by("outcome_group") == {
        ("planned",): 1,
        ("took_place",): 3,
        ("cancelled",): 3,
        ("no_show",): 1,
        ("interrupted",): 1,
    }
    assert r.by("billable") == {("billable",): 6, ("not_billable",): 3}
    assert r.by("meeting_type") == {("supervised",): 7, ("supported",): 0, ("exchange",): 2}
    assert r.by("basis") == {
        ("court_decision",): 7,
        ("supervisor_agreement",): 2,
        ("social_services_decision",): 0,
    }
    assert r.by("month") == {("2026-01",): 3, ("2026-02",): 3, ("2026-03",): 3}
    # Choices: the organisation's payer municipalities, by name, then a withheld payer's
    # "ei tiedossa" (a protected family's: none here).
    assert r.by("payer_municipality") == {(hollola,): 2, (lahti,): 7, (UNKNOWN,): 0}
    assert list(r.by("payer_municipality")) == [(hollola,), (lahti,), (UNKNOWN,)]
    # Each meeting leads to its order's episode.
    assert {u.episode_id for u in r.units} == {world["a"].episode_id, world["b"].episode_id}
    assert visitation.MEETINGS.records is True


def test_municipality_report_keeps_only_its_payers_meetings(world: dict[str, Any]) -> None:
    lahti = world["lahti"]
    r = _run(visitation.MEETINGS, world["org"], *PERIOD, municipality_id=lahti.pk)
    assert r.total == 7
    assert r.by("payer_municipality") == {(str(lahti.pk),): 7, (UNKNOWN,): 0}
    assert r.by("outcome_group")[("cancelled",)] == 3
    billable = _run(visitation.BILLABLE_MEETINGS, world["org"], *PERIOD, municipality_id=lahti.pk)
    assert billable.total == 4
    children = _run(visitation.CHILDREN, world["org"], *PERIOD, municipality_id=lahti.pk)
    assert children.total == 1
    # A municipality the organisation never bills gets nothing.
    helsinki = municipality("091", "Helsinki")
    nothing = _run(visitation.MEETINGS, world["org"], *PERIOD, municipality_id=helsinki.pk)
    assert nothing.total == 0
    assert nothing.by("payer_municipality") == {(UNKNOWN,): 0}


def test_billable_meetings(world: dict[str, Any]) -> None:
    r = _run(visitation.BILLABLE_MEETINGS, world["org"], *PERIOD)
    lahti, hollola = str(world["lahti"].pk), str(world["hollola"].pk)
    assert r.total == 6
    assert r.by("payer_municipality", "month") == {
        (hollola, "2026-01"): 1,
        (hollola, "2026-02"): 0,
        (hollola, "2026-03"): 1,
        (lahti, "2026-01"): 1,
        (lahti, "2026-02"): 3,
        (lahti, "2026-03"): 0,
        (UNKNOWN, "2026-01"): 0,
        (UNKNOWN, "2026-02"): 0,
        (UNKNOWN, "2026-03"): 0,
    }
    assert r.by("meeting_type") == {("supervised",): 4, ("supported",): 0, ("exchange",): 2}
    outcomes = {k: v for k, v in r.by("outcome").items() if v}
    assert outcomes == {
        ("took_place",): 3,
        ("no_show",): 1,
        ("interrupted",): 1,
        ("cancelled_resident",): 1,
    }


def test_billable_meetings_follow_the_configured_rule(world: dict[str, Any], settings: Any) -> None:
    settings.TUPA_VISITATION_BILLING = {"outcomes": ["took_place"], "late_cancellations": False}
    assert _run(visitation.BILLABLE_MEETINGS, world["org"], *PERIOD).total == 3
    meetings = _run(visitation.MEETINGS, world["org"], *PERIOD)
    assert meetings.by("billable") == {("billable",): 3, ("not_billable",): 6}


def test_period_boundary_in_helsinki_time(world: dict[str, Any]) -> None:
    january = _run(visitation.MEETINGS, world["org"], dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    # 1.2. 00:30 local is 31.1. in UTC but February's.
    assert january.total == 3
    april = _run(visitation.MEETINGS, world["org"], dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    # 1.4. 00:30 local (31.3. in UTC) is April's.
    assert april.total == 1
    assert april.by("payer_municipality")[(str(world["hollola"].pk),)] == 1
    children = _run(visitation.CHILDREN, world["org"], dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert children.total == 1
    assert {u.person_id for u in children.units} == {world["people_b"]["children"][0].person_id}


def test_interruptions_and_orders(world: dict[str, Any]) -> None:
    interruptions = _run(visitation.INTERRUPTIONS, world["org"], *PERIOD)
    assert interruptions.by("interruption_reason") == {
        ("intoxication",): 0,
        ("threat",): 1,
        ("other",): 0,
    }
    orders = _run(visitation.ORDERS, world["org"], *PERIOD)
    assert orders.total == 2
    assert orders.by("basis")[(OrderBasis.COURT_DECISION,)] == 1
    # Valid 5.1.–31.12.2026: not in 2025.
    assert (
        _run(visitation.ORDERS, world["org"], dt.date(2025, 1, 1), dt.date(2025, 12, 31)).total == 0
    )


def test_children_counted_once_under_the_payer_of_their_last_meeting(
    world: dict[str, Any],
) -> None:
    children = _run(visitation.CHILDREN, world["org"], *PERIOD)
    lahti, hollola = str(world["lahti"].pk), str(world["hollola"].pk)
    assert children.total == 2
    assert children.by("payer_municipality") == {(hollola,): 1, (lahti,): 1, (UNKNOWN,): 0}
    child_a = world["people_a"]["children"][0]
    assert {u.person_id for u in children.units} == {
        child_a.person_id,
        world["people_b"]["children"][0].person_id,
    }
    # A second order for family A paid by Hollola with a meeting on 28.3., after A's last
    # meeting of the period (21.3.): child A is still one child, now Hollola's. (A's meeting
    # on 4.4. is after the period and does not decide.)
    with time_machine.travel(t(2026, 6, 15, 12), tick=False), scopes_disabled():
        episode = world["a"].episode
        second = make_order(
            world["member"], episode, world["people_a"], payer_municipality=world["hollola"]
        )
        services.meetings_schedule(
            actor=world["member"],
            order=second,
            first_day=dt.date(2026, 3, 28),
            time=dt.time(10),
            count=1,
        )
        services.meetings_schedule(
            actor=world["member"],
            order=world["a"],
            first_day=dt.date(2026, 4, 4),
            time=dt.time(10),
            count=1,
        )
    again = _run(visitation.CHILDREN, world["org"], *PERIOD)
    assert again.total == 2
    assert again.by("payer_municipality") == {(hollola,): 2, (lahti,): 0, (UNKNOWN,): 0}
    assert (
        _run(visitation.CHILDREN, world["org"], *PERIOD, municipality_id=world["lahti"].pk).total
        == 0
    )


def test_an_order_without_meetings_in_the_period_adds_no_children(
    world: dict[str, Any],
) -> None:
    # A family with two children and an order with no meeting in the period: not counted.
    with time_machine.travel(t(2026, 6, 15, 12), tick=False):
        episode, people = family(world["form"], children=2)
        make_order(world["member"], episode, people, payer_municipality=world["lahti"])
    assert _run(visitation.CHILDREN, world["org"], *PERIOD).total == 2
    assert _run(visitation.ORDERS, world["org"], *PERIOD).total == 3


def test_every_indicator_is_consistent_over_a_year(world: dict[str, Any]) -> None:
    for indicator in ALL:
        r = _run(indicator, world["org"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        assert r.total > 0, indicator.key
        for m in (world["lahti"], world["hollola"]):
            _run(indicator, world["org"], dt.date(2026, 1, 1), dt.date(2026, 12, 31), m.pk)


def test_one_query_per_indicator(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    params = Params(world["org"], *PERIOD, service_form_ids=(world["form"].pk,))
    for indicator in ALL:
        with django_assert_num_queries(1):
            list(indicator.units(params))


# --------------------------------------------------------------------------- the billing list
# (The meeting statistics' hand-computed figures: test_internal_units.py, through the engine.)


@pytest.mark.parametrize(
    "period",
    [
        PERIOD,
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 3, 1), dt.date(2026, 4, 30)),
    ],
)
def test_same_figures_as_billing(world: dict[str, Any], period: tuple) -> None:
    with scope(organisation=world["org"]):
        page = selectors.billing(service_form=world["form"], start=period[0], end=period[1])
    billable = _run(visitation.BILLABLE_MEETINGS, world["org"], *period)
    codes = {str(m.pk): m.code for m in Municipality.objects.all()}
    got = {
        (codes[payer], month, meeting_type): n
        for (payer, month, meeting_type), n in billable.by(
            "payer_municipality", "month", "meeting_type"
        ).items()
        if n
    }
    expected = {
        (row.municipality_code, f"{row.month:%Y-%m}", meeting_type): n
        for row in page.rows
        for meeting_type, n in row.by_type.items()
    }
    assert got == expected
    assert billable.total == page.total
    by_outcome: dict[str, int] = {}
    for row in page.rows:
        for outcome, n in row.by_outcome.items():
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    assert {k[0]: v for k, v in billable.by("outcome").items() if v} == by_outcome
