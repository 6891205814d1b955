"""Test data of finance: the seller's profile, invoices (draft or sent) and their lines, and
granted STEA grants (``stea_grant``, for what reads the grants register: the STEA returns).

``sent_invoice`` makes a sent invoice directly (number, Finnish reference number, due date,
totals from its lines), for the tests of what reads sent invoices (documents, journal,
payments); the invoicing services' own tests send through the services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import User
from tupa.finance.models import Grant, Invoice, InvoiceLine, InvoicingProfile
from tupa.finance.money import line_amounts
from tupa.finance.references import invoice_reference
from tupa.organisations.models import Funder, Organisation, Partner, ServiceForm


def profile(org: Organisation, **overrides: Any) -> InvoicingProfile:
    values: dict[str, Any] = {
        "street": "Esimerkkitie 1",
        "postcode": "15100",
        "town": "Lahti",
        "phone": "03 123 4567",
        "email": "laskutus@example.org",
        "iban": "FI4250001510000023",
        "bic": "OKOYFIHH",
        "einvoice_address": "003712345671",
        "einvoice_operator": "003721291126",
    }
    values.update(overrides)
    return InvoicingProfile.objects.create(organisation=org, **values)


def draft_invoice(
    org: Organisation,
    *,
    created_by: User,
    buyer: Partner | None = None,
    lines: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> Invoice:
    """A draft invoice; ``lines`` are dicts of ``quantity``, ``unit_price`` (strings or
    Decimals) and optional ``vat_rate``, ``description``, ``item``, ``service_form``,
    ``case_reference``."""
    values: dict[str, Any] = {
        "organisation": org,
        "buyer": buyer,
        "buyer_name": buyer.name if buyer else "Kuntayhtymä",
        "buyer_business_id": buyer.business_id if buyer else "",
        "buyer_street": "Kunnantie 2",
        "buyer_postcode": "15110",
        "buyer_town": "Lahti",
        "created_by": created_by,
        "period_start": dt.date(2026, 11, 1),
        "period_end": dt.date(2026, 11, 30),
    }
    values.update(overrides)
    with scope(organisation=org.pk):
        invoice = Invoice.objects.create(**values)
        for position, spec in enumerate(lines or [], start=1):
            add_line(invoice, position=position, **spec)
    return invoice


def add_line(
    invoice: Invoice,
    *,
    position: int,
    quantity: Any,
    unit_price: Any,
    vat_rate: Any = "0",
    description: str = "Hoitovuorokausi, lapsi",
    item: str = "care_day_child",
    unit: str = "vrk",
    service_form: ServiceForm | None = None,
    case_reference: str = "",
    **extra: Any,
) -> InvoiceLine:
    net, vat, gross = line_amounts(Decimal(quantity), Decimal(unit_price), Decimal(vat_rate))
    return InvoiceLine.objects.create(
        invoice=invoice,
        position=position,
        quantity=Decimal(quantity),
        unit_price=Decimal(unit_price),
        vat_rate=Decimal(vat_rate),
        net=net,
        vat=vat,
        gross=gross,
        description=description,
        item=item,
        unit=unit,
        service_form=service_form,
        case_reference=case_reference,
        **extra,
    )


def sent_invoice(
    org: Organisation,
    *,
    number: int,
    created_by: User,
    invoice_date: dt.date = dt.date(2026, 12, 1),
    term_days: int = 14,
    **kwargs: Any,
) -> Invoice:
    """A sent invoice numbered ``number`` with reference ``invoice_reference(number)`` and totals
    that are the sums of its lines."""
    invoice = draft_invoice(org, created_by=created_by, **kwargs)
    with scope(organisation=org.pk):
        lines = list(invoice.lines.all())
        invoice.total_net = sum((line.net for line in lines), Decimal("0"))
        invoice.total_vat = sum((line.vat for line in lines), Decimal("0"))
        invoice.total_gross = sum((line.gross for line in lines), Decimal("0"))
        invoice.number = number
        invoice.reference = invoice_reference(number)
        invoice.invoice_date = invoice_date
        invoice.payment_term_days = term_days
        invoice.due_date = invoice_date + dt.timedelta(days=term_days)
        invoice.status = Invoice.Status.SENT
        invoice.sent_at = timezone.now()
        invoice.sent_by = created_by
        invoice.save()
    return invoice


def stea_grant(
    *forms: ServiceForm,
    year_from: int,
    year_to: int | None = None,
    kind: str = Grant.Kind.STEA_TARGETED,
    status: str = Grant.Status.GRANTED,
    target_name: str = "Kuvitteellinen avustuskohde",
    target_code: str = "Ak 9001",
) -> Grant:
    """A decided STEA grant (made directly, no deadlines) that funds ``forms`` in the years
    ``year_from``–``year_to``; the organisation's STEA funder is made if it has none."""
    org = forms[0].organisation
    with scopes_disabled():
        funder, _created = Funder.objects.get_or_create(
            organisation=org, name="STEA", defaults={"category": Funder.Category.STEA}
        )
        grant = Grant.objects.create(
            organisation=org,
            funder=funder,
            kind=kind,
            target_name=target_name,
            target_code=target_code,
            year_from=year_from,
            year_to=year_from if year_to is None else year_to,
            amount_applied=Decimal("50000.00"),
            amount_granted=Decimal("50000.00") if status == Grant.Status.GRANTED else None,
            status=status,
            decision_number=f"{year_from}-{target_code}",
        )
        grant.service_forms.set(forms)
    return grant
