"""The monthly actuals from the accounting system's CSV: the dry run and the import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import policy
from tupa.core.dates import fi_date
from tupa.core.params import plain_int
from tupa.core.wallclock import local_date
from tupa.finance.actuals import parsing
from tupa.finance.models import (
    ActualEntry,
    ActualsImport,
)
from tupa.finance.models.budget import BudgetKind
from tupa.finance.money import cents, column_limit
from tupa.organisations.models import Organisation, ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import MANAGE, ZERO
from .ranges import Range, ranges_of

#: Cost-centre values meaning the common income and costs (no service form).
COMMON_CENTRES = frozenset({"yhteiset", "yhteinen", "gemensamma", "common"})
#: Header names accepted for each column (compared case-insensitively, "(€)" and "€" dropped).
COLUMNS: dict[str, frozenset[str]] = {
    "period": frozenset({"period", "kausi", "jakso", "kuukausi", "kk", "month"}),
    "cost_centre": frozenset(
        {"cost centre", "cost center", "kustannuspaikka", "kp", "kustannuspaikan tunnus"}
    ),
    "account": frozenset({"account", "tili", "tilinumero"}),
    "account_name": frozenset({"account name", "tilin nimi", "tilinimi", "nimi"}),
    "amount": frozenset({"amount", "summa", "määrä", "euroa", "eur"}),
}
REQUIRED_COLUMNS = ("period", "cost_centre", "account", "amount")
#: What ``ActualEntry.amount`` holds: an amount must stay below this either way.
AMOUNT_LIMIT = column_limit(ActualEntry, "amount")
COLUMN_LABELS = {
    "period": "kausi",
    "cost_centre": "kustannuspaikka",
    "account": "tili",
    "amount": "summa",
}


@dataclass(frozen=True)
class Row:
    """One valid row of the file, resolved."""

    line: int
    month: dt.date
    cost_centre: str
    service_form_id: int | None
    unit_name: str
    account: int
    account_name: str
    kind: str
    funder_id: int | None
    cost_type: str
    amount: Decimal


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class MonthPlan:
    """What the file brings for one month, and what it replaces."""

    month: dt.date
    rows: int = 0
    income: Decimal = ZERO
    cost: Decimal = ZERO
    replaces_rows: int = 0
    replaces_income: Decimal = ZERO
    replaces_cost: Decimal = ZERO
    replaces_files: list[str] = field(default_factory=list)

    @property
    def result(self) -> Decimal:
        return self.income - self.cost


@dataclass
class ImportPlan:
    """The dry run of one file: its rows, its errors and what it would replace."""

    file_name: str
    sha256: str
    income_negative: bool
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    months: list[MonthPlan] = field(default_factory=list)
    duplicate_of: ActualsImport | None = None

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not self.file_errors

    @property
    def income(self) -> Decimal:
        return sum((m.income for m in self.months), ZERO)

    @property
    def cost(self) -> Decimal:
        return sum((m.cost for m in self.months), ZERO)


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().lower().replace("(€)", "").replace("€", "").strip()
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = index
    missing = [
        _("Tiedostosta puuttuu sarake: %(name)s.") % {"name": COLUMN_LABELS[c]}
        for c in REQUIRED_COLUMNS
        if c not in found
    ]
    return found, missing


def _units(organisation_id: int) -> dict[str, ServiceForm]:
    units: dict[str, ServiceForm] = {}
    for form in ServiceForm.objects.filter(organisation_id=organisation_id).order_by("pk"):
        units.setdefault(form.name.strip().lower(), form)
        units[form.slug.lower()] = form
    return units


def _range_for(ranges: Iterable[Range], account: int) -> Range | None:
    return next((r for r in ranges if r.first <= account <= r.last), None)


def actuals_plan(
    *, organisation_id: int, file_name: str, data: bytes, income_negative: bool = False
) -> ImportPlan:
    """The dry run: every row read and checked, nothing written (three queries or so)."""
    plan = ImportPlan(
        file_name=file_name, sha256=parsing.sha256_of(data), income_negative=income_negative
    )
    plan.duplicate_of = (
        ActualsImport.objects.filter(organisation_id=organisation_id, file_sha256=plan.sha256)
        .select_related("imported_by")
        .first()
    )
    if plan.duplicate_of is not None:
        plan.file_errors.append(
            _("Sama tiedosto on jo tuotu %(when)s (%(name)s). Samaa tiedostoa ei tuoda kahdesti.")
            % {
                "when": fi_date(local_date(plan.duplicate_of.imported_at)),
                "name": plan.duplicate_of.file_name,
            }
        )
        return plan
    try:
        parsed = parsing.parse(data)
    except ValidationError as error:
        plan.file_errors.extend(error.messages)
        return plan
    columns, missing = _columns(parsed.header)
    if missing:
        plan.file_errors.extend(missing)
        return plan
    units = _units(organisation_id)
    ranges = ranges_of(organisation_id)
    by_month: dict[dt.date, MonthPlan] = {}
    for line, cells in parsed.rows:
        row = _row(
            line, cells, columns, units=units, ranges=ranges, income_negative=income_negative
        )
        if isinstance(row, RowError):
            plan.errors.append(row)
            continue
        plan.rows.append(row)
        month = by_month.setdefault(row.month, MonthPlan(month=row.month))
        month.rows += 1
        if row.kind == BudgetKind.INCOME:
            month.income += row.amount
        else:
            month.cost += row.amount
    _replacements(organisation_id, by_month)
    plan.months = [by_month[m] for m in sorted(by_month)]
    return plan


def _row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    *,
    units: dict[str, ServiceForm],
    ranges: list[Range],
    income_negative: bool,
) -> Row | RowError:
    def cell(column: str) -> str:
        index = columns.get(column)
        return cells[index] if index is not None else ""

    period, centre, account_text = cell("period"), cell("cost_centre"), cell("account")
    amount_text = cell("amount")
    problems: list[str] = []
    try:
        year, month_number = parsing.month_of(period)
        month = dt.date(year, month_number, 1)
    except ValueError:
        month = None
        problems.append(
            _("kausi “%(value)s” ei ole kuukausi muodossa VVVV-KK (esim. 2018-03)")
            % {"value": period}
        )
    unit: ServiceForm | None = None
    if not centre:
        problems.append(_("kustannuspaikka puuttuu (yhteisille kuluille: yhteiset)"))
    elif centre.lower() not in COMMON_CENTRES:
        unit = units.get(centre.lower())
        if unit is None:
            problems.append(_("tuntematon kustannuspaikka “%(value)s”") % {"value": centre})
    account: int | None = None
    found: Range | None = None
    number = plain_int(account_text)
    if number is None or not 1 <= number <= 99999:
        problems.append(_("tili “%(value)s” ei ole tilinumero") % {"value": account_text})
    else:
        account = number
        found = _range_for(ranges, account)
        if found is None:
            problems.append(
                _("tili %(account)s ei kuulu tuottojen eikä kulujen tiliväleihin")
                % {"account": account}
            )
    try:
        amount = parsing.finnish_decimal(amount_text)
    except ValueError:
        amount = None
        problems.append(
            _(
                "summa “%(value)s” ei ole euromäärä (esim. 1 234,56 tai -45,00; "
                "enintään kaksi desimaalia)"
            )
            % {"value": amount_text}
        )
    if amount is not None and abs(amount) >= AMOUNT_LIMIT:
        amount = None
        problems.append(
            _(
                "summa “%(value)s” on liian suuri (enintään 999 999 999 999,99 euroa "
                "kumpaankin suuntaan)"
            )
            % {"value": amount_text}
        )
    if problems or month is None or account is None or found is None or amount is None:
        return RowError(
            line,
            _("Rivi %(line)s: %(problems)s.")
            % {
                "line": line,
                "problems": "; ".join(problems),
            },
        )
    if found.kind == BudgetKind.INCOME and income_negative:
        amount = -amount
    return Row(
        line=line,
        month=month,
        cost_centre=centre,
        service_form_id=unit.pk if unit else None,
        unit_name=unit.name if unit else _("Yhteiset"),
        account=account,
        account_name=cell("account_name")[:200],
        kind=found.kind,
        funder_id=found.funder_id,
        cost_type=found.cost_type,
        amount=amount,
    )


def _stored_by_import(organisation_id: int, months: list[dt.date]) -> QuerySet[Any]:
    """The actuals already stored for ``months``: per month and import, the file's name, the
    rows and the sums of income and costs. The dry run shows them, the import records them as
    replaced; both must count the same."""
    return (
        ActualEntry.objects.filter(organisation_id=organisation_id, month__in=months)
        .values("month", "source_import_id", "source_import__file_name")
        .annotate(
            rows=Count("pk"),
            income=Sum("amount", filter=Q(kind=BudgetKind.INCOME)),
            cost=Sum("amount", filter=Q(kind=BudgetKind.COST)),
        )
        .order_by("month", "source_import_id")
    )


def _replacements(organisation_id: int, months: dict[dt.date, MonthPlan]) -> None:
    if not months:
        return
    for found in _stored_by_import(organisation_id, list(months)):
        month = months[found["month"]]
        month.replaces_rows += found["rows"]
        month.replaces_income += found["income"] or ZERO
        month.replaces_cost += found["cost"] or ZERO
        month.replaces_files.append(found["source_import__file_name"])


@transaction.atomic
def actuals_import(
    *, actor: User, file_name: str, data: bytes, income_negative: bool = False
) -> ActualsImport:
    """Store the file's rows, all or nothing; replaces the actuals of every month it carries."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    with scope(organisation=organisation_id):
        # One import at a time per organisation: the replaced months stay consistent.
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        plan = actuals_plan(
            organisation_id=organisation_id,
            file_name=file_name,
            data=data,
            income_negative=income_negative,
        )
        if not plan.ok:
            messages = plan.file_errors + [e.message for e in plan.errors[:20]]
            if not messages:
                messages = [_("Tiedostossa ei ole tuotavia rivejä.")]
            raise ValidationError(messages)
        months = [m.month for m in plan.months]
        replaced = [
            {
                "month": f"{found['month']:%Y-%m}",
                "import": found["source_import_id"],
                "file": found["source_import__file_name"],
                "rows": found["rows"],
                "income": str(cents(found["income"] or ZERO)),
                "cost": str(cents(found["cost"] or ZERO)),
            }
            for found in _stored_by_import(organisation_id, months)
        ]
        ActualEntry.objects.filter(organisation_id=organisation_id, month__in=months).delete()
        batch = ActualsImport(
            organisation=organisation,
            file_name=file_name[:200],
            file_sha256=plan.sha256,
            imported_by=actor,
            income_negative=income_negative,
            months=[f"{m:%Y-%m}" for m in months],
            row_count=len(plan.rows),
            income_total=plan.income,
            cost_total=plan.cost,
            replaced=replaced,
        )
        batch.full_clean()
        batch.save()
        ActualEntry.objects.bulk_create(
            [
                ActualEntry(
                    organisation=organisation,
                    source_import=batch,
                    month=row.month,
                    cost_centre=row.cost_centre[:60],
                    service_form_id=row.service_form_id,
                    account=row.account,
                    account_name=row.account_name,
                    kind=row.kind,
                    funder_id=row.funder_id,
                    cost_type=row.cost_type,
                    amount=row.amount,
                )
                for row in plan.rows
            ],
            batch_size=500,
        )
    return batch
