"""Reads of the open family house: today's counters, lists and the statistics.

The statistics are computed from the recorded rows (never typed totals): three grouped queries
(counts by day, childcare sessions by local day, bookings by local day) rolled up in Python to
days, months or years. Dates are Helsinki dates (``TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tupa.scheduling.models import Booking

from .models import COUNT_FIELDS, ChildcareSession, CountTap, DailyCount, Programme, Session

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm


@dataclass
class Figures:
    """The indicators of one period (a day, a month, a year or any range)."""

    adults: int = 0
    children: int = 0
    under_ones: int = 0
    first_timers: int = 0
    opening_days: int = 0
    baby_days: int = 0
    childcare_sessions: int = 0
    childcare_children: int = 0
    bookings: int = 0
    rental_income: Decimal = field(default_factory=lambda: Decimal("0.00"))

    @property
    def visits(self) -> int:
        return self.adults + self.children + self.under_ones

    @property
    def average_per_opening_day(self) -> Decimal | None:
        if not self.opening_days:
            return None
        return (Decimal(self.visits) / Decimal(self.opening_days)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def add(self, other: Figures) -> None:
        for name in (
            "adults",
            "children",
            "under_ones",
            "first_timers",
            "opening_days",
            "baby_days",
            "childcare_sessions",
            "childcare_children",
            "bookings",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rental_income += other.rental_income


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes of the start of ``start`` and the start of the day after ``end``."""
    tz = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lower, upper


def daily_figures(
    *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> dict[dt.date, Figures]:
    """Figures per Helsinki date from ``start`` to ``end`` (inclusive); days without data absent."""
    days: dict[dt.date, Figures] = {}

    def day(d: dt.date) -> Figures:
        return days.setdefault(d, Figures())

    counts = (
        DailyCount.objects.filter(service_form=service_form, date__range=(start, end))
        .values("date")
        .annotate(
            adults_sum=Sum("adults"),
            children_sum=Sum("children"),
            under_ones_sum=Sum("under_ones"),
            first_timers_sum=Sum("first_timers"),
            baby=Count("pk", filter=Q(programme=Programme.BABY_DAY)),
        )
    )
    for row in counts:
        f = day(row["date"])
        f.adults = row["adults_sum"] or 0
        f.children = row["children_sum"] or 0
        f.under_ones = row["under_ones_sum"] or 0
        f.first_timers = row["first_timers_sum"] or 0
        f.opening_days = 1
        f.baby_days = 1 if row["baby"] else 0

    lower, upper = _local_bounds(start, end)
    tz = timezone.get_current_timezone()
    childcare = (
        ChildcareSession.objects.filter(
            service_form=service_form, starts_at__gte=lower, starts_at__lt=upper
        )
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .values("day")
        .annotate(
            n=Count("pk"),
            u1=Sum("children_under_1"),
            c12=Sum("children_1_2"),
            c36=Sum("children_3_6"),
        )
    )
    for row in childcare:
        f = day(row["day"])
        f.childcare_sessions = row["n"]
        f.childcare_children = (row["u1"] or 0) + (row["c12"] or 0) + (row["c36"] or 0)

    bookings = (
        Booking.objects.filter(
            room__service_form=service_form,
            cancelled_at__isnull=True,
            starts_at__gte=lower,
            starts_at__lt=upper,
        )
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .values("day")
        .annotate(
            n=Count("pk"),
            income=Sum("price", filter=Q(rental_charge__billable=True)),
        )
    )
    for row in bookings:
        f = day(row["day"])
        f.bookings = row["n"]
        f.rental_income = (row["income"] or Decimal("0")).quantize(Decimal("0.01"))
    return days


def _roll_up(
    days: dict[dt.date, Figures], key: Callable[[dt.date], Hashable]
) -> dict[Hashable, Figures]:
    result: dict[Hashable, Figures] = {}
    for d in sorted(days):
        result.setdefault(key(d), Figures()).add(days[d])
    return result


def total(*, service_form: ServiceForm, start: dt.date, end: dt.date) -> Figures:
    result = Figures()
    for figures in daily_figures(service_form=service_form, start=start, end=end).values():
        result.add(figures)
    return result


def monthly_figures(*, service_form: ServiceForm, year: int) -> list[tuple[dt.date, Figures]]:
    """Twelve rows (first day of each month, figures) of ``year``."""
    days = daily_figures(
        service_form=service_form, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    months = _roll_up(days, lambda d: d.month)
    return [(dt.date(year, m, 1), months.get(m, Figures())) for m in range(1, 13)]


def yearly_figures(
    *, service_form: ServiceForm, first_year: int, last_year: int
) -> list[tuple[int, Figures]]:
    days = daily_figures(
        service_form=service_form,
        start=dt.date(first_year, 1, 1),
        end=dt.date(last_year, 12, 31),
    )
    years = _roll_up(days, lambda d: d.year)
    return [(y, years.get(y, Figures())) for y in range(first_year, last_year + 1)]


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def data_years(*, service_form: ServiceForm) -> list[int]:
    """Years that have counts, newest first (for the year chooser)."""
    dates = DailyCount.objects.filter(service_form=service_form).dates("date", "year")
    return sorted({d.year for d in dates}, reverse=True)


# --------------------------------------------------------------------------- today


@dataclass
class TodayView:
    count: DailyCount | None
    sessions: list[DailyCount]
    totals: dict[str, int]
    last_tap: CountTap | None


def today(*, service_form: ServiceForm, user: User, session: str, day: dt.date) -> TodayView:
    rows = list(DailyCount.objects.filter(service_form=service_form, date=day))
    current = next((r for r in rows if r.session == session), None)
    totals = {name: sum(getattr(r, name) for r in rows) for name in COUNT_FIELDS}
    totals["visits"] = totals["adults"] + totals["children"] + totals["under_ones"]
    last_tap = None
    if current is not None:
        last_tap = (
            CountTap.objects.filter(count=current, tapped_by=user, undone_at__isnull=True)
            .order_by("-tapped_at", "-pk")
            .first()
        )
    order = list(Session.values)
    rows.sort(key=lambda r: order.index(r.session))
    return TodayView(count=current, sessions=rows, totals=totals, last_tap=last_tap)


def counts_between(
    *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> QuerySet[DailyCount]:
    return DailyCount.objects.filter(service_form=service_form, date__range=(start, end)).order_by(
        "date", "session"
    )


# --------------------------------------------------------------------------- lists


def childcare_between(
    *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> QuerySet[ChildcareSession]:
    lower, upper = _local_bounds(start, end)
    return ChildcareSession.objects.filter(
        service_form=service_form, starts_at__gte=lower, starts_at__lt=upper
    ).order_by("starts_at", "pk")


def bookings_between(
    *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> QuerySet[Booking]:
    """Bookings of the house's rooms that start in the period, with room and charge."""
    lower, upper = _local_bounds(start, end)
    return (
        Booking.objects.filter(
            room__service_form=service_form, starts_at__gte=lower, starts_at__lt=upper
        )
        .select_related("room", "rental_charge")
        .order_by("starts_at", "pk")
    )
