"""Writes of the open family house (Perhetupa): taps, corrections, childcare, rentals, ANO-05.

House style: keyword-only, ``actor`` first, one transaction each, Finnish ``ValidationError``
messages keyed by field. Only client-work members (worker, lead, coordinator) of the drop-in
service form itself may write; a past day's figures are corrected by a lead of the form, with
a written reason.

Concurrency: a tap is one ``UPDATE … SET n = n + 1`` (an ``F()`` expression), so two workers
tapping at the same moment both count; a minus never goes below zero. A room booking locks the
room row (``select_for_update``) before it looks for overlapping bookings, so two bookings of
the same hour cannot both succe

One module per part: :mod:`.counts`, :mod:`.childcare`, :mod:`.rentals`, :mod:`.identify`;
:mod:`._common` holds who may write and the day's programme.
"""

from ._common import BABY_DAY_WEEKDAY, CENT, MIN_REASON, default_programme
from .childcare import CHILDCARE_FIELDS, childcare_record, childcare_update
from .counts import count_correct, count_set_programme, count_tap, count_undo
from .identify import CONSENT_TEXT, visitor_identify
from .rentals import booking_cancel, booking_create, booking_hours, booking_price, rental_rooms

__all__ = [
    "BABY_DAY_WEEKDAY",
    "CENT",
    "CHILDCARE_FIELDS",
    "CONSENT_TEXT",
    "MIN_REASON",
    "booking_cancel",
    "booking_create",
    "booking_hours",
    "booking_price",
    "childcare_record",
    "childcare_update",
    "count_correct",
    "count_set_programme",
    "count_tap",
    "count_undo",
    "default_programme",
    "rental_rooms",
    "visitor_identify",
]
