"""Screens of the open family house (Perhetupa): today's tally, corrections, childcare sessions,
room rentals, the consented step to an identified client (ANO-05) and the statistics.

Only client-work members of the drop-in service form reach the work screens (404 for everyone
else, also for bad ids). The statistics are aggregates: members and the executive director
(policy action ``dropin.statistics.view``). The counts are anonymous, so these pages show no
person data and write no access events; the renter's contact is shown only to members.
"""

from tupa.dropin.views.childcare import childcare_edit, childcare_list
from tupa.dropin.views.figures import statistics, statistics_csv
from tupa.dropin.views.identify import identify
from tupa.dropin.views.rentals import booking_cancel, booking_new, bookings
from tupa.dropin.views.tally import correct, today

__all__ = [
    "booking_cancel",
    "booking_new",
    "bookings",
    "childcare_edit",
    "childcare_list",
    "correct",
    "identify",
    "statistics",
    "statistics_csv",
    "today",
]
