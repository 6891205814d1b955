"""Reads of the grants register (FIN-06). Called inside the request's organisation scope.

The register of a year lists the grants whose years include it (a grant for 2018–2020 shows in
each of the three years with its whole amount; the sums of one year count it once). The sums per
funder and status are computed here in :class:`~decimal.Decimal` from the listed rows, so the
page's totals always equal the sum of its rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from tupa.access import policy
from tupa.finance.models.grants import Grant, GrantDeadline

ZERO = Decimal("0.00")
#: How far ahead the "upcoming deadlines" list looks.
UPCOMING_DAYS = 90
#: The grants whose deadlines still matter (not rejected or withdrawn).
OPEN_STATUSES = (
    Grant.Status.DRAFT,
    Grant.Status.APPLIED,
    Grant.Status.GRANTED,
    Grant.Status.PARTLY_GRANTED,
)


@dataclass
class Sums:
    """How many grants, and the sums applied and granted (granted: decided grants only)."""

    count: int = 0
    applied: Decimal = ZERO
    granted: Decimal = ZERO

    def add(self, grant: Grant) -> None:
        self.count += 1
        self.applied += grant.amount_applied
        self.granted += grant.amount_granted or ZERO


@dataclass
class FunderSums:
    funder_name: str
    by_status: list[tuple[str, Sums]]
    total: Sums


@dataclass
class Register:
    year: int
    grants: list[Grant]
    by_funder: list[FunderSums]
    by_status: list[tuple[str, Sums]]
    total: Sums = field(default_factory=Sums)


def grant_years(*, today: dt.date) -> list[int]:
    """The years that have grants, newest first, and always this year and the next."""
    bounds = Grant.objects.aggregate(first=Min("year_from"), last=Max("year_to"))
    years = {today.year, today.year + 1}
    if bounds["first"] is not None and bounds["last"] is not None:
        years.update(range(bounds["first"], bounds["last"] + 1))
    return sorted(years, reverse=True)


def default_year(*, today: dt.date) -> int:
    """This year if it has grants, else the newest year an application starts in (or this year)."""
    if Grant.objects.filter(year_from__lte=today.year, year_to__gte=today.year).exists():
        return today.year
    newest = Grant.objects.aggregate(newest=Max("year_from"))["newest"]
    return int(newest) if newest is not None else today.year


def register(*, year: int) -> Register:
    """The grants for ``year`` with the sums per funder and status (one query)."""
    grants = list(
        Grant.objects.filter(year_from__lte=year, year_to__gte=year)
        .select_related("funder")
        .order_by("funder__name", "target_name", "pk")
    )
    labels = dict(Grant.Status.choices)
    order = list(Grant.Status.values)
    per_funder: dict[str, dict[str, Sums]] = {}
    per_status: dict[str, Sums] = {}
    total = Sums()
    for grant in grants:
        per_funder.setdefault(grant.funder.name, {}).setdefault(grant.status, Sums()).add(grant)
        per_status.setdefault(grant.status, Sums()).add(grant)
        total.add(grant)
    by_funder = []
    for name, statuses in per_funder.items():
        funder_total = Sums()
        for sums in statuses.values():
            funder_total.count += sums.count
            funder_total.applied += sums.applied
            funder_total.granted += sums.granted
        by_funder.append(
            FunderSums(
                funder_name=name,
                by_status=[(str(labels[s]), statuses[s]) for s in order if s in statuses],
                total=funder_total,
            )
        )
    return Register(
        year=year,
        grants=grants,
        by_funder=by_funder,
        by_status=[(str(labels[s]), per_status[s]) for s in order if s in per_status],
        total=total,
    )


def grant_of(organisation_id: int, pk: int) -> Grant | None:
    """Grant ``pk`` of the organisation with its funder, forms and deadlines (filtered by the
    organisation as well as by the scope, as every finance record's lookup is)."""
    return (
        Grant.objects.filter(organisation_id=organisation_id, pk=pk)
        .select_related("funder")
        .prefetch_related(
            "service_forms",
            Prefetch("deadlines", queryset=GrantDeadline.objects.order_by("due_on", "pk")),
        )
        .first()
    )


@dataclass(frozen=True)
class UpcomingDeadline:
    deadline: GrantDeadline
    overdue: bool
    days_left: int

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def results_reports(*, organisation_id: int, year: int) -> QuerySet[GrantDeadline]:
    """The organisation's results-report deadlines of ``year`` (*tuloksellisuusraportti*, due in
    the year after): the one rule for which deadline a year's STEA report answers (the
    statistics app's sending and its catalogue both ask it)."""
    return GrantDeadline.objects.filter(
        grant__organisation_id=organisation_id,
        kind=GrantDeadline.Kind.RESULTS_REPORT,
        due_on__year=year + 1,
    )


def results_reports_done(*, grant: Grant) -> dict[int, dt.date]:
    """When the register marks done the results report of each year of ``grant``, by the year
    reported on — the year before the deadline, the rule of :func:`results_reports` (one
    query)."""
    done: dict[int, dt.date] = {}
    for due_on, done_on in GrantDeadline.objects.filter(
        grant=grant, kind=GrantDeadline.Kind.RESULTS_REPORT, done_on__isnull=False
    ).values_list("due_on", "done_on"):
        year = due_on.year - 1
        if done_on is not None and (year not in done or done_on > done[year]):
            done[year] = done_on
    return done


def upcoming_deadlines(*, today: dt.date, days: int = UPCOMING_DAYS) -> list[UpcomingDeadline]:
    """Open deadlines due within ``days`` from ``today``, the overdue ones included (one query)."""
    rows = (
        GrantDeadline.objects.filter(
            done_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=days),
            grant__status__in=OPEN_STATUSES,
        )
        .select_related("grant", "grant__funder")
        .order_by("due_on", "pk")
    )
    return [
        UpcomingDeadline(deadline=d, overdue=d.due_on < today, days_left=(d.due_on - today).days)
        for d in rows
    ]


def dashboard_panel(*, user: Any) -> dict[str, object]:
    """Context of ``finance/grants/_dashboard_panel.html``: open deadlines (counts only)."""
    if not policy.decide(user, "finance.grants.view"):
        return {"visible": False}
    today = timezone.localdate()
    counts = GrantDeadline.objects.filter(
        grant__organisation_id=user.organisation_id,
        done_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=UPCOMING_DAYS),
        grant__status__in=OPEN_STATUSES,
    ).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        upcoming=Count("pk", filter=Q(due_on__gte=today)),
    )
    return {"visible": True, "overdue": counts["overdue"], "upcoming": counts["upcoming"]}
