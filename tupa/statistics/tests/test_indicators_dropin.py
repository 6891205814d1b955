"""The open family house's indicators against a hand-computed fixture.

Fixture (Helsinki dates), house A of organisation 1:

Counts (adults / children 1+ / under-1s / first-time families):
- Sat 28.2.2026 day, open day 2 / 0 / 0 / 0 — before the period.
- Mon 2.3. day, open day: 5 / 4 / 1 / 2 → 10 visits.
- Thu 5.3. morning, baby day 3 / 0 / 3 / 1 → 6; afternoon, open day 2 / 1 / 2 / 0 → 5:
  one opening day, a baby day.
- Mon 9.3. day, open day 0 / 0 / 0 / 0: a row of zeros is an opening day (as on the page).
- Tue 31.3. day, group 1 / 2 / 0 / 0 → 3 (last day of the period).
- Wed 1.4. day, open day 4 / 0 / 0 / 0 — after the period.

March for A: visits 10 + 11 + 0 + 3 = 24 (adults 11, children 7, under-1s 6), first-time
families 3, opening days 4 (baby day 1, other 3). By session: day 13, morning 6, afternoon 5.
By programme: open day 15, baby day 6, group 3.

House B of organisation 1: Tue 10.3. day, open day 1 / 1 / 1 / 1 → 3 visits, one opening day.
An outpatient form of organisation 1 with a count row (not a drop-in house: not counted), and
organisation 2's house with 2.3. 7 / 7 / 7 / 7 (never counted for organisation 1).

Childcare of A (Helsinki times): 6.3. 9–12 under-1 1, 1–2 2, 3–6 3, staff 2, volunteers 1;
31.3. 23:00–23:45 0 / 0 / 2, staff 1 (in March); 1.4. 00:30–01:30 0 / 1 / 1, staff 1 (UTC 31.3.
21:30 but April by the Helsinki date). March: 2 sessions, 8 children (1 / 2 / 5), carers staff
3, volunteers 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scopes_disabled

from tupa.accounts.models import User
from tupa.core.tests.factories import ServiceFormFactory, UserFactory
from tupa.dropin.models import ChildcareSession, DailyCount, Programme, RentalCharge, Session
from tupa.dropin.tests.support import hall, house, t
from tupa.organisations.models import Municipality, ServiceForm
from tupa.scheduling.models import Booking
from tupa.statistics.engine import run_indicator
from tupa.statistics.indicators import dropin
from tupa.statistics.indicators.base import Indicator, Params, Result
from tupa.statistics.tests.properties import assert_consistent, nonzero

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
ALL = (
    dropin.VISITS,
    dropin.FIRST_TIME_FAMILIES,
    dropin.OPENING_DAYS,
    dropin.CHILDCARE_SESSIONS,
    dropin.CHILDCARE_CHILDREN,
    dropin.CHILDCARE_CARERS,
)


def _count(form: ServiceForm, day: dt.date, session: str, programme: str, *n: int) -> DailyCount:
    adults, children, under_ones, first_timers = n
    with scopes_disabled():
        return DailyCount.objects.create(
            organisation=form.organisation,
            service_form=form,
            date=day,
            session=session,
            programme=programme,
            adults=adults,
            children=children,
            under_ones=under_ones,
            first_timers=first_timers,
        )


def _childcare(
    form: ServiceForm,
    user: User,
    start: dt.datetime,
    end: dt.datetime,
    children: tuple[int, int, int],
    carers: tuple[int, int],
) -> None:
    with scopes_disabled():
        ChildcareSession.objects.create(
            organisation=form.organisation,
            service_form=form,
            starts_at=start,
            ends_at=end,
            children_under_1=children[0],
            children_1_2=children[1],
            children_3_6=children[2],
            staff_carers=carers[0],
            volunteer_carers=carers[1],
            recorded_by=user,
        )


@pytest.fixture
def world() -> dict[str, Any]:
    a = house(name="Perhetupa A")
    org = a.organisation
    b = house(organisation=org, name="Perhetupa B")
    outpatient = ServiceFormFactory.create(organisation=org, area__organisation=org)
    other = house(name="Toisen yhdistyksen perhetupa")
    user = UserFactory.create(organisation=org)
    d, s, p = dt.date, Session, Programme
    _count(a, d(2026, 2, 28), s.DAY, p.OPEN_DAY, 2, 0, 0, 0)
    _count(a, d(2026, 3, 2), s.DAY, p.OPEN_DAY, 5, 4, 1, 2)
    _count(a, d(2026, 3, 5), s.MORNING, p.BABY_DAY, 3, 0, 3, 1)
    _count(a, d(2026, 3, 5), s.AFTERNOON, p.OPEN_DAY, 2, 1, 2, 0)
    _count(a, d(2026, 3, 9), s.DAY, p.OPEN_DAY, 0, 0, 0, 0)
    _count(a, d(2026, 3, 31), s.DAY, p.GROUP, 1, 2, 0, 0)
    _count(a, d(2026, 4, 1), s.DAY, p.OPEN_DAY, 4, 0, 0, 0)
    _count(b, d(2026, 3, 10), s.DAY, p.OPEN_DAY, 1, 1, 1, 1)
    _count(outpatient, d(2026, 3, 2), s.DAY, p.OPEN_DAY, 9, 9, 9, 9)
    _count(other, d(2026, 3, 2), s.DAY, p.OPEN_DAY, 7, 7, 7, 7)
    _childcare(a, user, t(2026, 3, 6, 9), t(2026, 3, 6, 12), (1, 2, 3), (2, 1))
    _childcare(a, user, t(2026, 3, 31, 23), t(2026, 3, 31, 23, 45), (0, 0, 2), (1, 0))
    _childcare(a, user, t(2026, 4, 1, 0, 30), t(2026, 4, 1, 1, 30), (0, 1, 1), (1, 0))
    other_user = UserFactory.create(organisation=other.organisation)
    _childcare(other, other_user, t(2026, 3, 6, 9), t(2026, 3, 6, 12), (5, 5, 5), (5, 5))
    return {"a": a, "b": b, "outpatient": outpatient, "other": other, "org": org}


def _run(
    indicator: Indicator,
    org_id: int,
    start: dt.date,
    end: dt.date,
    forms: tuple[int, ...] = (),
    municipality_id: int | None = None,
) -> Result:
    params = Params(org_id, start, end, service_form_ids=forms, municipality_id=municipality_id)
    result = run_indicator(indicator, params)
    assert_consistent(result)
    return result


def test_visits_of_one_house(world: dict[str, Any]) -> None:
    r = _run(dropin.VISITS, world["org"].pk, *MARCH, forms=(world["a"].pk,))
    assert r.total == 24
    assert r.by("visitor") == {("adult",): 11, ("child",): 7, ("under_one",): 6}
    assert r.by("session") == {("day",): 13, ("morning",): 6, ("afternoon",): 5}
    assert r.by("programme") == {("open_day",): 15, ("baby_day",): 6, ("group",): 3}
    assert r.by("month") == {("2026-03",): 24}
    assert r.by("service_form") == {(str(world["a"].pk),): 24}


def test_visits_of_the_organisation_skip_other_forms_and_organisations(
    world: dict[str, Any],
) -> None:
    # All the organisation's forms: A and B count, the outpatient form and org 2 do not.
    r = _run(dropin.VISITS, world["org"].pk, *MARCH)
    assert r.total == 27
    a, b = str(world["a"].pk), str(world["b"].pk)
    assert r.by("service_form") == {(a,): 24, (b,): 3}
    # Units are anonymous: no drill-down, nothing for a municipality's report.
    assert dropin.VISITS.records is False
    assert all(u.episode_id is None and u.municipality_id is None for u in r.units)


def test_period_boundaries_by_date(world: dict[str, Any]) -> None:
    forms = (world["a"].pk,)
    r = _run(dropin.VISITS, world["org"].pk, dt.date(2026, 2, 28), dt.date(2026, 4, 1), forms)
    # 28.2. 2 + March 24 + 1.4. 4
    assert r.total == 30
    assert r.by("month") == {("2026-02",): 2, ("2026-03",): 24, ("2026-04",): 4}


def test_first_time_families_and_opening_days(world: dict[str, Any]) -> None:
    forms = (world["a"].pk,)
    first = _run(dropin.FIRST_TIME_FAMILIES, world["org"].pk, *MARCH, forms)
    assert first.total == 3
    assert first.by("programme") == {("open_day",): 2, ("baby_day",): 1, ("group",): 0}
    days = _run(dropin.OPENING_DAYS, world["org"].pk, *MARCH, forms)
    assert days.total == 4
    assert days.by("day_type") == {("baby_day",): 1, ("other",): 3}
    both = _run(dropin.OPENING_DAYS, world["org"].pk, *MARCH)
    assert both.total == 5


def test_childcare_by_helsinki_date(world: dict[str, Any]) -> None:
    forms = (world["a"].pk,)
    sessions = _run(dropin.CHILDCARE_SESSIONS, world["org"].pk, *MARCH, forms)
    assert sessions.total == 2
    children = _run(dropin.CHILDCARE_CHILDREN, world["org"].pk, *MARCH, forms)
    assert children.total == 8
    assert children.by("age_group") == {("under_1",): 1, ("1_2",): 2, ("3_6",): 5}
    carers = _run(dropin.CHILDCARE_CARERS, world["org"].pk, *MARCH, forms)
    assert carers.by("carer") == {("staff",): 3, ("volunteer",): 1}
    april = _run(
        dropin.CHILDCARE_CHILDREN, world["org"].pk, dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    )
    assert april.total == 2


def test_a_municipality_report_has_no_anonymous_counts(world: dict[str, Any]) -> None:
    lahti, _created = Municipality.objects.get_or_create(
        code="398", defaults={"name_fi": "Lahti", "name_sv": "Lahtis"}
    )
    for indicator in ALL:
        r = _run(indicator, world["org"].pk, *MARCH, municipality_id=lahti.pk)
        assert r.total == 0, indicator.key


def test_every_indicator_is_consistent_over_a_year(world: dict[str, Any]) -> None:
    for indicator in ALL:
        r = _run(indicator, world["org"].pk, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        assert r.total > 0, indicator.key


def test_one_query_per_indicator(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    params = Params(world["org"].pk, *MARCH, service_form_ids=(world["a"].pk, world["b"].pk))
    for indicator in ALL:
        with django_assert_num_queries(1):
            list(indicator.units(params))


# --------------------------------------------------------------------------- the house's report

#: Hand-computed per house and period (see the module docstring): visits (adults, children,
#: under-1s), first-time families, opening days, baby days, childcare sessions and children.
EXPECTED = {
    ("a", MARCH): ((24, 11, 7, 6), 3, 4, 1, 2, 8),
    ("a", (dt.date(2026, 2, 1), dt.date(2026, 4, 30))): ((30, 17, 7, 6), 3, 6, 1, 3, 10),
    ("a", (dt.date(2026, 3, 5), dt.date(2026, 3, 5))): ((11, 5, 1, 5), 1, 1, 1, 0, 0),
    ("a", (dt.date(2026, 4, 1), dt.date(2026, 4, 1))): ((4, 4, 0, 0), 0, 1, 0, 1, 2),
    ("b", MARCH): ((3, 1, 1, 1), 1, 1, 0, 0, 0),
    ("b", (dt.date(2026, 2, 1), dt.date(2026, 4, 30))): ((3, 1, 1, 1), 1, 1, 0, 0, 0),
    ("b", (dt.date(2026, 3, 5), dt.date(2026, 3, 5))): ((0, 0, 0, 0), 0, 0, 0, 0, 0),
}


@pytest.mark.parametrize(("house_key", "period"), list(EXPECTED))
def test_hand_computed_figures_of_a_house(
    world: dict[str, Any], house_key: str, period: tuple
) -> None:
    form = world[house_key]
    (visits, adults, children, under_ones), first, opening, baby, sessions, kids = EXPECTED[
        (house_key, period)
    ]

    def figure(indicator: Indicator) -> Result:
        return _run(indicator, world["org"].pk, *period, forms=(form.pk,))

    result = figure(dropin.VISITS)
    assert result.total == visits
    assert result.by("visitor") == {
        ("adult",): adults,
        ("child",): children,
        ("under_one",): under_ones,
    }
    assert figure(dropin.FIRST_TIME_FAMILIES).total == first
    days = figure(dropin.OPENING_DAYS)
    assert days.total == opening
    assert days.by("day_type")[("baby_day",)] == baby
    assert figure(dropin.CHILDCARE_SESSIONS).total == sessions
    assert figure(dropin.CHILDCARE_CHILDREN).total == kids


def test_hand_computed_monthly_and_daily_figures(world: dict[str, Any]) -> None:
    form, org = world["a"], world["org"].pk
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    visits = _run(dropin.VISITS, org, *year, forms=(form.pk,)).by("month")
    days = _run(dropin.OPENING_DAYS, org, *year, forms=(form.pk,)).by("month")
    children = _run(dropin.CHILDCARE_CHILDREN, org, *year, forms=(form.pk,)).by("month")
    months = [("2026-02",), ("2026-03",), ("2026-04",)]
    assert [visits[m] for m in months] == [2, 24, 4]
    assert [days[m] for m in months] == [1, 4, 1]
    assert [children[m] for m in months] == [0, 8, 2]
    assert visits[("2026-01",)] == 0 and visits[("2026-12",)] == 0
    by_day = _run(dropin.VISITS, org, *MARCH, forms=(form.pk,)).by("day")
    assert {d: n for (d,), n in by_day.items() if n} == {
        "2026-03-02": 10,
        "2026-03-05": 11,
        "2026-03-31": 3,
    }
    assert len(by_day) == 31  # every day of the month, zeros too
    care = _run(dropin.CHILDCARE_CHILDREN, org, *MARCH, forms=(form.pk,)).by("day")
    assert care[("2026-03-31",)] == 2  # 23:00 Helsinki time is still the 31st
    by_year = _run(dropin.VISITS, org, dt.date(2025, 1, 1), year[1], forms=(form.pk,)).by("year")
    assert by_year == {("2025",): 0, ("2026",): 2 + 24 + 4}


# Edges: room bookings by the Helsinki date in summer time; the test builds only the few records
# its edge needs.


def test_dropin_bookings_by_the_helsinki_date_in_summer_time() -> None:
    """A billable booking 31.3.2026 23:00 EEST (40,00 €) is March's; one 1.4. 00:30 EEST
    (31.3. 21:30 UTC, 25,50 €) is April's; a cancelled one in March is not counted."""
    form = house(name="Perhetupa (reunat)")
    room = hall(form)
    user = UserFactory.create(organisation=form.organisation)

    def book(start: dt.datetime, price: str, *, cancelled: bool = False) -> None:
        with scopes_disabled():
            booking = Booking.objects.create(
                organisation=form.organisation,
                room=room,
                kind=Booking.Kind.BIRTHDAY_PARTY,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=45),
                title="Synttärit",
                price=Decimal(price),
                cancelled_at=start if cancelled else None,
                created_by=user,
            )
            RentalCharge.objects.create(
                organisation=form.organisation,
                booking=booking,
                service_form=form,
                hours=Decimal("0.75"),
                hourly_price=Decimal(price),
                billable=True,
            )

    book(t(2026, 3, 31, 23, 0), "40.00")
    book(t(2026, 4, 1, 0, 30), "25.50")
    book(t(2026, 3, 10, 10), "99.00", cancelled=True)
    org = form.organisation_id
    assert _run(dropin.ROOM_BOOKINGS, org, *MARCH).total == 1
    assert _run(dropin.RENTAL_INCOME, org, *MARCH).total == 4000
    april = _run(dropin.RENTAL_INCOME, org, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert april.total == 2550
    year = _run(dropin.ROOM_BOOKINGS, org, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert nonzero(year.by("month")) == {
        ("2026-03",): 1,
        ("2026-04",): 1,
    }
