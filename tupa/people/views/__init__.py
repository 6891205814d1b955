"""Person screens, one module per sub-domain (``tupa/people/urls.py`` maps them).

- :mod:`.search` — quick search; :mod:`.person` — the person page and editing;
- :mod:`.create` — a new client (person and enquiry); :mod:`.merge` — merging two records;
- :mod:`.aliases` — identifying an anonymous client; :mod:`.family` — relationships, households;
- :mod:`.holds` — the lead's confirmation of reused records (:mod:`tupa.access.contact`).

Every view answers 404 for a person the user may not see (:mod:`tupa.access.episodes`,
:mod:`tupa.access.clients`), and every response that shows a person writes one access-log event
per person shown, with the basis the visibility rules give (ARCHITECTURE.md §6).
"""
