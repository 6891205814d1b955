"""Reads for the place calendar and the monthly occupancy chart (issue 4, items 1 and 4).

Both read the stays of one residential service form in one query and apply the care-day rule
(:mod:`.care_days`) per place, so "occupied" in the calendar means exactly what it means in the
occupancy percentage: a place is occupied on a date when a stay holds it that night (a same-day
stay: that day). Numbers only; the view decides whose names may be shown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from tupa.core.months import month_end
from tupa.organisations.models import ServiceForm
from tupa.residential.care_days import (
    DEFAULT_RULE,
    Interval,
    care_days,
    last_complete_date,
)
from tupa.residential.models import Place, Stay
from tupa.residential.stays.selectors import care_day_overlap, place_uses, places_in_use_by_date

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class CalendarStay:
    pk: int
    episode_id: int
    place_id: int
    arrived_at: dt.datetime
    departed_at: dt.datetime | None


@dataclass(frozen=True)
class CalendarRow:
    place: Place
    #: One entry per day of the window: the stay holding the place that day, or None.
    cells: list[CalendarStay | None]


@dataclass(frozen=True)
class PlaceCalendar:
    start: dt.date
    days: list[dt.date]
    rows: list[CalendarRow]
    stays: list[CalendarStay]


def place_calendar(
    *, service_form: ServiceForm, start: dt.date, days: int, rule: str = DEFAULT_RULE
) -> PlaceCalendar:
    """Which stay holds each place on each of ``days`` dates from ``start``. Two queries.

    The rows are the places in use on some date of the window (by their dates of use) and any
    place that held a stay in it, so a past window shows the places of that time. A room shared
    by several stays shows the stay that holds it at the end of the day.
    """
    end = start + dt.timedelta(days=days - 1)
    every_place = list(Place.objects.filter(service_form=service_form).order_by("order", "name"))
    rows = Stay.objects.filter(place__service_form=service_form).filter(
        care_day_overlap(start, end)
    )
    stays = [
        CalendarStay(pk, episode_id, place_id, arrived, departed)
        for pk, episode_id, place_id, arrived, departed in rows.values_list(
            "pk", "episode_id", "place_id", "arrived_at", "departed_at"
        ).order_by("arrived_at", "pk")
    ]
    per_place: dict[int, list[Interval]] = defaultdict(list)
    for stay in stays:
        per_place[stay.place_id].append(Interval(stay.arrived_at, stay.departed_at, label=stay))
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    calendar_rows = []
    for place in every_place:
        taken = care_days(
            per_place.get(place.pk, []), period_start=start, period_end=end, rule=rule
        )
        if not taken.days and not any(place.in_use_on(day) for day in dates):
            continue
        cells: list[CalendarStay | None] = []
        for day in dates:
            label = taken.days.get(day)
            cells.append(label if isinstance(label, CalendarStay) else None)
        calendar_rows.append(CalendarRow(place=place, cells=cells))
    shown = {c.pk for row in calendar_rows for c in row.cells if c is not None}
    return PlaceCalendar(
        start=start, days=dates, rows=calendar_rows, stays=[s for s in stays if s.pk in shown]
    )


@dataclass(frozen=True)
class MonthOccupancy:
    year: int
    month: int
    places: int
    days: int
    place_days: int
    occupied_place_days: int
    occupancy_percent: Decimal | None


def months_back(last: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` calendar months ending with the month of ``last``, oldest first."""
    year, month = last.year, last.month
    result = []
    for _ in range(count):
        result.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(result))


def occupancy_by_month(
    *, service_form: ServiceForm, months: list[tuple[int, int]], rule: str = DEFAULT_RULE
) -> list[MonthOccupancy]:
    """Occupancy % of each month: occupied place-days / place-days of the places in use on each
    day. Two queries.

    The same definitions as :func:`.selectors.occupancy_period`, so a month here equals that
    selector run for the month (tested) — including that nothing after the last complete care
    day (now) counts: the current month is its occupancy so far, a later month has none.
    """
    if not months:
        return []
    start = dt.date(months[0][0], months[0][1], 1)
    end = month_end(*months[-1])
    places = place_uses(service_form)
    per_place: dict[int, list[Interval]] = defaultdict(list)
    rows = Stay.objects.filter(place__service_form=service_form).filter(
        care_day_overlap(start, end)
    )
    for place_id, arrived, departed in rows.values_list("place_id", "arrived_at", "departed_at"):
        per_place[place_id].append(Interval(arrived, departed))
    occupied: Counter[tuple[int, int]] = Counter()
    occupied_days: dict[int, set[dt.date]] = {}
    open_until = last_complete_date(timezone.now(), rule=rule)
    for place_id, intervals in per_place.items():
        counted = care_days(
            intervals, period_start=start, period_end=end, rule=rule, open_until=open_until
        )
        occupied.update(counted.per_month())
        occupied_days[place_id] = set(counted.days)
    in_use = places_in_use_by_date(places, occupied_days, start, end)
    result = []
    for year, month in months:
        days = month_end(year, month).day
        month_in_use = [n for day, n in in_use.items() if (day.year, day.month) == (year, month)]
        place_days = sum(
            n
            for day, n in in_use.items()
            if (day.year, day.month) == (year, month) and day <= open_until
        )
        most = max(month_in_use, default=0)
        used = occupied[(year, month)]
        percent = (
            (Decimal(used * 100) / Decimal(place_days)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            if place_days
            else None
        )
        result.append(MonthOccupancy(year, month, most, days, place_days, used, percent))
    return result
