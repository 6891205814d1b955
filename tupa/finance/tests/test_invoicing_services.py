"""Invoicing: the basis, runs, sending, credit notes and difference lines — every figure computed
by hand in a comment. The billable sources are fakes registered by the ``source`` fixture (the
feature apps' own sources are tested in their apps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tupa.accounts.models import Role
from tupa.core import registry
from tupa.core.months import month_bounds
from tupa.core.registry import BillableItem
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.finance.agreements import services as agreements
from tupa.finance.invoicing import basis, services
from tupa.finance.invoicing.runs import is_whole_quarters, period_text
from tupa.finance.models import (
    Agreement,
    BasisApproval,
    Invoice,
    InvoiceLine,
    InvoiceNumberSeries,
    InvoiceRun,
)
from tupa.finance.models.agreements import PricedItem
from tupa.finance.money import cents, euros, line_amounts
from tupa.finance.references import invoice_reference, is_valid_reference
from tupa.finance.tests import factories
from tupa.organisations.models import Municipality, Partner

pytestmark = pytest.mark.django_db

D = dt.date
SOURCE = "test.care_days"
CHILD = PricedItem.CARE_DAY_CHILD
MOTHER = PricedItem.CARE_DAY_MOTHER


# --- Support: a fake billable source and a small organisation ---------------------------------


class FakeSource:
    """Billable items kept in a list; ``collect`` answers as a real source does (the day in the
    period, the organisation's items only)."""

    def __init__(self) -> None:
        self.items: list[tuple[int, BillableItem]] = []
        self.calls = 0
        #: The ``service_form_ids`` of the last collection.
        self.asked: Any = None
        #: The payer of :meth:`days` unless one is given (``world`` sets PHHYKY).
        self.payer: Partner | None = None

    def collect(
        self,
        *,
        organisation_id: int,
        start: dt.date,
        end: dt.date,
        as_of: Any = None,
        service_form_ids: Any = None,
    ) -> list[BillableItem]:
        self.calls += 1
        self.asked = service_form_ids
        return [
            i
            for org, i in self.items
            if org == organisation_id
            and start <= i.day <= end
            and (service_form_ids is None or i.service_form_id in service_form_ids)
        ]

    def add(self, org: Any, item: BillableItem) -> None:
        self.items.append((org.pk, item))

    def days(
        self,
        org: Any,
        form: Any,
        first: dt.date,
        last: dt.date,
        *,
        item: str = CHILD,
        payer: Partner | str | None = "default",
        municipality: Municipality | None = None,
        reference: str = "PHHYKY/2026/12",
        group: str = "commitment:1",
        participant: int = 1,
        source: str = SOURCE,
    ) -> None:
        """One item per day ``first..last`` (a care day of one participant)."""
        payer = self.payer if payer == "default" else payer
        assert payer is None or isinstance(payer, Partner)
        day = first
        while day <= last:
            self.add(
                org,
                BillableItem(
                    source=source,
                    service_form_id=form.pk,
                    day=day,
                    item=item,
                    quantity=Decimal("1"),
                    group_key=group,
                    case_reference=reference,
                    payer_id=payer.pk if payer else None,
                    municipality_id=municipality.pk if municipality else None,
                    records=(
                        ("residential.paymentcommitment", 1),
                        ("episodes.participant", participant),
                    ),
                ),
            )
            day += dt.timedelta(days=1)

    def remove(self, predicate: Any) -> None:
        self.items = [(org, i) for org, i in self.items if not predicate(i)]


def fake_source(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSource]:
    """The only registered billable source while the test runs (the apps' own are set aside)."""
    monkeypatch.setattr(registry.billable_sources, "_entries", {})
    fake = FakeSource()
    registry.billable_sources.register(
        registry.BillableSource(SOURCE, "Testihoitovuorokaudet", fake.collect)
    )
    yield fake
    registry.billable_sources.unregister(SOURCE)


@pytest.fixture
def source(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSource]:
    yield from fake_source(monkeypatch)


def partner(org: Any, name: str, business_id: str = "") -> Partner:
    with scopes_disabled():
        return Partner.objects.create(  # type: ignore[no-any-return]
            organisation=org, name=name, kind=Partner.Kind.MUNICIPALITY, business_id=business_id
        )


def municipality(code: str, name: str) -> Municipality:
    found, _created = Municipality.objects.get_or_create(
        code=code, defaults={"name_fi": name, "name_sv": name}
    )
    return found


def make_agreement(
    ctx: dict[str, Any],
    buyer: Partner,
    forms: list[Any],
    number: str,
    prices: list[tuple[Any, ...]] | None = None,
    **overrides: Any,
) -> Agreement:
    values: dict[str, Any] = {
        "buyer": buyer,
        "number": number,
        "title": f"Ostopalvelu {number}",
        "valid_from": D(2026, 1, 1),
        "service_forms": forms,
        "payment_term_days": 21,
        "einvoice_address": "003712345671",
        "einvoice_operator": "003721291126",
        "buyer_reference": "KP 4410",
    }
    values.update(overrides)
    found = agreements.agreement_create(
        actor=ctx["finance"], data=agreements.AgreementData(**values)
    )
    with scopes_disabled():
        Agreement.objects.filter(pk=found.pk).update(
            billing_street="Keskuskatu 1", billing_postcode="15100", billing_town="Lahti"
        )
        found.refresh_from_db()
    for item, amount, day, *rest in prices or []:
        agreements.price_set(
            actor=ctx["finance"],
            agreement=found,
            item=item,
            meeting_type=rest[0] if rest else "",
            amount=Decimal(amount),
            valid_from=day,
        )
    return found


def world(source: FakeSource | None = None) -> dict[str, Any]:
    """An organisation with Ensikoti (lead), a finance manager and PHHYKY's agreement:
    mother 228,00 € (236,00 € from 1.7.2026), child 96,00 €, VAT 0 %, payment term 21 days."""
    org = OrganisationFactory()
    ctx: dict[str, Any] = {
        "org": org,
        "finance": org_role_user(org, Role.FINANCE),
        "ensikoti": ServiceFormFactory(area__organisation=org, name="Ensikoti"),
    }
    ctx["lead"] = worker_in(ctx["ensikoti"], role=Role.LEAD)
    ctx["phhyky"] = partner(org, "PHHYKY", "1234567-1")
    ctx["agreement"] = make_agreement(
        ctx,
        ctx["phhyky"],
        [ctx["ensikoti"]],
        "OPS-1",
        [
            (MOTHER, "228.00", D(2026, 1, 1)),
            (MOTHER, "236.00", D(2026, 7, 1)),
            (CHILD, "96.00", D(2026, 1, 1)),
        ],
    )
    if source is not None:
        source.payer = ctx["phhyky"]
    return ctx


def approve(ctx: dict[str, Any], first: dt.date, last: dt.date, form: Any = None) -> BasisApproval:
    return services.basis_approve(
        actor=ctx["lead"],
        service_form=form or ctx["ensikoti"],
        period_start=first,
        period_end=last,
    )


def run(ctx: dict[str, Any], first: dt.date, last: dt.date) -> InvoiceRun:
    return services.run_create(
        actor=ctx["finance"], organisation=ctx["org"], period_start=first, period_end=last
    )


def invoices_of(ctx: dict[str, Any], found: InvoiceRun) -> list[Invoice]:
    with scope(organisation=ctx["org"].pk):
        return list(found.invoices.exclude(status=Invoice.Status.DISCARDED).order_by("buyer_name"))


def lines_of(ctx: dict[str, Any], invoice: Invoice) -> list[InvoiceLine]:
    with scope(organisation=ctx["org"].pk):
        return list(invoice.lines.order_by("position"))


def send(ctx: dict[str, Any], invoice: Invoice, day: dt.date = D(2026, 12, 3)) -> Invoice:
    return services.invoice_send(actor=ctx["finance"], invoice=invoice, invoice_date=day)


# --- Helpers ----------------------------------------------------------------------------------


def test_period_texts_and_month_arithmetic() -> None:
    assert period_text(D(2026, 11, 1), D(2026, 11, 30)) == "1.–30.11.2026"
    assert period_text(D(2026, 11, 28), D(2026, 12, 3)) == "28.11.–3.12.2026"
    assert period_text(D(2026, 12, 28), D(2027, 1, 3)) == "28.12.2026–3.1.2027"
    assert period_text(D(2026, 11, 5), D(2026, 11, 5)) == "5.11.2026"
    assert is_whole_quarters(D(2026, 7, 1), D(2026, 9, 30))
    assert is_whole_quarters(D(2026, 1, 1), D(2026, 6, 30))
    assert not is_whole_quarters(D(2026, 8, 1), D(2026, 10, 31))
    assert not is_whole_quarters(D(2026, 7, 1), D(2026, 9, 29))


def test_fingerprint_ignores_order_and_number_types_but_sees_every_change() -> None:
    def item(**kw: Any) -> BillableItem:
        values: dict[str, Any] = {
            "source": SOURCE,
            "service_form_id": 1,
            "day": D(2026, 11, 1),
            "item": CHILD,
            "quantity": Decimal("1.00"),
            "group_key": "commitment:1",
            "records": (("a", 1), ("b", 2)),
        }
        values.update(kw)
        return BillableItem(**values)

    a, b = item(), item(day=D(2026, 11, 2))
    assert basis.fingerprint([a, b]) == basis.fingerprint([b, a])
    assert basis.fingerprint([item(quantity=1), b]) == basis.fingerprint([a, b])
    assert basis.fingerprint([item(records=(("b", 2), ("a", 1))), b]) == basis.fingerprint([a, b])
    assert len(basis.fingerprint([])) == 64
    for change in (
        {"day": D(2026, 11, 3)},
        {"quantity": Decimal("2")},
        {"payer_id": 7},
        {"case_reference": "X"},
        {"records": (("a", 1),)},
        {"item": MOTHER},
    ):
        assert basis.fingerprint([item(**change), b]) != basis.fingerprint([a, b])


# --- The basis --------------------------------------------------------------------------------


def test_summary_groups_by_case_reference_and_item(source: FakeSource) -> None:
    ctx = world(source)
    other = ServiceFormFactory(area__organisation=ctx["org"], name="Tapaamispaikka")
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 10), item=MOTHER)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 10), participant=2)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 20), D(2026, 11, 30), reference="B-2")
    source.days(ctx["org"], other, D(2026, 11, 1), D(2026, 11, 30), reference="T-1")
    source.days(OrganisationFactory(), ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 30))
    summary = basis.basis_summary(ctx["ensikoti"], *nov)
    # Ensikoti only: 10 mother days and 10 child days on PHHYKY/2026/12; 11 child days (20.–30.)
    # on B-2 = 31 items.
    assert [(r.case_reference, r.item, r.quantity, r.days) for r in summary.rows] == [
        ("B-2", CHILD, Decimal("11"), 11),
        ("PHHYKY/2026/12", MOTHER, Decimal("10"), 10),
        ("PHHYKY/2026/12", CHILD, Decimal("10"), 10),
    ]
    assert summary.item_count == 31
    assert summary.quantity == Decimal("31")
    assert summary.rows[0].first_day == D(2026, 11, 20)
    assert summary.rows[1].label == "Hoitovuorokausi, äiti"
    assert dict(summary.totals) == {
        "Hoitovuorokausi, lapsi": Decimal("21"),
        "Hoitovuorokausi, äiti": Decimal("10"),
    }


def test_lead_approves_own_form_only_and_a_change_needs_a_new_approval(
    source: FakeSource,
) -> None:
    ctx = world(source)
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 5))
    other = ServiceFormFactory(area__organisation=ctx["org"], name="Tapaamispaikka")
    with pytest.raises(PermissionDenied):
        approve(ctx, *nov, form=other)
    with pytest.raises(PermissionDenied):
        services.basis_approve(
            actor=ctx["finance"],
            service_form=ctx["ensikoti"],
            period_start=nov[0],
            period_end=nov[1],
        )
    with pytest.raises(PermissionDenied):
        services.basis_approve(
            actor=worker_in(ctx["ensikoti"]),
            service_form=ctx["ensikoti"],
            period_start=nov[0],
            period_end=nov[1],
        )
    first = approve(ctx, *nov)
    assert (first.item_count, first.quantity) == (5, Decimal("5"))
    with pytest.raises(ValidationError):  # unchanged: nothing to approve again
        approve(ctx, *nov)
    with scope(organisation=ctx["org"].pk):
        [state] = basis.basis_states(ctx["org"].pk, [ctx["ensikoti"]], *nov)
    assert state.approved and not state.changed
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 6), D(2026, 11, 6))
    with scope(organisation=ctx["org"].pk):
        [state] = basis.basis_states(ctx["org"].pk, [ctx["ensikoti"]], *nov)
    assert state.changed and not state.approved
    second = approve(ctx, *nov)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and second.item_count == 6
    with pytest.raises(ValidationError):  # overlapping another approved period
        approve(ctx, D(2026, 11, 15), D(2026, 12, 15))
    services.basis_withdraw(actor=ctx["lead"], approval=second)
    with pytest.raises(ValidationError):
        services.basis_withdraw(actor=ctx["lead"], approval=second)


# --- Runs: hand-computed ----------------------------------------------------------------------


def test_without_an_approval_nothing_is_billed(source: FakeSource) -> None:
    ctx = world(source)
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 4))
    found = run(ctx, *nov)
    assert invoices_of(ctx, found) == []
    assert [(p["reason"][:40], p["quantity"], p["service_form"]) for p in found.problems] == [
        ("Työmuodon vastaava ei ole hyväksynyt las", "4", "Ensikoti")
    ]


def test_records_changed_after_the_approval_are_not_billed(source: FakeSource) -> None:
    ctx = world(source)
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 4))
    approve(ctx, *nov)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 5), D(2026, 11, 5))
    found = run(ctx, *nov)
    assert invoices_of(ctx, found) == []
    assert found.problems[0]["reason"].startswith("Kirjaukset ovat muuttuneet")
    assert found.problems[0]["quantity"] == "5"


def test_price_change_on_1_7_prices_30_6_old_and_1_7_new(source: FakeSource) -> None:
    ctx = world(source)
    # A mother's stay 28.6.–3.7.: 28., 29., 30.6. by the old row, 1., 2., 3.7. by the new.
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 6, 28), D(2026, 7, 3), item=MOTHER)
    approve(ctx, *month_bounds(2026, 6))
    approve(ctx, *month_bounds(2026, 7))
    found = run(ctx, D(2026, 6, 1), D(2026, 7, 31))
    [invoice] = invoices_of(ctx, found)
    lines = lines_of(ctx, invoice)
    assert [
        (line.quantity, line.unit_price, line.net, line.billed_period_start, line.billed_period_end)
        for line in lines
    ] == [
        # 3 × 228,00 = 684,00
        (Decimal("3.00"), Decimal("228.00"), Decimal("684.00"), D(2026, 6, 28), D(2026, 6, 30)),
        # 3 × 236,00 = 708,00
        (Decimal("3.00"), Decimal("236.00"), Decimal("708.00"), D(2026, 7, 1), D(2026, 7, 3)),
    ]
    assert lines[0].description == "Hoitovuorokausi, äiti 28.–30.6.2026"
    assert lines[1].description == "Hoitovuorokausi, äiti 1.–3.7.2026"
    assert lines[0].price_row_id != lines[1].price_row_id
    # 684,00 + 708,00 = 1 392,00 €, VAT 0.
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("1392.00"),
        Decimal("0.00"),
        Decimal("1392.00"),
    )
    assert found.problems == []


def test_price_change_month_by_month(source: FakeSource) -> None:
    ctx = world(source)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 6, 28), D(2026, 7, 3), item=MOTHER)
    approve(ctx, *month_bounds(2026, 6))
    approve(ctx, *month_bounds(2026, 7))
    [june] = invoices_of(ctx, run(ctx, *month_bounds(2026, 6)))
    send(ctx, june)
    [july] = invoices_of(ctx, run(ctx, *month_bounds(2026, 7)))
    assert june.total_gross == Decimal("684.00")  # 3 × 228,00
    assert july.total_gross == Decimal("708.00")  # 3 × 236,00
    assert all(not line.is_difference for line in lines_of(ctx, july))


def test_stay_across_the_month_end_bills_only_the_months_days(source: FakeSource) -> None:
    ctx = world(source)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 25), D(2026, 12, 5))
    approve(ctx, *month_bounds(2026, 11))
    [invoice] = invoices_of(ctx, run(ctx, *month_bounds(2026, 11)))
    [line] = lines_of(ctx, invoice)
    # 25.–30.11. = 6 days × 96,00 = 576,00 €; December's five days wait for December's run.
    assert (line.quantity, line.net, line.billed_period_start, line.billed_period_end) == (
        Decimal("6.00"),
        Decimal("576.00"),
        D(2026, 11, 25),
        D(2026, 11, 30),
    )
    assert line.description == "Hoitovuorokausi, lapsi 25.–30.11.2026"
    assert line.case_reference == "PHHYKY/2026/12"
    assert line.records == [["episodes.participant", 1], ["residential.paymentcommitment", 1]]
    assert (line.source, line.group_key, line.service_form_id) == (
        SOURCE,
        "commitment:1",
        ctx["ensikoti"].pk,
    )
    # The buyer's details are copied from the partner and the agreement.
    assert (invoice.buyer_id, invoice.buyer_name, invoice.buyer_business_id) == (
        ctx["phhyky"].pk,
        "PHHYKY",
        "1234567-1",
    )
    assert (invoice.buyer_street, invoice.buyer_postcode, invoice.buyer_town) == (
        "Keskuskatu 1",
        "15100",
        "Lahti",
    )
    assert (invoice.einvoice_address, invoice.einvoice_operator, invoice.buyer_reference) == (
        "003712345671",
        "003721291126",
        "KP 4410",
    )
    assert invoice.payment_term_days == 21
    assert invoice.agreement_id == ctx["agreement"].pk
    send(ctx, invoice)
    approve(ctx, *month_bounds(2026, 12))
    [december] = invoices_of(ctx, run(ctx, *month_bounds(2026, 12)))
    [line] = lines_of(ctx, december)
    assert (line.quantity, line.net, line.is_difference) == (
        Decimal("5.00"),
        Decimal("480.00"),  # 5 × 96,00
        False,
    )


def test_commitment_ending_mid_month_other_payer_and_no_payer(source: FakeSource) -> None:
    ctx = world(source)
    heinola = partner(ctx["org"], "Heinolan kaupunki", "0204819-8")
    make_agreement(ctx, heinola, [ctx["ensikoti"]], "OPS-2", [(CHILD, "110.00", D(2026, 1, 1))])
    # PHHYKY's commitment 1.–15.11., Heinola's 16.–25.11., nobody's 26.–30.11.
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 15), payer=ctx["phhyky"])
    source.days(
        ctx["org"],
        ctx["ensikoti"],
        D(2026, 11, 16),
        D(2026, 11, 25),
        payer=heinola,
        reference="HEI-77",
        group="commitment:2",
    )
    source.days(
        ctx["org"], ctx["ensikoti"], D(2026, 11, 26), D(2026, 11, 30), payer=None, group="none:1"
    )
    approve(ctx, *month_bounds(2026, 11))
    found = run(ctx, *month_bounds(2026, 11))
    heinola_invoice, phhyky_invoice = invoices_of(ctx, found)
    # Heinola: 10 × 110,00 = 1 100,00 €; PHHYKY: 15 × 96,00 = 1 440,00 €.
    assert heinola_invoice.buyer_name == "Heinolan kaupunki"
    assert heinola_invoice.total_gross == Decimal("1100.00")
    assert phhyky_invoice.total_gross == Decimal("1440.00")
    [line] = lines_of(ctx, phhyky_invoice)
    assert (line.billed_period_start, line.billed_period_end) == (D(2026, 11, 1), D(2026, 11, 15))
    [problem] = found.problems
    assert problem["reason"].startswith("Ostaja puuttuu")
    assert (problem["quantity"], problem["first_day"], problem["last_day"]) == (
        "5",
        "2026-11-26",
        "2026-11-30",
    )


def test_meetings_by_home_municipality_including_a_billable_cancellation(
    source: FakeSource,
) -> None:
    ctx = world(source)
    tapaamispaikka = ServiceFormFactory(area__organisation=ctx["org"], name="Tapaamispaikka")
    lead = worker_in(tapaamispaikka, role=Role.LEAD)
    hollola = municipality("098", "Hollola")
    heinola_m = municipality("111", "Heinola")
    hollolan_kunta = partner(ctx["org"], "Hollolan kunta", "0158712-7")
    make_agreement(
        ctx,
        hollolan_kunta,
        [tapaamispaikka],
        "OPS-3",
        [
            (PricedItem.MEETING, "92.00", D(2026, 1, 1), "supervised"),
            (PricedItem.MEETING, "62.00", D(2026, 1, 1), "exchange"),
        ],
        municipalities=[hollola],
    )

    def meeting(day: int, meeting_type: str, pk: int, where: Municipality = hollola) -> None:
        source.add(
            ctx["org"],
            BillableItem(
                source="test.meetings",
                service_form_id=tapaamispaikka.pk,
                day=D(2026, 11, day),
                item=PricedItem.MEETING,
                meeting_type=meeting_type,
                quantity=1,
                group_key="order:5",
                case_reference="Dnro 12/2026",
                municipality_id=where.pk,
                records=(("visitation.meeting", pk),),
            ),
        )

    meeting(3, "supervised", 1)
    meeting(10, "supervised", 2)
    meeting(17, "supervised", 3)  # cancelled by the family too late: billable by the rule
    meeting(24, "exchange", 4)
    meeting(24, "supervised", 5, where=heinola_m)  # no agreement covers Heinola
    services.basis_approve(
        actor=lead,
        service_form=tapaamispaikka,
        period_start=D(2026, 11, 1),
        period_end=D(2026, 11, 30),
    )
    found = run(ctx, *month_bounds(2026, 11))
    [invoice] = invoices_of(ctx, found)
    assert invoice.buyer_id == hollolan_kunta.pk
    lines = lines_of(ctx, invoice)
    assert [(line.meeting_type, line.quantity, line.net, line.description) for line in lines] == [
        # 1 × 62,00 = 62,00
        ("exchange", Decimal("1.00"), Decimal("62.00"), "Valvottu vaihto 24.11.2026"),
        # 3 × 92,00 = 276,00 (3., 10. and the cancelled 17.)
        ("supervised", Decimal("3.00"), Decimal("276.00"), "Valvottu tapaaminen 3.–17.11.2026"),
    ]
    assert lines[1].records == [
        ["visitation.meeting", 1],
        ["visitation.meeting", 2],
        ["visitation.meeting", 3],
    ]
    assert invoice.total_gross == Decimal("338.00")  # 62,00 + 276,00
    [problem] = found.problems
    assert problem["reason"].startswith("Ostaja puuttuu: kotikunnalla")
    assert problem["quantity"] == "1"


def test_unpriced_and_own_priced_items(source: FakeSource) -> None:
    ctx = world(source)
    perhetupa = ServiceFormFactory(area__organisation=ctx["org"], name="Perhetupa")
    lead = worker_in(perhetupa, role=Role.LEAD)
    # A father's care day: PHHYKY's agreement has no father's price → "hinta puuttuu".
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 2), D(2026, 11, 3), item="care_day_father")
    # A rental with the record's own hourly price 35,50 € for 2,5 hours, and one without a price.
    for pk, price in ((1, Decimal("35.50")), (2, None)):
        source.add(
            ctx["org"],
            BillableItem(
                source="test.rentals",
                service_form_id=perhetupa.pk,
                day=D(2026, 11, 14),
                item=PricedItem.RENTAL,
                quantity=Decimal("2.50"),
                group_key=f"rental:{pk}",
                description="Syntymäpäivät",
                buyer_name="Virtanen Oy",
                unit_price=price,
                records=(("dropin.rentalcharge", pk),),
            ),
        )
    approve(ctx, *month_bounds(2026, 11))
    services.basis_approve(
        actor=lead, service_form=perhetupa, period_start=D(2026, 11, 1), period_end=D(2026, 11, 30)
    )
    found = run(ctx, *month_bounds(2026, 11))
    [invoice] = invoices_of(ctx, found)
    assert (invoice.buyer_id, invoice.buyer_name, invoice.agreement_id) == (
        None,
        "Virtanen Oy",
        None,
    )
    [line] = lines_of(ctx, invoice)
    # 2,5 × 35,50 = 88,75 €
    assert (line.quantity, line.unit_price, line.net, line.unit) == (
        Decimal("2.50"),
        Decimal("35.50"),
        Decimal("88.75"),
        "tunti",
    )
    assert line.description == "Tilavuokra: Syntymäpäivät 14.11.2026"
    assert sorted((p["reason"][:14], p["quantity"]) for p in found.problems) == [
        ("Hinta puuttuu:", "2"),
        ("Hinta puuttuu:", "2.5"),
    ]


def test_quarterly_agreement_is_billed_by_a_quarter_run(source: FakeSource) -> None:
    ctx = world(source)
    alvari = ServiceFormFactory(area__organisation=ctx["org"], name="Alvari")
    lead = worker_in(alvari, role=Role.LEAD)
    make_agreement(
        ctx,
        ctx["phhyky"],
        [alvari],
        "OPS-4",
        [(PricedItem.FAMILY_WORK_HOUR, "78.00", D(2026, 1, 1))],
        invoicing_interval="quarterly",
    )
    for day in (D(2026, 10, 5), D(2026, 11, 5), D(2026, 12, 5)):
        source.days(
            ctx["org"], alvari, day, day, item=PricedItem.FAMILY_WORK_HOUR, group="episode:3"
        )
    for number in (10, 11, 12):
        services.basis_approve(
            actor=lead,
            service_form=alvari,
            period_start=month_bounds(2026, number)[0],
            period_end=month_bounds(2026, number)[1],
        )
    monthly = run(ctx, *month_bounds(2026, 11))
    assert invoices_of(ctx, monthly) == []
    assert monthly.problems[0]["reason"].startswith("Sopimus OPS-4 laskutetaan neljännesvuosittain")
    services.run_cancel(actor=ctx["finance"], run=monthly)
    [invoice] = invoices_of(ctx, run(ctx, D(2026, 10, 1), D(2026, 12, 31)))
    [line] = lines_of(ctx, invoice)
    assert (line.quantity, line.net) == (Decimal("3.00"), Decimal("234.00"))  # 3 × 78,00


# --- Second runs and differences --------------------------------------------------------------


def test_a_second_run_never_bills_the_same_days_twice(source: FakeSource) -> None:
    ctx = world(source)
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 10))
    approve(ctx, *nov)
    first = run(ctx, *nov)
    with pytest.raises(ValidationError) as refused:  # the first run's draft is still open
        run(ctx, *nov)
    assert "lähettämättömiä" in refused.value.messages[0]
    [invoice] = invoices_of(ctx, first)
    send(ctx, invoice)
    second = run(ctx, *nov)
    assert invoices_of(ctx, second) == [] and second.problems == []
    # A day recorded late on the same commitment is a difference of November.
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 11), D(2026, 11, 11))
    approve(ctx, *nov)
    third = run(ctx, *nov)
    [late] = invoices_of(ctx, third)
    [line] = lines_of(ctx, late)
    assert (line.quantity, line.net, line.is_difference) == (
        Decimal("1.00"),
        Decimal("96.00"),
        True,
    )


def test_a_corrected_departure_is_a_difference_line_in_the_next_run(source: FakeSource) -> None:
    ctx = world(source)
    nov, dec = month_bounds(2026, 11), month_bounds(2026, 12)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 20))
    approve(ctx, *nov)
    [november] = invoices_of(ctx, run(ctx, *nov))
    november = send(ctx, november)
    assert november.total_gross == Decimal("1920.00")  # 20 × 96,00
    # The departure is corrected from 21.11. to 19.11.: 19. and 20.11. were not care days.
    source.remove(lambda i: i.day in (D(2026, 11, 19), D(2026, 11, 20)))
    approve(ctx, *dec)
    held = run(ctx, *dec)
    assert invoices_of(ctx, held) == []  # November's basis changed after its approval
    assert held.problems[0]["reason"].startswith("Korjausta ei voitu laskea: Kirjaukset")
    approve(ctx, *nov)  # the lead approves the corrected November
    correction = run(ctx, *dec)
    [invoice] = invoices_of(ctx, correction)
    [line] = lines_of(ctx, invoice)
    # −2 × 96,00 = −192,00 €, for November, on December's run; November's invoice is untouched.
    assert (line.quantity, line.net, line.is_difference) == (
        Decimal("-2.00"),
        Decimal("-192.00"),
        True,
    )
    assert line.description == "Korjaus: Hoitovuorokausi, lapsi 1.–30.11.2026"
    assert (line.billed_period_start, line.billed_period_end) == nov
    assert invoice.total_gross == Decimal("-192.00")
    november.refresh_from_db()
    assert november.total_gross == Decimal("1920.00")
    assert [x.quantity for x in lines_of(ctx, november)] == [Decimal("20.00")]
    send(ctx, invoice)
    # Sent, the difference is accounted for: the next run finds nothing more to correct.
    assert invoices_of(ctx, run(ctx, *dec)) == []
    # A later departure the other way: 19.–22.11. are care days after all → +4 days.
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 19), D(2026, 11, 22))
    approve(ctx, *nov)
    [again] = invoices_of(ctx, run(ctx, *dec))
    [line] = lines_of(ctx, again)
    assert (line.quantity, line.net) == (Decimal("4.00"), Decimal("384.00"))  # 4 × 96,00


def test_a_credited_invoice_is_billed_again_by_the_records(source: FakeSource) -> None:
    ctx = world(source)
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 3))
    approve(ctx, *nov)
    [invoice] = invoices_of(ctx, run(ctx, *nov))
    invoice = send(ctx, invoice)
    note = services.credit_note_create(actor=ctx["finance"], invoice=invoice, reason="Väärä osoite")
    send(ctx, note)
    # Net of the credit note nothing of November is invoiced; the records still say 3 days.
    [rebill] = invoices_of(ctx, run(ctx, *nov))
    [line] = lines_of(ctx, rebill)
    assert (line.quantity, line.net, line.is_difference) == (
        Decimal("3.00"),
        Decimal("288.00"),
        True,
    )


# --- Sending, numbers, immutability -----------------------------------------------------------


def test_sending_numbers_references_due_dates(source: FakeSource) -> None:
    ctx = world(source)
    heinola = partner(ctx["org"], "Heinolan kaupunki")
    make_agreement(ctx, heinola, [ctx["ensikoti"]], "OPS-2", [(CHILD, "110.00", D(2026, 1, 1))])
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 2), payer=ctx["phhyky"])
    source.days(
        ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 2), payer=heinola, group="c:2"
    )
    approve(ctx, *month_bounds(2026, 11))
    found = run(ctx, *month_bounds(2026, 11))
    result = services.run_send_all(actor=ctx["finance"], run=found, invoice_date=D(2026, 12, 3))
    assert result.skipped == []
    first, second = result.sent
    # By buyer name: Heinolan kaupunki, then PHHYKY; the series starts at 1000.
    assert (first.buyer_name, first.number, second.buyer_name, second.number) == (
        "Heinolan kaupunki",
        1000,
        "PHHYKY",
        1001,
    )
    # 1000: 0·7 + 0·3 + 0·1 + 1·7 = 7 → check 3; 1001: 1·7 + 0 + 0 + 1·7 = 14 → check 6.
    assert (first.reference, second.reference) == ("10003", "10016")
    assert first.reference == invoice_reference(1000) and is_valid_reference(second.reference)
    # 3.12.2026 + 21 days = 24.12.2026.
    assert first.due_date == D(2026, 12, 24) and first.invoice_date == D(2026, 12, 3)
    assert first.total_gross == Decimal("220.00")  # 2 × 110,00
    assert first.sent_by == ctx["finance"] and first.sent_at is not None
    found.refresh_from_db()
    assert found.status == InvoiceRun.Status.SENT
    with scope(organisation=ctx["org"].pk):
        assert InvoiceNumberSeries.objects.get(organisation=ctx["org"]).next_number == 1002


def test_empty_and_zero_drafts_are_not_sent_and_numbers_stay_gapless() -> None:
    ctx = world()
    empty = services.invoice_create_manual(
        actor=ctx["finance"], data=services.ManualInvoiceData(buyer_name="Koulutus Oy")
    )
    with pytest.raises(ValidationError) as refused:
        send(ctx, empty)
    assert "rivejä" in refused.value.messages[0]
    zero = services.invoice_create_manual(
        actor=ctx["finance"], data=services.ManualInvoiceData(buyer=ctx["phhyky"])
    )
    services.line_add(
        actor=ctx["finance"],
        invoice=zero,
        item=PricedItem.TRAINING_FEE,
        description="Maksuton koulutus",
        quantity=Decimal("3"),
        unit_price=Decimal("0"),
    )
    with pytest.raises(ValidationError) as refused:
        send(ctx, zero)
    assert "nolla" in refused.value.messages[0]
    fee = services.invoice_create_manual(
        actor=ctx["finance"], data=services.ManualInvoiceData(buyer_name="Koulutus Oy")
    )
    services.line_add(
        actor=ctx["finance"],
        invoice=fee,
        item=PricedItem.TRAINING_FEE,
        description="Koulutusmaksu, vuorovaikutuskoulutus 12.11.2026",
        quantity=Decimal("2"),
        unit_price=Decimal("120.00"),
        vat_rate=Decimal("25.5"),
    )
    sent = send(ctx, fee)
    # 2 × 120,00 = 240,00; VAT 25,5 % = 61,20; total 301,20 €; the failed sends took no number.
    assert (sent.number, sent.total_net, sent.total_vat, sent.total_gross) == (
        1000,
        Decimal("240.00"),
        Decimal("61.20"),
        Decimal("301.20"),
    )
    assert sent.payment_term_days == 14 and sent.due_date == D(2026, 12, 17)


def test_the_series_starts_after_numbers_already_taken() -> None:
    ctx = world()
    factories.sent_invoice(
        ctx["org"],
        number=1041,
        created_by=ctx["finance"],
        lines=[{"quantity": "1", "unit_price": "10"}],
    )
    draft = factories.draft_invoice(
        ctx["org"], created_by=ctx["finance"], lines=[{"quantity": "1", "unit_price": "10"}]
    )
    assert send(ctx, draft).number == 1042


def test_a_sent_invoice_is_immutable() -> None:
    ctx = world()
    sent = factories.sent_invoice(
        ctx["org"],
        number=1000,
        created_by=ctx["finance"],
        lines=[{"quantity": "2", "unit_price": "96.00"}],
    )
    [line] = lines_of(ctx, sent)
    refusals = [
        lambda: send(ctx, sent),
        lambda: services.invoice_discard(actor=ctx["finance"], invoice=sent),
        lambda: services.line_add(
            actor=ctx["finance"],
            invoice=sent,
            item=PricedItem.TRAINING_FEE,
            description="x",
            quantity=Decimal("1"),
            unit_price=Decimal("1"),
        ),
        lambda: services.line_remove(actor=ctx["finance"], line=line),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError):
            refused()
    sent.refresh_from_db()
    assert (sent.total_gross, sent.number, sent.status) == (Decimal("192.00"), 1000, "sent")
    assert [x.quantity for x in lines_of(ctx, sent)] == [Decimal("2.00")]


def test_only_finance_manages_invoices() -> None:
    ctx = world()
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    draft = factories.draft_invoice(
        ctx["org"], created_by=ctx["finance"], lines=[{"quantity": "1", "unit_price": "10"}]
    )
    stranger = org_role_user(OrganisationFactory(), Role.FINANCE)
    for actor in (director, ctx["lead"], stranger):
        with pytest.raises(PermissionDenied):
            services.invoice_send(actor=actor, invoice=draft, invoice_date=D(2026, 12, 3))
        with pytest.raises(PermissionDenied):
            services.run_create(
                actor=actor,
                organisation=ctx["org"],
                period_start=D(2026, 11, 1),
                period_end=D(2026, 11, 30),
            )


# --- Credit notes -----------------------------------------------------------------------------


def test_credit_note_negates_lines_and_references_the_invoice() -> None:
    ctx = world()
    invoice = factories.sent_invoice(
        ctx["org"],
        number=1000,
        created_by=ctx["finance"],
        buyer=ctx["phhyky"],
        lines=[
            {"quantity": "6", "unit_price": "96.00", "case_reference": "PHHYKY/2026/12"},
            {"quantity": "2", "unit_price": "228.00", "item": MOTHER, "description": "Äiti"},
        ],
    )
    _first, second = lines_of(ctx, invoice)
    with pytest.raises(ValidationError):
        services.credit_note_create(actor=ctx["finance"], invoice=invoice, reason=" ")
    note = services.credit_note_create(
        actor=ctx["finance"], invoice=invoice, lines=[second], reason="Äidin jakso päättyi"
    )
    assert (note.kind, note.credited_invoice_id, note.status) == (
        "credit_note",
        invoice.pk,
        "draft",
    )
    [credit] = lines_of(ctx, note)
    # −2 × 228,00 = −456,00 €
    assert (credit.quantity, credit.unit_price, credit.net, credit.gross) == (
        Decimal("-2.00"),
        Decimal("228.00"),
        Decimal("-456.00"),
        Decimal("-456.00"),
    )
    assert credit.records[-1] == ["finance.invoiceline", second.pk]
    assert note.notes == "Hyvitys laskulle 1000: Äidin jakso päättyi"
    assert (note.buyer_id, note.period_start) == (ctx["phhyky"].pk, invoice.period_start)
    with pytest.raises(ValidationError):  # the same line twice
        services.credit_note_create(
            actor=ctx["finance"], invoice=invoice, lines=[second], reason="uudelleen"
        )
    sent = send(ctx, note)
    assert (sent.number, sent.reference, sent.total_gross) == (1001, "10016", Decimal("-456.00"))
    with pytest.raises(ValidationError):  # a credit note is not credited
        services.credit_note_create(actor=ctx["finance"], invoice=sent, reason="x")
    rest = services.credit_note_create(actor=ctx["finance"], invoice=invoice, reason="Loput")
    # The rest: −6 × 96,00 = −576,00 €
    assert [x.quantity for x in lines_of(ctx, rest)] == [Decimal("-6.00")]
    assert rest.total_gross == Decimal("-576.00")
    assert lines_of(ctx, rest)[0].case_reference == "PHHYKY/2026/12"
    with pytest.raises(ValidationError):
        services.credit_note_create(actor=ctx["finance"], invoice=invoice, reason="Kaikki jo")
    draft = factories.draft_invoice(
        ctx["org"], created_by=ctx["finance"], lines=[{"quantity": "1", "unit_price": "10"}]
    )
    with pytest.raises(ValidationError):
        services.credit_note_create(actor=ctx["finance"], invoice=draft, reason="luonnos")


# --- Manual invoices and runs' bookkeeping ----------------------------------------------------


def test_manual_invoice_validation_keeps_field_errors() -> None:
    ctx = world()
    with pytest.raises(ValidationError) as refused:
        services.invoice_create_manual(
            actor=ctx["finance"],
            data=services.ManualInvoiceData(
                buyer_business_id="1234567-2",
                einvoice_address="003712345671",
                payment_term_days=400,
                period_start=D(2026, 11, 30),
                period_end=D(2026, 11, 1),
            ),
        )
    assert set(refused.value.message_dict) == {
        "buyer_name",
        "buyer_business_id",
        "einvoice_operator",
        "payment_term_days",
        "period_end",
    }
    draft = services.invoice_create_manual(
        actor=ctx["finance"], data=services.ManualInvoiceData(buyer=ctx["phhyky"])
    )
    with pytest.raises(ValidationError) as refused:
        services.line_add(
            actor=ctx["finance"],
            invoice=draft,
            item="nonsense",
            description="",
            quantity=Decimal("0"),
            unit_price=Decimal("-1"),
            vat_rate=Decimal("100"),
        )
    assert set(refused.value.message_dict) == {
        "item",
        "description",
        "quantity",
        "unit_price",
        "vat_rate",
    }


#: The largest amount an invoice's money columns (numeric(12, 2)) take, as the messages show it.
LARGEST = euros(Decimal("9999999999.99"))


def test_a_line_or_an_invoice_too_large_for_the_columns_is_refused() -> None:
    """Lines and invoices keep their amounts in numeric(12, 2): at most 9 999 999 999,99 €. Only
    a line's net was checked, not its total with VAT nor the invoice's totals; SQLite stored them
    and PostgreSQL refused ("numeric field overflow"), a server error that lost the typed line."""
    ctx = world()
    draft = services.invoice_create_manual(
        actor=ctx["finance"], data=services.ManualInvoiceData(buyer=ctx["phhyky"])
    )

    def add(unit_price: str, vat_rate: str = "0") -> InvoiceLine:
        return services.line_add(
            actor=ctx["finance"],
            invoice=draft,
            item=PricedItem.TRAINING_FEE,
            description="Koulutus",
            quantity=Decimal("1"),
            unit_price=Decimal(unit_price),
            vat_rate=Decimal(vat_rate),
        )

    # Net 9 000 000 000,00 fits; with VAT 25,5 % the line is 11 295 000 000,00 €.
    with pytest.raises(ValidationError) as refused:
        add("9000000000.00", "25.5")
    assert refused.value.message_dict == {"quantity": ["Rivin summa on liian suuri."]}
    add("6000000000.00")
    # 6 000 000 000,00 + 4 000 000 000,00 = 10 000 000 000,00 € would not fit the invoice.
    with pytest.raises(ValidationError) as refused:
        add("4000000000.00")
    assert refused.value.messages == [
        f"Laskun summa olisi liian suuri (enintään {LARGEST} €). Laskuta loput toisella laskulla."
    ]
    add("3999999999.99")
    draft.refresh_from_db()
    assert (draft.total_net, draft.total_gross) == (Decimal("9999999999.99"),) * 2
    assert len(lines_of(ctx, draft)) == 2


def test_a_run_whose_invoice_would_be_too_large_is_refused(source: FakeSource) -> None:
    """A price row is below 10 000 000 000 € but a month of days at it need not be: the run is
    refused with the buyer named, instead of failing on PostgreSQL ("numeric field overflow")."""
    ctx = world(source)
    agreements.price_set(
        actor=ctx["finance"],
        agreement=ctx["agreement"],
        item=CHILD,
        amount=Decimal("6000000000.00"),
        valid_from=D(2026, 11, 1),
    )
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 2))
    approve(ctx, *nov)
    with pytest.raises(ValidationError) as refused:
        run(ctx, *nov)  # 2 × 6 000 000 000,00 = 12 000 000 000,00 €
    assert refused.value.messages == [
        f"Ostajan PHHYKY lasku olisi liian suuri (enintään {LARGEST} €). "
        "Tarkista sopimuksen hinnat."
    ]
    with scope(organisation=ctx["org"].pk):
        assert not InvoiceRun.objects.exists()
        assert not Invoice.objects.exists()


def test_discarding_and_cancelling_settle_the_run(source: FakeSource) -> None:
    ctx = world(source)
    nov = month_bounds(2026, 11)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 2))
    approve(ctx, *nov)
    found = run(ctx, *nov)
    [invoice] = invoices_of(ctx, found)
    services.invoice_discard(actor=ctx["finance"], invoice=invoice)
    found.refresh_from_db()
    assert found.status == InvoiceRun.Status.CANCELLED
    # The discarded days come back in the next run.
    again = run(ctx, *nov)
    [invoice] = invoices_of(ctx, again)
    assert invoice.total_gross == Decimal("192.00")  # 2 × 96,00
    services.run_cancel(actor=ctx["finance"], run=again)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DISCARDED
    third = run(ctx, *nov)
    send(ctx, invoices_of(ctx, third)[0])
    with pytest.raises(ValidationError):
        services.run_cancel(actor=ctx["finance"], run=third)


def test_run_reads_in_a_constant_number_of_queries(
    source: FakeSource, django_assert_max_num_queries: Any
) -> None:
    ctx = world(source)
    nov = month_bounds(2026, 11)
    for n in range(1, 6):
        source.days(
            ctx["org"],
            ctx["ensikoti"],
            D(2026, 11, 1),
            D(2026, 11, 30),
            group=f"commitment:{n}",
            reference=f"R-{n}",
            participant=n,
        )
    approve(ctx, *nov)
    with scope(organisation=ctx["org"].pk):
        from tupa.finance.invoicing.runs import plan_run

        with django_assert_max_num_queries(8):
            plan = plan_run(ctx["org"].pk, *nov)
    assert len(plan.lines) == 5 and sum(p.quantity for p in plan.lines) == 150  # 5 × 30 days


# --- Property: totals are the sums of the lines -----------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999.99"), places=2)
QUANTITIES = st.decimals(min_value=Decimal("-500"), max_value=Decimal("500"), places=2).filter(
    lambda q: q != 0
)
VAT_RATES = st.sampled_from(
    [Decimal("0"), Decimal("10"), Decimal("14"), Decimal("24"), Decimal("25.5")]
)
LINES = st.lists(st.tuples(QUANTITIES, AMOUNTS, VAT_RATES), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(lines=LINES)
def test_totals_are_the_sums_of_the_lines_and_a_credit_note_negates_them(
    lines: list[tuple[Decimal, Decimal, Decimal]],
) -> None:
    built = []
    for quantity, price, vat in lines:
        net, tax, gross = line_amounts(quantity, price, vat)
        built.append(
            InvoiceLine(quantity=quantity, unit_price=price, net=net, vat=tax, gross=gross)
        )
    net, vat, gross = services.totals_of(built)
    assert net == sum((cents(q * p) for q, p, _v in lines), Decimal("0"))
    assert vat == sum((cents(cents(q * p) * v / 100) for q, p, v in lines), Decimal("0"))
    assert gross == sum((x.gross for x in built), Decimal("0")) == net + vat
    assert all(x.gross == x.net + x.vat for x in built)
    negated = [
        InvoiceLine(net=n, vat=t, gross=g)
        for n, t, g in (line_amounts(-q, p, v) for q, p, v in lines)
    ]
    assert services.totals_of(negated) == (-net, -vat, -gross)


def _send_lines(lines: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    org = OrganisationFactory()
    finance = org_role_user(org, Role.FINANCE)
    draft = services.invoice_create_manual(
        actor=finance, data=services.ManualInvoiceData(buyer_name="Ostaja")
    )
    for quantity, price, vat in lines:
        services.line_add(
            actor=finance,
            invoice=draft,
            item="other",
            description="Rivi",
            quantity=quantity,
            unit_price=price,
            vat_rate=vat,
        )
    expected_net = sum((cents(q * p) for q, p, _v in lines), Decimal("0"))
    expected_vat = sum((cents(cents(q * p) * v / 100) for q, p, v in lines), Decimal("0"))
    try:
        sent = services.invoice_send(actor=finance, invoice=draft, invoice_date=D(2026, 12, 3))
    except ValidationError:
        assert expected_net + expected_vat == 0  # only a zero total is refused
        return
    with scope(organisation=org.pk):
        stored = list(sent.lines.all())
    assert sent.total_net == sum((x.net for x in stored), Decimal("0")) == expected_net
    assert sent.total_vat == sum((x.vat for x in stored), Decimal("0")) == expected_vat
    assert sent.total_gross == sum((x.gross for x in stored), Decimal("0"))
    assert sent.total_gross == sent.total_net + sent.total_vat


DB_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@DB_SETTINGS
@given(
    lines=st.lists(st.tuples(QUANTITIES, AMOUNTS, st.just(Decimal("0"))), min_size=1, max_size=4)
)
def test_sent_totals_are_the_sums_of_the_stored_lines_vat_free(
    lines: list[tuple[Decimal, Decimal, Decimal]],
) -> None:
    _send_lines(lines)


@DB_SETTINGS
@given(lines=st.lists(st.tuples(QUANTITIES, AMOUNTS, VAT_RATES), min_size=1, max_size=4))
def test_sent_totals_are_the_sums_of_the_stored_lines_with_vat(
    lines: list[tuple[Decimal, Decimal, Decimal]],
) -> None:
    # On both databases: the CHECK compares ROUND(net + vat, 2), as SQLite adds decimals in
    # floating point (0,05 + 0,01 ≠ 0,06 there).
    _send_lines(lines)
