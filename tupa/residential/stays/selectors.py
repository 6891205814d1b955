"""Reads of residential services: the care-day ledger and occupancy (numbers only).

These return aggregates and no person data, so they log nothing; the views that show *who* is
where will go through :mod:`tupa.access.clients` and the access log. Each selector runs a
constant number of queries whatever the number of stays (run them inside the organisation
scope, like every organisational query).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from tupa.core.wallclock import HELSINKI, day_bounds, local_midnight
from tupa.organisations.models import ServiceForm
from tupa.residential.care_days import (
    DEFAULT_RULE,
    Interval,
    care_day_spans,
    care_days,
    last_complete_date,
)
from tupa.residential.models import Place, Stay, StayMember

_ONE_DAY = dt.timedelta(days=1)

#: A person in the ledger: ("person", Person.pk) or ("alias", Alias.pk) for an anonymous client.
PersonKey = tuple[str, int]


def _arrived_by_and_departed(lower: Any, upper: Any, through: str, departed: str) -> Q:
    return Q(**{f"{through}arrived_at__lt": upper}) & (
        Q(**{f"{through}departed_at__isnull": True})
        | Q(**{f"{through}departed_at__{departed}": lower})
    )


def care_day_overlap(start: dt.date, end: dt.date, *, through: str = "") -> Q:
    """Rows (stays or stay members) whose [arrived_at, departed_at) can touch a local date in
    [start, end] for the care-day rules: a departure at the first midnight still ends a night of
    the day before, so it is included (and counts nothing in the period). ``through``: the
    path to the row whose times are compared (``"stay__"``)."""
    return care_day_overlap_between(*day_bounds(start, end), through=through)


def care_day_overlap_between(lower: Any, upper: Any, *, through: str = "") -> Q:
    """:func:`care_day_overlap` for the local dates' bounds ``[lower, upper)``
    (:func:`~tupa.core.wallclock.day_bounds`: moments, or the slots of a
    :class:`~tupa.core.shapes.Shape`)."""
    return _arrived_by_and_departed(lower, upper, through, "gte")


def present_in(start: dt.date, end: dt.date, *, through: str = "") -> Q:
    """Rows (stays or stay members) with a moment of presence inside the local dates
    [start, end]: who was there in the period (a departure at the first midnight was not).
    ``through`` as in :func:`care_day_overlap`."""
    return present_between(*day_bounds(start, end), through=through)


def present_between(lower: Any, upper: Any, *, through: str = "") -> Q:
    """:func:`present_in` for the local dates' bounds ``[lower, upper)``
    (:func:`~tupa.core.wallclock.day_bounds`: moments, or the slots of a
    :class:`~tupa.core.shapes.Shape`)."""
    return _arrived_by_and_departed(lower, upper, through, "gt")


def members_in(start: dt.date, end: dt.date) -> Q:
    """Stay members whose presence can touch a local date in [start, end]
    (:func:`care_day_overlap`), and the same bound on their stay.

    The stay's bound adds no condition — a member's period lies inside its stay's
    (:class:`~tupa.residential.models.StayMember`; the services and the model's ``clean``
    keep it so) — but it lets the database start from the stays of the period instead of
    probing the members of every stay in the unit's history (at ten years of a shelter,
    ≈ 800 stays for ≈ 80 in a year: 1.3 → 0.5 ms)."""
    return members_between(*day_bounds(start, end))


def members_between(lower: Any, upper: Any) -> Q:
    """:func:`members_in` for the local dates' bounds ``[lower, upper)`` (as
    :func:`present_between`)."""
    return _arrived_by_and_departed(lower, upper, "", "gte") & _arrived_by_and_departed(
        lower, upper, "stay__", "gte"
    )


def present_at(moment: Any, *, through: str = "") -> Q:
    """Rows (stays or stay members) present at ``moment``: arrived by it and not yet left."""
    return Q(**{f"{through}arrived_at__lte": moment}) & (
        Q(**{f"{through}departed_at__isnull": True}) | Q(**{f"{through}departed_at__gt": moment})
    )


def members_present_at(moment: Any) -> Q:
    """Stay members present at ``moment`` (who is in the unit now), and the same bound on their
    stay.

    As in :func:`members_in`, the stay's bound adds no condition — a member's period lies
    inside its stay's — but the database can start from the stays open at the moment instead of
    probing the members of every stay in the unit's history (ten years of a shelter: ≈ 800
    stays for ≈ 14 residents, 1.7 → 0.1 ms)."""
    return present_at(moment) & present_at(moment, through="stay__")


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
    #: Stays still open (no departure): counted up to ``counted_until`` and to be confirmed.
    open_stay_ids: list[int] = field(default_factory=list)
    #: The last date counted as spent: ``period_end``, or for a period reaching past now the last
    #: complete care day (:func:`~.care_days.last_complete_date`).
    counted_until: dt.date | None = None
    #: Care days that the open stays would add from ``counted_until`` to ``period_end``.
    expected_total: int = 0


class MemberRow(NamedTuple):
    """One stay member's presence, as read by :func:`member_intervals`."""

    person_id: int | None
    alias_id: int | None
    participant_id: int
    stay_id: int
    episode_id: int
    payer_category: str
    stay_open: bool  # the stay has no departure
    arrived_at: dt.datetime
    departed_at: dt.datetime | None

    @property
    def key(self) -> PersonKey:
        if self.person_id is not None:
            return ("person", self.person_id)
        assert self.alias_id is not None  # a participant is a person or an alias
        return ("alias", self.alias_id)


def member_values(rows: QuerySet[StayMember], *more: Any) -> QuerySet[StayMember, tuple[Any, ...]]:
    """``rows`` as the values of :class:`MemberRow`, in its order, followed by ``more``
    (further values a caller reads in the same query)."""
    return rows.annotate(
        # Whether the stay is open, not its departure: a moment costs more to read than a flag.
        stay_open=ExpressionWrapper(Q(stay__departed_at=None), BooleanField())
    ).values_list(
        "participant__person_id",
        "participant__alias_id",
        "participant_id",
        "stay_id",
        "stay__episode_id",
        "stay__payer_category",
        "stay_open",
        "arrived_at",
        "departed_at",
        *more,
    )


def intervals_by_person(
    rows: Iterable[MemberRow], label: Callable[[MemberRow], Hashable]
) -> tuple[dict[PersonKey, list[Interval]], set[int]]:
    """The members' presences grouped by person (a person's intervals are merged by
    :func:`~.care_days.care_days`), each labelled by ``label``; and the ids of the stays still
    open."""
    per_person: dict[PersonKey, list[Interval]] = defaultdict(list)
    open_stays: set[int] = set()
    for row in rows:
        per_person[row.key].append(Interval(row.arrived_at, row.departed_at, label=label(row)))
        if row.stay_open:
            open_stays.add(row.stay_id)
    return per_person, open_stays


def member_intervals(
    *,
    service_form: ServiceForm,
    period_start: dt.date,
    period_end: dt.date,
    label: Callable[[MemberRow], Hashable],
) -> tuple[dict[PersonKey, list[Interval]], set[int]]:
    """The one care-day interval query (the occupancy ledger and billing read it; THL's return
    reads the same rows, :func:`members_in` through :func:`member_values`, for all its forms at
    once).

    Every stay member's presence that can touch the period, grouped by person
    (:func:`intervals_by_person`). One query."""
    rows = StayMember.objects.filter(stay__place__service_form=service_form).filter(
        members_in(period_start, period_end)
    )
    return intervals_by_person((MemberRow(*values) for values in member_values(rows)), label)


def ledger_for_service_form(
    *,
    service_form: ServiceForm,
    period_start: dt.date,
    period_end: dt.date,
    rule: str = DEFAULT_RULE,
    as_of: dt.datetime | None = None,
) -> Ledger:
    """The care-day ledger of ``service_form`` between two dates (inclusive). One query.

    Open stays count up to the last complete care day at ``as_of`` (default: now); the nights
    they would add until ``period_end`` are ``expected_total``, never counted as spent."""
    open_until = last_complete_date(as_of or timezone.now(), rule=rule)
    per_person, open_stays = member_intervals(
        service_form=service_form,
        period_start=period_start,
        period_end=period_end,
        label=lambda row: (row.stay_id, row.payer_category),
    )
    ledger = Ledger(
        period_start=period_start,
        period_end=period_end,
        rule=rule,
        counted_until=min(period_end, open_until),
    )
    for key, intervals in per_person.items():
        # Spans of consecutive dates, not one entry per date: a unit-year is thousands of
        # person-days but only a few spans per person.
        spans = care_day_spans(
            intervals,
            period_start=period_start,
            period_end=period_end,
            rule=rule,
            open_until=open_until,
        )
        ledger.expected_total += spans.expected_total
        for span in spans.spans:
            assert isinstance(span.label, tuple)
            payer = str(span.label[1])
            ledger.by_person[key] += span.days
            ledger.by_payer[payer] += span.days
            ledger.total += span.days
            for month, days in span.per_month():
                ledger.by_month[month] += days
                ledger.by_month_payer[(month, payer)] += days
    ledger.open_stay_ids = sorted(open_stays)
    return ledger


# --------------------------------------------------------------------------- occupancy

#: A place's validity as read for the occupancy figures: (pk, active, active_from, active_until).
PlaceUse = tuple[int, bool, dt.date | None, dt.date | None]


def place_uses(service_form: ServiceForm) -> list[PlaceUse]:
    """Every place of ``service_form`` (in use or not) with its dates of use. One query."""
    return list(
        Place.objects.filter(service_form=service_form)
        .order_by("pk")
        .values_list("pk", "active", "active_from", "active_until")
    )


def places_in_use_by_date(
    places: list[PlaceUse],
    occupied: dict[int, set[dt.date]],
    start: dt.date,
    end: dt.date,
) -> dict[dt.date, int]:
    """How many places were in use on each date from ``start`` to ``end``: the places whose
    dates of use cover the date, and any place on a date it was occupied (a stay proves the
    place was there, so occupancy never exceeds 100 %)."""
    first, length = start.toordinal(), (end - start).days + 1
    if length <= 0:
        return {}
    # A place's dates of use are one range (place_in_use_on); add them up as ranges, then the
    # occupied dates outside its range one by one.
    change = [0] * (length + 1)
    extra = [0] * length
    for pk, active, active_from, active_until in places:
        if active_until is not None:
            used_to = active_until
        elif active:
            used_to = end
        else:
            used_to = None  # never in use by its dates
        used_from = max(active_from or start, start)
        low, high = length, -1
        if used_to is not None and used_from <= min(used_to, end):
            low, high = used_from.toordinal() - first, min(used_to, end).toordinal() - first
            change[low] += 1
            change[high + 1] -= 1
        for day in occupied.get(pk, ()):
            index = day.toordinal() - first
            if 0 <= index < length and not low <= index <= high:
                extra[index] += 1
    result: dict[dt.date, int] = {}
    running = 0
    for index in range(length):
        running += change[index]
        result[dt.date.fromordinal(first + index)] = running + extra[index]
    return result


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
    places = Place.objects.filter(service_form=service_form, active=True).values_list(
        "pk", flat=True
    )
    present = StayMember.objects.filter(
        members_present_at(moment), stay__place__service_form=service_form
    ).values_list("stay__place_id", flat=True)
    return occupancy_of(active_places=places, present_in=present)


def occupancy_of(*, active_places: Iterable[int], present_in: Iterable[int]) -> OccupancyNow:
    """:func:`occupancy_now`'s figures from what a caller has read already: the ids of the form's
    active places, and the place of each person present (any place of the form, as there)."""
    active = set(active_places)
    taken = list(present_in)
    occupied = len(active & set(taken))
    return OccupancyNow(
        places=len(active), occupied=occupied, free=len(active) - occupied, persons=len(taken)
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
    #: The last date counted as spent (``end``, or the last complete care day if ``end`` is
    #: later); the place-days and the percentage cover the period up to it.
    counted_until: dt.date | None = None
    #: Place-days that the stays still open are expected to add after ``counted_until``.
    expected_place_days: int = 0


def occupancy_period(
    *,
    service_form: ServiceForm,
    start: dt.date,
    end: dt.date,
    rule: str = DEFAULT_RULE,
    as_of: dt.datetime | None = None,
) -> OccupancyPeriod:
    """Occupancy of ``service_form`` between two dates (inclusive). Three queries.

    A period reaching past ``as_of`` (default: now) is counted up to the last complete care
    day: the percentage is the occupancy so far, and the nights the open stays would add are
    ``expected_place_days`` — future nights are never shown as used.

    - ``occupied_place_days``: for each place, the days it was occupied by the care-day ``rule``
      applied to its stays (default: the nights, a same-day stay as one day), clipped to the
      period; ``place_days``: for each date, the places in use that day (by their dates of use,
      :func:`~.models.place_in_use_on`, or because they were occupied), summed;
      ``occupancy_percent`` = occupied place-days / place-days, one decimal. A place taken out
      of use later still counts in the months it was in use. ``places``: the most places in use
      on any one date of the period.
    - ``arrivals``: stays that began in the period, moves excluded (a move is not an arrival).
    - ``departures``: discharges in the period (a stay ended by a move is not a departure).
    - ``average_length_of_stay``: mean length, in days by ``rule``, of the whole residence
      (the chain of stays joined by moves) of each family discharged in the period.
    """
    places = place_uses(service_form)
    days = (end - start).days + 1
    stays = list(
        Stay.objects.filter(place__service_form=service_form)
        .filter(care_day_overlap(start, end))
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
    open_until = last_complete_date(as_of or timezone.now(), rule=rule)
    counted_until = min(end, open_until)
    occupied_days: dict[int, set[dt.date]] = {}
    expected = 0
    for place_id, intervals in per_place.items():
        counted = care_days(
            intervals, period_start=start, period_end=end, rule=rule, open_until=open_until
        )
        occupied_days[place_id] = set(counted.days)
        expected += len(counted.expected)
    occupied = sum(len(dates) for dates in occupied_days.values())
    in_use = places_in_use_by_date(places, occupied_days, start, end)
    place_days = sum(n for day, n in in_use.items() if day <= counted_until)
    percent = _one_decimal(Decimal(occupied * 100) / Decimal(place_days)) if place_days else None
    return OccupancyPeriod(
        places=max(in_use.values(), default=0),
        days=days,
        place_days=place_days,
        occupied_place_days=occupied,
        occupancy_percent=percent,
        arrivals=arrivals,
        departures=len(discharged),
        average_length_of_stay=_average_length(discharged, rule=rule),
        counted_until=counted_until if counted_until >= start else None,
        expected_place_days=expected,
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
        total += care_day_spans(
            [Interval(arrived, departed)], period_start=first, period_end=last, rule=rule
        ).total
    return _one_decimal(Decimal(total) / Decimal(len(discharged)))


# --------------------------------------------------------------------------- place bookings


@dataclass(frozen=True)
class PlaceBooking:
    """When a place is taken, for the admission and move forms' place choices (no persons).

    ``taken_now``: somebody is in it now; ``booked`` also counts a stay that starts later (an
    admission from now on would overlap it). ``until``: the latest known departure of the stays
    in it now (None when one of them is open: stays have no planned end, so only their start
    ``since`` is known); ``next_arrival``: the first stay that starts later; ``freed_at``: a
    departure earlier today of a place that is free now.
    """

    taken_now: bool
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    next_arrival: dt.datetime | None = None
    freed_at: dt.datetime | None = None

    @property
    def booked(self) -> bool:
        return self.taken_now or self.next_arrival is not None


def place_bookings(
    *, service_form: ServiceForm, at: dt.datetime | None = None
) -> dict[int, PlaceBooking]:
    """``{place id: PlaceBooking}`` for the places of ``service_form`` with a stay that is
    current, starts later or ended earlier today (local time); one query."""
    now = at or timezone.now()
    today_start = local_midnight(_local_date(now))
    stays = (
        Stay.objects.filter(place__service_form=service_form)
        .filter(Q(departed_at__isnull=True) | Q(departed_at__gte=today_start))
        .order_by("place_id", "arrived_at")
        .values_list("place_id", "arrived_at", "departed_at")
    )
    by_place: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = defaultdict(list)
    for place_id, arrived_at, departed_at in stays:
        by_place[place_id].append((arrived_at, departed_at))
    result: dict[int, PlaceBooking] = {}
    for place_id, rows in by_place.items():
        current = [(a, d) for a, d in rows if a <= now and (d is None or d > now)]
        later = [a for a, _d in rows if a > now]
        ended = [d for a, d in rows if d is not None and a <= now and d <= now]
        next_arrival = min(later) if later else None
        if current:
            departures = [d for _a, d in current]
            result[place_id] = PlaceBooking(
                taken_now=True,
                since=min(a for a, _d in current),
                until=None if None in departures else max(d for d in departures if d),
                next_arrival=next_arrival,
            )
        else:
            result[place_id] = PlaceBooking(
                taken_now=False,
                next_arrival=next_arrival,
                freed_at=max(ended) if ended else None,
            )
    return result
