"""Writes of client episodes, one module per sub-domain.

- :mod:`.intake` — opening an episode (``episode_open``, ``episode_intake``, the service task);
- :mod:`.subjects` — the client typed in at intake: a new person or an anonymous alias;
- :mod:`.lifecycle` — status moves and re-opening, intake facts, contact permission;
- :mod:`.basic_info` — the answers of the basic-information questionnaire;
- :mod:`.participants` — who takes part, in which role;
- :mod:`.coworkers` — co-worker assignments (CLI-16);
- :mod:`.consents` — consents recorded in the episode (sharing, follow-up);
- :mod:`.plan` — goals and their reviews (CLI-12);
- :mod:`.network` — network meetings (CLI-15) and referrals to outside services (CLI-09);
- :mod:`.referrals` — referrals between the association's service forms (CLI-08);
- :mod:`.break_glass` — emergency access and the lead's review.

House style (ARCHITECTURE.md §4): keyword-only functions with ``actor`` first, one transaction
each, validation with Finnish messages (``ValidationError`` keyed by field so forms can show them
next to the input), the change history recorded with ``actor`` (django-simple-history,
:func:`tupa.core.saving.save_validated`).

Unlike the organisation services, these check *who may write* themselves, because the rules are
part of the client-data access model (ARCHITECTURE.md §6) and must hold for the views, the API,
imports and the demo builder alike. The rules are the predicates of :mod:`tupa.access.episodes`:

- opening an episode needs a client-work membership (worker, lead, coordinator) in the form;
- editing an episode needs the basis ``membership`` or ``assignment`` (a consent to share or a
  break-the-glass access lets the user *read*, not change, the episode);
- assigning co-workers needs a membership in the episode's own service form;
- accepting or declining a referral needs a membership in the receiving form;
- break-the-glass is allowed only where :func:`tupa.access.clients.may_break_glass` says so, and
  its review only by a lead of the episode's service form.

A refusal raises :class:`django.core.exceptions.PermissionDenied`; views turn an object the user
cannot see into 404 before they get here.

Optimistic locking: writes that change the episode row itself take the ``version`` the user
saw and raise :class:`~tupa.core.conflicts.VersionConflict` when somebody else saved in between.
"""

from .basic_info import basic_form_save
from .break_glass import (
    BREAK_GLASS_HOURS,
    BREAK_GLASS_MIN_REASON,
    active_break_glass,
    break_glass_open,
    break_glass_reason,
    break_glass_review,
)
from .consents import consent_record, consent_withdraw
from .coworkers import assignment_add, assignment_end
from .intake import EPISODE_FIELDS, default_service_task, episode_intake, episode_open
from .lifecycle import (
    EPISODE_UPDATE_FIELDS,
    REOPEN_TO,
    TRANSITIONS,
    contact_permission_set,
    episode_set_status,
    episode_update,
)
from .network import external_referral_add, network_meeting_add
from .participants import participant_add, participant_remove
from .plan import goal_add, goal_review
from .referrals import CONSENT_REQUIRED_MESSAGE, referral_accept, referral_create, referral_decline
from .subjects import NewAlias, NewPerson, alias_for_intake, person_for_intake

__all__ = [
    "BREAK_GLASS_HOURS",
    "BREAK_GLASS_MIN_REASON",
    "CONSENT_REQUIRED_MESSAGE",
    "EPISODE_FIELDS",
    "EPISODE_UPDATE_FIELDS",
    "REOPEN_TO",
    "TRANSITIONS",
    "NewAlias",
    "NewPerson",
    "active_break_glass",
    "alias_for_intake",
    "assignment_add",
    "assignment_end",
    "basic_form_save",
    "break_glass_open",
    "break_glass_reason",
    "break_glass_review",
    "consent_record",
    "consent_withdraw",
    "contact_permission_set",
    "default_service_task",
    "episode_intake",
    "episode_open",
    "episode_set_status",
    "episode_update",
    "external_referral_add",
    "goal_add",
    "goal_review",
    "network_meeting_add",
    "participant_add",
    "participant_remove",
    "person_for_intake",
    "referral_accept",
    "referral_create",
    "referral_decline",
]
