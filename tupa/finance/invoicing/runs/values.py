"""The values of a run's plan: periods, the keys of invoices and lines, planned lines, problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tupa.core.months import month_end
from tupa.finance.invoicing.basis import (
    item_label,
)
from tupa.finance.models import Agreement
from tupa.organisations.models import Partner

ZERO = Decimal("0")
LOOKBACK_MONTHS = 12

Interval = tuple[dt.date, dt.date]


def period_text(first: dt.date, last: dt.date) -> str:
    """Finnish period text: ``1.–30.11.2026``, ``28.11.–3.12.2026``, ``5.11.2026``."""
    if first == last:
        return f"{first.day}.{first.month}.{first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}.–{last.day}.{last.month}.{last.year}"
    if first.year == last.year:
        return f"{first.day}.{first.month}.–{last.day}.{last.month}.{last.year}"
    return f"{first.day}.{first.month}.{first.year}–{last.day}.{last.month}.{last.year}"


def is_whole_quarters(start: dt.date, end: dt.date) -> bool:
    """Whether ``start..end`` is one or more whole calendar quarters."""
    return (
        start.day == 1
        and start.month % 3 == 1
        and end.month % 3 == 0
        and end == month_end(end.year, end.month)
    )


@dataclass(frozen=True)
class InvoiceKey:
    """Who an invoice goes to: a partner (``buyer_id``) or a named buyer, under an agreement."""

    buyer_id: int | None
    buyer_name: str
    agreement_id: int | None


@dataclass(frozen=True)
class LineKey:
    """What one line sums: the same priced thing of one record group at one price."""

    invoice: InvoiceKey
    service_form_id: int | None
    source: str
    group_key: str
    item: str
    meeting_type: str
    case_reference: str
    price_row_id: int | None
    unit_price: Decimal
    vat_rate: Decimal


@dataclass
class PlannedLine:
    key: LineKey
    quantity: Decimal = ZERO
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    records: set[tuple[str, int]] = field(default_factory=set)
    detail: str = ""
    is_difference: bool = False

    def add(self, day: dt.date, quantity: Decimal, records: Iterable[Any]) -> None:
        self.quantity += quantity
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)
        self.records.update((str(label), int(pk)) for label, pk in records)

    @property
    def description(self) -> str:
        label = item_label(self.key.item, self.key.meeting_type)
        if self.detail:
            label = f"{label}: {self.detail}"
        if self.first_day and self.last_day:
            label = f"{label} {period_text(self.first_day, self.last_day)}"
        if self.is_difference:
            label = _("Korjaus: %(line)s") % {"line": label}
        return label[:200]


@dataclass
class Problem:
    reason: str
    source: str
    service_form_id: int | None
    case_reference: str
    item: str
    quantity: Decimal = ZERO
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def add(self, day: dt.date, quantity: Decimal) -> None:
        self.quantity += quantity
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)


@dataclass
class Plan:
    lines: list[PlannedLine]
    problems: list[dict[str, Any]]
    agreements: dict[int, Agreement]
    partners: dict[int, Partner]
