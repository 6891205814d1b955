"""Other income and earmarked funds: the services and selectors, balances computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, org_role_user
from tupa.finance.income import selectors, services
from tupa.finance.income.services import IncomeData
from tupa.finance.models import EarmarkedFund, FundUse, OtherIncome

pytestmark = pytest.mark.django_db

D = Decimal
Day = dt.date
K = OtherIncome.Kind
S = OtherIncome.Source


def setup_org() -> dict[str, Any]:
    org = OrganisationFactory()
    finance = org_role_user(org, Role.FINANCE)
    fund = services.fund_create(
        actor=finance, name="Lasten virkistys", purpose="Retket, leirit ja juhlat lapsille."
    )
    return {"org": org, "finance": finance, "fund": fund}


def income(ctx: dict[str, Any], amount: str, day: dt.date, **kw: Any) -> OtherIncome:
    values: dict[str, Any] = {
        "kind": K.DONATION,
        "received_on": day,
        "amount": D(amount),
        "source_kind": S.PRIVATE,
    }
    values.update(kw)
    return services.income_create(actor=ctx["finance"], data=IncomeData(**values))


def use(ctx: dict[str, Any], amount: str, day: dt.date, event: str = "Retki") -> FundUse:
    return services.fund_use_add(
        actor=ctx["finance"], fund=ctx["fund"], used_on=day, amount=D(amount), event=event
    )


def _fund_history(ctx: dict[str, Any]) -> dict[str, OtherIncome]:
    """500 € in on 1.3., 300 € out on 1.4., 250 € in on 10.5., 400 € out on 1.6.2018."""
    first = income(ctx, "500", Day(2018, 3, 1), fund=ctx["fund"])
    use(ctx, "300", Day(2018, 4, 1), "Pääsiäisretki")
    second = income(
        ctx,
        "250",
        Day(2018, 5, 10),
        fund=ctx["fund"],
        source_kind=S.ORGANISATION,
        source_name="Lahden Yritys Oy",
    )
    use(ctx, "400", Day(2018, 6, 1), "Kesäleiri")
    return {"first": first, "second": second}


def test_running_balance_and_statement_by_hand() -> None:
    ctx = setup_org()
    _fund_history(ctx)
    with scope(organisation=ctx["org"].pk):
        statement = selectors.fund_statement(ctx["fund"])
    # 500 → 500 − 300 = 200 → 200 + 250 = 450 → 450 − 400 = 50.
    assert [e.balance for e in statement.events] == [D("500"), D("200"), D("450"), D("50")]
    assert (statement.received, statement.used, statement.balance) == (
        D("750.00"),
        D("700.00"),
        D("50.00"),
    )


def test_a_use_the_balance_on_its_day_does_not_cover_is_refused() -> None:
    ctx = setup_org()
    _fund_history(ctx)
    # On 15.4. the balance is 500 − 300 = 200: 250 € would leave −50 € on that day, even though
    # 250 € more arrives on 10.5.
    with pytest.raises(ValidationError) as error:
        use(ctx, "250", Day(2018, 4, 15))
    assert error.value.message_dict["amount"] == [
        "Rahaston Lasten virkistys saldo menisi 15.4.2018 miinukselle (-50,00 €). "
        "Rahastosta ei voi käyttää enempää kuin siihen on lahjoitettu."
    ]
    # After 1.6. the balance is 50: 50,01 € is refused, 50,00 € empties the fund.
    with pytest.raises(ValidationError):
        use(ctx, "50.01", Day(2018, 12, 1))
    use(ctx, "50.00", Day(2018, 12, 1))
    with scopes_disabled():
        assert FundUse.objects.count() == 3


def test_a_correction_that_would_uncover_a_use_is_refused() -> None:
    ctx = setup_org()
    rows = _fund_history(ctx)
    second = rows["second"]
    smaller = IncomeData(
        kind=K.DONATION,
        received_on=second.received_on,
        amount=D("100"),
        source_kind=S.ORGANISATION,
        source_name="Lahden Yritys Oy",
        fund=ctx["fund"],
    )
    # 500 − 300 + 100 − 400 = −100 on 1.6.
    with pytest.raises(ValidationError) as error:
        services.income_update(actor=ctx["finance"], income=second, data=smaller)
    assert "1.6.2018" in error.value.message_dict["amount"][0]
    first = rows["first"]
    later = IncomeData(
        kind=K.DONATION,
        received_on=Day(2018, 4, 2),  # after the 300 € use of 1.4.
        amount=D("500"),
        source_kind=S.PRIVATE,
        fund=ctx["fund"],
    )
    with pytest.raises(ValidationError):
        services.income_update(actor=ctx["finance"], income=first, data=later)
    out_of_fund = IncomeData(
        kind=K.DONATION, received_on=first.received_on, amount=D("500"), source_kind=S.PRIVATE
    )
    with pytest.raises(ValidationError):
        services.income_update(actor=ctx["finance"], income=first, data=out_of_fund)
    with scopes_disabled():
        assert sorted(OtherIncome.objects.values_list("amount", "fund")) == [
            (D("250.00"), ctx["fund"].pk),
            (D("500.00"), ctx["fund"].pk),
        ]
    bigger = IncomeData(
        kind=K.BEQUEST,
        received_on=first.received_on,
        amount=D("600"),
        source_kind=S.PRIVATE,
        donor_name="Testamentin Tekijä",
        fund=ctx["fund"],
    )
    changed = services.income_update(actor=ctx["finance"], income=first, data=bigger)
    assert (changed.kind, changed.amount, changed.donor_name) == (
        K.BEQUEST,
        D("600.00"),
        "Testamentin Tekijä",
    )


def test_register_sums_by_kind_and_funds_by_year() -> None:
    ctx = setup_org()
    _fund_history(ctx)
    income(
        ctx,
        "120",
        Day(2018, 9, 1),
        kind=K.TRAINING_FEE,
        source_kind=S.ORGANISATION,
        source_name="Koulutusyhdistys",
    )
    income(ctx, "80", Day(2017, 12, 31), kind=K.FUNDRAISING)
    use(ctx, "30", Day(2019, 1, 15))
    with scope(organisation=ctx["org"].pk):
        found = selectors.register(organisation_id=ctx["org"].pk, year=2018)
        next_year = selectors.register(organisation_id=ctx["org"].pk, year=2019)
        years = selectors.income_years(organisation_id=ctx["org"].pk, today=Day(2020, 1, 1))
    kinds = {k.kind: (k.count, k.amount) for k in found.by_kind}
    # 2018: donations 500 + 250 = 750 (2), training fee 120 (1); the 2017 fundraising not counted.
    assert kinds[K.DONATION] == (2, D("750.00"))
    assert kinds[K.TRAINING_FEE] == (1, D("120.00"))
    assert kinds[K.FUNDRAISING] == (0, D("0.00"))
    assert (found.count, found.total) == (3, D("870.00"))
    assert len(found.incomes) == 3
    fund = found.funds[0]
    # 2018: opening 0, in 750, used 300 + 400 = 700, closing 50.
    assert (fund.opening, fund.received, fund.used, fund.closing) == (
        D("0.00"),
        D("750.00"),
        D("700.00"),
        D("50.00"),
    )
    fund = next_year.funds[0]
    # 2019: opening 50, in 0, used 30, closing 20.
    assert (fund.opening, fund.received, fund.used, fund.closing) == (
        D("50.00"),
        D("0.00"),
        D("30.00"),
        D("20.00"),
    )
    assert years == [2020, 2019, 2018, 2017]


def test_source_rules_and_private_names() -> None:
    ctx = setup_org()
    with pytest.raises(ValidationError) as error:
        income(ctx, "10", Day(2018, 1, 1), source_kind=S.ORGANISATION)
    assert error.value.message_dict["source_name"] == ["Anna yrityksen tai yhteisön nimi."]
    with pytest.raises(ValidationError) as error:
        income(ctx, "0", Day(2018, 1, 1))
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        income(ctx, "10", Day(2018, 1, 1), kind="lottery")
    assert error.value.message_dict["kind"] == ["Valitse tuoton laji."]
    company = income(
        ctx,
        "10",
        Day(2018, 1, 1),
        source_kind=S.ORGANISATION,
        source_name=" Yritys Oy ",
        donor_name="Ei tallenneta",
    )
    assert (company.source_name, company.donor_name) == ("Yritys Oy", "")
    private = income(ctx, "10", Day(2018, 1, 1), source_name="Ei tallenneta", donor_name="Maija")
    assert (private.source_name, private.donor_name) == ("", "Maija")
    assert private.public_source == "yksityishenkilö"
    assert company.public_source == "Yritys Oy"


def test_closed_fund_takes_no_new_money_in_or_out() -> None:
    ctx = setup_org()
    income(ctx, "100", Day(2018, 1, 1), fund=ctx["fund"])
    closed = services.fund_update(
        actor=ctx["finance"], fund=ctx["fund"], name="Lasten virkistys", purpose="x", active=False
    )
    ctx["fund"] = closed
    with pytest.raises(ValidationError) as error:
        income(ctx, "10", Day(2018, 2, 1), fund=closed)
    assert error.value.message_dict["fund"] == ["Rahasto ei ole enää käytössä."]
    with pytest.raises(ValidationError):
        use(ctx, "10", Day(2018, 2, 1))


def test_fund_names_unique_and_links_safe() -> None:
    ctx = setup_org()
    with pytest.raises(ValidationError) as error:
        services.fund_create(actor=ctx["finance"], name="lasten virkistys", purpose="x")
    assert error.value.message_dict["name"] == ["Samanniminen rahasto on jo olemassa."]
    income(ctx, "100", Day(2018, 1, 1), fund=ctx["fund"])
    for bad in ("javascript:alert(1)", "//evil.example", "http://x.example"):
        with pytest.raises(ValidationError) as error:
            services.fund_use_add(
                actor=ctx["finance"],
                fund=ctx["fund"],
                used_on=Day(2018, 2, 1),
                amount=D("1"),
                event="Retki",
                event_link=bad,
            )
        assert "event_link" in error.value.message_dict
    found = services.fund_use_add(
        actor=ctx["finance"],
        fund=ctx["fund"],
        used_on=Day(2018, 2, 1),
        amount=D("1"),
        event="Retki",
        event_link="/ohjelmat/tapaamiset/12/",
    )
    assert found.event_link == "/ohjelmat/tapaamiset/12/"


def test_only_finance_writes_in_its_own_organisation() -> None:
    ctx = setup_org()
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.income_create(
            actor=director,
            data=IncomeData(
                kind=K.DONATION, received_on=Day(2018, 1, 1), amount=D("1"), source_kind=S.PRIVATE
            ),
        )
    with pytest.raises(PermissionDenied):
        services.fund_create(actor=director, name="X", purpose="Y")
    other = org_role_user(OrganisationFactory(), Role.FINANCE)
    with pytest.raises(PermissionDenied):
        services.fund_use_add(
            actor=other, fund=ctx["fund"], used_on=Day(2018, 1, 1), amount=D("1"), event="x"
        )
    with pytest.raises(PermissionDenied):
        services.income_create(
            actor=other,
            data=IncomeData(
                kind=K.DONATION,
                received_on=Day(2018, 1, 1),
                amount=D("1"),
                source_kind=S.PRIVATE,
                fund=ctx["fund"],
            ),
        )
    with scopes_disabled():
        assert EarmarkedFund.objects.count() == 1
