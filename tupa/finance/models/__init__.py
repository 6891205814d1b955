"""The finance app's models (seed-spec §6, §8.11 FIN-01…FIN-08), one module per sub-domain; the
tables belong to the app ``finance`` whatever the module.

- :mod:`.budget` — the yearly budget by funding source.
- :mod:`.agreements` — purchase-service agreements and their price rows (FIN-02).
- :mod:`.grants` — grant applications, decisions and reporting deadlines (FIN-06).
"""

from tupa.finance.models.agreements import Agreement, PriceRow
from tupa.finance.models.budget import Budget, BudgetLine
from tupa.finance.models.grants import Grant, GrantDeadline

__all__ = ["Agreement", "Budget", "BudgetLine", "Grant", "GrantDeadline", "PriceRow"]
