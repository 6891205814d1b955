"""Purchase-service agreements: the services and selectors, with hand-computed prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.finance.agreements import selectors, services
from tupa.finance.agreements.services import AgreementData
from tupa.finance.models import Agreement, PriceRow
from tupa.finance.models.agreements import MeetingType, PricedItem, validate_ovt
from tupa.organisations.models import Municipality, Partner

pytestmark = pytest.mark.django_db

D = dt.date
CARE_DAY = PricedItem.CARE_DAY_MOTHER


def buyer(org: Any, name: str = "Kuntayhtymä", kind: str = Partner.Kind.MUNICIPALITY) -> Partner:
    with scopes_disabled():
        return Partner.objects.create(organisation=org, name=name, kind=kind)  # type: ignore[no-any-return]


def municipality(code: str = "098", name: str = "Hollola") -> Municipality:
    found, _ = Municipality.objects.get_or_create(
        code=code, defaults={"name_fi": name, "name_sv": name}
    )
    return found


def setup_org() -> dict[str, Any]:
    org = OrganisationFactory()
    return {
        "org": org,
        "finance": org_role_user(org, Role.FINANCE),
        "form": ServiceFormFactory(area__organisation=org, name="Ensikoti"),
        "buyer": buyer(org),
    }


def data(ctx: dict[str, Any], **overrides: Any) -> AgreementData:
    values: dict[str, Any] = {
        "buyer": ctx["buyer"],
        "number": "OPS-1",
        "title": "Ensikodin ostopalvelut",
        "valid_from": D(2026, 1, 1),
        "service_forms": [ctx["form"]],
    }
    values.update(overrides)
    return AgreementData(**values)


def agreement(ctx: dict[str, Any], **overrides: Any) -> Agreement:
    return services.agreement_create(actor=ctx["finance"], data=data(ctx, **overrides))


def price(ctx: dict[str, Any], found: Agreement, amount: str, day: dt.date, **kw: Any) -> PriceRow:
    return services.price_set(
        actor=ctx["finance"],
        agreement=found,
        item=kw.pop("item", CARE_DAY),
        amount=Decimal(amount),
        valid_from=day,
        **kw,
    )


def test_price_change_on_1_7_prices_30_6_by_old_and_1_7_by_new_row() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    price(ctx, found, "200.00", D(2026, 1, 1))
    price(ctx, found, "215.50", D(2026, 7, 1))
    with scope(organisation=ctx["org"].pk):
        rows = list(PriceRow.objects.filter(agreement=found).order_by("valid_from"))
        assert [(r.valid_from, r.valid_until, r.amount) for r in rows] == [
            (D(2026, 1, 1), D(2026, 6, 30), Decimal("200.00")),
            (D(2026, 7, 1), None, Decimal("215.50")),
        ]
        days = [D(2026, 6, 29), D(2026, 6, 30), D(2026, 7, 1), D(2026, 7, 2)]
        prices = [selectors.price_on(found, CARE_DAY, day) for day in days]
    assert [p.amount for p in prices if p] == [
        Decimal("200.00"),
        Decimal("200.00"),
        Decimal("215.50"),
        Decimal("215.50"),
    ]
    # 29.6.–2.7.: 2 × 200,00 + 2 × 215,50 = 400,00 + 431,00 = 831,00 €.
    assert sum((p.amount for p in prices if p), Decimal("0")) == Decimal("831.00")


def test_no_price_before_the_first_row_or_outside_the_agreement() -> None:
    ctx = setup_org()
    found = agreement(ctx, valid_until=D(2026, 12, 31))
    price(ctx, found, "200.00", D(2026, 2, 1))
    with scope(organisation=ctx["org"].pk):
        assert selectors.price_on(found, CARE_DAY, D(2026, 1, 31)) is None
        assert selectors.price_on(found, CARE_DAY, D(2027, 1, 1)) is None
        assert selectors.price_on(found, PricedItem.CARE_DAY_CHILD, D(2026, 3, 1)) is None


def test_a_date_inside_an_ended_row_is_refused() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    price(ctx, found, "200.00", D(2026, 1, 1))
    price(ctx, found, "215.50", D(2026, 7, 1))
    with pytest.raises(ValidationError) as refused:
        price(ctx, found, "210.00", D(2026, 3, 15))
    assert "valid_from" in refused.value.message_dict
    with scope(organisation=ctx["org"].pk):
        assert PriceRow.objects.filter(agreement=found).count() == 2


def test_a_date_before_the_agreement_or_a_later_row_is_refused() -> None:
    ctx = setup_org()
    found = agreement(ctx, valid_from=D(2026, 3, 1), valid_until=D(2026, 12, 31))
    with pytest.raises(ValidationError):
        price(ctx, found, "200.00", D(2026, 2, 28))
    with pytest.raises(ValidationError):
        price(ctx, found, "200.00", D(2027, 1, 1))
    price(ctx, found, "200.00", D(2026, 6, 1))
    with pytest.raises(ValidationError):  # in the gap before the first row, but before it
        price(ctx, found, "190.00", D(2026, 4, 1))


def test_a_price_from_the_open_rows_first_day_corrects_it() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    first = price(ctx, found, "200.00", D(2026, 1, 1))
    again = price(ctx, found, "202.00", D(2026, 1, 1))
    assert again.pk == first.pk
    with scope(organisation=ctx["org"].pk):
        assert PriceRow.objects.get(pk=first.pk).amount == Decimal("202.00")
        assert first.history.count() == 2


def test_meeting_prices_are_per_meeting_type() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    with pytest.raises(ValidationError) as refused:
        price(ctx, found, "90.00", D(2026, 1, 1), item=PricedItem.MEETING)
    assert "meeting_type" in refused.value.message_dict
    with pytest.raises(ValidationError):
        price(ctx, found, "90.00", D(2026, 1, 1), meeting_type=MeetingType.SUPERVISED)
    price(ctx, found, "95.00", D(2026, 1, 1), item=PricedItem.MEETING, meeting_type="supervised")
    price(ctx, found, "70.00", D(2026, 1, 1), item=PricedItem.MEETING, meeting_type="exchange")
    with scope(organisation=ctx["org"].pk):
        supervised = selectors.price_on(found, PricedItem.MEETING, D(2026, 5, 5), "supervised")
        exchange = selectors.price_on(found, PricedItem.MEETING, D(2026, 5, 5), "exchange")
        supported = selectors.price_on(found, PricedItem.MEETING, D(2026, 5, 5), "supported")
    assert supervised is not None and supervised.amount == Decimal("95.00")
    assert exchange is not None and exchange.amount == Decimal("70.00")
    assert supported is None


@pytest.mark.parametrize(
    ("amount", "vat"), [("-1.00", "0"), ("10.005", "0"), ("10.00", "100"), ("10.00", "-1")]
)
def test_bad_amounts_and_vat_rates_are_refused(amount: str, vat: str) -> None:
    ctx = setup_org()
    found = agreement(ctx)
    with pytest.raises(ValidationError):
        price(ctx, found, amount, D(2026, 1, 1), vat_rate=Decimal(vat))


def test_rental_price_with_vat_keeps_decimals() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    row = price(
        ctx, found, "45.00", D(2026, 1, 1), item=PricedItem.RENTAL, vat_rate=Decimal("25.5")
    )
    assert row.vat_rate == Decimal("25.50")
    assert isinstance(row.amount, Decimal)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        # Y-tunnus 1234567-1: 1·7+2·9+3·10+4·5+5·8+6·4+7·2 = 153; 153 mod 11 = 10; 11 − 10 = 1.
        ("003712345671", True),
        ("00371234567100001", True),  # 17 characters: with an organisation-unit suffix
        ("003712345672", False),  # wrong Y-tunnus check digit
        ("0037123456", False),  # too short
        ("003812345671", False),  # not 0037
        ("003712345671000012", False),  # 18 characters
        ("FI4950009420028730", False),  # an IBAN is not an OVT address
    ],
)
def test_ovt_validation(value: str, valid: bool) -> None:
    if valid:
        validate_ovt(value)
    else:
        with pytest.raises(ValidationError):
            validate_ovt(value)


def test_agreement_normalises_and_validates_the_einvoice_address() -> None:
    ctx = setup_org()
    with pytest.raises(ValidationError) as refused:
        agreement(ctx, einvoice_address="0037 1234567 2", einvoice_operator="003721291126")
    assert "einvoice_address" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        agreement(ctx, einvoice_address="003712345671")
    assert "einvoice_operator" in refused.value.message_dict
    found = agreement(ctx, einvoice_address="0037 1234567 1", einvoice_operator="003721291126")
    assert found.einvoice_address == "003712345671"
    assert found.payment_term_days == 14


def test_buyer_must_be_a_public_purchaser_and_forms_required() -> None:
    ctx = setup_org()
    ngo = buyer(ctx["org"], "Yhdistys", Partner.Kind.NGO)
    with pytest.raises(ValidationError) as refused:
        agreement(ctx, buyer=ngo, service_forms=[], valid_until=D(2025, 1, 1), number=" ")
    assert set(refused.value.message_dict) >= {"buyer", "service_forms", "valid_until", "number"}


def test_number_unique_and_overlapping_agreements_refused() -> None:
    ctx = setup_org()
    agreement(ctx, valid_until=D(2026, 12, 31), municipalities=[municipality()])
    with pytest.raises(ValidationError) as refused:
        agreement(ctx, valid_from=D(2027, 1, 1))
    assert "number" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        agreement(ctx, number="OPS-2", valid_from=D(2026, 12, 1))
    assert "valid_from" in refused.value.message_dict
    other_buyer = buyer(ctx["org"], "Toinen kunta")
    with pytest.raises(ValidationError) as refused:
        agreement(ctx, number="OPS-3", buyer=other_buyer, municipalities=[municipality()])
    assert "municipalities" in refused.value.message_dict
    # The next year is fine.
    agreement(ctx, number="OPS-2", valid_from=D(2027, 1, 1))


def test_agreement_for_a_buyer_and_a_home_municipality() -> None:
    ctx = setup_org()
    hollola = municipality()
    found = agreement(ctx, valid_until=D(2026, 12, 31), municipalities=[hollola])
    other_form = ServiceFormFactory(area__organisation=ctx["org"], name="Alvari")
    with scope(organisation=ctx["org"].pk):
        assert selectors.agreement_for(ctx["buyer"], ctx["form"], D(2026, 6, 1)) == found
        assert selectors.agreement_for(hollola, ctx["form"], D(2026, 6, 1)) == found
        assert selectors.agreement_for(ctx["buyer"], ctx["form"], D(2027, 1, 1)) is None
        assert selectors.agreement_for(ctx["buyer"], other_form, D(2026, 6, 1)) is None
        assert (
            selectors.agreement_for(municipality("111", "Heinola"), ctx["form"], D(2026, 6, 1))
            is None
        )


def test_update_keeps_history_and_refuses_to_orphan_prices() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    price(ctx, found, "200.00", D(2026, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.agreement_update(
            actor=ctx["finance"], agreement=found, data=data(ctx, valid_from=D(2026, 2, 1))
        )
    assert "valid_from" in refused.value.message_dict
    updated = services.agreement_update(
        actor=ctx["finance"], agreement=found, data=data(ctx, payment_term_days=21)
    )
    assert updated.payment_term_days == 21
    with scope(organisation=ctx["org"].pk):
        assert updated.history.count() >= 2


def test_only_finance_of_the_same_organisation_writes() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.agreement_create(actor=director, data=data(ctx, number="X"))
    with pytest.raises(PermissionDenied):
        services.price_set(
            actor=director,
            agreement=found,
            item=CARE_DAY,
            amount=Decimal("1"),
            valid_from=D(2026, 1, 1),
        )
    other = OrganisationFactory()
    stranger = org_role_user(other, Role.FINANCE)
    with pytest.raises(PermissionDenied):
        services.price_set(
            actor=stranger,
            agreement=found,
            item=CARE_DAY,
            amount=Decimal("1"),
            valid_from=D(2026, 1, 1),
        )
    with pytest.raises(PermissionDenied):  # another organisation's buyer
        services.agreement_create(actor=stranger, data=data(ctx, number="Y"))


def test_list_selector_has_current_prices() -> None:
    ctx = setup_org()
    found = agreement(ctx)
    price(ctx, found, "200.00", D(2026, 1, 1))
    price(ctx, found, "215.50", D(2026, 7, 1))
    price(ctx, found, "90.00", D(2026, 1, 1), item=PricedItem.CARE_DAY_CHILD)
    with scope(organisation=ctx["org"].pk):
        listed = selectors.agreements_with_current_prices(ctx["org"].pk, D(2026, 3, 1))
        table = selectors.price_table(found, D(2026, 3, 1))
    assert [(p.item, p.amount) for p in listed[0].current_prices] == [  # type: ignore[attr-defined]
        (PricedItem.CARE_DAY_CHILD, Decimal("90.00")),
        (CARE_DAY, Decimal("200.00")),
    ]
    assert [(g.item, [line.state for line in g.lines]) for g in table] == [
        (CARE_DAY, ["current", "future"]),
        (PricedItem.CARE_DAY_CHILD, ["current"]),
    ]


def test_meeting_types_match_the_visitation_app() -> None:
    from tupa.visitation.models import MeetingType as VisitationMeetingType

    assert MeetingType.choices == VisitationMeetingType.choices
