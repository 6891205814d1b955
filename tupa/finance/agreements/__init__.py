"""Purchase-service agreements and their price lists (FIN-02, ``docs/finance-agreements.md``)."""
