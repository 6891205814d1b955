"""What an invoice document (PDF, Finvoice) is made of, read in a constant number of queries.

An invoice carries the buyer (an organisation), amounts, periods and case references only; the
documents add the seller's own details from :class:`InvoicingProfile` — for a sent invoice as
they were when it was sent (:func:`sellers_of`), and so is its agreement
(:func:`agreements_as_sent`). Nothing here reads a client record.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from tupa.finance.invoicing.profile import profile_of
from tupa.finance.models import Agreement, Invoice, InvoiceLine, InvoiceRun, InvoicingProfile
from tupa.finance.money import ZERO
from tupa.organisations.models import Organisation


@dataclass(frozen=True)
class VatRow:
    """One VAT rate of an invoice: the sums of its lines at that rate."""

    rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal

    @property
    def exempt(self) -> bool:
        return self.rate == 0


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything printed on one invoice or credit note."""

    invoice: Invoice
    organisation: Organisation
    profile: InvoicingProfile
    lines: list[InvoiceLine]
    vat_rows: list[VatRow]
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal

    @property
    def has_exempt_lines(self) -> bool:
        return any(row.exempt for row in self.vat_rows)

    @property
    def has_vat(self) -> bool:
        return any(not row.exempt for row in self.vat_rows)


def vat_rows(lines: Iterable[InvoiceLine]) -> list[VatRow]:
    """The lines summed per VAT rate, lowest rate first (sums of rounded lines, no rounding)."""
    sums: dict[Decimal, list[Decimal]] = {}
    for line in lines:
        row = sums.setdefault(Decimal(line.vat_rate).normalize(), [ZERO, ZERO, ZERO])
        row[0] += line.net
        row[1] += line.vat
        row[2] += line.gross
    return [VatRow(rate, *sums[rate]) for rate in sorted(sums)]


def document_of(
    invoice: Invoice, *, organisation: Organisation, profile: InvoicingProfile
) -> InvoiceDocument:
    """The document of ``invoice`` (its ``lines`` prefetched or read here in one query).

    A sent invoice prints its stored totals (frozen when it was sent); a draft prints the sums
    of its lines."""
    lines = sorted(invoice.lines.all(), key=lambda line: line.position)
    rows = vat_rows(lines)
    if invoice.is_sent:
        totals = (invoice.total_net, invoice.total_vat, invoice.total_gross)
    else:
        totals = (
            sum((row.net for row in rows), ZERO),
            sum((row.vat for row in rows), ZERO),
            sum((row.gross for row in rows), ZERO),
        )
    return InvoiceDocument(invoice, organisation, profile, lines, rows, *totals)


def sellers_of(
    invoices: Iterable[Invoice], current: InvoicingProfile
) -> dict[int, InvoicingProfile]:
    """The seller's details to print on each invoice, by invoice id (one query): a draft gets
    ``current`` (the details now), a sent invoice the details as they were when it was sent —
    a reprint after the account or address changed shows what the buyer received."""
    invoices = list(invoices)
    history: list[Any] = []
    if any(i.sent_at is not None for i in invoices):
        history = list(current.history.order_by("history_date", "history_id"))
    dates = [record.history_date for record in history]
    found = {}
    for invoice in invoices:
        found[invoice.pk] = current
        if invoice.sent_at is not None:
            at = bisect_right(dates, invoice.sent_at)
            if at:  # else sent before the details were first saved: the current ones
                found[invoice.pk] = history[at - 1].instance
    return found


def agreements_as_sent(invoices: Iterable[Invoice]) -> None:
    """Give each sent invoice its agreement as it was when the invoice was sent (one query, none
    without sent invoices under an agreement): a reprint after the agreement was edited prints
    the agreement number the buyer received. A draft keeps the agreement as it is now; so does
    an invoice sent before the agreement's history began. The invoices are only read, never
    saved."""
    sent = [i for i in invoices if i.sent_at is not None and i.agreement_id is not None]
    if not sent:
        return
    history = Agreement.history.filter(  # type: ignore[attr-defined]
        organisation_id=sent[0].organisation_id,
        id__in={i.agreement_id for i in sent},
        history_date__lte=max(i.sent_at for i in sent if i.sent_at is not None),
    ).order_by("history_date", "history_id")
    by_agreement: dict[int, list[Any]] = {}
    for record in history:
        by_agreement.setdefault(record.id, []).append(record)
    for invoice in sent:
        records = by_agreement.get(int(invoice.agreement_id or 0), [])
        at = bisect_right([r.history_date for r in records], invoice.sent_at)
        if at:
            invoice.agreement = records[at - 1].instance


def invoice_document(invoice: Invoice) -> InvoiceDocument | None:
    """The document of one invoice (five queries), or None when the organisation has no
    invoicing profile."""
    current = profile_of(invoice.organisation_id)
    if current is None:
        return None
    profile = sellers_of([invoice], current)[invoice.pk]
    agreements_as_sent([invoice])
    return document_of(invoice, organisation=current.organisation, profile=profile)


def sent_invoices_of_run(run: InvoiceRun) -> list[Invoice]:
    """The run's sent invoices and credit notes by number, lines prefetched (two queries)."""
    return list(
        Invoice.objects.filter(
            organisation_id=run.organisation_id, run=run, status=Invoice.Status.SENT
        )
        .select_related("agreement", "credited_invoice")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
        .order_by("number")
    )
