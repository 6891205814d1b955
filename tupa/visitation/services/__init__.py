"""Writes of the Tapaamispaikka: orders, parties, scheduling, outcomes, meeting records, contacts.

House style (ARCHITECTURE.md §4): keyword-only with ``actor``, one transaction each, Finnish
``ValidationError`` messages keyed by form field, the change history recorded with ``actor``.

Who may write: an active client-work membership (worker, lead, coordinator) in the service form
of the order's episode, which must be a ``visitation`` form. A consent, an assignment or a
break-the-glass access does not make anyone a party to the meetings. Nothing here logs reads.

Optimistic locking: edits of an order or a meeting take the ``version`` the user saw; a
mismatch raises :class:`~tupa.core.conflicts.VersionConflict` instead of overwriting someone
else's save.

One module per part: :mod:`.orders`, :mod:`.meetings`, :mod:`.contacts`, and :mod:`._common`
for what they share; callers import from this package.
"""

from ._common import last_meeting_day, require_writer
from .contacts import contact_add
from .meetings import (
    NEEDS_STARTED,
    RECORD_MAX_LENGTH,
    RECORDABLE,
    meeting_record_outcome,
    meeting_update,
    meetings_schedule,
)
from .orders import MAX_OFFSET, ORDER_FIELDS, order_create, order_update

__all__ = [
    "MAX_OFFSET",
    "NEEDS_STARTED",
    "ORDER_FIELDS",
    "RECORDABLE",
    "RECORD_MAX_LENGTH",
    "contact_add",
    "last_meeting_day",
    "meeting_record_outcome",
    "meeting_update",
    "meetings_schedule",
    "order_create",
    "order_update",
    "require_writer",
]
