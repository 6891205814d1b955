"""Invoicing (issue 14 items 2–3): the lead's approval of a month's billable basis, invoicing
runs that turn the registered billable sources into draft invoices per buyer, sending with
gapless numbers and reference numbers, credit notes and difference lines
(docs/finance-invoicing.md)."""
