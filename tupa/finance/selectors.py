from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from .models import Budget, BudgetLine


@dataclass(frozen=True)
class BudgetRow:
    funder_name: str
    category: str
    amount: Decimal
    share_percent: Decimal


@dataclass(frozen=True)
class BudgetSummary:
    budget: Budget
    rows: list[BudgetRow]
    total: Decimal


def budget_years() -> list[int]:
    return list(Budget.objects.order_by("-year").values_list("year", flat=True))


def budget_summary(*, year: int) -> BudgetSummary | None:
    """Income budget by funding source with each source's share of the total (two queries)."""
    budget = Budget.objects.filter(year=year).first()
    if budget is None:
        return None
    lines = list(
        BudgetLine.objects.filter(budget=budget)
        .select_related("funder")
        .order_by("-amount", "funder__name")
    )
    total = BudgetLine.objects.filter(budget=budget).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal("0")
    rows = [
        BudgetRow(
            funder_name=line.funder.name,
            category=line.funder.get_category_display(),
            amount=line.amount,
            share_percent=(line.amount * 100 / total).quantize(Decimal("0.1"))
            if total
            else Decimal("0"),
        )
        for line in lines
    ]
    return BudgetSummary(budget=budget, rows=rows, total=total)
