"""Demo data of the budget against actuals (FIN-07) and other income (FIN-05, FIN-08), 2018.

- **The budget by service form**: the 2018 income budget of the plan (seed-spec §6.1,
  2 649 700 €) split by service form by the funding chart (§6.2): municipalities 1 148 000 €
  (Ensikoti, Alvari and Tapaamispaikka by purchase-service agreements, the City of Lahti's grant
  to Perhetupa), STEA 799 300 € (the demo grants of ``finance_grants``, form by form, and the
  general grant to the common costs), the state 655 000 € (Turvakoti), other income 47 400 €
  (Perhetupa's room rentals, Mieskaveri's sponsors, donations, bequests and training fees to the
  common items). The plan gives no cost budget: each unit's costs equal its income (a balanced
  budget), split by cost type; personnel costs are phased with the holiday pay of June–July.
- **Account ranges** mapping the demo chart of accounts to funding sources and cost types.
- **Twelve monthly actuals** imported through the real import as the finance manager
  ``talous``: each row is the month's budget times a small deterministic deviation (−4 %…+4 %,
  from the unit, month and account; no randomness), written in Finnish number format.
- **Other income**: a few donations (private donors without names, companies by name), a
  bequest, a sponsor, training fees, a fundraising; the earmarked fund *Lasten virkistys* with
  three donations in and three events it paid for.

Idempotent: nothing is added when the 2018 budget already has rows by service form (or the
budget or the finance manager is missing). Amounts other than the plan's totals are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django_scopes import scope

from tupa.accounts.models import User
from tupa.finance.actuals import services as actuals
from tupa.finance.actuals.services import BudgetItemData
from tupa.finance.income import services as income
from tupa.finance.income.services import IncomeData
from tupa.finance.models import AccountRange, ActualsImport, Budget, BudgetItem, OtherIncome
from tupa.finance.models.budget import BudgetKind, CostType
from tupa.finance.money import cents
from tupa.organisations.models import Funder, Organisation, ServiceForm

ACTOR = "talous"
YEAR = 2018
MUNICIPALITIES, STEA, STATE, OTHER = "Kunnat ja kuntayhtymät", "STEA", "Valtio (THL)", "Muut tuotot"
#: (service form slug or None for the common items, funder, amount, description); the sums per
#: funder are the plan's budget lines: 1 148 000 / 799 300 / 655 000 / 47 400 €.
INCOME: tuple[tuple[str | None, str, str, str], ...] = (
    ("ensikoti", MUNICIPALITIES, "760000.00", "Ostopalvelut PHHYKY ja muut käyttäjäkunnat"),
    ("alvari", MUNICIPALITIES, "198000.00", "Ostopalvelusopimus PHHYKY"),
    ("tapaamispaikka", MUNICIPALITIES, "145000.00", "Lapsen kotikunta maksaa käyttömaksun"),
    ("perhetupa", MUNICIPALITIES, "45000.00", "Lahden kaupungin avustus"),
    ("turvakoti", STATE, "655000.00", "Turvakotitoiminnan valtion rahoitus (THL)"),
    ("baby-blues", STEA, "110000.00", "Kohdennettu toiminta-avustus"),
    ("peukaloinen", STEA, "95000.00", "Kohdennettu toiminta-avustus"),
    ("avokriisityo", STEA, "150000.00", "Kohdennettu toiminta-avustus"),
    ("jussi-tyo", STEA, "120000.00", "Kohdennettu toiminta-avustus"),
    ("tpph", STEA, "70000.00", "Kohdennettu toiminta-avustus"),
    ("ero-lapsiperheessa", STEA, "90000.00", "Kohdennettu toiminta-avustus"),
    ("mieskaveri", STEA, "40000.00", "Kohdennettu toiminta-avustus (osittain myönnetty)"),
    ("lapsityo", STEA, "64300.00", "Hankerahoitus 2017–2020, vuoden 2018 osuus"),
    (None, STEA, "60000.00", "Yleisavustus"),
    ("perhetupa", OTHER, "6400.00", "Tilavuokrat (syntymäpäiväjuhlat)"),
    ("mieskaveri", OTHER, "5000.00", "Yhteistyökumppanit ja sponsorit"),
    (None, OTHER, "36000.00", "Lahjoitukset, testamentit ja koulutusmaksut"),
)
#: Each unit's costs by type, as shares of its income (the rest is "muut kulut").
COST_SHARES: tuple[tuple[str, Decimal], ...] = (
    (CostType.PERSONNEL, Decimal("0.74")),
    (CostType.PREMISES, Decimal("0.11")),
    (CostType.MATERIALS, Decimal("0.08")),
)
#: Personnel costs by month: holiday pay in June and July (weights sum to 12,7).
PERSONNEL_WEIGHTS = tuple(
    Decimal(w) for w in ("1", "1", "1", "1", "1", "1.4", "1.3", "1", "1", "1", "1", "1")
)
#: (first, last, kind, funder name, cost type) of the demo chart of accounts.
RANGES: tuple[tuple[int, int, str, str | None, str], ...] = (
    (3000, 3099, BudgetKind.INCOME, MUNICIPALITIES, ""),
    (3100, 3199, BudgetKind.INCOME, STEA, ""),
    (3200, 3299, BudgetKind.INCOME, STATE, ""),
    (3300, 3999, BudgetKind.INCOME, OTHER, ""),
    (4000, 4999, BudgetKind.COST, None, CostType.MATERIALS),
    (5000, 6799, BudgetKind.COST, None, CostType.PERSONNEL),
    (6800, 6999, BudgetKind.COST, None, CostType.DEPRECIATION),
    (7000, 7499, BudgetKind.COST, None, CostType.PREMISES),
    (7500, 8999, BudgetKind.COST, None, CostType.OTHER),
)
ACCOUNTS: dict[tuple[str, str], tuple[int, str]] = {
    (BudgetKind.INCOME, MUNICIPALITIES): (3000, "Myynti ja avustukset, kunnat"),
    (BudgetKind.INCOME, STEA): (3100, "STEA-avustukset"),
    (BudgetKind.INCOME, STATE): (3200, "Valtionrahoitus"),
    (BudgetKind.INCOME, OTHER): (3300, "Muut tuotot"),
    (BudgetKind.COST, CostType.MATERIALS): (4000, "Aineet, tarvikkeet ja palvelut"),
    (BudgetKind.COST, CostType.PERSONNEL): (5000, "Palkat ja henkilösivukulut"),
    (BudgetKind.COST, CostType.PREMISES): (7000, "Vuokrat ja toimitilakulut"),
    (BudgetKind.COST, CostType.OTHER): (8000, "Muut kulut"),
}
COMMON = "yhteiset"


@dataclass(frozen=True)
class DemoIncome:
    kind: str
    day: dt.date
    amount: str
    source_name: str = ""  # empty: a private person (no name stored)
    funder: str | None = OTHER
    to_fund: bool = False
    description: str = ""


K = OtherIncome.Kind
OTHER_INCOME: tuple[DemoIncome, ...] = (
    DemoIncome(K.DONATION, dt.date(2018, 1, 12), "50.00"),
    DemoIncome(K.DONATION, dt.date(2018, 2, 20), "1500.00", "Lahden Lions Club ry", to_fund=True),
    DemoIncome(K.DONATION, dt.date(2018, 3, 8), "100.00", to_fund=True),
    DemoIncome(K.TRAINING_FEE, dt.date(2018, 3, 22), "1200.00", "Päijät-Hämeen koulutuskeskus"),
    DemoIncome(
        K.SPONSOR,
        dt.date(2018, 4, 16),
        "2500.00",
        "Lahden Urheiluseura ry",
        description="Mieskaveri",
    ),
    DemoIncome(K.BEQUEST, dt.date(2018, 6, 4), "12000.00", description="Testamentti"),
    DemoIncome(K.DONATION, dt.date(2018, 9, 3), "800.00", "Rotaryklubi Lahti", to_fund=True),
    DemoIncome(K.TRAINING_FEE, dt.date(2018, 10, 11), "950.00", "Kouvolan seudun perhepalvelut"),
    DemoIncome(K.FUNDRAISING, dt.date(2018, 12, 10), "2340.00", description="Joulukeräys"),
    DemoIncome(K.DONATION, dt.date(2018, 12, 12), "300.00", to_fund=True),
)
FUND = (
    "Lasten virkistys",
    "Lasten ja perheiden virkistys: retket, leirit ja juhlat (Lapsityöryhmä).",
)
#: (day, amount, event) paid from the fund: in 1 500 + 100 + 800 + 300 = 2 700, used 2 250.
FUND_USES: tuple[tuple[dt.date, str, str], ...] = (
    (dt.date(2018, 5, 19), "650.00", "Perheiden kevätretki"),
    (dt.date(2018, 9, 15), "900.00", "Syysleirin ruokailut ja kuljetukset"),
    (dt.date(2018, 12, 14), "700.00", "Lasten joulujuhla"),
)


def build(*, organisation: Organisation) -> str | None:
    """Add the budget by service form, a year of actuals and the other income once; None if the
    rows exist or the 2018 budget, its funders or the finance manager are missing."""
    with scope(organisation=organisation.pk):
        budget = Budget.objects.filter(organisation=organisation, year=YEAR).first()
        actor = User.objects.filter(username=ACTOR, organisation=organisation).first()
        funders = {f.name: f for f in Funder.objects.filter(organisation=organisation)}
        if (
            budget is None
            or actor is None
            or any(f not in funders for f in (MUNICIPALITIES, STEA, STATE, OTHER))
        ):
            return None
        if BudgetItem.objects.filter(budget=budget).exists():
            return None
        forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        with transaction.atomic():
            items = _budget(actor, forms, funders)
            _ranges(actor, organisation, funders)
            months = _actuals(actor, organisation, forms)
            incomes, uses = _other_income(actor, organisation, funders)
        return (
            f"Talous vs. toteuma {YEAR}: {items} talousarvion riviä, {months} kuukauden "
            f"toteuma; muita tuottoja {incomes}, rahaston käyttöjä {uses}."
        )


def _unit_key(slug: str | None, forms: dict[str, ServiceForm]) -> str | None:
    return slug if slug is not None and slug in forms else None


def _budget(actor: User, forms: dict[str, ServiceForm], funders: dict[str, Funder]) -> int:
    income_rows: dict[tuple[str | None, str], tuple[Decimal, str]] = {}
    for slug, funder, text_amount, description in INCOME:
        key = (_unit_key(slug, forms), funder)
        before, text = income_rows.get(key, (Decimal("0"), description))
        income_rows[key] = (before + Decimal(text_amount), text)
    unit_income: dict[str | None, Decimal] = {}
    count = 0
    for (unit, funder), (amount, description) in income_rows.items():
        actuals.budget_item_create(
            actor=actor,
            year=YEAR,
            data=BudgetItemData(
                kind=BudgetKind.INCOME,
                amount=amount,
                service_form=forms.get(unit) if unit else None,
                funder=funders[funder],
                description=description,
            ),
        )
        unit_income[unit] = unit_income.get(unit, Decimal("0")) + amount
        count += 1
    for unit, total in unit_income.items():
        rest = total
        for cost_type, share in COST_SHARES:
            part = cents(total * share)
            rest -= part
            _cost(actor, forms, unit, cost_type, part)
            count += 1
        _cost(actor, forms, unit, CostType.OTHER, rest)
        count += 1
    return count


def _phased(amount: Decimal) -> list[Decimal]:
    weight = sum(PERSONNEL_WEIGHTS, Decimal("0"))
    months = [cents(amount * w / weight) for w in PERSONNEL_WEIGHTS[:11]]
    return [*months, amount - sum(months, Decimal("0"))]


def _cost(
    actor: User, forms: dict[str, ServiceForm], unit: str | None, cost_type: str, amount: Decimal
) -> None:
    actuals.budget_item_create(
        actor=actor,
        year=YEAR,
        data=BudgetItemData(
            kind=BudgetKind.COST,
            amount=amount,
            service_form=forms.get(unit) if unit else None,
            cost_type=cost_type,
            phasing=_phased(amount) if cost_type == CostType.PERSONNEL else [],
        ),
    )


def _ranges(actor: User, organisation: Organisation, funders: dict[str, Funder]) -> None:
    if AccountRange.objects.filter(organisation=organisation).exists():
        return
    for first, last, kind, funder, cost_type in RANGES:
        actuals.account_range_add(
            actor=actor,
            first_account=first,
            last_account=last,
            kind=kind,
            funder=funders[funder] if funder else None,
            cost_type=cost_type,
        )


def _finnish(amount: Decimal) -> str:
    """``-12345.6`` → ``-12 345,60`` (the accounting system's format)."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def _actuals(actor: User, organisation: Organisation, forms: dict[str, ServiceForm]) -> int:
    if ActualsImport.objects.filter(organisation=organisation).exists():
        return 0
    items = list(
        BudgetItem.objects.filter(budget__organisation=organisation, budget__year=YEAR)
        .select_related("service_form", "funder")
        .order_by("pk")
    )
    order = {slug: i for i, slug in enumerate(sorted(forms))}
    for month in range(1, 13):
        lines = ["Kausi;Kustannuspaikka;Tili;Tilin nimi;Summa"]
        for item in items:
            key = item.funder.name if item.funder else item.cost_type
            account, name = ACCOUNTS[(item.kind, key)]
            slug = item.service_form.slug if item.service_form else COMMON
            unit = order.get(slug, len(order))
            step = (unit * 7 + month * 4 + month * month % 7 + account // 100 * 3) % 9 - 4
            amount = cents(item.monthly_amounts()[month - 1] * (1 + Decimal(step) / 100))
            lines.append(f"{YEAR}-{month:02d};{slug};{account};{name};{_finnish(amount)}")
        actuals.actuals_import(
            actor=actor,
            file_name=f"kirjanpito-kustannuspaikat-{YEAR}-{month:02d}.csv",
            data=("\n".join(lines) + "\n").encode("utf-8"),
        )
    return 12


def _other_income(
    actor: User, organisation: Organisation, funders: dict[str, Funder]
) -> tuple[int, int]:
    if OtherIncome.objects.filter(organisation=organisation).exists():
        return 0, 0
    fund = income.fund_create(actor=actor, name=FUND[0], purpose=FUND[1])
    for spec in OTHER_INCOME:
        income.income_create(
            actor=actor,
            data=IncomeData(
                kind=spec.kind,
                received_on=spec.day,
                amount=Decimal(spec.amount),
                source_kind=OtherIncome.Source.ORGANISATION
                if spec.source_name
                else OtherIncome.Source.PRIVATE,
                source_name=spec.source_name,
                funder=funders.get(spec.funder) if spec.funder else None,
                fund=fund if spec.to_fund else None,
                description=spec.description,
            ),
        )
    for day, amount, event in FUND_USES:
        income.fund_use_add(
            actor=actor, fund=fund, used_on=day, amount=Decimal(amount), event=event
        )
    return len(OTHER_INCOME), len(FUND_USES)
