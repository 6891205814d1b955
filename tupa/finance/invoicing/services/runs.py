"""Invoicing runs: the plan of :func:`tupa.finance.invoicing.runs.plan_run` written as draft
invoices per buyer (a period with unsent drafts is refused), and cancelling a run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.finance.invoicing.runs import InvoiceKey, Plan, PlannedLine, period_text, plan_run
from tupa.finance.models import (
    Agreement,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    InvoicingProfile,
)
from tupa.finance.money import line_amounts
from tupa.organisations.models import Organisation, Partner

if TYPE_CHECKING:
    from tupa.accounts.models import User

from tupa.finance.invoicing.services._common import (
    CENT,
    MANAGE,
    _check_period,
    _default_term,
    _profile,
    _require,
    _set_totals,
    _unit,
    largest_amount,
    too_large,
    totals_of,
)


def _snapshot(
    invoice: Invoice,
    key: InvoiceKey,
    partner: Partner | None,
    agreement: Agreement | None,
    term_days: int,
) -> None:
    """Copy the buyer's details onto the invoice (a sent invoice prints the same later)."""
    invoice.buyer = partner
    invoice.agreement = agreement
    invoice.buyer_name = (partner.name if partner else key.buyer_name)[:200]
    invoice.buyer_business_id = partner.business_id if partner else ""
    invoice.payment_term_days = term_days
    if agreement is not None:
        invoice.buyer_street = agreement.billing_street
        invoice.buyer_postcode = agreement.billing_postcode
        invoice.buyer_town = agreement.billing_town
        invoice.buyer_reference = agreement.buyer_reference
        invoice.einvoice_address = agreement.einvoice_address
        invoice.einvoice_operator = agreement.einvoice_operator
        invoice.payment_term_days = agreement.payment_term_days


def _line_from_plan(invoice: Invoice, position: int, planned: PlannedLine) -> InvoiceLine:
    key = planned.key
    quantity = planned.quantity.quantize(CENT)
    net, vat, gross = line_amounts(quantity, key.unit_price, key.vat_rate)
    return InvoiceLine(
        invoice=invoice,
        position=position,
        service_form_id=key.service_form_id,
        source=key.source,
        group_key=key.group_key[:100],
        item=key.item,
        meeting_type=key.meeting_type,
        description=planned.description,
        case_reference=key.case_reference[:100],
        billed_period_start=planned.first_day,
        billed_period_end=planned.last_day,
        quantity=quantity,
        unit=_unit(key.item, key.price_row_id is not None),
        unit_price=key.unit_price,
        vat_rate=key.vat_rate,
        net=net,
        vat=vat,
        gross=gross,
        is_difference=planned.is_difference,
        price_row_id=key.price_row_id,
        records=sorted([label, pk] for label, pk in planned.records),
    )


def _check_size(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """Refuse the run when a line or the invoice would not fit the money columns (a price typed
    with too many digits, times a month of days); nothing of the run is then stored."""
    amounts = [amount for line in lines for amount in (line.net, line.gross)]
    if too_large(*amounts, *totals_of(lines)):
        raise ValidationError(
            _(
                "Ostajan %(buyer)s lasku olisi liian suuri (enintään %(max)s €). Tarkista "
                "sopimuksen hinnat."
            )
            % {"buyer": invoice.buyer_name, "max": largest_amount()}
        )


def _write_plan(
    *, actor: User, run: InvoiceRun, plan: Plan, profile: InvoicingProfile | None
) -> list[Invoice]:
    by_invoice: dict[InvoiceKey, list[PlannedLine]] = {}
    for planned in plan.lines:
        if planned.quantity.quantize(CENT) != 0:
            by_invoice.setdefault(planned.key.invoice, []).append(planned)
    missing = {
        k.agreement_id
        for k in by_invoice
        if k.agreement_id is not None and k.agreement_id not in plan.agreements
    }
    agreements = dict(plan.agreements)
    agreements.update({a.pk: a for a in Agreement.objects.filter(pk__in=missing)})
    invoices: list[Invoice] = []
    lines: list[InvoiceLine] = []
    for key, planned_lines in sorted(
        by_invoice.items(),
        key=lambda kv: (
            (plan.partners[kv[0].buyer_id].name if kv[0].buyer_id else kv[0].buyer_name),
            kv[0].agreement_id or 0,
        ),
    ):
        invoice = Invoice(
            organisation_id=run.organisation_id,
            run=run,
            period_start=run.period_start,
            period_end=run.period_end,
            created_by=actor,
        )
        _snapshot(
            invoice,
            key,
            plan.partners.get(key.buyer_id) if key.buyer_id else None,
            agreements.get(key.agreement_id) if key.agreement_id else None,
            _default_term(profile),
        )
        invoice.save()
        invoices.append(invoice)
        ordered = [p for p in planned_lines if not p.is_difference] + [
            p for p in planned_lines if p.is_difference
        ]
        written = [
            _line_from_plan(invoice, position, planned)
            for position, planned in enumerate(ordered, start=1)
        ]
        _check_size(invoice, written)
        lines.extend(written)
    InvoiceLine.objects.bulk_create(lines)
    for invoice in invoices:
        _set_totals(invoice)
        invoice.save(update_fields=["total_net", "total_vat", "total_gross"])
    return invoices


@transaction.atomic
def run_create(
    *, actor: User, organisation: Organisation, period_start: dt.date, period_end: dt.date
) -> InvoiceRun:
    """Turn what is billable in ``period_start..period_end`` into draft invoices per buyer
    (with the difference lines of earlier, already invoiced periods); what cannot be billed is
    in ``run.problems``. Refused while a run of an overlapping period has unsent drafts."""
    _require(actor, MANAGE, organisation)
    if actor.organisation_id != organisation.pk:
        raise PermissionDenied
    _check_period(period_start, period_end)
    with scope(organisation=organisation.pk):
        # Runs of one organisation are made one at a time: its row is the lock.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        pending = (
            InvoiceRun.objects.filter(
                organisation_id=organisation.pk,
                period_start__lte=period_end,
                period_end__gte=period_start,
                invoices__status=Invoice.Status.DRAFT,
            )
            .exclude(status=InvoiceRun.Status.CANCELLED)
            .order_by("period_start")
            .first()
        )
        if pending is not None:
            raise ValidationError(
                _(
                    "Jaksolle on jo laskutusajo %(period)s, jossa on lähettämättömiä laskuja. "
                    "Lähetä tai hylkää ne tai peru ajo ensin."
                )
                % {"period": period_text(pending.period_start, pending.period_end)}
            )
        plan = plan_run(organisation.pk, period_start, period_end)
        run = InvoiceRun.objects.create(
            organisation_id=organisation.pk,
            period_start=period_start,
            period_end=period_end,
            problems=plan.problems,
            created_by=actor,
        )
        _write_plan(actor=actor, run=run, plan=plan, profile=_profile(organisation.pk))
    return run


@transaction.atomic
def run_cancel(*, actor: User, run: InvoiceRun) -> InvoiceRun:
    """Cancel a run that has sent nothing: its drafts are discarded."""
    _require(actor, MANAGE, run)
    with scope(organisation=run.organisation_id):
        locked = InvoiceRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == InvoiceRun.Status.CANCELLED:
            raise ValidationError(_("Laskutusajo on jo peruttu."))
        invoices = list(Invoice.objects.select_for_update().filter(run=locked))
        if any(i.status == Invoice.Status.SENT for i in invoices):
            raise ValidationError(
                _("Ajosta on jo lähetetty laskuja, joten sitä ei voi perua. Hylkää luonnokset.")
            )
        Invoice.objects.filter(run=locked, status=Invoice.Status.DRAFT).update(
            status=Invoice.Status.DISCARDED
        )
        locked.status = InvoiceRun.Status.CANCELLED
        locked.save(update_fields=["status"])
    return locked
