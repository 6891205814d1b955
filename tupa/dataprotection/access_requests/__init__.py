"""Access requests as a reviewed workflow (GDPR art. 15; 1050/2018 §34): services and selectors.

received → identity verified → draft extract assembled → reviewed (a worker of each unit that
holds data, then the DPO) → decided (full, partial, refused; reasoned, with the right to appeal
to the Data Protection Ombudsman) → delivered (recorded in the disclosure log). The deadline is
one month from receipt, extendable by at most two further months with a reason.

Third-party data: an item of the draft **needs review** when it may carry another person's data
— a journal entry with other participants, a text naming another participant of the person's
episodes or a relative, a network meeting, a goal of an episode with other participants, or a
whole episode in which the person is the one who used violence or only a relative. Until a
review decision is recorded such an item is **withheld** (never copied); a withheld episode does
not appear in the extract at all. Every step and every item decision is an append-only row.
"""

from .draft import build_draft
from .items import Draft, DraftEpisode, Item
from .selectors import (
    is_overdue,
    requests_for_dpo,
    requests_to_review,
    requests_to_review_count,
    reviewed_units,
)
from .workflow import (
    deadline_extend,
    decide,
    deliver,
    dpo_review_complete,
    draft_assemble,
    identity_verify,
    item_decide,
    request_create,
    unit_review_complete,
)

__all__ = [
    "Draft",
    "DraftEpisode",
    "Item",
    "build_draft",
    "deadline_extend",
    "decide",
    "deliver",
    "dpo_review_complete",
    "draft_assemble",
    "identity_verify",
    "is_overdue",
    "item_decide",
    "request_create",
    "requests_for_dpo",
    "requests_to_review",
    "requests_to_review_count",
    "reviewed_units",
    "unit_review_complete",
]
