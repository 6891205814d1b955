"""Writes of the budget by service form, the account ranges and the monthly actuals (FIN-07).

Only a holder of ``finance.actuals.manage`` (the finance manager) writes, in the actor's own
organisation. Every write runs in one transaction.

**The import** (``docs/finance-budget.md``): :func:`actuals_plan` reads the accounting system's
CSV (columns period ``YYYY-MM``, cost centre, account, optional account name, amount) and
checks every row without writing — the dry run, with a Finnish message per bad row.
:func:`actuals_import` checks again and stores all rows or none. The same file (SHA-256) is
refused the second time; a file that carries a month that already has actuals **replaces that
month**: the month's earlier rows are deleted and the new import records what it replaced
(file, rows, sums) — the audit trail with who and wh

One module per part: :mod:`.budget` (the budget's items), :mod:`.ranges` (account ranges),
:mod:`.imports` (the import); :mod:`._common` holds the permission and the cent.
"""

from ._common import CENT, MANAGE, ZERO
from .budget import BudgetItemData, budget_item_create, budget_item_delete, budget_item_update
from .imports import ImportPlan, MonthPlan, Row, RowError, actuals_import, actuals_plan
from .ranges import Range, account_range_add, account_range_delete, ranges_of

__all__ = [
    "CENT",
    "MANAGE",
    "ZERO",
    "BudgetItemData",
    "ImportPlan",
    "MonthPlan",
    "Range",
    "Row",
    "RowError",
    "account_range_add",
    "account_range_delete",
    "actuals_import",
    "actuals_plan",
    "budget_item_create",
    "budget_item_delete",
    "budget_item_update",
    "ranges_of",
]
