"""The house's visitor statistics (the engine's ``internal.dropin`` reports) against a
hand-computed scenario.

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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import time_machine
from django_scopes import scopes_disabled

from tupa.core.tables import Table
from tupa.core.tests.factories import worker_in
from tupa.dropin import services
from tupa.dropin.models import DailyCount, Programme, Session
from tupa.scheduling.models import Booking
from tupa.statistics import engine
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns import registry as returns

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


def figures(
    form: Any, start: dt.date, end: dt.date, template: str = "internal.dropin"
) -> dict[tuple[str, tuple[str, ...]], Table]:
    """Every line's table of the report, by (indicator id, breakdown)."""
    computed = engine.run(
        returns.get(template), Params(form.organisation_id, start, end, (form.pk,))
    )
    return {(cl.indicator.id, cl.line.breakdown): cl.table for cl in computed.lines()}


def average(visits: int, opening_days: int) -> Decimal:
    """Visits per opening day as the old page rounded it (one decimal, half up)."""
    return (Decimal(visits) / Decimal(opening_days)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def test_monthly_figures_match_the_hand_computed_scenario(scenario: dict[str, Any]) -> None:
    with time_machine.travel(TODAY, tick=False):
        f = figures(scenario["form"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    visits = f[("dropin.visits", ("month", "visitor"))]
    march, april, may = "2026-03", "2026-04", "2026-05"
    assert visits.values[("row", march)] == 21
    assert [visits.cell(march, v) for v in ("adult", "child", "under_one")] == [10, 5, 6]
    assert f[("dropin.first_time_families", ("month",))].cell(march) == 3
    opening = f[("dropin.opening_days", ("month", "day_type"))]
    assert opening.values[("row", march)] == 2
    assert opening.cell(march, "baby_day") == 1
    assert average(21, opening.values[("row", march)]) == Decimal("10.5")
    assert f[("dropin.childcare_sessions", ("month",))].cell(march) == 1
    assert f[("dropin.childcare_children", ("month",))].cell(march) == 6
    assert f[("dropin.room_bookings", ("month",))].cell(march) == 3
    assert f[("dropin.rental_income", ("month",))].cell(march) == 12500  # 125.00 €
    assert visits.values[("row", april)] == 10
    assert opening.values[("row", april)] == 1
    assert average(10, 1) == Decimal("10.0")
    assert f[("dropin.childcare_sessions", ("month",))].cell(april) == 1
    assert f[("dropin.childcare_children", ("month",))].cell(april) == 2
    assert f[("dropin.room_bookings", ("month",))].cell(april) == 1
    assert f[("dropin.rental_income", ("month",))].cell(april) == 2500  # 25.00 €
    assert visits.values[("row", may)] == 0 and opening.values[("row", may)] == 0


def test_yearly_and_daily_figures(scenario: dict[str, Any]) -> None:
    with time_machine.travel(TODAY, tick=False):
        f = figures(scenario["form"], dt.date(2025, 1, 1), dt.date(2026, 12, 31))
        days = figures(
            scenario["form"], dt.date(2026, 3, 1), dt.date(2026, 3, 31), "internal.dropin_days"
        )
    visits = f[("dropin.visits", ("year", "visitor"))]
    assert visits.values[("row", "2026")] == 31
    assert [visits.cell("2026", v) for v in ("adult", "child", "under_one")] == [14, 11, 6]
    assert f[("dropin.first_time_families", ("year",))].cell("2026") == 3
    opening = f[("dropin.opening_days", ("year", "day_type"))]
    assert opening.values[("row", "2026")] == 3
    assert opening.cell("2026", "baby_day") == 1
    assert average(31, 3) == Decimal("10.3")
    assert f[("dropin.childcare_sessions", ("year",))].cell("2026") == 2
    assert f[("dropin.childcare_children", ("year",))].cell("2026") == 8
    assert f[("dropin.room_bookings", ("year",))].cell("2026") == 4
    assert f[("dropin.rental_income", ("year",))].cell("2026") == 15000  # 150.00 €
    assert (visits.values[("row", "2025")], opening.values[("row", "2025")]) == (2, 1)
    by_day = days[("dropin.visits", ("day", "visitor"))]
    day_opening = days[("dropin.opening_days", ("day", "day_type"))]
    assert by_day.values[("row", "2026-03-05")] == 11
    assert day_opening.values[("row", "2026-03-05")] == 1
    assert day_opening.cell("2026-03-05", "baby_day") == 1
    assert days[("dropin.rental_income", ("day",))].cell("2026-03-07") == 7500  # 75.00 €
    assert days[("dropin.room_bookings", ("day",))].cell("2026-03-21") == 0  # cancelled
    with_data = {
        day
        for (ind, _b), table in days.items()
        for key, value in table.values.items()
        if key[0] in ("cell", "row") and value
        for day in key[1:2]
    }
    assert sorted(with_data) == [
        "2026-03-02",
        "2026-03-05",
        "2026-03-06",
        "2026-03-07",
        "2026-03-14",
        "2026-03-18",
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
    with time_machine.travel(TODAY, tick=False):
        f = figures(scenario["form"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert f[("dropin.visits", ("visitor",))].total == 31
