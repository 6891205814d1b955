"""Appointment screens: calendars, planning, outcomes and the personal iCal feed.

Access (tests in ``tests/test_views.py``):

- *My calendar* — staff doing client work (``client_work.access``); 404 for everyone else.
- *Team week*, *new appointment* — active client-work members of the service form; 404 else.
- *Appointment* (detail, change, outcome) — members of its service form and its organiser and
  co-workers (:func:`tupa.access.scheduling.may_manage`); 404 else, also for bad ids.
- *Appointments of an episode* — anyone who may see the episode (``episode_basis``); planning
  from there needs membership of the episode's form.
- Client names appear only for appointments whose episode the viewer may see; otherwise
  "Varattu" (the time, the workers and a cancellation only: no type, place, form or outcome).
  On the calendars and in the planning form's choices an episode with a participant whose
  processing is restricted (GDPR art. 18) is left out the same way (``tests/test_calendar_privacy.py``).
  Each person shown is written to the access log (one event per person).
- *iCal feed* — public, by secret token (only its hash is stored); revoked/unknown → 404.
"""

from tupa.scheduling.views.calendars import my_calendar, team_week
from tupa.scheduling.views.feed import feed, feed_settings
from tupa.scheduling.views.planning import (
    appointment_create,
    appointment_detail,
    appointment_edit,
    episode_appointments,
)

__all__ = [
    "appointment_create",
    "appointment_detail",
    "appointment_edit",
    "episode_appointments",
    "feed",
    "feed_settings",
    "my_calendar",
    "team_week",
]
