"""Statistics of the open family house against a hand-computed scenario (and the CSV).

Scenario (Helsinki dates; "today" is 4.5.2026):

Counts (visits = adults + children + under-1s; first-timers are a separate tally)
- Mon 2.3.2026, whole day, open day: adults 5, children 4, under-1s 1, first-timers 2 → 10.
- Thu 5.3.2026, baby day: morning 3 / 0 / 3 / 1 and afternoon 2 / 1 / 2 / 0 → 11, one
  opening day, one baby day.
- Tue 14.4.2026, whole day: 4 / 6 / 0 / 0 → 10.
March: visits 21, adults 10, children 5, under-1s 6, first-timers 3, opening days 2,
average 10.5, baby days 1. April: 10 visits, 1 opening day, average 10.0.
Year 2026: visits 31, adults 14, children 11, under-1s 6, first-timers 3, opening days 3,
average 31 / 3 = 10.33 → 10.3, baby days 1. Year 2025: one day 31.12.2025 with 2 adults.

Childcare: Fri 6.3. 9–12 children 1 + 2 + 3 = 6; Fri 10.4. 0 + 1 + 1 = 2 → 2 sessions, 8.

Bookings (hall 25 €/h): 7.3. 12–15 party → 75.00 billable; 14.3. 12–14.30 party typed 50.00;
18.3. group, 0 €, not billable; 21.3. cancelled (not counted); 1.4. 00.30–01.30 local time
(31.3. 21.30 UTC: counted in April by the Helsinki date) → 25.00.
March: 3 bookings, 125.00 €; April: 1 booking, 25.00 €; year: 4 bookings, 150.00 €.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.dropin import selectors, services
from tupa.dropin.models import DailyCount, Programme, Session
from tupa.scheduling.models import Booking

from .support import hall, house, lead_in, t

pytestmark = pytest.mark.django_db

TODAY = t(2026, 5, 4, 10)


def build_scenario() -> dict[str, Any]:
    form = house()
    worker, lead = worker_in(form), lead_in(form)
    room = hall(form)

    def day(d: dt.date, session: str, programme: str, a: int, c: int, u: int, f: int) -> None:
        services.count_correct(
            actor=lead,
            service_form=form,
            day=d,
            session=session,
            programme=programme,
            adults=a,
            children=c,
            under_ones=u,
            first_timers=f,
            reason="testiaineisto",
        )

    day(dt.date(2026, 3, 2), Session.DAY, Programme.OPEN_DAY, 5, 4, 1, 2)
    day(dt.date(2026, 3, 5), Session.MORNING, Programme.BABY_DAY, 3, 0, 3, 1)
    day(dt.date(2026, 3, 5), Session.AFTERNOON, Programme.BABY_DAY, 2, 1, 2, 0)
    day(dt.date(2026, 4, 14), Session.DAY, Programme.OPEN_DAY, 4, 6, 0, 0)
    day(dt.date(2025, 12, 31), Session.DAY, Programme.OPEN_DAY, 2, 0, 0, 0)
    for start, end, counts in [
        (t(2026, 3, 6, 9), t(2026, 3, 6, 12), (1, 2, 3)),
        (t(2026, 4, 10, 9), t(2026, 4, 10, 12), (0, 1, 1)),
    ]:
        services.childcare_record(
            actor=worker,
            service_form=form,
            starts_at=start,
            ends_at=end,
            children_under_1=counts[0],
            children_1_2=counts[1],
            children_3_6=counts[2],
            staff_carers=1,
        )

    def book(start: dt.datetime, end: dt.datetime, **kwargs: Any) -> Booking:
        return services.booking_create(
            actor=worker,
            service_form=form,
            room=room,
            kind=kwargs.pop("kind", Booking.Kind.BIRTHDAY_PARTY),
            starts_at=start,
            ends_at=end,
            title="Syntymäpäiväjuhlat",
            organiser_contact="CANARY-VUOKRAAJA-040",
            **kwargs,
        )

    book(t(2026, 3, 7, 12), t(2026, 3, 7, 15))
    book(t(2026, 3, 14, 12), t(2026, 3, 14, 14, 30), price=Decimal("50.00"))
    book(
        t(2026, 3, 18, 17, 30),
        t(2026, 3, 18, 19, 30),
        kind=Booking.Kind.SELF_ORGANISED_GROUP,
        price=Decimal("0"),
        billable=False,
    )
    cancelled = book(t(2026, 3, 21, 10), t(2026, 3, 21, 12))
    services.booking_cancel(actor=worker, service_form=form, booking=cancelled)
    book(t(2026, 4, 1, 0, 30), t(2026, 4, 1, 1, 30))
    return {"form": form, "worker": worker, "lead": lead, "room": room}


@pytest.fixture
def scenario() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield build_scenario()


def test_monthly_figures_match_the_hand_computed_scenario(scenario: dict[str, Any]) -> None:
    with scopes_disabled():
        months = dict(selectors.monthly_figures(service_form=scenario["form"], year=2026))
    march = months[dt.date(2026, 3, 1)]
    assert (march.visits, march.adults, march.children, march.under_ones) == (21, 10, 5, 6)
    assert (march.first_timers, march.opening_days, march.baby_days) == (3, 2, 1)
    assert march.average_per_opening_day == Decimal("10.5")
    assert (march.childcare_sessions, march.childcare_children) == (1, 6)
    assert (march.bookings, march.rental_income) == (3, Decimal("125.00"))
    april = months[dt.date(2026, 4, 1)]
    assert (april.visits, april.opening_days, april.average_per_opening_day) == (
        10,
        1,
        Decimal("10.0"),
    )
    assert (april.childcare_sessions, april.childcare_children) == (1, 2)
    assert (april.bookings, april.rental_income) == (1, Decimal("25.00"))
    may = months[dt.date(2026, 5, 1)]
    assert may.visits == 0 and may.average_per_opening_day is None


def test_yearly_and_daily_figures(scenario: dict[str, Any]) -> None:
    with scopes_disabled():
        years = dict(
            selectors.yearly_figures(service_form=scenario["form"], first_year=2025, last_year=2026)
        )
        days = selectors.daily_figures(
            service_form=scenario["form"], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
        )
    y2026 = years[2026]
    assert (y2026.visits, y2026.adults, y2026.children, y2026.under_ones) == (31, 14, 11, 6)
    assert (y2026.first_timers, y2026.opening_days, y2026.baby_days) == (3, 3, 1)
    assert y2026.average_per_opening_day == Decimal("10.3")
    assert (y2026.childcare_sessions, y2026.childcare_children) == (2, 8)
    assert (y2026.bookings, y2026.rental_income) == (4, Decimal("150.00"))
    assert (years[2025].visits, years[2025].opening_days) == (2, 1)
    thursday = days[dt.date(2026, 3, 5)]
    assert (thursday.visits, thursday.opening_days, thursday.baby_days) == (11, 1, 1)
    assert days[dt.date(2026, 3, 7)].rental_income == Decimal("75.00")
    assert dt.date(2026, 3, 21) not in days  # the cancelled booking only
    assert sorted(days) == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 7),
        dt.date(2026, 3, 14),
        dt.date(2026, 3, 18),
    ]


def test_another_house_is_not_counted(scenario: dict[str, Any]) -> None:
    other = house(organisation=scenario["form"].organisation, name="Toinen tupa")
    with scopes_disabled():
        DailyCount.objects.create(
            organisation=other.organisation,
            service_form=other,
            date=dt.date(2026, 3, 2),
            adults=100,
        )
        total = selectors.total(
            service_form=scenario["form"], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        )
    assert total.visits == 31
