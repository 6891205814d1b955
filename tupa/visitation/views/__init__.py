"""Tapaamispaikka screens: orders, scheduling, outcomes and records, contacts, billing, statistics.

Thin views over :mod:`tupa.visitation.selectors` and :mod:`tupa.visitation.services`, one
module per sub-domain: orders (and the front page), meetings, contacts, reports.

Access (ARCHITECTURE.md §6): the order, meeting and contact screens are for client-work members
of the visitation service form only — the basis of the episode must be ``membership``; everyone
else gets 404, also for ids that do not exist. Every person shown is written to the access log
(fail closed). Billing and statistics are aggregates without persons: they follow the policy
rules ``visitation.billing.view`` / ``visitation.statistics.view`` (members of the form, the
executive director; finance also sees billing) and need no access log.

Turvakielto: no page here shows a person's address, municipality or contact data. The payer
municipality of an order is shown as "Suojattu tieto" when somebody of the episode's family has
a restriction in force (it is the child's home municipality); it appears in the billing
aggregate only.
"""

from tupa.visitation.views.contacts import contact_add
from tupa.visitation.views.meetings import meeting_edit, meeting_outcome, schedule
from tupa.visitation.views.orders import order_create, order_detail, order_edit, order_list
from tupa.visitation.views.reports import billing, statistics

__all__ = [
    "billing",
    "contact_add",
    "meeting_edit",
    "meeting_outcome",
    "order_create",
    "order_detail",
    "order_edit",
    "order_list",
    "schedule",
    "statistics",
]
