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

One module per sub-domain: :mod:`.approval`, :mod:`.runs`, :mod:`.sending`, :mod:`.manual`,
:mod:`.credit`, and :mod:`._common` for what they share; callers import from this package.
"""

from tupa.finance.invoicing.services._common import (
    APPROVE,
    CENT,
    DEFAULT_TERM_DAYS,
    MANAGE,
    MAX_AMOUNT,
    MAX_QUANTITY,
    OTHER_ITEM,
    VIEW,
    ZERO,
    credit_note_refusal,
    totals_of,
)
from tupa.finance.invoicing.services.approval import basis_approve, basis_withdraw
from tupa.finance.invoicing.services.credit import CREDITED, credit_note_create, credited_line_ids
from tupa.finance.invoicing.services.manual import (
    ManualInvoiceData,
    invoice_create_manual,
    line_add,
    line_remove,
)
from tupa.finance.invoicing.services.runs import run_cancel, run_create
from tupa.finance.invoicing.services.sending import (
    SendAllResult,
    invoice_discard,
    invoice_send,
    run_send_all,
)

__all__ = [
    "APPROVE",
    "CENT",
    "CREDITED",
    "DEFAULT_TERM_DAYS",
    "MANAGE",
    "MAX_AMOUNT",
    "MAX_QUANTITY",
    "OTHER_ITEM",
    "VIEW",
    "ZERO",
    "ManualInvoiceData",
    "SendAllResult",
    "basis_approve",
    "basis_withdraw",
    "credit_note_create",
    "credit_note_refusal",
    "credited_line_ids",
    "invoice_create_manual",
    "invoice_discard",
    "invoice_send",
    "line_add",
    "line_remove",
    "run_cancel",
    "run_create",
    "run_send_all",
    "totals_of",
]
