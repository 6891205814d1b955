"""What an invoicing run bills: the plan :func:`plan_run` computes before anything is written
(docs/finance-invoicing.md, "Laskutusajo").

1. The items of the run's period are collected from every registered source, together with the
   items of the earlier periods (12 months back) whose records were already invoiced.
2. Each item is checked against the lead's approval of its form (an active approval covering the
   day whose fingerprint still matches the records), its buyer is resolved (the record's payer,
   or the agreement covering the resident municipality, or the buyer named by the record) and it
   is priced (the agreement's price row valid on the day, else the record's own price).
3. Items of a record group (``source``/``group_key``) on days an earlier **sent** invoice already
   covered are not billed again: for each such group and invoiced period the quantities the
   records give now are compared with what was invoiced (net of credit notes), and the
   difference becomes a difference line ("Korjaus: …") — a sent invoice never changes.
4. The rest of the period's items are summed into lines per (buyer, agreement, service form,
   source, group, priced thing, meeting type, case reference, price row).

Everything that cannot be billed goes to the run's problems with a Finnish reason. The plan
reads the database in a constant number of queries (the sources' own, plus fiv

:mod:`.values` holds the plan's values, :mod:`.reads` what it reads besides the items,
:mod:`.planning` the resolution and :func:`plan_run`.
"""

from .planning import plan_run
from .values import (
    LOOKBACK_MONTHS,
    InvoiceKey,
    LineKey,
    Plan,
    PlannedLine,
    Problem,
    is_whole_quarters,
    period_text,
)

__all__ = [
    "LOOKBACK_MONTHS",
    "InvoiceKey",
    "LineKey",
    "Plan",
    "PlannedLine",
    "Problem",
    "is_whole_quarters",
    "period_text",
    "plan_run",
]
