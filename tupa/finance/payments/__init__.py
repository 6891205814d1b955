"""Payments received: invoice balances, the open and overdue lists, bank statement imports
(CSV and camt.054), manual payments and manual matching (issue 14 item 4,
docs/finance-payments.md)."""
