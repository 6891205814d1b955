"""Demo data of feedback and outcome measurement (issue 13), built in order through the services
of :mod:`tupa.surveys`:

1. :mod:`.questionnaires` — the plan's questionnaires in Finnish (Ensikoti end of stay in two
   versions and its 12-month follow-up, Baby blues end of work and referrer survey, Peukaloinen
   end of group, Alvari 6-month follow-up, the Lapsityö smiley form, the doulas' yearly survey,
   the Perhetupa kiosk) and the built-in *Vaikuttavuus esiin*;
2. :mod:`.schedules` — who is asked when, open invitations (some reminded) and clients who
   withdrew their follow-up permission (they drop off the due lists);
3. :mod:`.kiosks` — Perhetupa's tablet (its link is never printed: staff make one in the UI);
4. :mod:`.answers` — a year of answers to every questionnaire;
5. :mod:`.outcomes` — *Vaikuttavuus esiin* at start and end for a few dozen episodes, paper and
   oral feedback, the THL form given to the shelter's clients;
6. :mod:`.quality` — two criteria sets and the self-evaluations of last year and this year.

Each step is idempotent; the whole is run after the clients, the volunteers and the group
programmes (the due lists read their ends).
"""

from __future__ import annotations

from tupa.organisations.models import Organisation

from . import answers, kiosks, outcomes, quality, questionnaires, schedules

STEPS = (schedules.build, kiosks.build, answers.build, outcomes.build, quality.build)


def build(*, organisation: Organisation) -> str | None:
    """Every step once; a one-line summary of what was added, or None if everything existed."""
    versions = questionnaires.build(organisation=organisation)
    parts = [step(organisation=organisation, versions=versions) for step in STEPS]
    added = [part for part in parts if part]
    if not added:
        return None
    return "Palaute: " + "; ".join(added)
