"""Other income (donations, bequests, fundraising, sponsors, training fees) and earmarked funds
with the events they paid for (FIN-05, FIN-08, ``docs/finance-income.md``)."""
