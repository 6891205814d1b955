"""The care-day ledger and occupancy of a service form, checked against hand-computed values.

The scenario (Helsinki times):
- Family A (mother + child, payer state): the mother arrives in p1 on 30.12.2026 22:00, the
  child the next day 31.12 18:00; the family moves to p3 on 1.1.2027 12:00 and leaves on
  3.1.2027 10:00.
  Mother: nights 30.12, 31.12, 1.1, 2.1 = 4 (December 2, January 2).
  Child:  nights 31.12, 1.1, 2.1       = 3 (December 1, January 2).
- Family B (one adult, payer municipality): in p2 from 20.12.2026 21:00, still there (open).
  December: nights 20.12 … 31.12 = 12; January (open to the period end): 31.
- Family C (one adult, payer state): p4 on 15.1.2027 10:00–15:00, a same-day stay = 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scope

from tupa.core.tests.factories import worker_in
from tupa.residential.models import Destination, PayerCategory, StayMember
from tupa.residential.stays import services
from tupa.residential.stays.selectors import (
    ledger_for_service_form,
    members_present_at,
    occupancy_now,
    occupancy_period,
    present_at,
)

from .support import family, place, residential_form, t

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _after_the_scenario():  # type: ignore[no-untyped-def]
    """The scenario lies in the past: nothing in it is later than "now" (issue 10 — future
    nights are never counted as used; ``test_a_period_reaching_past_now`` checks that)."""
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def scenario():  # type: ignore[no-untyped-def]
    form = residential_form()  # p1…p5 and a room: 6 active places
    worker = worker_in(form)
    a_episode, (a_mother, a_child) = family(form)
    a1 = services.stay_admit(
        actor=worker,
        episode=a_episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 12, 30, 22),
        members=[a_mother],
        payer_category=PayerCategory.STATE,
    )
    services.stay_member_add(
        actor=worker, stay=a1, participant=a_child, arrived_at=t(2026, 12, 31, 18)
    )
    a2 = services.stay_move(actor=worker, stay=a1, to_place=place(form, "p3"), at=t(2027, 1, 1, 12))
    services.stay_discharge(
        actor=worker, stay=a2, departed_at=t(2027, 1, 3, 10), destination=Destination.HOME
    )
    b_episode, (b_adult,) = family(form, children=0)
    b = services.stay_admit(
        actor=worker,
        episode=b_episode,
        place=place(form, "p2"),
        arrived_at=t(2026, 12, 20, 21),
        members=[b_adult],
        payer_category=PayerCategory.MUNICIPALITY,
    )
    c_episode, (c_adult,) = family(form, children=0)
    c = services.stay_admit(
        actor=worker,
        episode=c_episode,
        place=place(form, "p4"),
        arrived_at=t(2027, 1, 15, 10),
        members=[c_adult],
        payer_category=PayerCategory.STATE,
    )
    services.stay_discharge(
        actor=worker, stay=c, departed_at=t(2027, 1, 15, 15), destination=Destination.UNKNOWN
    )
    return {
        "form": form,
        "a_mother": a_mother,
        "a_child": a_child,
        "b": b,
        "b_adult": b_adult,
    }


def test_ledger_december(scenario, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    form = scenario["form"]
    with scope(organisation=form.organisation), django_assert_num_queries(1):
        ledger = ledger_for_service_form(
            service_form=form, period_start=D(2026, 12, 1), period_end=D(2026, 12, 31)
        )
    # Mother 2 + child 1 (state) + B 12 (municipality) = 15.
    assert ledger.total == 15
    assert ledger.by_payer == {"state": 3, "municipality": 12}
    assert ledger.by_month == {(2026, 12): 15}
    assert ledger.by_person == {
        ("person", scenario["a_mother"].person_id): 2,
        ("person", scenario["a_child"].person_id): 1,
        ("person", scenario["b_adult"].person_id): 12,
    }
    assert ledger.open_stay_ids == [scenario["b"].pk]  # flagged for the year-end check


def test_ledger_across_the_year_end(scenario) -> None:  # type: ignore[no-untyped-def]
    form = scenario["form"]
    with scope(organisation=form.organisation):
        ledger = ledger_for_service_form(
            service_form=form, period_start=D(2026, 12, 1), period_end=D(2027, 1, 31)
        )
        january = ledger_for_service_form(
            service_form=form, period_start=D(2027, 1, 1), period_end=D(2027, 1, 31)
        )
    # January: mother 2 + child 2 + C 1 (state 5) + B 31 (municipality) = 36.
    assert january.total == 36
    assert january.by_month_payer == {((2027, 1), "state"): 5, ((2027, 1), "municipality"): 31}
    # The move on 1.1 adds nothing: the mother has 4 days in all, the child 3.
    assert ledger.by_person[("person", scenario["a_mother"].person_id)] == 4
    assert ledger.by_person[("person", scenario["a_child"].person_id)] == 3
    assert ledger.by_month == {(2026, 12): 15, (2027, 1): 36}
    assert ledger.total == 51


def test_ledger_calendar_days_rule(scenario) -> None:  # type: ignore[no-untyped-def]
    form = scenario["form"]
    with scope(organisation=form.organisation):
        ledger = ledger_for_service_form(
            service_form=form,
            period_start=D(2027, 1, 1),
            period_end=D(2027, 1, 31),
            rule="calendar_days",
        )
    # Mother and child: 1.1, 2.1, 3.1 = 3 each; C: 15.1 = 1; B: 31 → 38.
    assert ledger.total == 38


def test_occupancy_now(scenario, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    form = scenario["form"]
    with scope(organisation=form.organisation), django_assert_max_num_queries(2):
        now = occupancy_now(service_form=form, at=t(2027, 1, 1, 18))
    # A (2 persons) in p3, B (1) in p2: 2 of 6 places occupied, 3 persons.
    assert (now.places, now.occupied, now.free, now.persons) == (6, 2, 4, 3)
    with scope(organisation=form.organisation):
        later = occupancy_now(service_form=form, at=t(2027, 1, 15, 12))
    assert (later.occupied, later.persons) == (2, 2)  # B and C


def test_the_stays_bound_on_present_members_adds_no_condition(scenario) -> None:  # type: ignore[no-untyped-def]
    """``members_present_at`` also bounds the member's stay (so the database can start from the
    open stays); a member's period lies inside its stay's, so it selects exactly the members
    present by their own times — checked at every arrival and departure and a minute either
    side, with a move, a later arrival, an early departure and a return."""
    form = scenario["form"]
    worker = worker_in(form)
    d_episode, (d_mother, d_child) = family(form)
    d = services.stay_admit(
        actor=worker,
        episode=d_episode,
        place=place(form, "p5"),
        arrived_at=t(2027, 1, 20, 12),
        members=[d_mother, d_child],
        payer_category=PayerCategory.STATE,
    )
    with scope(organisation=form.organisation):
        child = StayMember.objects.get(stay=d, participant=d_child)
    services.stay_member_depart(actor=worker, member=child, departed_at=t(2027, 1, 22, 9))
    services.stay_member_add(
        actor=worker, stay=d, participant=d_child, arrived_at=t(2027, 1, 25, 16)
    )
    services.stay_discharge(
        actor=worker, stay=d, departed_at=t(2027, 2, 1, 10), destination=Destination.HOME
    )
    with scope(organisation=form.organisation):
        members = StayMember.objects.filter(stay__place__service_form=form)
        moments = {
            moment + dt.timedelta(minutes=shift)
            for m in members
            for moment in (m.arrived_at, m.departed_at)
            if moment is not None
            for shift in (-1, 0, 1)
        }
        assert len(moments) > 30
        for moment in sorted(moments):
            by_own_times = set(members.filter(present_at(moment)).values_list("pk", flat=True))
            bounded = set(members.filter(members_present_at(moment)).values_list("pk", flat=True))
            assert bounded == by_own_times, moment
        # Not vacuous: D's child is away on 23.1, back on 26.1; B is in throughout.
        away = members.filter(members_present_at(t(2027, 1, 23, 12)))
        back = members.filter(members_present_at(t(2027, 1, 26, 12)))
        assert sorted(m.participant_id for m in away) == sorted(
            [scenario["b_adult"].pk, d_mother.pk]
        )
        assert sorted(m.participant_id for m in back) == sorted(
            [scenario["b_adult"].pk, d_mother.pk, d_child.pk]
        )


def test_occupancy_december(scenario, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    form = scenario["form"]
    with scope(organisation=form.organisation), django_assert_max_num_queries(3):
        result = occupancy_period(service_form=form, start=D(2026, 12, 1), end=D(2026, 12, 31))
    # p1: nights 30.12, 31.12 = 2; p2: 20.12 … 31.12 = 12 → 14 of 6 × 31 = 186 → 7.5 %.
    assert result.place_days == 186 and result.occupied_place_days == 14
    assert result.occupancy_percent == Decimal("7.5")
    assert (result.arrivals, result.departures) == (2, 0)
    assert result.average_length_of_stay is None


def test_occupancy_january(scenario, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    form = scenario["form"]
    with scope(organisation=form.organisation), django_assert_max_num_queries(4):
        result = occupancy_period(service_form=form, start=D(2027, 1, 1), end=D(2027, 1, 31))
    # p3: nights 1.1, 2.1 = 2; p2: 31; p4: the same-day stay 1 → 34 of 186 = 18.28 → 18.3 %.
    assert result.occupied_place_days == 34
    assert result.occupancy_percent == Decimal("18.3")
    # Arrivals: only C (the move into p3 is not an arrival). Departures: A and C.
    assert (result.arrivals, result.departures) == (1, 2)
    # Length of stay: A 30.12–3.1 = 4 nights (over the move), C 1 → (4 + 1) / 2 = 2.5.
    assert result.average_length_of_stay == Decimal("2.5")


def test_a_period_reaching_past_now(scenario) -> None:  # type: ignore[no-untyped-def]
    """Issue 10: occupancy and care days for a period that reaches into the future count the
    open stays up to now and show the rest as expected. At 10.1.2027 14:00 the last complete
    night is 9.1; family B (open, p2) has spent 9 nights of January and is expected to stay
    22 more (10.1–31.1). Family A's closed stay gives 2 January nights, C's same-day stay on
    15.1 lies after now but is closed, so it counts (a recorded departure is a fact)."""
    form = scenario["form"]
    now = t(2027, 1, 10, 14)
    with scope(organisation=form.organisation_id):
        ledger = ledger_for_service_form(
            service_form=form, period_start=D(2027, 1, 1), period_end=D(2027, 1, 31), as_of=now
        )
        period = occupancy_period(
            service_form=form, start=D(2027, 1, 1), end=D(2027, 1, 31), as_of=now
        )
    assert ledger.counted_until == D(2027, 1, 9)
    assert ledger.by_person[("person", scenario["b_adult"].person_id)] == 9
    assert ledger.expected_total == 22
    # mother 2 + child 2 (A) + B 9 + C 1
    assert ledger.total == 14
    assert period.counted_until == D(2027, 1, 9)
    assert period.expected_place_days == 22
    # places: p1 (A until the move on 1.1 noon: the night of 1.1 belongs to p3), p3 1.1–2.1,
    # p2 B 1.1–9.1, p4 C 15.1 → occupied place-days 2 (p3) + 9 (p2) + 1 (p4) = 12
    assert period.occupied_place_days == 12
    # 6 places in use × 9 counted days = 54 → 12/54 = 22.2 %
    assert period.place_days == 54
    assert period.occupancy_percent == Decimal("22.2")
