"""Demo data of the residential units: places, the demo's history of stays, turn-aways and the
24 h line.

Called by ``manage.py build_demo`` after the demo clients (issue 4, item 10). It gives both
residential units of the demo organisation believable occupancy over the demo's history
(:func:`tupa.demo.calendar.history_start`, 1 January two years back, up to today):

- **Places**: Turvakoti has 5 family places (the plan); Ensikoti gets 6 family places — the
  plan does not state Ensikoti's size (seed-spec §2.1), so six is an assumption of the demo.
- **Stays**: the shelter and Ensikoti episodes that the demo clients created get a stay in a
  free place over their own period; the remaining free time of every place is filled with new
  families (opened through the episode services) until each unit runs at roughly 75–80 %.
  Shelter stays last 0–60 days (median about two and a half weeks, arrivals at any hour, many
  at night); Ensikoti stays 1–6 months, some started in pregnancy with the baby born during
  the stay. A few families move between places, some children arrive a day later, every
  finished stay has a destination, and the stays still going on today stay open.
- **Around the stays**: turn-aways on the days a unit was full (plus a few for other reasons),
  contacts of the 24 h line, THL's shelter data for the shelter's persons (a few left missing
  on purpose, so that the year-end check has something to show), Ensikoti's payment commitments
  from Päijät-Hämeen hyvinvointialue (one renewal late on purpose, so one stay has uncovered
  days), and handover notes of the last days.

Stays go through :mod:`tupa.residential.stays.services` (which refuse double booking), in
chronological order of events, so the data is what the screens would have produced. The
episodes that the demo clients already **ended** are lifted back to "active" for the duration
of the build (a plain column update, no history) because the services, rightly, admit no one
to an ended episode; their status is restored at the end. Rows that have no service yet
(turn-aways, THL shelter data, payment commitments, shift notes) are saved with the model and
the change history's user set.

Deterministic (a fixed seed, dates relative to ``timezone.localdate()``), fictional (names from
the demo clients' invented lists; no identifying data in the anonymous rows) and idempotent:
if either unit already has places, nothing is done and ``None`` is returned.

Modules: :mod:`.units` (the units, the planned residences, the state shared by the steps),
:mod:`.stays` (places, the plan, the families and the events; :func:`build`),
:mod:`.around` (the rows around the stays) and :mod:`.shelter` (THL's shelter data and the 24 h
line's calls drawn at random, shared with :mod:`tupa.demo.federation_scale`).
"""

from tupa.demo.residential.stays import build
from tupa.demo.residential.units import (
    ENSIKOTI,
    ENSIKOTI_PLACES,
    SHELTER,
    SHELTER_PLACES,
    WELLBEING_COUNTY,
    age_band,
)

__all__ = [
    "ENSIKOTI",
    "ENSIKOTI_PLACES",
    "SHELTER",
    "SHELTER_PLACES",
    "WELLBEING_COUNTY",
    "age_band",
    "build",
]
