"""Budget by service form and the monthly actuals: services and the board's figures, every
figure computed by hand in the comments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.finance.actuals import parsing, selectors, services
from tupa.finance.actuals.services import BudgetItemData
from tupa.finance.models import AccountRange, ActualEntry, ActualsImport, Budget, BudgetItem
from tupa.finance.models.budget import BudgetKind, CostType
from tupa.organisations.models import Funder

pytestmark = pytest.mark.django_db

D = Decimal
INCOME, COST = BudgetKind.INCOME, BudgetKind.COST


def funder(org: Any, name: str, category: str = Funder.Category.MUNICIPALITIES) -> Funder:
    with scopes_disabled():
        return Funder.objects.create(organisation=org, name=name, category=category)  # type: ignore[no-any-return]


def setup_org() -> dict[str, Any]:
    org = OrganisationFactory()
    return {
        "org": org,
        "finance": org_role_user(org, Role.FINANCE),
        "a": ServiceFormFactory(area__organisation=org, name="Ensikoti", slug="ensikoti"),
        "b": ServiceFormFactory(area__organisation=org, name="Turvakoti", slug="turvakoti"),
        "kunnat": funder(org, "Kunnat"),
        "valtio": funder(org, "Valtio", Funder.Category.STATE),
    }


def item(ctx: dict[str, Any], **kw: Any) -> BudgetItem:
    year = kw.pop("year", 2018)
    return services.budget_item_create(actor=ctx["finance"], year=year, data=BudgetItemData(**kw))


def csv_bytes(*lines: str, header: str = "kausi;kustannuspaikka;tili;tilin nimi;summa") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def do_import(ctx: dict[str, Any], data: bytes, name: str = "toteuma.csv", **kw: Any) -> Any:
    return services.actuals_import(actor=ctx["finance"], file_name=name, data=data, **kw)


def plan(ctx: dict[str, Any], data: bytes, **kw: Any) -> services.ImportPlan:
    with scope(organisation=ctx["org"].pk):
        return services.actuals_plan(
            organisation_id=ctx["org"].pk, file_name="t.csv", data=data, **kw
        )


# --- Finnish numbers and months --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", D("1234.56")),
        ("1\u00a0000", D("1000.00")),
        ("-45,5", D("-45.50")),
        ("\u221212", D("-12.00")),
        ("1.234,56", D("1234.56")),
        ("1234.56", D("1234.56")),
        ("0", D("0.00")),
    ],
)
def test_finnish_decimal_reads_what_accounting_exports(text: str, expected: Decimal) -> None:
    assert parsing.finnish_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "12,345", "1,2,3", "1.2.3", "12 €", "--1"])
def test_finnish_decimal_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parsing.finnish_decimal(text)


@pytest.mark.parametrize("text", ["2018-13", "2018-00", "18-01", "2018/01", "1999-12", ""])
def test_month_refuses_anything_but_yyyy_mm(text: str) -> None:
    with pytest.raises(ValueError):
        parsing.month_of(text)


def test_month_reads_yyyy_mm() -> None:
    assert parsing.month_of("2018-03") == (2018, 3)
    assert parsing.month_of(" 2018-3 ") == (2018, 3)


# --- the budget rows ---------------------------------------------------------------------------


def test_even_phasing_puts_the_rounding_difference_in_december() -> None:
    # 1 000,00 / 12 = 83,333… → 83,33 for January–November (11 × 83,33 = 916,63),
    # December 1 000,00 − 916,63 = 83,37; the months sum to the year.
    months = BudgetItem(amount=D("1000.00")).monthly_amounts()
    assert months[:11] == [D("83.33")] * 11
    assert months[11] == D("83.37")
    assert sum(months) == D("1000.00")


def test_create_creates_the_years_budget_and_stores_even_phasing_as_empty() -> None:
    ctx = setup_org()
    found = item(
        ctx,
        kind=INCOME,
        amount=D("1200"),
        service_form=ctx["a"],
        funder=ctx["kunnat"],
        cost_type="personnel",  # dropped: income has no cost type
        phasing=[D("100")] * 12,  # the same as the even spread
    )
    assert found.cost_type == ""
    assert found.phasing == []
    assert found.amount == D("1200.00")
    with scopes_disabled():
        assert Budget.objects.get(pk=found.budget_id).year == 2018


def test_own_phasing_must_sum_to_the_year() -> None:
    ctx = setup_org()
    months = [D("0")] * 11 + [D("500")]
    with pytest.raises(ValidationError) as error:
        item(ctx, kind=COST, amount=D("600"), cost_type=CostType.OTHER, phasing=months)
    assert error.value.message_dict["phasing"] == [
        "Kuukausien summa 500,00 € ei ole vuoden summa 600,00 €."
    ]
    with pytest.raises(ValidationError) as error:
        item(ctx, kind=COST, amount=D("600"), cost_type=CostType.OTHER, phasing=[D("600")])
    assert "kahdentoista" in error.value.message_dict["phasing"][0]
    found = item(
        ctx, kind=COST, amount=D("600"), cost_type=CostType.OTHER, phasing=[*months[:11], D("600")]
    )
    assert found.monthly_amounts()[11] == D("600")
    assert found.phasing == ["0.00"] * 11 + ["600.00"]


def test_income_needs_a_funder_cost_a_type_and_rows_are_unique() -> None:
    ctx = setup_org()
    with pytest.raises(ValidationError) as error:
        item(ctx, kind=INCOME, amount=D("1"), service_form=ctx["a"])
    assert error.value.message_dict["funder"] == ["Valitse tuoton rahoituslähde."]
    with pytest.raises(ValidationError) as error:
        item(ctx, kind=COST, amount=D("1"), service_form=ctx["a"], funder=ctx["kunnat"])
    assert error.value.message_dict["cost_type"] == ["Valitse kululaji."]
    with pytest.raises(ValidationError) as error:
        item(ctx, kind=COST, amount=D("-1"), cost_type=CostType.OTHER)
    assert "amount" in error.value.message_dict
    item(ctx, kind=COST, amount=D("5"), cost_type=CostType.OTHER)  # common costs
    with pytest.raises(ValidationError) as error:
        item(ctx, kind=COST, amount=D("6"), cost_type=CostType.OTHER)
    assert "muokkaa" in error.value.message_dict["cost_type"][0]


def test_update_and_delete_keep_the_rules() -> None:
    ctx = setup_org()
    first = item(ctx, kind=COST, amount=D("5"), cost_type=CostType.OTHER)
    second = item(ctx, kind=COST, amount=D("5"), cost_type=CostType.PERSONNEL)
    with pytest.raises(ValidationError):
        services.budget_item_update(
            actor=ctx["finance"],
            item=second,
            data=BudgetItemData(kind=COST, amount=D("7"), cost_type=CostType.OTHER),
        )
    changed = services.budget_item_update(
        actor=ctx["finance"],
        item=first,
        data=BudgetItemData(kind=COST, amount=D("7.50"), cost_type=CostType.OTHER),
    )
    assert changed.amount == D("7.50")
    services.budget_item_delete(actor=ctx["finance"], item=second)
    with scopes_disabled():
        assert list(BudgetItem.objects.values_list("amount", flat=True)) == [D("7.50")]


def test_only_finance_writes_and_only_its_own_organisations_rows() -> None:
    ctx = setup_org()
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.budget_item_create(
            actor=director,
            year=2018,
            data=BudgetItemData(kind=COST, amount=D("1"), cost_type=CostType.OTHER),
        )
    other = OrganisationFactory()
    other_form = ServiceFormFactory(area__organisation=other)
    with pytest.raises(PermissionDenied):
        item(ctx, kind=COST, amount=D("1"), cost_type=CostType.OTHER, service_form=other_form)
    with pytest.raises(PermissionDenied):
        do_import({"finance": director}, csv_bytes("2018-01;ensikoti;3000;x;1,00"))


# --- account ranges --------------------------------------------------------------------------


def test_account_ranges_do_not_overlap_and_replace_the_defaults() -> None:
    ctx = setup_org()
    with scope(organisation=ctx["org"].pk):
        first = services.ranges_of(ctx["org"].pk)[0]
    assert (first.first, first.last) == (3000, 3999)
    services.account_range_add(
        actor=ctx["finance"],
        first_account=3000,
        last_account=3099,
        kind=INCOME,
        funder=ctx["kunnat"],
    )
    with pytest.raises(ValidationError) as error:
        services.account_range_add(
            actor=ctx["finance"], first_account=3050, last_account=3199, kind=INCOME
        )
    assert error.value.message_dict["first_account"] == [
        "Väli menee päällekkäin tilivälin 3000–3099 kanssa."
    ]
    with pytest.raises(ValidationError) as error:
        services.account_range_add(
            actor=ctx["finance"],
            first_account=4000,
            last_account=3999,
            kind=COST,
            cost_type=CostType.OTHER,
        )
    assert "last_account" in error.value.message_dict
    services.account_range_add(
        actor=ctx["finance"],
        first_account=4000,
        last_account=8999,
        kind=COST,
        cost_type=CostType.OTHER,
    )
    # Now only the stored ranges count: 3100 is no longer income.
    found = plan(ctx, csv_bytes("2018-01;ensikoti;3000;x;1,00", "2018-01;ensikoti;3100;x;2,00"))
    assert [e.line for e in found.errors] == [3]
    assert found.rows[0].funder_id == ctx["kunnat"].pk
    with scopes_disabled():
        assert AccountRange.objects.count() == 2


# --- the import ------------------------------------------------------------------------------


def test_dry_run_explains_every_bad_row_in_finnish_and_stores_nothing() -> None:
    ctx = setup_org()
    data = csv_bytes(
        "2018-13;ensikoti;3000;Tuotot;1,00",
        "2018-01;tuntematon;3000;Tuotot;1,00",
        "2018-01;ensikoti;3000;Tuotot;12,345",
        "2018-01;ensikoti;1910;Pankki;1,00",
        "2018-01;ensikoti;3000;Tuotot;1 234,56",
        "2018-01;;5000;Palkat;1,00",
    )
    found = plan(ctx, data)
    assert [e.line for e in found.errors] == [2, 3, 4, 5, 7]
    messages = [e.message for e in found.errors]
    assert messages[0] == (
        "Rivi 2: kausi “2018-13” ei ole kuukausi muodossa VVVV-KK (esim. 2018-03)."
    )
    assert messages[1] == "Rivi 3: tuntematon kustannuspaikka “tuntematon”."
    assert messages[2].startswith("Rivi 4: summa “12,345” ei ole euromäärä")
    assert messages[3] == "Rivi 5: tili 1910 ei kuulu tuottojen eikä kulujen tiliväleihin."
    assert messages[4].startswith("Rivi 7: kustannuspaikka puuttuu")
    assert not found.ok
    assert [r.amount for r in found.rows] == [D("1234.56")]
    with pytest.raises(ValidationError):
        do_import(ctx, data)
    with scopes_disabled():
        assert ActualEntry.objects.count() == 0
        assert ActualsImport.objects.count() == 0


def test_an_amount_too_large_for_the_column_is_a_row_error() -> None:
    """``ActualEntry.amount`` is numeric(14, 2): at most 999 999 999 999,99. A bigger cell (say an
    account or reference number in the amount column) passed the dry run; SQLite stored it and
    PostgreSQL failed the import with "numeric field overflow" — a server error. Here the two
    big rows cancel out, so even the file's totals looked fine."""
    ctx = setup_org()
    data = csv_bytes(
        "2018-01;ensikoti;5000;Palkat;1 000 000 000 000,00",
        "2018-01;ensikoti;5000;Palkat;-1000000000000",
        "2018-01;ensikoti;5000;Palkat;999 999 999 999,99",
        "2018-01;ensikoti;5000;Palkat;-999 999 999 999,99",
    )
    found = plan(ctx, data)
    assert [e.message for e in found.errors] == [
        "Rivi 2: summa “1 000 000 000 000,00” on liian suuri "
        "(enintään 999 999 999 999,99 euroa kumpaankin suuntaan).",
        "Rivi 3: summa “-1000000000000” on liian suuri "
        "(enintään 999 999 999 999,99 euroa kumpaankin suuntaan).",
    ]
    assert [r.amount for r in found.rows] == [D("999999999999.99"), D("-999999999999.99")]
    with pytest.raises(ValidationError):
        do_import(ctx, data)
    with scopes_disabled():
        assert ActualEntry.objects.count() == 0
        assert ActualsImport.objects.count() == 0
    # The largest amounts the column takes are stored as they are.
    batch = do_import(
        ctx,
        csv_bytes(
            "2018-01;ensikoti;5000;Palkat;999 999 999 999,99",
            "2018-01;ensikoti;5000;Palkat;-999 999 999 999,99",
        ),
    )
    with scopes_disabled():
        assert sorted(ActualEntry.objects.filter(source_import=batch).values_list("amount")) == [
            (D("-999999999999.99"),),
            (D("999999999999.99"),),
        ]


def test_missing_columns_are_named() -> None:
    ctx = setup_org()
    found = plan(ctx, csv_bytes("2018-01;ensikoti;1,00", header="kausi;kustannuspaikka;summa"))
    assert found.file_errors == ["Tiedostosta puuttuu sarake: tili."]


def test_import_stores_rows_with_side_and_audit_trail() -> None:
    ctx = setup_org()
    data = csv_bytes(
        "2018-01;ensikoti;3000;Myyntituotot;110,00",
        "2018-01;Ensikoti;5000;Palkat;90,00",  # the name works as well as the slug
        "2018-01;yhteiset;7000;Muut kulut;20,00",
        "2018-02;ensikoti;3000;Myyntituotot;95,00",
    )
    batch = do_import(ctx, data, name="tammi-helmi.csv")
    # income 110 + 95 = 205; costs 90 + 20 = 110
    assert batch.row_count == 4
    assert batch.income_total == D("205.00")
    assert batch.cost_total == D("110.00")
    assert batch.months == ["2018-01", "2018-02"]
    assert batch.imported_by == ctx["finance"]
    assert batch.replaced == []
    with scopes_disabled():
        entries = list(ActualEntry.objects.order_by("month", "account"))
    assert [(e.kind, e.cost_type, e.service_form_id) for e in entries[:3]] == [
        (INCOME, "", ctx["a"].pk),
        (COST, CostType.PERSONNEL, ctx["a"].pk),
        (COST, CostType.OTHER, None),
    ]


def test_the_same_file_twice_is_refused() -> None:
    ctx = setup_org()
    data = csv_bytes("2018-01;ensikoti;3000;x;1,00")
    do_import(ctx, data)
    found = plan(ctx, data)
    assert found.duplicate_of is not None
    assert found.file_errors[0].startswith("Sama tiedosto on jo tuotu")
    with pytest.raises(ValidationError):
        do_import(ctx, data, name="toinen-nimi.csv")
    with scopes_disabled():
        assert ActualsImport.objects.count() == 1


def test_reimporting_a_month_replaces_that_month_only_and_records_it() -> None:
    ctx = setup_org()
    first = do_import(
        ctx,
        csv_bytes(
            "2018-01;ensikoti;3000;x;100,00",
            "2018-01;ensikoti;5000;x;80,00",
            "2018-01;turvakoti;5000;x;10,00",
            "2018-02;ensikoti;3000;x;50,00",
        ),
        name="eka.csv",
    )
    found = plan(ctx, csv_bytes("2018-01;ensikoti;3000;x;120,00"))
    assert found.months[0].replaces_rows == 3
    assert found.months[0].replaces_files == ["eka.csv"]
    second = do_import(ctx, csv_bytes("2018-01;ensikoti;3000;x;120,00"), name="korjattu.csv")
    # January's earlier rows: 3 rows, income 100,00, costs 80 + 10 = 90,00.
    assert second.replaced == [
        {
            "month": "2018-01",
            "import": first.pk,
            "file": "eka.csv",
            "rows": 3,
            "income": "100.00",
            "cost": "90.00",
        }
    ]
    with scopes_disabled():
        rows = sorted(ActualEntry.objects.values_list("month__month", "amount", "source_import"))
    # January: only the new row; February untouched.
    assert rows == [(1, D("120.00"), second.pk), (2, D("50.00"), first.pk)]


def test_income_negative_turns_ledger_signs_around() -> None:
    ctx = setup_org()
    batch = do_import(
        ctx,
        csv_bytes("2018-01;ensikoti;3000;x;-110,00", "2018-01;ensikoti;5000;x;-5,00"),
        income_negative=True,
    )
    # income −(−110) = 110; a negative cost (a refund) stays negative: −5.
    assert batch.income_total == D("110.00")
    assert batch.cost_total == D("-5.00")


def test_comma_separated_windows_1252_file() -> None:
    ctx = setup_org()
    data = 'Kausi,Kustannuspaikka,Tili,Summa (€)\n2018-03,yhteiset,7000,"1 000,50"\n'.encode(
        "cp1252"
    )
    found = plan(ctx, data)
    assert found.ok
    assert found.rows[0].amount == D("1000.50")


# --- the board's figures ---------------------------------------------------------------------


def _board_data(ctx: dict[str, Any]) -> None:
    for first, last, kind, extra in [
        (3000, 3099, INCOME, {"funder": ctx["kunnat"]}),
        (3100, 3999, INCOME, {"funder": ctx["valtio"]}),
        (4000, 6999, COST, {"cost_type": CostType.PERSONNEL}),
        (7000, 8999, COST, {"cost_type": CostType.OTHER}),
    ]:
        services.account_range_add(
            actor=ctx["finance"], first_account=first, last_account=last, kind=kind, **extra
        )
    item(ctx, kind=INCOME, amount=D("1200"), service_form=ctx["a"], funder=ctx["kunnat"])
    item(ctx, kind=COST, amount=D("1000"), service_form=ctx["a"], cost_type=CostType.PERSONNEL)
    june = [D("0")] * 5 + [D("600")] + [D("0")] * 6
    item(
        ctx, kind=INCOME, amount=D("600"), service_form=ctx["b"], funder=ctx["valtio"], phasing=june
    )
    item(ctx, kind=COST, amount=D("240"), cost_type=CostType.OTHER)
    do_import(
        ctx,
        csv_bytes(
            "2018-01;ensikoti;3000;x;110,00",
            "2018-01;ensikoti;5000;x;90,00",
            "2018-01;yhteiset;7000;x;20,00",
            "2018-02;ensikoti;3000;x;95,00",
            "2018-02;ensikoti;5000;x;85,50",
        ),
    )


def _board(ctx: dict[str, Any], month: int | None = None) -> selectors.Board:
    with scope(organisation=ctx["org"].pk):
        return selectors.board(organisation_id=ctx["org"].pk, year=2018, month=month)


def test_board_month_ytd_variance_and_forecast_by_hand() -> None:
    ctx = setup_org()
    _board_data(ctx)
    board = _board(ctx)
    assert board.month == 2  # the last month with actuals
    assert board.months_with_actuals == [1, 2]
    units = {u.name: u for u in board.units}
    assert list(units) == ["Ensikoti", "Turvakoti", "Yhteiset"]
    a = units["Ensikoti"]
    # Income 1 200 evenly: 100/month. February 100 vs 95; Jan–Feb 200 vs 110 + 95 = 205;
    # variance +5 = 2,5 % of 200; forecast 205 + 10 × 100 = 1 205 (5 over the year's 1 200).
    assert (a.income.month_budget, a.income.month_actual) == (D("100.00"), D("95.00"))
    assert (a.income.ytd_budget, a.income.ytd_actual) == (D("200.00"), D("205.00"))
    assert (a.income.variance, a.income.variance_percent) == (D("5.00"), D("2.5"))
    assert (a.income.forecast, a.income.forecast_variance) == (D("1205.00"), D("5.00"))
    # Costs 1 000: 83,33 × 11 + 83,37. Jan–Feb 166,66 vs 90 + 85,50 = 175,50; variance 8,84
    # = 5,30… % → 5,3 %; the budget after February: March–November 9 × 83,33 = 749,97 and
    # December 83,37, together 833,34; forecast 175,50 + 833,34 = 1 008,84.
    assert (a.cost.month_budget, a.cost.month_actual) == (D("83.33"), D("85.50"))
    assert (a.cost.ytd_budget, a.cost.ytd_actual) == (D("166.66"), D("175.50"))
    assert (a.cost.variance, a.cost.variance_percent) == (D("8.84"), D("5.3"))
    assert a.cost.forecast == D("1008.84")
    # Result: budget 200 − 166,66 = 33,34; actual 205 − 175,50 = 29,50; variance −3,84
    # = −11,517… % → −11,5 %; forecast 1 205 − 1 008,84 = 196,16.
    assert (a.result.ytd_budget, a.result.ytd_actual) == (D("33.34"), D("29.50"))
    assert (a.result.variance, a.result.variance_percent) == (D("-3.84"), D("-11.5"))
    assert a.result.forecast == D("196.16")
    b = units["Turvakoti"]
    # June only: nothing yet Jan–Feb, no percentage of a zero budget; forecast 0 + 600.
    assert (b.income.ytd_budget, b.income.variance_percent, b.income.forecast) == (
        D("0.00"),
        None,
        D("600.00"),
    )
    common = units["Yhteiset"]
    # 240 evenly = 20/month: Jan–Feb 40 vs 20 → −20 = −50,0 %; forecast 20 + 10 × 20 = 220.
    assert (common.cost.variance, common.cost.variance_percent) == (D("-20.00"), D("-50.0"))
    assert common.cost.forecast == D("220.00")
    total = board.total
    # Income forecast 1 205 + 600 = 1 805; costs 1 008,84 + 220 = 1 228,84; result 576,16.
    assert total.income.forecast == D("1805.00")
    assert total.cost.forecast == D("1228.84")
    assert total.result.forecast == D("576.16")
    assert total.cost.ytd_actual == D("195.50")  # 175,50 + 20
    # By funding source: Kunnat 200 vs 205; Valtio 0 vs 0 (budget 600 in June). The bigger
    # year's budget first: Kunnat 1 200, then Valtio 600.
    assert [(s.label, s.figures.ytd_actual) for s in board.by_source] == [
        ("Kunnat", D("205.00")),
        ("Valtio", D("0.00")),
    ]
    assert [(c.label, c.figures.ytd_budget) for c in board.by_cost_type] == [
        ("Henkilöstökulut", D("166.66")),
        ("Muut kulut", D("40.00")),
    ]
    # Cumulative income: budget Jan 100, Feb 200, …, Jun 100 × 6 + 600 = 1 200; actual Jan 110,
    # Feb 205, none after February.
    cumulative = board.cumulative
    assert (cumulative[0].income_budget, cumulative[0].income_actual) == (D("100.00"), D("110.00"))
    assert (cumulative[1].income_actual, cumulative[2].income_actual) == (D("205.00"), None)
    assert cumulative[5].income_budget == D("1200.00")
    assert cumulative[11].income_budget == D("1800.00")  # 1 200 + 600


def test_a_later_month_without_actuals_counts_as_zero() -> None:
    ctx = setup_org()
    _board_data(ctx)
    a = {u.name: u for u in _board(ctx, month=6).units}["Ensikoti"]
    # Jan–Jun budget 6 × 100 = 600; actuals still 205; forecast 205 + 6 × 100 = 805.
    assert (a.income.ytd_budget, a.income.ytd_actual) == (D("600.00"), D("205.00"))
    assert a.income.month_actual == D("0.00")
    assert a.income.forecast == D("805.00")


def test_no_actuals_forecast_is_the_budget() -> None:
    ctx = setup_org()
    item(ctx, kind=COST, amount=D("240"), cost_type=CostType.OTHER)
    board = _board(ctx)
    assert board.month == 0
    assert board.total.cost.forecast == D("240.00")
    assert board.total.cost.ytd_budget == D("0.00")


def test_board_of_another_organisation_is_empty() -> None:
    ctx = setup_org()
    _board_data(ctx)
    other = OrganisationFactory()
    with scope(organisation=other.pk):
        board = selectors.board(organisation_id=other.pk, year=2018)
    assert board.units == [] and not board.has_data


@pytest.mark.parametrize("account", ["30²0", "٣٠٠٠", "99999999999999999999999"])
def test_an_account_of_other_digits_is_a_row_error(account: str) -> None:
    """An account "30²0" passed ``str.isdigit()`` and then ``int()`` refused it: the import
    failed with a server error instead of naming the row."""
    ctx = setup_org()
    found = plan(ctx, csv_bytes(f"2018-01;ensikoti;{account};Tuotot;1,00"))
    assert [e.message for e in found.errors] == [f"Rivi 2: tili “{account}” ei ole tilinumero."]
