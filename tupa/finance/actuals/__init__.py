"""Budget by service form against the actuals imported monthly from the accounting system
(FIN-07, ``docs/finance-budget.md``)."""
