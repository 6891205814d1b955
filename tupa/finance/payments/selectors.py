"""Reads of payments and invoice balances (docs/finance-payments.md).

An invoice's balance:

- **paid** = the sum of the payments matched to it;
- **credited** = the sum of the totals of its *sent* credit notes (negative amounts);
- **open** = gross + credited − paid (a credit note reduces the credited invoice's open amount;
  a credit note itself has no balance of its own);
- **status**: open (nothing paid), partly paid, paid (open 0), overpaid (open < 0), credited
  (open 0 by credit notes alone);
- **overdue** = open > 0 and the due date before today.

Every list is one query whatever its length: the sums are correlated subqueries on the invoice
row (joins would multiply the payments by the credit notes). The open amount is also compared in
SQL, with half a cent of slack because SQLite sums decimals as floating point; the exact open
amount is then recomputed from the Decimal sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from tupa.finance.models import Invoice, Payment, PaymentImport
from tupa.finance.money import ZERO

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
#: Half a cent: an open amount within this of zero is zero (SQLite sums as floating point).
SLACK = Decimal("0.005")


class BalanceStatus(models.TextChoices):
    OPEN = "open", _("avoin")
    PARTLY_PAID = "partly_paid", _("osittain maksettu")
    PAID = "paid", _("maksettu")
    OVERPAID = "overpaid", _("liikaa maksettu")
    CREDITED = "credited", _("hyvitetty")


class OpenView(models.TextChoices):
    """The tabs of the payments page (the ``nakyma`` parameter)."""

    OPEN = "avoimet", _("Avoimet")
    OVERDUE = "eraantyneet", _("Erääntyneet")
    OVERPAID = "liikamaksut", _("Liikaa maksetut")


def _sum_of(qs: QuerySet[models.Model], group: str, field: str) -> Expression:
    return Coalesce(
        Subquery(qs.order_by().values(group).annotate(total=Sum(field)).values("total")[:1]),
        Value(ZERO),
        output_field=MONEY,
    )


def with_balances(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """``qs`` annotated with ``paid_sum``, ``credited_sum`` and ``open_sum`` (all in SQL)."""
    paid = _sum_of(Payment.objects.filter(invoice=OuterRef("pk")), "invoice", "amount")
    credited = _sum_of(
        Invoice.objects.filter(credited_invoice=OuterRef("pk"), status=Invoice.Status.SENT),
        "credited_invoice",
        "total_gross",
    )
    return qs.annotate(paid_sum=paid, credited_sum=credited).annotate(
        open_sum=ExpressionWrapper(
            F("total_gross") + F("credited_sum") - F("paid_sum"), output_field=MONEY
        )
    )


@dataclass(frozen=True)
class Balance:
    """One sent invoice with what has been paid and credited on it."""

    invoice: Invoice
    paid: Decimal
    credited: Decimal
    open: Decimal
    status: str
    days_overdue: int

    @property
    def status_label(self) -> str:
        return str(BalanceStatus(self.status).label)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


def status_of(paid: Decimal, credited: Decimal, open_amount: Decimal) -> str:
    if open_amount < 0:
        return BalanceStatus.OVERPAID
    if open_amount == 0:
        return BalanceStatus.CREDITED if paid == 0 and credited != 0 else BalanceStatus.PAID
    return BalanceStatus.PARTLY_PAID if paid > 0 else BalanceStatus.OPEN


def balance_from(invoice: Invoice, today: dt.date) -> Balance:
    """The balance of an invoice annotated by :func:`with_balances` (no query)."""
    paid = Decimal(getattr(invoice, "paid_sum", ZERO) or ZERO).quantize(ZERO)
    credited = Decimal(getattr(invoice, "credited_sum", ZERO) or ZERO).quantize(ZERO)
    open_amount = invoice.total_gross + credited - paid
    overdue = 0
    if open_amount > 0 and invoice.due_date is not None and invoice.due_date < today:
        overdue = (today - invoice.due_date).days
    return Balance(
        invoice=invoice,
        paid=paid,
        credited=credited,
        open=open_amount,
        status=status_of(paid, credited, open_amount),
        days_overdue=overdue,
    )


def _sent_invoices(organisation_id: int) -> QuerySet[Invoice]:
    return Invoice.objects.filter(
        organisation_id=organisation_id,
        status=Invoice.Status.SENT,
        kind=Invoice.Kind.INVOICE,
    )


def invoice_balance(invoice: Invoice, today: dt.date) -> Balance | None:
    """The balance of one sent invoice (one query), or None for a draft or a credit note."""
    if invoice.status != Invoice.Status.SENT or invoice.kind != Invoice.Kind.INVOICE:
        return None
    with scope(organisation=invoice.organisation_id):
        found = with_balances(_sent_invoices(invoice.organisation_id).filter(pk=invoice.pk)).get()
    return balance_from(found, today)


def balances_by_pk(organisation_id: int, pks: list[int], today: dt.date) -> dict[int, Balance]:
    """The balances of the given sent invoices (one query)."""
    with scope(organisation=organisation_id):
        found = list(with_balances(_sent_invoices(organisation_id).filter(pk__in=pks)))
    return {invoice.pk: balance_from(invoice, today) for invoice in found}


@dataclass(frozen=True)
class OpenLists:
    """Every sent invoice whose open amount is not zero, split into the tabs."""

    today: dt.date
    open: list[Balance]
    overdue: list[Balance]
    overpaid: list[Balance]

    def rows(self, view: str) -> list[Balance]:
        if view == OpenView.OVERDUE:
            return self.overdue
        if view == OpenView.OVERPAID:
            return self.overpaid
        return self.open


@dataclass(frozen=True)
class Totals:
    count: int
    gross: Decimal
    paid: Decimal
    open: Decimal


def totals_of(rows: list[Balance]) -> Totals:
    return Totals(
        count=len(rows),
        gross=sum((r.invoice.total_gross for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        open=sum((r.open for r in rows), ZERO),
    )


def open_lists(organisation_id: int, today: dt.date) -> OpenLists:
    """The open (open > 0), overdue (open > 0, due before ``today``) and overpaid (open < 0)
    invoices by due date (one query)."""
    with scope(organisation=organisation_id):
        found = list(
            with_balances(_sent_invoices(organisation_id))
            .filter(Q(open_sum__gt=SLACK) | Q(open_sum__lt=-SLACK))
            .select_related("buyer")
            .order_by("due_date", "number")
        )
    balances = [balance_from(invoice, today) for invoice in found]
    open_rows = [b for b in balances if b.open > 0]
    return OpenLists(
        today=today,
        open=open_rows,
        overdue=[b for b in open_rows if b.is_overdue],
        overpaid=[b for b in balances if b.open < 0],
    )


def open_invoice_choices(organisation_id: int, today: dt.date) -> list[Balance]:
    """The invoices a payment may be matched to by hand: every open one, by number (one
    query)."""
    rows = open_lists(organisation_id, today).open
    return sorted(rows, key=lambda b: b.invoice.number or 0)


def invoices_by_reference(organisation_id: int, references: set[str]) -> dict[str, Invoice]:
    """Sent invoices and credit notes whose reference number is one of ``references``
    (digits without leading zeros), annotated with their balances (one query)."""
    if not references:
        return {}
    wanted = set(references)
    with scope(organisation=organisation_id):
        found = list(
            with_balances(
                Invoice.objects.filter(
                    organisation_id=organisation_id,
                    status=Invoice.Status.SENT,
                    reference__in=wanted,
                )
            ).select_related("buyer")
        )
    return {invoice.reference.lstrip("0"): invoice for invoice in found}


def unmatched_payments(organisation_id: int) -> list[Payment]:
    """Payments not matched to an invoice, newest first (one query)."""
    with scope(organisation=organisation_id):
        return list(
            Payment.objects.filter(organisation_id=organisation_id, invoice__isnull=True)
            .select_related("source_import")
            .order_by("-paid_on", "-pk")
        )


def unmatched_count(organisation_id: int) -> int:
    with scope(organisation=organisation_id):
        return Payment.objects.filter(organisation_id=organisation_id, invoice__isnull=True).count()


def payments_of(invoice: Invoice) -> list[Payment]:
    """The payments matched to ``invoice``, oldest first (one query)."""
    with scope(organisation=invoice.organisation_id):
        return list(Payment.objects.filter(invoice=invoice).order_by("paid_on", "pk"))


def payment_of(organisation_id: int, pk: int) -> Payment | None:
    """Payment ``pk`` of the organisation, or None (another organisation's is "not found")."""
    with scope(organisation=organisation_id):
        return (
            Payment.objects.filter(organisation_id=organisation_id, pk=pk)
            .select_related("invoice", "source_import")
            .first()
        )


def existing_archive_ids(organisation_id: int, archive_ids: set[str]) -> set[str]:
    """Which of ``archive_ids`` the organisation's payments already have (one query)."""
    wanted = {a for a in archive_ids if a}
    if not wanted:
        return set()
    with scope(organisation=organisation_id):
        return set(
            Payment.objects.filter(
                organisation_id=organisation_id, archive_id__in=wanted
            ).values_list("archive_id", flat=True)
        )


def recent_imports(organisation_id: int, limit: int = 10) -> list[dict[str, object]]:
    """The latest bank statement imports with their payment counts and sums (one query)."""
    with scope(organisation=organisation_id):
        return list(
            PaymentImport.objects.filter(organisation_id=organisation_id)
            .annotate(
                count=Count("payments"),
                total=Coalesce(Sum("payments__amount"), Value(ZERO), output_field=MONEY),
                unmatched=Count("payments", filter=Q(payments__invoice__isnull=True)),
            )
            .order_by("-imported_at")
            .values("file_name", "file_format", "imported_at", "count", "total", "unmatched")[
                :limit
            ]
        )
