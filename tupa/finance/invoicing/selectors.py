"""Reads of invoicing runs and invoices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from tupa.finance.invoicing.basis import basis_states, collect_items
from tupa.finance.models import Invoice, InvoiceLine, InvoiceRun
from tupa.organisations.models import Partner, ServiceForm


def invoice_of(organisation_id: int, pk: int) -> Invoice | None:
    """Invoice ``pk`` of the organisation, or None (another organisation's is "not found")."""
    return (
        Invoice.objects.filter(organisation_id=organisation_id, pk=pk)
        .select_related("buyer", "agreement", "run", "credited_invoice")
        .first()
    )


def run_of(organisation_id: int, pk: int) -> InvoiceRun | None:
    """Invoicing run ``pk`` of the organisation, or None."""
    return InvoiceRun.objects.filter(organisation_id=organisation_id, pk=pk).first()


# --- Lists and pages (constant numbers of queries) --------------------------------------------

LIVE = (Invoice.Status.DRAFT, Invoice.Status.SENT)


def runs_list(organisation_id: int) -> list[InvoiceRun]:
    """Every run of the organisation, newest period first, with the number of its invoices,
    drafts and the total of the invoices not discarded (one query)."""
    live = Q(invoices__status__in=LIVE)
    return list(
        InvoiceRun.objects.filter(organisation_id=organisation_id)
        .select_related("created_by")
        .annotate(
            invoice_count=Count("invoices", filter=live),
            draft_count=Count("invoices", filter=Q(invoices__status=Invoice.Status.DRAFT)),
            total=Sum("invoices__total_gross", filter=live),
        )
        .order_by("-period_start", "-created_at")
    )


def run_invoices(run: InvoiceRun) -> list[Invoice]:
    """The run's invoices (drafts, sent and discarded) by buyer, with line counts (one query)."""
    return list(
        Invoice.objects.filter(run=run)
        .annotate(line_count=Count("lines"))
        .order_by("status", "buyer_name", "pk")
    )


@dataclass(frozen=True)
class InvoiceFilter:
    status: str = ""
    kind: str = ""
    buyer: str = ""


def invoices_list(organisation_id: int, filters: InvoiceFilter) -> QuerySet[Invoice]:
    """The organisation's invoices and credit notes, filtered (status, kind, buyer name
    contains), newest first; no related rows are read (the list shows the snapshot)."""
    found = Invoice.objects.filter(organisation_id=organisation_id)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.buyer:
        found = found.filter(buyer_name__icontains=filters.buyer)
    return found.select_related("credited_invoice").order_by(
        F("number").desc(nulls_first=True), "-created_at"
    )


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(
        InvoiceLine.objects.filter(invoice=invoice)
        .select_related("service_form")
        .order_by("position")
    )


def credit_notes(invoice: Invoice) -> list[Invoice]:
    return list(
        Invoice.objects.filter(credited_invoice=invoice)
        .exclude(status=Invoice.Status.DISCARDED)
        .order_by("created_at")
    )


def line_of(invoice: Invoice, pk: int) -> InvoiceLine | None:
    return InvoiceLine.objects.filter(invoice=invoice, pk=pk).first()


def buyers(organisation_id: int) -> QuerySet[Partner]:
    """The partners a manual invoice may be addressed to (active ones, by name)."""
    return Partner.objects.filter(organisation_id=organisation_id, active=True).order_by("name")


def service_forms(organisation_id: int) -> QuerySet[ServiceForm]:
    return ServiceForm.objects.filter(organisation_id=organisation_id).order_by("name")


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def basis_panel(*, user: Any, forms: list[ServiceForm]) -> dict[str, Any]:
    """Context of the leads' dashboard panel: the user's forms whose previous month has billable
    items that are not approved (or changed after the approval). One collection of those forms'
    items (not the whole organisation's) and one query of approvals."""
    if not forms:
        return {"visible": False}
    start, end = previous_month(timezone.localdate())
    organisation_id = int(user.organisation_id)
    items = collect_items(organisation_id, start, end, service_form_ids={f.pk for f in forms})
    states = basis_states(organisation_id, forms, start, end, items=items)
    pending = [
        {"form": s.summary.service_form, "changed": s.changed, "items": s.summary.item_count}
        for s in states
        if s.summary.item_count and not s.approved
    ]
    return {"visible": True, "month": start, "pending": pending}
