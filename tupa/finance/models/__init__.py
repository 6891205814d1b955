"""The finance app's models (seed-spec §6, §8.11 FIN-01…FIN-08), one module per sub-domain; the
tables belong to the app ``finance`` whatever the module.

- :mod:`.budget` — the yearly budget by funding source.
- :mod:`.agreements` — purchase-service agreements and their price rows (FIN-02).
- :mod:`.grants` — grant applications, decisions and reporting deadlines (FIN-06).
- :mod:`.invoicing` — the approved billable basis, invoicing runs, invoices, payments.
- :mod:`.actuals` — actuals imported monthly from the accounting system, account ranges (FIN-07).
- :mod:`.income` — other income, earmarked funds and their use (FIN-05, FIN-08).
"""

from tupa.finance.models.actuals import AccountRange, ActualEntry, ActualsImport
from tupa.finance.models.agreements import Agreement, PriceRow
from tupa.finance.models.budget import Budget, BudgetItem, BudgetLine
from tupa.finance.models.grants import Grant, GrantDeadline
from tupa.finance.models.income import EarmarkedFund, FundUse, OtherIncome
from tupa.finance.models.invoicing import (
    BasisApproval,
    Invoice,
    InvoiceLine,
    InvoiceNumberSeries,
    InvoiceRun,
    InvoicingProfile,
    Payment,
    PaymentImport,
)

__all__ = [
    "AccountRange",
    "ActualEntry",
    "ActualsImport",
    "Agreement",
    "BasisApproval",
    "Budget",
    "BudgetItem",
    "BudgetLine",
    "EarmarkedFund",
    "FundUse",
    "Grant",
    "GrantDeadline",
    "Invoice",
    "InvoiceLine",
    "InvoiceNumberSeries",
    "InvoiceRun",
    "InvoicingProfile",
    "OtherIncome",
    "Payment",
    "PaymentImport",
    "PriceRow",
]
