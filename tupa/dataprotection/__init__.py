"""The data-protection processes: they gather data from every app, so they sit above them all.

- :mod:`.register` — the register descriptions (GDPR Art 30) and the conformity page;
- :mod:`.extracts` — the DPO's person lookup, the client's log extract and data extract,
  restriction of processing (GDPR 15, 18; 703/2023);
- :mod:`.access_requests` — access requests as a reviewed workflow (GDPR 15);
- :mod:`.erasure` — erasure requests (GDPR 17);
- :mod:`.disclosures` — the disclosure log's pages;
- :mod:`.restrictions` — turvakielto management and revealing restricted fields.

Models stay in the apps that own the data (``people``, ``audit``, ``organisations``); who may do
what is :mod:`tupa.access.dataprotection`. URLs: :mod:`.rights_urls` (``rights``) and
:mod:`.privacy_urls` (``privacy``).
"""
