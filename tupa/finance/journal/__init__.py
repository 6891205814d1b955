"""The accounting journal of sent invoices, credit notes and payments (issue 14 item 4,
docs/finance-payments.md)."""
