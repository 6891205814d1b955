"""Manual draft invoices and lines (training fees and other one-off sales)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_scopes import scope
from stdnum.fi import ytunnus

from tupa.core import dates
from tupa.finance.models import (
    Invoice,
    InvoiceLine,
)
from tupa.finance.models.agreements import PricedItem, einvoice_errors
from tupa.finance.money import line_amounts
from tupa.organisations.models import Partner, ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

from tupa.finance.invoicing.services._common import (
    CENT,
    MANAGE,
    MAX_AMOUNT,
    MAX_QUANTITY,
    OTHER_ITEM,
    ZERO,
    _default_term,
    _locked_draft,
    _profile,
    _require,
    _set_totals,
    _unit,
    credit_note_refusal,
    largest_amount,
    too_large,
)


@dataclass(frozen=True)
class ManualInvoiceData:
    """A draft invoice made by hand (training fees and other one-off sales)."""

    buyer: Partner | None = None
    buyer_name: str = ""
    buyer_business_id: str = ""
    buyer_street: str = ""
    buyer_postcode: str = ""
    buyer_town: str = ""
    buyer_reference: str = ""
    einvoice_address: str = ""
    einvoice_operator: str = ""
    payment_term_days: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    notes: str = ""


def _clean_manual(organisation_id: int, data: ManualInvoiceData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if data.buyer is not None and data.buyer.organisation_id != organisation_id:
        raise PermissionDenied
    name = (data.buyer.name if data.buyer else data.buyer_name).strip()
    if not name:
        errors["buyer_name"] = _("Valitse ostaja tai kirjoita ostajan nimi.")
    business_id = data.buyer_business_id.strip() or (data.buyer.business_id if data.buyer else "")
    if business_id and not ytunnus.is_valid(business_id):
        errors["buyer_business_id"] = _("Y-tunnus on muotoa 1234567-8 ja sen tarkiste täsmää.")
    elif business_id:
        business_id = ytunnus.format(business_id)
    ovt, operator, einvoice = einvoice_errors(data.einvoice_address, data.einvoice_operator)
    errors.update(einvoice)
    term = data.payment_term_days
    if term is not None and not 0 <= term <= 365:
        errors["payment_term_days"] = _("Maksuajan on oltava 0–365 päivää.")
    if (data.period_start is None) != (data.period_end is None):
        errors["period_end"] = _("Anna laskutusjaksolle sekä alku- että loppupäivä.")
    elif data.period_start and data.period_end:
        errors.update(dates.date_errors(period_start=data.period_start, period_end=data.period_end))
        if data.period_end < data.period_start:
            errors["period_end"] = _("Päättymispäivä ei voi olla ennen alkamispäivää.")
    for key, value, length in (
        ("buyer_name", name, 200),
        ("buyer_street", data.buyer_street, 200),
        ("buyer_postcode", data.buyer_postcode, 10),
        ("buyer_town", data.buyer_town, 100),
        ("buyer_reference", data.buyer_reference, 70),
    ):
        if len(value.strip()) > length and key not in errors:
            errors[key] = _("Enintään %(n)s merkkiä.") % {"n": length}
    if errors:
        raise ValidationError(errors)
    return {
        "buyer": data.buyer,
        "buyer_name": name,
        "buyer_business_id": business_id,
        "buyer_street": data.buyer_street.strip(),
        "buyer_postcode": data.buyer_postcode.strip(),
        "buyer_town": data.buyer_town.strip(),
        "buyer_reference": data.buyer_reference.strip(),
        "einvoice_address": ovt,
        "einvoice_operator": operator,
        "period_start": data.period_start,
        "period_end": data.period_end,
        "notes": data.notes.strip(),
    }


@transaction.atomic
def invoice_create_manual(*, actor: User, data: ManualInvoiceData) -> Invoice:
    """A draft invoice outside any run (its lines are added with :func:`line_add`)."""
    _require(actor, MANAGE)
    organisation_id = int(actor.organisation_id)  # type: ignore[arg-type]
    with scope(organisation=organisation_id):
        values = _clean_manual(organisation_id, data)
        term = data.payment_term_days
        if term is None:
            term = _default_term(_profile(organisation_id))
        return Invoice.objects.create(
            organisation_id=organisation_id,
            created_by=actor,
            payment_term_days=term,
            **values,
        )


def _decimal(value: Any, message: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(message) from None
    if not number.is_finite():
        raise ValidationError(message)
    return number


@transaction.atomic
def line_add(
    *,
    actor: User,
    invoice: Invoice,
    item: str,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    vat_rate: Decimal = ZERO,
    unit: str = "",
    service_form: ServiceForm | None = None,
    case_reference: str = "",
) -> InvoiceLine:
    """A line added by hand to a draft (a training fee, another one-off sale)."""
    _require(actor, MANAGE, invoice)
    errors: dict[str, str] = {}
    if item not in (*PricedItem.values, OTHER_ITEM):
        errors["item"] = _("Valitse, mitä rivi laskuttaa.")
    description = description.strip()
    if not description:
        errors["description"] = _("Kirjoita riville selite.")
    elif len(description) > 200:
        errors["description"] = _("Selite voi olla enintään 200 merkkiä.")
    try:
        quantity = _decimal(quantity, "")
        if quantity == 0 or abs(quantity) >= MAX_QUANTITY or quantity != quantity.quantize(CENT):
            raise ValidationError("")
    except ValidationError:
        errors["quantity"] = _("Määrä on nollasta poikkeava luku, enintään kaksi desimaalia.")
    try:
        unit_price = _decimal(unit_price, "")
        if unit_price < 0 or unit_price >= MAX_AMOUNT or unit_price != unit_price.quantize(CENT):
            raise ValidationError("")
    except ValidationError:
        errors["unit_price"] = _("Hinnan on oltava vähintään 0 € ja enintään kaksi desimaalia.")
    try:
        vat_rate = _decimal(vat_rate, "")
        if not 0 <= vat_rate < 100 or vat_rate != vat_rate.quantize(CENT):
            raise ValidationError("")
    except ValidationError:
        errors["vat_rate"] = _("Arvonlisäveron on oltava 0–99,99 %.")
    case_reference = case_reference.strip()
    if len(case_reference) > 100:
        errors["case_reference"] = _("Asiaviite voi olla enintään 100 merkkiä.")
    if service_form is not None and service_form.organisation_id != invoice.organisation_id:
        raise PermissionDenied
    if errors:
        raise ValidationError(errors)
    net, vat, gross = line_amounts(quantity, unit_price, vat_rate)
    if too_large(net, gross):
        raise ValidationError({"quantity": _("Rivin summa on liian suuri.")})
    unit = unit.strip()[:20] or _unit(item, True)
    with scope(organisation=invoice.organisation_id):
        locked = _locked_draft(invoice)
        if locked.kind == Invoice.Kind.CREDIT_NOTE:
            # A credit note credits the invoice's own lines (credit_note_create), never more.
            raise credit_note_refusal()
        # The draft's stored totals are the sums of its lines (every change of a line sets them).
        if too_large(locked.total_net + net, locked.total_vat + vat, locked.total_gross + gross):
            raise ValidationError(
                _(
                    "Laskun summa olisi liian suuri (enintään %(max)s €). Laskuta loput "
                    "toisella laskulla."
                )
                % {"max": largest_amount()}
            )
        position = (
            InvoiceLine.objects.filter(invoice=locked).aggregate(n=Max("position"))["n"] or 0
        ) + 1
        line = InvoiceLine.objects.create(
            invoice=locked,
            position=position,
            service_form=service_form,
            item=item,
            description=description,
            case_reference=case_reference,
            quantity=quantity,
            unit=unit,
            unit_price=unit_price,
            vat_rate=vat_rate,
            net=net,
            vat=vat,
            gross=gross,
        )
        _set_totals(locked)
        locked.save(update_fields=["total_net", "total_vat", "total_gross"])
    return line


@transaction.atomic
def line_remove(*, actor: User, line: InvoiceLine) -> None:
    """Remove a line of a draft (a run's line comes back in the next run, if still billable)."""
    with scope(organisation=line.invoice.organisation_id):
        _require(actor, MANAGE, line.invoice)
        locked = _locked_draft(line.invoice)
        InvoiceLine.objects.filter(pk=line.pk, invoice=locked).delete()
        _set_totals(locked)
        locked.save(update_fields=["total_net", "total_vat", "total_gross"])
