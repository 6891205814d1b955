"""Reads of residential services: the care-day ledger and occupancy (numbers only).

These return aggregates and no person data, so they log nothing; the views that show *who* is
where will go through :mod:`tupa.episodes.access` and the access log. Each selector runs a
constant number of queries whatever the number of stays (run them inside the organisation
scope, like every organisational query).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from tupa.organisations.models import ServiceForm

from .care_days import DEFAULT_RULE, HELSINKI, Interval, care_days, local_midnight
from .models import Place, Stay, StayMember

_ONE_DAY = dt.timedelta(days=1)

#: A person in the ledger: ("person", Person.pk) or ("alias", Alias.pk) for an anonymous client.
PersonKey = tuple[str, int]


def _overlapping(start: dt.date, end: dt.date) -> Q:
    """Rows whose [arrived_at, departed_at) can touch a local date in [start, end]."""
    return Q(arrived_at__lt=local_midnight(end + _ONE_DAY)) & (
        Q(departed_at__isnull=True) | Q(departed_at__gte=local_midnight(start))
    )


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(HELSINKI).date()


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- care-day ledger


@dataclass
class Ledger:
    """Care days of one service form in a period, by person, payer category and month."""

    period_start: dt.date
    period_end: dt.date
    rule: str
    total: int = 0
    by_person: Counter[PersonKey] = field(default_factory=Counter)
    by_payer: Counter[str] = field(default_factory=Counter)
    by_month: Counter[tuple[int, int]] = field(default_factory=Counter)
    by_month_payer: Counter[tuple[tuple[int, int], str]] = field(default_factory=Counter)
    #: Stays still open (no departure): counted up to ``period_end`` and to be confirmed.
    open_stay_ids: list[int] = field(default_factory=list)


def ledger_for_service_form(
    *,
    service_form: ServiceForm,
    period_start: dt.date,
    period_end: dt.date,
    rule: str = DEFAULT_RULE,
) -> Ledger:
    """The care-day ledger of ``service_form`` between two dates (inclusive). One query."""
    rows = (
        StayMember.objects.filter(stay__place__service_form=service_form)
        .filter(_overlapping(period_start, period_end))
        .values_list(
            "participant__person_id",
            "participant__alias_id",
            "stay_id",
            "stay__payer_category",
            "stay__departed_at",
            "arrived_at",
            "departed_at",
        )
    )
    per_person: dict[PersonKey, list[Interval]] = defaultdict(list)
    open_stays: set[int] = set()
    for person_id, alias_id, stay_id, payer, stay_departed, arrived, departed in rows:
        key: PersonKey = ("person", person_id) if person_id is not None else ("alias", alias_id)
        per_person[key].append(Interval(arrived, departed, label=(stay_id, payer)))
        if stay_departed is None:
            open_stays.add(stay_id)
    ledger = Ledger(period_start=period_start, period_end=period_end, rule=rule)
    for key, intervals in per_person.items():
        days = care_days(intervals, period_start=period_start, period_end=period_end, rule=rule)
        for day, label in days.days.items():
            assert isinstance(label, tuple)
            payer = str(label[1])
            month = (day.year, day.month)
            ledger.by_person[key] += 1
            ledger.by_payer[payer] += 1
            ledger.by_month[month] += 1
            ledger.by_month_payer[(month, payer)] += 1
            ledger.total += 1
    ledger.open_stay_ids = sorted(open_stays)
    return ledger


# --------------------------------------------------------------------------- occupancy


@dataclass(frozen=True)
class OccupancyNow:
    places: int
    occupied: int
    free: int
    persons: int


def occupancy_now(*, service_form: ServiceForm, at: dt.datetime | None = None) -> OccupancyNow:
    """Active places, how many are occupied or free, and how many persons are in. Two queries.

    A room counts as occupied when anyone stays in it.
    """
    moment = at or timezone.now()
    present = Q(arrived_at__lte=moment) & (Q(departed_at__isnull=True) | Q(departed_at__gt=moment))
    places = set(
        Place.objects.filter(service_form=service_form, active=True).values_list("pk", flat=True)
    )
    rows = list(
        StayMember.objects.filter(stay__place__service_form=service_form)
        .filter(present)
        .values_list("stay__place_id", flat=True)
    )
    occupied = len(places & set(rows))
    return OccupancyNow(
        places=len(places), occupied=occupied, free=len(places) - occupied, persons=len(rows)
    )


@dataclass(frozen=True)
class OccupancyPeriod:
    places: int
    days: int
    place_days: int
    occupied_place_days: int
    occupancy_percent: Decimal | None
    arrivals: int
    departures: int
    average_length_of_stay: Decimal | None


def occupancy_period(
    *, service_form: ServiceForm, start: dt.date, end: dt.date, rule: str = DEFAULT_RULE
) -> OccupancyPeriod:
    """Occupancy of ``service_form`` between two dates (inclusive). Three queries.

    - ``occupied_place_days``: for each place, the days it was occupied by the care-day ``rule``
      applied to its stays (default: the nights, a same-day stay as one day), clipped to the
      period; ``occupancy_percent`` = occupied place-days / (active places × days), one decimal.
    - ``arrivals``: stays that began in the period, moves excluded (a move is not an arrival).
    - ``departures``: discharges in the period (a stay ended by a move is not a departure).
    - ``average_length_of_stay``: mean length, in days by ``rule``, of the whole residence
      (the chain of stays joined by moves) of each family discharged in the period.
    """
    places = Place.objects.filter(service_form=service_form, active=True).count()
    days = (end - start).days + 1
    stays = list(
        Stay.objects.filter(place__service_form=service_form)
        .filter(_overlapping(start, end))
        .values_list(
            "pk", "place_id", "episode_id", "arrived_at", "departed_at", "moved_from_id", "moved_to"
        )
    )
    per_place: dict[int, list[Interval]] = defaultdict(list)
    arrivals = 0
    discharged: list[tuple[int, int, dt.datetime]] = []
    for pk, place_id, episode_id, arrived, departed, moved_from, moved_to in stays:
        per_place[place_id].append(Interval(arrived, departed))
        if moved_from is None and start <= _local_date(arrived) <= end:
            arrivals += 1
        if departed is not None and moved_to is None and start <= _local_date(departed) <= end:
            discharged.append((pk, episode_id, departed))
    occupied = sum(
        care_days(intervals, period_start=start, period_end=end, rule=rule).total
        for intervals in per_place.values()
    )
    place_days = places * days
    percent = _one_decimal(Decimal(occupied * 100) / Decimal(place_days)) if place_days else None
    return OccupancyPeriod(
        places=places,
        days=days,
        place_days=place_days,
        occupied_place_days=occupied,
        occupancy_percent=percent,
        arrivals=arrivals,
        departures=len(discharged),
        average_length_of_stay=_average_length(discharged, rule=rule),
    )


def _average_length(discharged: list[tuple[int, int, dt.datetime]], *, rule: str) -> Decimal | None:
    if not discharged:
        return None
    chain_rows = Stay.objects.filter(episode_id__in={e for _p, e, _d in discharged}).values_list(
        "pk", "arrived_at", "moved_from_id"
    )
    by_pk: dict[int, tuple[dt.datetime, int | None]] = {
        pk: (arrived, moved_from) for pk, arrived, moved_from in chain_rows
    }
    total = 0
    for pk, _episode, departed in discharged:
        arrived, previous = by_pk[pk]
        while previous is not None:
            arrived, previous = by_pk[previous]
        first, last = _local_date(arrived), _local_date(departed)
        total += care_days(
            [Interval(arrived, departed)], period_start=first, period_end=last, rule=rule
        ).total
    return _one_decimal(Decimal(total) / Decimal(len(discharged)))
