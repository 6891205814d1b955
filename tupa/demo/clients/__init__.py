"""Fictional clients for the demo organisation (issue 3, item 11).

About 150 persons a year in families (300 per two years of the demo's history,
:func:`tupa.demo.calendar.scaled`: about 440 on 5.12.2026), with episodes across every
client-serving service form spread evenly over the history (ongoing and ended; those going on
when it starts opened a little before it), journal entries, client-plan goals and network
meetings, named workers (the form's worker as the responsible worker of most episodes;
Lapsityö's crisis worker as the co-worker of some shelter families with children — the one
demo grant across service forms), referrals between forms (the client path), six anonymous
shelter clients of whom three were identified later, and a few persons with turvakielto. Everything goes through the
services, as a worker of the service form, so the history, the access rules and the statistics
see the demo exactly as they would see real work.

**Every name is invented** (common Finnish first names combined with made-up surnames), and
identity codes use the individual numbers 900–999 that the Population Register Centre reserves
for test use, so no demo code can belong to a real person.

Deterministic (a fixed random seed) and idempotent: if the organisation already has persons,
nothing is added.

:mod:`.names` holds the invented names and texts, :mod:`.core` the builder's common steps,
:mod:`.families` the families per service form and :func:`build_demo_clients`.
"""

from .core import TARGET_PERSONS, Counts
from .families import build_demo_clients

__all__ = ["TARGET_PERSONS", "Counts", "build_demo_clients"]
