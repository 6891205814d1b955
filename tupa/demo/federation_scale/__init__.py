"""Federation-scale fictional data: many member organisations × many years (issue 11, item 10).

:func:`build_federation` creates ``organisations`` fictional member associations
("Kuvitteellinen ensi- ja turvakoti 7 ry"), each with the service forms of a typical member of
the Federation and ``years`` full calendar years of work up to today (plus the current year so
far), for the statistics engine and the page benchmarks to run against
(``benchmarks/federation_scale.py``). Every name is invented (``data/names.json``); nobody real
is meant.

Each organisation gets:

- **structure and staff** through the services (history included): three work areas with a
  team each, the funders of the forms (the state, STEA, the wellbeing services county), a shelter (*Turvakoti*, 5–8 family places, victim-side violence work), an
  *Ensikoti* (5–7 family places, stays may begin in pregnancy), three or four outpatient forms
  (Avokriisityö, Jussi-työ on the perpetrators' side of the wall, Baby blues and in about half
  of the organisations Lapsityö), a supervised-meeting form (Tapaamispaikka) and a drop-in
  house (Perhetupa); a worker per unit, a lead and an executive director, each with the
  memberships their work needs (no one holds roles on both sides of the violence-work wall);
- **the data of each year** written in bulk (``bulk_create``, no change history, as the
  residential benchmark does): persons and aliases, episodes with participants, the client path
  from the shelter to Avokriisityö (an accepted referral), shelter and Ensikoti stays with their
  stay members and THL's shelter data, journal entries where the services write them (the
  residential units' own entries, an appointment's outcome, a supervised meeting's record),
  appointments with outcomes, supervised-meeting orders with their parties and meetings,
  drop-in head counts, the shelter's 24 h line contacts and turn-aways.

The rows are what the services would have produced: an ended episode has its end date and
reason, a family place holds one stay at a time (two hours between families), every stay
member's period lies inside its stay, one person is never in two stays at once (a family comes
back only a month or more after leaving), the people of an episode are its participants, an
appointment's outcome has its journal entry, a meeting's outcome obeys the model's rules.
Not generated (nothing the benchmarked pages or the THL and STEA returns read): moves between
places, payment commitments, group programmes, assignments, consents and restrictions.

**Volume.** ``scale=1.0`` aims at THL's national shelter figures with 30 organisations:
about 5 000 shelter clients (adults and children) and 90 000 residence days a year (shelter
stays of 18 nights on average, families of 2.25 persons, the gaps between families set for
60 % of the family places' time taken; the default build gives 5 200–5 500 clients and
93 000–97 000 days a year), Ensikoti at about 80 %, some 170 outpatient episodes per organisation and year with
appointments every one to three weeks, 25 supervised-meeting orders per organisation and year
with meetings every one to four weeks, and the drop-in house open four days a week. ``scale``
multiplies the number of clients (families, episodes, orders, visitors, calls); a residential
place still gets a family at least every few months, and each form at least one new client a
year, so that even a tiny build has something in every return.

Deterministic: a fixed random stream per organisation (``seed`` and the organisation's
number), dates relative to ``timezone.localdate()``. Idempotent: an organisation that already
exists (by its slug) is left as it is; each organisation is written in one transaction.

The code, by step (each organisation is built in this order, from its one random stream):
:mod:`.specs` (names, units, forms, staff, funding), :mod:`.member` (the build state and the row
helpers), :mod:`.structure` (1: organisation, areas, teams, forms, funders, staff, places),
:mod:`.shelter` and :mod:`.residential` (2: the shelter's and Ensikoti's families and stays,
THL's data, the 24 h line and turn-aways), :mod:`.outpatient` (3: episodes, referrals,
appointments), :mod:`.visitation` (4: orders, parties, meetings), :mod:`.dropin` (5: head
counts); :mod:`.build` writes each organisation's rows and loops over the organisations.
"""

from __future__ import annotations

from tupa.demo.federation_scale.build import build_federation
from tupa.demo.federation_scale.dates import nights_by_year, overlap_years
from tupa.demo.federation_scale.specs import SLUG_PREFIX, slug_for, username_for
from tupa.demo.federation_scale.summary import FederationSummary

__all__ = [
    "SLUG_PREFIX",
    "FederationSummary",
    "build_federation",
    "nights_by_year",
    "overlap_years",
    "slug_for",
    "username_for",
]
