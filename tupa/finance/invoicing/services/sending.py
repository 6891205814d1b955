"""Sending: the next number of the organisation's :class:`InvoiceNumberSeries` under a row
lock, in the transaction that sends (gapless and unique however many send at once), the
reference, the due date and the totals; a run's drafts at once; discarding a draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core import dates
from tupa.finance.models import (
    Invoice,
    InvoiceNumberSeries,
    InvoiceRun,
)
from tupa.finance.references import invoice_reference
from tupa.organisations.models import Organisation

if TYPE_CHECKING:
    from tupa.accounts.models import User

from tupa.finance.invoicing.services._common import (
    MANAGE,
    _locked_draft,
    _require,
    _set_totals,
    _settle_run,
)


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
