"""Reads of other income and earmarked funds (FIN-05, FIN-08), in a constant number of queries.

The yearly summary counts and sums the income of the year by kind; each fund shows its balance
at the start of the year, the donations in and the uses of the year, and the balance at the end
(start + in − used). Sums are :class:`~decimal.Decimal` from the rows, so every total equals
the sum of its rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from tupa.finance.models import EarmarkedFund, FundUse, OtherIncome
from tupa.finance.money import cents

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class KindSum:
    kind: str
    label: str
    count: int
    amount: Decimal


@dataclass
class FundSummary:
    fund: EarmarkedFund
    opening: Decimal = ZERO
    received: Decimal = ZERO
    used: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.received - self.used


@dataclass
class Register:
    year: int
    incomes: list[OtherIncome]
    by_kind: list[KindSum]
    funds: list[FundSummary]
    total: Decimal = ZERO
    count: int = 0


def income_years(*, organisation_id: int, today: dt.date) -> list[int]:
    """Years with income or fund uses, and always this year; newest first (two queries)."""
    years = {today.year}
    years.update(
        d.year
        for d in OtherIncome.objects.filter(organisation_id=organisation_id).dates(
            "received_on", "year"
        )
    )
    years.update(
        d.year
        for d in FundUse.objects.filter(fund__organisation_id=organisation_id).dates(
            "used_on", "year"
        )
    )
    return sorted(years, reverse=True)


def register(*, organisation_id: int, year: int) -> Register:
    """The year's income with the sums by kind and the funds' movements (five queries)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    incomes = list(
        OtherIncome.objects.filter(organisation_id=organisation_id, received_on__range=(start, end))
        .select_related("funder", "fund")
        .order_by("-received_on", "-pk")
    )
    sums = {
        row["kind"]: row
        for row in OtherIncome.objects.filter(
            organisation_id=organisation_id, received_on__range=(start, end)
        )
        .values("kind")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    }
    by_kind = [
        KindSum(
            kind=value,
            label=str(label),
            count=sums[value]["n"] if value in sums else 0,
            amount=cents(sums[value]["amount"] or ZERO) if value in sums else ZERO,
        )
        for value, label in OtherIncome.Kind.choices
    ]
    found = Register(
        year=year,
        incomes=incomes,
        by_kind=by_kind,
        funds=fund_summaries(organisation_id=organisation_id, year=year),
    )
    found.total = sum((k.amount for k in by_kind), ZERO)
    found.count = sum(k.count for k in by_kind)
    return found


def fund_summaries(*, organisation_id: int, year: int) -> list[FundSummary]:
    """Every fund with its opening balance, money in and out during ``year`` (three queries)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    funds = {
        f.pk: FundSummary(fund=f)
        for f in EarmarkedFund.objects.filter(organisation_id=organisation_id).order_by(
            "-active", "name"
        )
    }
    incoming = (
        OtherIncome.objects.filter(organisation_id=organisation_id, fund__isnull=False)
        .values("fund_id")
        .annotate(
            before=Sum("amount", filter=Q(received_on__lt=start)),
            during=Sum("amount", filter=Q(received_on__range=(start, end))),
        )
        .order_by()
    )
    for row in incoming:
        summary = funds.get(row["fund_id"])
        if summary is not None:
            summary.opening += cents(row["before"] or ZERO)
            summary.received += cents(row["during"] or ZERO)
    outgoing = (
        FundUse.objects.filter(fund__organisation_id=organisation_id)
        .values("fund_id")
        .annotate(
            before=Sum("amount", filter=Q(used_on__lt=start)),
            during=Sum("amount", filter=Q(used_on__range=(start, end))),
        )
        .order_by()
    )
    for row in outgoing:
        summary = funds.get(row["fund_id"])
        if summary is not None:
            summary.opening -= cents(row["before"] or ZERO)
            summary.used += cents(row["during"] or ZERO)
    return list(funds.values())


def income_of(organisation_id: int, pk: int) -> OtherIncome | None:
    return (
        OtherIncome.objects.filter(organisation_id=organisation_id, pk=pk)
        .select_related("funder", "fund")
        .first()
    )


def fund_of(organisation_id: int, pk: int) -> EarmarkedFund | None:
    return EarmarkedFund.objects.filter(organisation_id=organisation_id, pk=pk).first()


@dataclass(frozen=True)
class FundEvent:
    """One movement of a fund with the balance after it."""

    day: dt.date
    amount: Decimal  # positive in, negative out
    balance: Decimal
    income: OtherIncome | None = None
    use: FundUse | None = None


@dataclass
class FundStatement:
    fund: EarmarkedFund
    events: list[FundEvent] = field(default_factory=list)
    received: Decimal = ZERO
    used: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.received - self.used


def fund_statement(fund: EarmarkedFund) -> FundStatement:
    """Every donation in and use out of ``fund`` in date order (money in first on a day), with
    the running balance (two queries)."""
    rows: list[tuple[dt.date, int, int, Decimal, OtherIncome | None, FundUse | None]] = [
        (i.received_on, 0, i.pk, i.amount, i, None)
        for i in OtherIncome.objects.filter(fund=fund).select_related("funder")
    ]
    rows += [
        (u.used_on, 1, u.pk, -u.amount, None, u)
        for u in FundUse.objects.filter(fund=fund).select_related("recorded_by")
    ]
    statement = FundStatement(fund=fund)
    balance = ZERO
    for day, _order, _pk, amount, income, use in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
        balance += amount
        statement.events.append(FundEvent(day, amount, balance, income, use))
        if amount > 0:
            statement.received += amount
        else:
            statement.used -= amount
    return statement


def active_funds(organisation_id: int) -> list[EarmarkedFund]:
    return list(
        EarmarkedFund.objects.filter(organisation_id=organisation_id, active=True).order_by("name")
    )
