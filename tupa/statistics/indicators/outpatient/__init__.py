"""Indicators of the outpatient service forms (Avokriisityö, Jussi-työ, Lapsityö, Alvari …).

The outpatient work leaves three kinds of record, and each indicator reads the one that says
what it counts:

* the **episode** and its participants say who was a client (``outpatient.clients``);
* the **appointment** and its outcome say which planned meetings took place or were missed
  (``outpatient.visits``, ``outpatient.no_shows``);
* the **journal** says what else was done: calls, chats, advice, crisis help, meetings written
  straight into the journal (``outpatient.contacts``).

Recording an appointment's outcome writes a journal entry and links it from the appointment
(:mod:`tupa.scheduling.services.outcomes`), so a held appointment would be counted twice if the
journal were counted as well: an entry whose version chain contains an entry linked from an
appointment is the appointment's, and only the appointment counts. ``outpatient.work_done`` is
the union of the two (every held appointment and every other contact, once), the "work done"
statistics of Lapsityö (seed-spec REP-07) and of any outpatient form, and
``outpatient.children_met`` the distinct children those meetings were with.

A client is a person (or an alias not yet linked to one) in the role of client, expectant parent
or child of an episode that had *started* (active or ended, with a start date) and overlapped the
period; a person in two episodes of the same form counts once, with the breakdowns of the
earlier one. Enquiries and the queue are not client relationships yet: their calls and advice
show in ``outpatient.contacts``.

Who a meeting was with follows the journal's own rule (``entry_subjects``): the participants
marked on the entry, or, when none are marked (an appointment's outcome entry marks none), all
who were participants of the episode on that day.

Every period bound is a Helsinki-local date; a moment (an appointment's start, an entry's time)
belongs to the local date it happened on.

The package: :mod:`.common` (shared reads), :mod:`.clients`, :mod:`.activity`.
"""

from __future__ import annotations

from ..base import IndicatorRegistry
from .activity import CHILDREN_MET, CONTACTS, NO_SHOWS, VISITS, WORK_DONE
from .clients import CLIENTS

__all__ = ["CHILDREN_MET", "CLIENTS", "CONTACTS", "NO_SHOWS", "VISITS", "WORK_DONE", "register"]


def register(registry: IndicatorRegistry) -> None:
    registry.register(CLIENTS, VISITS, NO_SHOWS, CONTACTS, WORK_DONE, CHILDREN_MET)
