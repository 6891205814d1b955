"""Reads of the budget against actuals (FIN-07): the board's view, the budget rows, the imports.

**The board's view** of a year and a month *M* (the last month with actuals unless chosen), per
service form (the cost centre), for the common items and in total, income and costs separately
and their result (income − costs):

- *kuukauden talousarvio / toteuma*: month *M*'s budget (the rows' monthly amounts) and actuals;
- *kertymä*: the budget and actuals of January–*M*; **poikkeama** = actual − budget, in euros
  and as a percentage of the budget (none when the budget is 0);
- **ennuste** (forecast for the year) = actuals January–*M* + the budget of the months after
  *M*; its difference from the year's budget.

A month without actuals for a unit counts as 0 for it. Computed in :class:`~decimal.Decimal` from
the rows, so every total equals the sum of its rows. A constant number of queries (four).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.finance.models import AccountRange, ActualEntry, ActualsImport, Budget, BudgetItem
from tupa.finance.models.budget import BudgetKind, CostType
from tupa.finance.money import cents
from tupa.organisations.models import ServiceForm

ZERO = Decimal("0.00")
MONTHS = 12
MONTH_NAMES = (
    gettext_lazy("tammikuu"),
    gettext_lazy("helmikuu"),
    gettext_lazy("maaliskuu"),
    gettext_lazy("huhtikuu"),
    gettext_lazy("toukokuu"),
    gettext_lazy("kesäkuu"),
    gettext_lazy("heinäkuu"),
    gettext_lazy("elokuu"),
    gettext_lazy("syyskuu"),
    gettext_lazy("lokakuu"),
    gettext_lazy("marraskuu"),
    gettext_lazy("joulukuu"),
)


def _zeros() -> list[Decimal]:
    return [ZERO] * MONTHS


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / abs(whole)).quantize(Decimal("0.1"))


@dataclass
class Figures:
    """Budget and actuals of one line by month, read as of month ``month`` (0: none closed)."""

    month: int
    budget: list[Decimal] = field(default_factory=_zeros)
    actual: list[Decimal] = field(default_factory=_zeros)

    def add(self, other: Figures) -> None:
        self.budget = [a + b for a, b in zip(self.budget, other.budget, strict=True)]
        self.actual = [a + b for a, b in zip(self.actual, other.actual, strict=True)]

    def minus(self, other: Figures) -> Figures:
        return Figures(
            month=self.month,
            budget=[a - b for a, b in zip(self.budget, other.budget, strict=True)],
            actual=[a - b for a, b in zip(self.actual, other.actual, strict=True)],
        )

    @property
    def month_budget(self) -> Decimal:
        return self.budget[self.month - 1] if self.month else ZERO

    @property
    def month_actual(self) -> Decimal:
        return self.actual[self.month - 1] if self.month else ZERO

    @property
    def month_variance(self) -> Decimal:
        return self.month_actual - self.month_budget

    @property
    def ytd_budget(self) -> Decimal:
        return sum(self.budget[: self.month], ZERO)

    @property
    def ytd_actual(self) -> Decimal:
        return sum(self.actual[: self.month], ZERO)

    @property
    def variance(self) -> Decimal:
        return self.ytd_actual - self.ytd_budget

    @property
    def variance_percent(self) -> Decimal | None:
        return _percent(self.variance, self.ytd_budget)

    @property
    def year_budget(self) -> Decimal:
        return sum(self.budget, ZERO)

    @property
    def forecast(self) -> Decimal:
        """Actuals January–month + the budget of the months after it."""
        return self.ytd_actual + sum(self.budget[self.month :], ZERO)

    @property
    def forecast_variance(self) -> Decimal:
        return self.forecast - self.year_budget

    @property
    def is_empty(self) -> bool:
        return not any(self.budget) and not any(self.actual)


@dataclass
class Unit:
    """A service form (cost centre), the common items (``service_form_id`` None) or the total."""

    name: str
    service_form_id: int | None
    income: Figures
    cost: Figures

    @property
    def result(self) -> Figures:
        return self.income.minus(self.cost)

    @property
    def lines(self) -> list[tuple[str, Figures]]:
        return [(_("Tuotot"), self.income), (_("Kulut"), self.cost), (_("Tulos"), self.result)]


@dataclass(frozen=True)
class Line:
    label: str
    figures: Figures


@dataclass(frozen=True)
class CumulativeMonth:
    label: str
    income_budget: Decimal
    income_actual: Decimal | None
    cost_budget: Decimal
    cost_actual: Decimal | None


@dataclass
class Board:
    year: int
    month: int
    months_with_actuals: list[int]
    budget: Budget | None
    units: list[Unit]
    total: Unit
    by_source: list[Line]
    by_cost_type: list[Line]
    cumulative: list[CumulativeMonth]

    @property
    def month_name(self) -> str:
        return str(MONTH_NAMES[self.month - 1]) if self.month else ""

    @property
    def has_data(self) -> bool:
        return self.budget is not None or bool(self.months_with_actuals)


def board_years(*, organisation_id: int) -> list[int]:
    """Years with a budget or actuals, newest first (two queries)."""
    years = set(
        Budget.objects.filter(organisation_id=organisation_id).values_list("year", flat=True)
    )
    years.update(
        d.year
        for d in ActualEntry.objects.filter(organisation_id=organisation_id).dates("month", "year")
    )
    return sorted(years, reverse=True)


def _cumulative(values: list[Decimal]) -> list[Decimal]:
    out, running = [], ZERO
    for value in values:
        running += value
        out.append(running)
    return out


def board(*, organisation_id: int, year: int, month: int | None = None) -> Board:
    """The board's view of ``year`` as of ``month`` (default: the last month with actuals)."""
    budget = Budget.objects.filter(organisation_id=organisation_id, year=year).first()
    items = (
        list(BudgetItem.objects.filter(budget=budget).select_related("funder"))
        if budget is not None
        else []
    )
    actuals = list(
        ActualEntry.objects.filter(organisation_id=organisation_id, month__year=year)
        .values("service_form_id", "kind", "funder_id", "funder__name", "cost_type", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    months_with_actuals = sorted({row["month"].month for row in actuals})
    if month is None or not 0 <= month <= MONTHS:
        month = months_with_actuals[-1] if months_with_actuals else 0
    forms = list(
        ServiceForm.objects.filter(organisation_id=organisation_id).values_list("pk", "name")
    )

    units: dict[int | None, Unit] = {}

    def unit(form_id: int | None) -> Unit:
        if form_id not in units:
            units[form_id] = Unit("", form_id, Figures(month), Figures(month))
        return units[form_id]

    sources: dict[int | None, tuple[str, Figures]] = {}
    costs: dict[str, Figures] = {}

    def source(funder_id: int | None, name: str | None) -> Figures:
        if funder_id not in sources:
            sources[funder_id] = (name or _("Rahoituslähde ei tiedossa"), Figures(month))
        return sources[funder_id][1]

    def cost_type(key: str) -> Figures:
        return costs.setdefault(key, Figures(month))

    for item in items:
        target = unit(item.service_form_id)
        amounts = item.monthly_amounts()
        if item.kind == BudgetKind.INCOME:
            sides = [
                target.income,
                source(item.funder_id, item.funder.name if item.funder else None),
            ]
        else:
            sides = [target.cost, cost_type(item.cost_type)]
        for figures in sides:
            figures.budget = [a + b for a, b in zip(figures.budget, amounts, strict=True)]
    for row in actuals:
        target = unit(row["service_form_id"])
        index = row["month"].month - 1
        row_total = cents(row["total"] or ZERO)
        if row["kind"] == BudgetKind.INCOME:
            sides = [target.income, source(row["funder_id"], row["funder__name"])]
        else:
            sides = [target.cost, cost_type(row["cost_type"])]
        for figures in sides:
            figures.actual[index] += row_total

    ordered: list[Unit] = []
    for pk, name in forms:
        if pk in units:
            units[pk].name = name
            ordered.append(units[pk])
    if None in units:
        units[None].name = _("Yhteiset")
        ordered.append(units[None])
    total = Unit(_("Yhteensä"), None, Figures(month), Figures(month))
    for found in ordered:
        total.income.add(found.income)
        total.cost.add(found.cost)

    labels = dict(CostType.choices)
    by_cost_type = [
        Line(str(labels.get(key, key or _("Kululaji ei tiedossa"))).capitalize(), costs[key])
        for key in [*CostType.values, *sorted(k for k in costs if k not in CostType.values)]
        if key in costs
    ]
    by_source = sorted(
        (Line(label, figures) for label, figures in sources.values()),
        key=lambda line: (-line.figures.year_budget, line.label),
    )
    income_budget = _cumulative(total.income.budget)
    income_actual = _cumulative(total.income.actual)
    cost_budget = _cumulative(total.cost.budget)
    cost_actual = _cumulative(total.cost.actual)
    cumulative = [
        CumulativeMonth(
            label=str(i + 1),
            income_budget=income_budget[i],
            income_actual=income_actual[i] if i < month else None,
            cost_budget=cost_budget[i],
            cost_actual=cost_actual[i] if i < month else None,
        )
        for i in range(MONTHS)
    ]
    return Board(
        year=year,
        month=month,
        months_with_actuals=months_with_actuals,
        budget=budget,
        units=ordered,
        total=total,
        by_source=by_source,
        by_cost_type=by_cost_type,
        cumulative=cumulative,
    )


# --- the budget rows ---------------------------------------------------------------------


@dataclass
class ItemGroup:
    """The budget rows of one service form (or the common ones) with their sums."""

    name: str
    items: list[BudgetItem]
    income: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def result(self) -> Decimal:
        return self.income - self.cost


@dataclass
class ItemTable:
    budget: Budget | None
    groups: list[ItemGroup]
    income: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def result(self) -> Decimal:
        return self.income - self.cost


def budget_items(*, organisation_id: int, year: int) -> ItemTable:
    """The rows of the year's budget by service form, common rows last (three queries)."""
    budget = Budget.objects.filter(organisation_id=organisation_id, year=year).first()
    if budget is None:
        return ItemTable(budget=None, groups=[])
    items = list(
        BudgetItem.objects.filter(budget=budget)
        .select_related("service_form", "funder")
        .order_by("pk")
    )
    cost_order = {value: i for i, value in enumerate(CostType.values)}
    items.sort(
        key=lambda i: (
            i.kind != BudgetKind.INCOME,
            i.funder.name if i.funder else "",
            cost_order.get(i.cost_type, 99),
        )
    )
    order = {
        pk: i
        for i, pk in enumerate(
            ServiceForm.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True)
        )
    }
    groups: dict[int | None, ItemGroup] = {}
    for item in items:
        name = item.service_form.name if item.service_form else _("Yhteiset")
        group = groups.setdefault(item.service_form_id, ItemGroup(name=name, items=[]))
        group.items.append(item)
        if item.kind == BudgetKind.INCOME:
            group.income += item.amount
        else:
            group.cost += item.amount
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, order.get(kv[0] or 0, 0)))
    table = ItemTable(budget=budget, groups=[g for _k, g in ordered])
    table.income = sum((g.income for g in table.groups), ZERO)
    table.cost = sum((g.cost for g in table.groups), ZERO)
    return table


def budget_item_of(organisation_id: int, year: int, pk: int) -> BudgetItem | None:
    """Row ``pk`` of the organisation's budget of ``year``, or None."""
    return (
        BudgetItem.objects.filter(pk=pk, budget__organisation_id=organisation_id, budget__year=year)
        .select_related("budget", "service_form", "funder")
        .first()
    )


# --- imports and account ranges ----------------------------------------------------------


def recent_imports(*, organisation_id: int, limit: int = 30) -> list[ActualsImport]:
    """The latest imports with who made them (the audit trail), newest first (one query)."""
    return list(
        ActualsImport.objects.filter(organisation_id=organisation_id)
        .select_related("imported_by")
        .order_by("-imported_at", "-pk")[:limit]
    )


def account_ranges(*, organisation_id: int) -> list[AccountRange]:
    return list(
        AccountRange.objects.filter(organisation_id=organisation_id)
        .select_related("funder")
        .order_by("first_account")
    )


def account_range_of(organisation_id: int, pk: int) -> AccountRange | None:
    return AccountRange.objects.filter(organisation_id=organisation_id, pk=pk).first()
