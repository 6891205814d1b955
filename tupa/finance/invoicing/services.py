"""Writes of invoicing (issue 14 items 2–3, docs/finance-invoicing.md).

- The lead's approval of a month's billable basis (:func:`basis_approve`, :func:`basis_withdraw`,
  policy ``finance.basis.approve`` in the lead's own form).
- Invoicing runs (:func:`run_create`, :func:`run_cancel`, :func:`run_send_all`) and invoices
  (:func:`invoice_send`, :func:`invoice_discard`, :func:`credit_note_create`,
  :func:`invoice_create_manual`, :func:`line_add`, :func:`line_remove`), policy
  ``finance.invoicing.manage``.

**A sent invoice is immutable**: every service here refuses to change it; a correction is a
credit note or a difference line of a later run. Sending takes the next number of the
organisation's :class:`InvoiceNumberSeries` under a row lock, in the transaction that sends, so
numbers are gapless and unique however many finance users send at once.

A new run of a period that has a run with unsent drafts is refused: the drafts are sent,
discarded or the run cancelled first. Days already on a sent invoice are never billed again
(the run bills only their differences).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from stdnum.fi import ytunnus

from tupa.access import policy
from tupa.core import dates
from tupa.finance.invoicing.basis import as_decimal, collect_items, fingerprint, form_items
from tupa.finance.invoicing.runs import InvoiceKey, Plan, PlannedLine, period_text, plan_run
from tupa.finance.models import (
    Agreement,
    BasisApproval,
    Invoice,
    InvoiceLine,
    InvoiceNumberSeries,
    InvoiceRun,
    InvoicingProfile,
)
from tupa.finance.models.agreements import UNITS, PricedItem, einvoice_errors
from tupa.finance.money import line_amounts
from tupa.finance.references import invoice_reference
from tupa.organisations.models import Organisation, Partner, ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

VIEW = "finance.invoicing.view"
MANAGE = "finance.invoicing.manage"
APPROVE = "finance.basis.approve"
CENT = Decimal("0.01")
ZERO = Decimal("0")
MAX_AMOUNT = Decimal("1e10")
MAX_QUANTITY = Decimal("1e8")
DEFAULT_TERM_DAYS = 14
#: What a manual line may sell: the priced things of the agreements and "muu myynti".
OTHER_ITEM = "other"


def _fi(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _sent_refusal() -> ValidationError:
    return ValidationError(_("Lähetettyä laskua ei voi muuttaa. Tee korjaus hyvityslaskulla."))


def _require(actor: User, action: str, obj: Any = None) -> None:
    if actor.organisation_id is None or not policy.decide(actor, action, obj):
        raise PermissionDenied


# --- The billable basis -----------------------------------------------------------------------


def _check_period(start: dt.date, end: dt.date) -> None:
    dates.check_dates(period_start=start, period_end=end)
    if end < start:
        raise ValidationError({"period_end": _("Päättymispäivä ei voi olla ennen alkamispäivää.")})
    if (end - start).days > 366:
        raise ValidationError({"period_end": _("Jakso voi olla enintään vuoden mittainen.")})


@transaction.atomic
def basis_approve(
    *,
    actor: User,
    service_form: ServiceForm,
    period_start: dt.date,
    period_end: dt.date,
    note: str = "",
) -> BasisApproval:
    """The lead approves the form's billable items of ``period_start..period_end`` as they are
    now; the approval keeps their fingerprint. A previous approval of the same period is
    withdrawn (the records changed since); approving an unchanged basis again is refused."""
    _require(actor, APPROVE, service_form)
    _check_period(period_start, period_end)
    note = note.strip()
    if len(note) > 300:
        raise ValidationError({"note": _("Lisätieto voi olla enintään 300 merkkiä.")})
    organisation_id = service_form.organisation_id
    with scope(organisation=organisation_id):
        # One approval of a form at a time: the form's row is the lock.
        ServiceForm.objects.select_for_update().filter(pk=service_form.pk).first()
        active = list(
            BasisApproval.objects.select_for_update().filter(
                service_form=service_form,
                withdrawn_at__isnull=True,
                period_start__lte=period_end,
                period_end__gte=period_start,
            )
        )
        other = [a for a in active if (a.period_start, a.period_end) != (period_start, period_end)]
        if other:
            raise ValidationError(
                _("Jakso menee päällekkäin hyväksytyn jakson %(period)s kanssa.")
                % {"period": period_text(other[0].period_start, other[0].period_end)}
            )
        items = form_items(
            collect_items(organisation_id, period_start, period_end), service_form.pk
        )
        digest = fingerprint(items)
        now = timezone.now()
        for previous in active:
            if previous.fingerprint == digest:
                raise ValidationError(
                    _("Laskutusperuste on jo hyväksytty, eikä sitä ole muutettu sen jälkeen.")
                )
            previous.withdrawn_at = now
            previous.save(update_fields=["withdrawn_at"])
        return BasisApproval.objects.create(
            organisation_id=organisation_id,
            service_form=service_form,
            period_start=period_start,
            period_end=period_end,
            fingerprint=digest,
            item_count=len(items),
            quantity=sum((as_decimal(i.quantity) for i in items), ZERO),
            note=note,
            approved_by=actor,
            approved_at=now,
        )


@transaction.atomic
def basis_withdraw(*, actor: User, approval: BasisApproval) -> BasisApproval:
    """The lead withdraws an approval (invoices already sent stay as they are; a later run
    bills nothing of the period until it is approved again)."""
    _require(actor, APPROVE, approval.service_form)
    with scope(organisation=approval.organisation_id):
        locked = BasisApproval.objects.select_for_update().get(pk=approval.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError(_("Hyväksyntä on jo peruttu."))
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
    return locked


# --- Runs -------------------------------------------------------------------------------------


def _profile(organisation_id: int) -> InvoicingProfile | None:
    return InvoicingProfile.objects.filter(organisation_id=organisation_id).first()


def _default_term(profile: InvoicingProfile | None) -> int:
    return profile.default_payment_term_days if profile else DEFAULT_TERM_DAYS


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


def _unit(item: str, priced_by_row: bool) -> str:
    if item == PricedItem.RENTAL and not priced_by_row:
        return _("tunti")
    if item in PricedItem.values:
        return str(UNITS[PricedItem(item)])
    return _("kpl")


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


def totals_of(lines: Iterable[InvoiceLine]) -> tuple[Decimal, Decimal, Decimal]:
    """``(net, vat, gross)`` of an invoice: the sums of its rounded lines, never rounded again
    (``Decimal`` addition is exact)."""
    net = vat = gross = Decimal("0.00")
    for line in lines:
        net += line.net
        vat += line.vat
        gross += line.gross
    return net, vat, gross


def _set_totals(invoice: Invoice) -> None:
    invoice.total_net, invoice.total_vat, invoice.total_gross = totals_of(
        InvoiceLine.objects.filter(invoice=invoice).only("net", "vat", "gross")
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
        for position, planned in enumerate(ordered, start=1):
            lines.append(_line_from_plan(invoice, position, planned))
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


def _settle_run(run_id: int | None) -> None:
    """A run whose drafts are all sent or discarded is sent (or cancelled, if none was sent)."""
    if run_id is None:
        return
    counts = Invoice.objects.filter(run_id=run_id).aggregate(
        drafts=Count("pk", filter=Q(status=Invoice.Status.DRAFT)),
        sent=Count("pk", filter=Q(status=Invoice.Status.SENT)),
        total=Count("pk"),
    )
    if counts["drafts"] or not counts["total"]:
        return
    status = InvoiceRun.Status.SENT if counts["sent"] else InvoiceRun.Status.CANCELLED
    InvoiceRun.objects.filter(pk=run_id).exclude(status=status).update(status=status)


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


# --- Sending ----------------------------------------------------------------------------------


def _take_number(organisation_id: int) -> int:
    """The next invoice number of the organisation, taken under the series' row lock (the caller
    is in a transaction; the lock is held until it commits, so numbers are gapless)."""
    series = (
        InvoiceNumberSeries.objects.select_for_update()
        .filter(organisation_id=organisation_id)
        .first()
    )
    if series is None:
        # The first invoice of the organisation: create the series under the organisation's
        # lock; a concurrent creator that got there first makes the insert fail, and then we
        # wait for its lock on the series row like everyone else.
        Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        highest = Invoice.objects.filter(organisation_id=organisation_id).aggregate(
            n=Max("number")
        )["n"]
        try:
            with transaction.atomic():
                InvoiceNumberSeries.objects.get_or_create(
                    organisation_id=organisation_id,
                    defaults={"next_number": max(1000, (highest or 0) + 1)},
                )
        except IntegrityError:
            pass
        series = InvoiceNumberSeries.objects.select_for_update().get(
            organisation_id=organisation_id
        )
    number = series.next_number
    series.next_number = number + 1
    series.save(update_fields=["next_number"])
    return number


def _send_locked(*, actor: User, invoice: Invoice, invoice_date: dt.date) -> Invoice:
    if invoice.status != Invoice.Status.DRAFT:
        if invoice.status == Invoice.Status.SENT:
            raise ValidationError(_("Lasku on jo lähetetty."))
        raise ValidationError(_("Hylättyä laskuluonnosta ei voi lähettää."))
    problem = dates.date_problem(invoice_date)
    if problem:
        raise ValidationError({"invoice_date": problem})
    if not invoice.lines.exists():
        raise ValidationError(_("Laskulla ei ole rivejä, joten sitä ei voi lähettää."))
    _set_totals(invoice)
    if invoice.total_gross == 0:
        raise ValidationError(_("Laskun loppusumma on nolla, joten sitä ei lähetetä."))
    credited = invoice.credited_invoice if invoice.kind == Invoice.Kind.CREDIT_NOTE else None
    if credited is not None and credited.status != Invoice.Status.SENT:
        raise ValidationError(_("Hyvitettävä lasku ei ole lähetetty."))
    number = _take_number(invoice.organisation_id)
    invoice.number = number
    invoice.reference = invoice_reference(number)
    invoice.invoice_date = invoice_date
    invoice.due_date = invoice_date + dt.timedelta(days=invoice.payment_term_days)
    invoice.status = Invoice.Status.SENT
    invoice.sent_at = timezone.now()
    invoice.sent_by = actor
    invoice.save()
    return invoice


@transaction.atomic
def invoice_send(*, actor: User, invoice: Invoice, invoice_date: dt.date) -> Invoice:
    """Send a draft: the next number of the series, its reference number, the due date
    (invoice date + payment term), totals summed from the lines. A draft without lines or with a
    zero total is refused."""
    _require(actor, MANAGE, invoice)
    with scope(organisation=invoice.organisation_id):
        locked = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("credited_invoice")
            .get(pk=invoice.pk)
        )
        sent = _send_locked(actor=actor, invoice=locked, invoice_date=invoice_date)
        _settle_run(sent.run_id)
    return sent


@dataclass
class SendAllResult:
    sent: list[Invoice] = field(default_factory=list)
    #: Drafts left unsent and why (no lines, a zero total).
    skipped: list[tuple[Invoice, str]] = field(default_factory=list)


@transaction.atomic
def run_send_all(*, actor: User, run: InvoiceRun, invoice_date: dt.date) -> SendAllResult:
    """Send every draft of the run, by buyer name, in one transaction; drafts that cannot be
    sent (no lines, zero total) stay drafts and are reported."""
    _require(actor, MANAGE, run)
    result = SendAllResult()
    with scope(organisation=run.organisation_id):
        locked_run = InvoiceRun.objects.select_for_update().get(pk=run.pk)
        if locked_run.status == InvoiceRun.Status.CANCELLED:
            raise ValidationError(_("Laskutusajo on peruttu."))
        drafts = list(
            Invoice.objects.select_for_update()
            .filter(run=locked_run, status=Invoice.Status.DRAFT)
            .order_by("buyer_name", "pk")
        )
        if not drafts:
            raise ValidationError(_("Ajossa ei ole lähettämättömiä laskuja."))
        for draft in drafts:
            try:
                with transaction.atomic():
                    result.sent.append(
                        _send_locked(actor=actor, invoice=draft, invoice_date=invoice_date)
                    )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    raise
                result.skipped.append((draft, " ".join(error.messages)))
        _settle_run(locked_run.pk)
    return result


# --- Drafts: discard, manual invoices and lines -----------------------------------------------


def _locked_draft(invoice: Invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status == Invoice.Status.SENT:
        raise _sent_refusal()
    if locked.status != Invoice.Status.DRAFT:
        raise ValidationError(_("Laskuluonnos on hylätty."))
    return locked


@transaction.atomic
def invoice_discard(*, actor: User, invoice: Invoice) -> Invoice:
    """Discard a draft (it keeps no number; a run's days on it are billed by the next run)."""
    _require(actor, MANAGE, invoice)
    with scope(organisation=invoice.organisation_id):
        locked = _locked_draft(invoice)
        locked.status = Invoice.Status.DISCARDED
        locked.save(update_fields=["status"])
        _settle_run(locked.run_id)
    return locked


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
    if not errors and abs(quantity * unit_price) >= MAX_AMOUNT:
        errors["quantity"] = _("Rivin summa on liian suuri.")
    if errors:
        raise ValidationError(errors)
    unit = unit.strip()[:20] or _unit(item, True)
    with scope(organisation=invoice.organisation_id):
        locked = _locked_draft(invoice)
        position = (
            InvoiceLine.objects.filter(invoice=locked).aggregate(n=Max("position"))["n"] or 0
        ) + 1
        net, vat, gross = line_amounts(quantity, unit_price, vat_rate)
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


# --- Credit notes -----------------------------------------------------------------------------

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
