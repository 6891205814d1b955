"""Appointments: every write (issue 5 item 1). Keyword-only, ``actor`` first, atomic.

Rules decided here (tests in ``tests/test_services.py``):

- **Who plans.** An active client-work member (worker, lead, coordinator) of the service form
  plans its appointments. The organiser must be such a member too; co-workers may be any
  active client-work staff of the organisation (as in the journal, CLI-16).
- **Episode.** Optional; when given it must belong to the same service form; an ended episode
  takes appointments only up to its end date (e.g. recording a past meeting afterwards).
- **Place.** A room only for meetings at the own premises (and only a room of the whole
  organisation or of this service form); a partner is required for partner premises.
- **Conflicts are warnings.** An overlapping appointment of the organiser or a co-worker, or a
  room that is already reserved (appointment or :class:`~.models.Booking`), raises
  :class:`ConflictsFound` unless ``confirm_conflicts=True`` (the form's "Tallenna silti").
  Cancelled appointments and cancelled bookings do not reserve anything.
- **Recurrence.** A series is expanded in Europe/Helsinki wall time (:mod:`.recurrence`) and
  stored as one row per occurrence linked to an :class:`~.models.AppointmentSeries`; each
  occurrence is then moved or cancelled on its own.
- **Outcome → journal.** Recording an outcome of an appointment linked to an episode writes
  one journal entry through :mod:`tupa.episodes.journal`: "happened" as a meeting entry of the
  matching type with the duration, the cancellations and the no-show as a note. Changing the
  outcome later **corrects that same entry** (``entry_correct``: a new version superseding the
  previous one, reason "Tapaamisen lopputulosta muutettu"), so an appointment never has more
  than one current journal entry. Only the author of the entry or a lead of the service form
  may correct it (the journal's own rule). An outcome cannot be set back to "planned".
  "Happened" and "no-show" need the appointment to have started; a cancellation may be
  recorded in advance (the entry's time is then the moment of recording, since the journal
  does not accept future times).
"""

from tupa.scheduling.services.appointments import (
    MAX_DURATION,
    START_TOLERANCE,
    AppointmentPermissionDenied,
    Recurrence,
    appointment_create,
    appointment_update,
)
from tupa.scheduling.services.conflicts import Conflict, ConflictsFound, find_conflicts
from tupa.scheduling.services.feed import feed_token_regenerate, feed_token_revoke, hash_token
from tupa.scheduling.services.outcomes import appointment_record_outcome, entry_values

__all__ = [
    "MAX_DURATION",
    "START_TOLERANCE",
    "AppointmentPermissionDenied",
    "Conflict",
    "ConflictsFound",
    "Recurrence",
    "appointment_create",
    "appointment_record_outcome",
    "appointment_update",
    "entry_values",
    "feed_token_regenerate",
    "feed_token_revoke",
    "find_conflicts",
    "hash_token",
]
