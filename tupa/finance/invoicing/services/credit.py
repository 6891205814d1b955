"""Credit notes: a draft of the chosen (or all not yet credited) lines of a sent invoice,
negated, sent like an invoice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.finance.models import (
    Invoice,
    InvoiceLine,
)
from tupa.finance.money import line_amounts

if TYPE_CHECKING:
    from tupa.accounts.models import User

from tupa.finance.invoicing.services._common import MANAGE, _require, _set_totals

CREDITED = "finance.invoiceline"


def credited_line_ids(invoice: Invoice) -> set[int]:
    """The lines of ``invoice`` already on a (draft or sent) credit note."""
    found: set[int] = set()
    for records in InvoiceLine.objects.filter(
        invoice__credited_invoice=invoice,
        invoice__status__in=[Invoice.Status.DRAFT, Invoice.Status.SENT],
    ).values_list("records", flat=True):
        found.update(int(pk) for label, pk in records or [] if label == CREDITED)
    return found


@transaction.atomic
def credit_note_create(
    *,
    actor: User,
    invoice: Invoice,
    lines: list[InvoiceLine] | None = None,
    reason: str,
) -> Invoice:
    """A draft credit note of a sent invoice: the chosen lines (all not yet credited, when
    ``lines`` is None) with negated quantities; sent like an invoice (own number, reference)."""
    _require(actor, MANAGE, invoice)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjoita hyvityksen syy.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Syy voi olla enintään 500 merkkiä.")})
    with scope(organisation=invoice.organisation_id):
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if original.kind != Invoice.Kind.INVOICE:
            raise ValidationError(_("Hyvityslaskua ei hyvitetä; tee tarvittaessa uusi lasku."))
        if original.status != Invoice.Status.SENT:
            raise ValidationError(_("Vain lähetetyn laskun voi hyvittää."))
        all_lines = list(original.lines.order_by("position"))
        done = credited_line_ids(original)
        if lines is None:
            chosen = [line for line in all_lines if line.pk not in done]
            if not chosen:
                raise ValidationError(_("Laskun kaikki rivit on jo hyvitetty."))
        else:
            ids = {line.pk for line in lines}
            chosen = [line for line in all_lines if line.pk in ids]
            if not chosen or len(chosen) != len(ids):
                raise ValidationError({"lines": _("Valitse hyvitettävät rivit tältä laskulta.")})
            if any(line.pk in done for line in chosen):
                raise ValidationError({"lines": _("Osa valituista riveistä on jo hyvitetty.")})
        note = Invoice.objects.create(
            organisation_id=original.organisation_id,
            kind=Invoice.Kind.CREDIT_NOTE,
            credited_invoice=original,
            buyer=original.buyer,
            agreement=original.agreement,
            buyer_name=original.buyer_name,
            buyer_business_id=original.buyer_business_id,
            buyer_street=original.buyer_street,
            buyer_postcode=original.buyer_postcode,
            buyer_town=original.buyer_town,
            buyer_reference=original.buyer_reference,
            einvoice_address=original.einvoice_address,
            einvoice_operator=original.einvoice_operator,
            period_start=original.period_start,
            period_end=original.period_end,
            payment_term_days=original.payment_term_days,
            notes=_("Hyvitys laskulle %(number)s: %(reason)s")
            % {"number": original.number, "reason": reason},
            created_by=actor,
        )
        credit_lines = []
        for position, line in enumerate(chosen, start=1):
            quantity = -line.quantity
            net, vat, gross = line_amounts(quantity, line.unit_price, line.vat_rate)
            credit_lines.append(
                InvoiceLine(
                    invoice=note,
                    position=position,
                    service_form_id=line.service_form_id,
                    source=line.source,
                    group_key=line.group_key,
                    item=line.item,
                    meeting_type=line.meeting_type,
                    description=(_("Hyvitys: %(line)s") % {"line": line.description})[:200],
                    case_reference=line.case_reference,
                    billed_period_start=line.billed_period_start,
                    billed_period_end=line.billed_period_end,
                    quantity=quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    net=net,
                    vat=vat,
                    gross=gross,
                    is_difference=line.is_difference,
                    price_row_id=line.price_row_id,
                    records=[*(line.records or []), [CREDITED, line.pk]],
                )
            )
        InvoiceLine.objects.bulk_create(credit_lines)
        _set_totals(note)
        note.save(update_fields=["total_net", "total_vat", "total_gross"])
    return note
