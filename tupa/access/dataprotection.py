"""Who may do the data-protection tasks: the DPO's pages, revealing restricted fields, reviews.

- The data-protection officer's tasks (person lookup, log and data extracts, restriction of
  processing, access and erasure requests, the disclosure log) are the policy action
  :data:`DPO_ACTION`; the basis the access log records is that decision's basis.
- Revealing a restricted person's fields and managing her restrictions: only a worker whose
  work task covers her (:func:`may_reveal`, a MEMBERSHIP basis).
- Reviewing an access request's draft: the DPO (every unit) or a worker of a unit whose data
  the draft holds (:func:`may_review`); a unit worker's basis is the unit membership.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

from tupa.access import contact, policy
from tupa.access.fetch import Granted
from tupa.access.marks import user_of
from tupa.access.policy import Basis
from tupa.accounts.models import Role

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.audit.models import AccessRequest
    from tupa.people.models import Person

#: The DPO's policy action for the client-rights tasks.
DPO_ACTION = "audit.browse"

#: Roles that make a user a worker *of a unit* for the review of an access request's draft.
UNIT_ROLES = frozenset({str(Role.WORKER), str(Role.LEAD), str(Role.COORDINATOR)})


def is_dpo(user: User) -> bool:
    """The data-protection officer (policy ``audit.browse``) does the client-rights tasks."""
    return bool(policy.decide(user, DPO_ACTION))


def may_reveal(*, user: User, person: Person) -> bool:
    """Only a worker whose work task covers the person may reveal or manage her restrictions.

    Co-workers, consent, break-the-glass and organisation roles may not, and perpetrator-side
    work never does for a victim-side client (the wall).
    """
    return contact.may_reveal_person(user=user, person=person)


def unit_form_ids(user: User) -> set[int]:
    """Service forms in which the user does client work today (a worker *of the unit*)."""
    return {
        m.service_form_id
        for m in policy.active_memberships(user)
        if m.service_form_id is not None and m.role in UNIT_ROLES
    }


def may_review(user: User, access_request: AccessRequest, units: Collection[int]) -> set[int]:
    """The DPO reviews every unit of an access request's draft, a unit worker her own units."""
    if access_request.organisation_id != user.organisation_id:
        return set()
    if is_dpo(user):
        return set(units)
    return unit_form_ids(user) & set(units)


# --------------------------------------------------------------------------- fetch helpers


def reveal_access(request: HttpRequest, pk: int) -> Granted[Person]:
    """The person ``pk`` of the user's organisation if :func:`may_reveal` says yes, or 404.

    :func:`may_reveal` grants only on a MEMBERSHIP basis, so that is the basis logged.
    """
    from tupa.people.models import Person

    user = user_of(request)
    if user.organisation_id is None:
        raise Http404
    person = Person.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if person is None or not may_reveal(user=user, person=person):
        raise Http404
    return Granted(person, Basis.MEMBERSHIP)


def review_basis(user: User) -> Basis:
    """The basis of a draft review: the DPO's decision, else the reviewing worker's membership."""
    decision = policy.decide(user, DPO_ACTION)
    return decision.basis if decision else Basis.MEMBERSHIP


def review_inbox_basis(user: User) -> Basis | None:
    """A unit worker lists the drafts of her units on her unit membership; others see nothing."""
    return Basis.MEMBERSHIP if unit_form_ids(user) else None
