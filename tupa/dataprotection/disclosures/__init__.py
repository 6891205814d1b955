"""The disclosure log's pages (the log itself is :mod:`tupa.dataprotection.disclosures.services`)."""
