"""What the plan adds to the shared pages (see ``tupa.core.registry``)."""
