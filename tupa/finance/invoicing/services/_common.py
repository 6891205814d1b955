"""What the invoicing services share: the policy actions, limits, the checks of a period and
of a sent invoice, the seller's profile, units, an invoice's totals and the settling of a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tupa.access import policy
from tupa.core import dates
from tupa.finance.models import (
    Invoice,
    InvoiceLine,
    InvoiceRun,
    InvoicingProfile,
)
from tupa.finance.models.agreements import UNITS, PricedItem
from tupa.finance.money import column_limit, euros

if TYPE_CHECKING:
    from tupa.accounts.models import User


VIEW = "finance.invoicing.view"
MANAGE = "finance.invoicing.manage"
APPROVE = "finance.basis.approve"
CENT = Decimal("0.01")
ZERO = Decimal("0")
#: What the money columns of lines and invoices hold (numeric(12, 2)), either way.
MAX_AMOUNT = column_limit(InvoiceLine, "net")
MAX_QUANTITY = Decimal("1e8")
DEFAULT_TERM_DAYS = 14
#: What a manual line may sell: the priced things of the agreements and "muu myynti".
OTHER_ITEM = "other"


def _sent_refusal() -> ValidationError:
    return ValidationError(_("Lähetettyä laskua ei voi muuttaa. Tee korjaus hyvityslaskulla."))


def credit_note_refusal() -> ValidationError:
    return ValidationError(
        _("Hyvityslaskulle ei lisätä rivejä. Hyvitä laskun rivit uudella hyvityslaskulla.")
    )


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


def _profile(organisation_id: int) -> InvoicingProfile | None:
    return InvoicingProfile.objects.filter(organisation_id=organisation_id).first()


def _default_term(profile: InvoicingProfile | None) -> int:
    return profile.default_payment_term_days if profile else DEFAULT_TERM_DAYS


def _unit(item: str, priced_by_row: bool) -> str:
    if item == PricedItem.RENTAL and not priced_by_row:
        return _("tunti")
    if item in PricedItem.values:
        return str(UNITS[PricedItem(item)])
    return _("kpl")


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


def too_large(*amounts: Decimal) -> bool:
    """Whether any of ``amounts`` is beyond what the money columns of lines and invoices take
    (numeric(12, 2); PostgreSQL refuses more, SQLite stores it and fails to read it back)."""
    return any(abs(amount) >= MAX_AMOUNT for amount in amounts)


def largest_amount() -> str:
    """:data:`MAX_AMOUNT` less a cent, as the messages show it (``9 999 999 999,99``)."""
    return euros(MAX_AMOUNT - CENT)


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


def _locked_draft(invoice: Invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status == Invoice.Status.SENT:
        raise _sent_refusal()
    if locked.status != Invoice.Status.DRAFT:
        raise ValidationError(_("Laskuluonnos on hylätty."))
    return locked
