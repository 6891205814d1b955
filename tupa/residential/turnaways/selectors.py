"""Reads of turn-aways: the recent list and the monthly and yearly counts (issue 4, item 5).

The counts take one aggregate query per year, whatever the number of entries: turn-aways are
grouped in the database by local (Europe/Helsinki) month, reason and destination, and the small
result is folded into the tables in Python. A request belongs to the month of its local time.

THL's figure "ohjattu toiseen turvakotiin tilanpuutteen takia" (finnish-requirements §1.2) is
the requests with reason *no free place* and destination *another shelter*; THL counts clients,
so the figure is given in persons (adults + children) as well as in requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import ServiceForm
from tupa.residential.care_days import local_midnight
from tupa.residential.models import TurnAway


def recent_turnaways(*, service_form: ServiceForm) -> QuerySet[TurnAway]:
    """The service form's turn-aways, newest first, with the recorder joined (for paging)."""
    return (
        TurnAway.objects.filter(service_form=service_form)
        .select_related("recorded_by", "service_form")
        .order_by("-occurred_at", "-pk")
    )


@dataclass
class Totals:
    requests: int = 0
    adults: int = 0
    children: int = 0

    @property
    def persons(self) -> int:
        return self.adults + self.children

    def add(self, requests: int, adults: int, children: int) -> None:
        self.requests += requests
        self.adults += adults
        self.children += children


@dataclass(frozen=True)
class _Row:
    month: int
    reason: str
    directed_to: str
    requests: int
    adults: int
    children: int


def _is_lack_of_room(row: _Row) -> bool:
    return (
        row.reason == TurnAway.Reason.NO_PLACE
        and row.directed_to == TurnAway.DirectedTo.OTHER_SHELTER
    )


@dataclass
class TurnAwayCounts:
    """Turn-aways of one calendar year; ``month=None`` in the methods means the whole year."""

    year: int
    rows: list[_Row] = field(default_factory=list)

    def _selected(self, month: int | None) -> list[_Row]:
        return [r for r in self.rows if month is None or r.month == month]

    def totals(self, month: int | None = None) -> Totals:
        result = Totals()
        for row in self._selected(month):
            result.add(row.requests, row.adults, row.children)
        return result

    def lack_of_room(self, month: int | None = None) -> Totals:
        """THL: referred to another shelter for lack of room."""
        result = Totals()
        for row in self._selected(month):
            if _is_lack_of_room(row):
                result.add(row.requests, row.adults, row.children)
        return result

    def by_month(self) -> list[tuple[dt.date, Totals, Totals]]:
        """(first day of the month, all, lack of room) for every month of the year."""
        return [
            (dt.date(self.year, m, 1), self.totals(m), self.lack_of_room(m)) for m in range(1, 13)
        ]

    def _by(
        self, attribute: str, choices: list[tuple[str, Any]], month: int | None
    ) -> list[tuple[str, Totals]]:
        found: dict[str, Totals] = {value: Totals() for value, _label in choices}
        for row in self._selected(month):
            found.setdefault(getattr(row, attribute), Totals()).add(
                row.requests, row.adults, row.children
            )
        return [(str(label), found[value]) for value, label in choices]

    def by_reason(self, month: int | None = None) -> list[tuple[str, Totals]]:
        return self._by("reason", TurnAway.Reason.choices, month)

    def by_destination(self, month: int | None = None) -> list[tuple[str, Totals]]:
        return self._by("directed_to", TurnAway.DirectedTo.choices, month)


def turnaway_counts(*, service_form: ServiceForm, year: int) -> TurnAwayCounts:
    """Requests, adults and children by local month, reason and destination; one query."""
    rows = (
        TurnAway.objects.filter(
            service_form=service_form,
            occurred_at__gte=local_midnight(dt.date(year, 1, 1)),
            occurred_at__lt=local_midnight(dt.date(year + 1, 1, 1)),
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=HELSINKI))
        .values("month", "reason", "directed_to")
        .annotate(n=Count("pk"), a=Sum("adults"), c=Sum("children"))
        .order_by()
    )
    counts = TurnAwayCounts(year=year)
    for row in rows:
        month = row["month"]
        counts.rows.append(
            _Row(
                month=month.month,
                reason=row["reason"],
                directed_to=row["directed_to"],
                requests=row["n"],
                adults=row["a"] or 0,
                children=row["c"] or 0,
            )
        )
    return counts
