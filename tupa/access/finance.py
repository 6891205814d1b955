"""Who may read and change the finance records (:mod:`tupa.finance`).

Agreements and grants are organisation data, not client data: the policy rows
``finance.agreements.view/manage`` and ``finance.grants.view/manage`` decide (finance manager,
executive director). An object of another organisation, or one the user may not act on, answers
404 whether it exists or not.
"""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404, HttpRequest

from tupa.access import policy
from tupa.access.fetch import Granted
from tupa.access.marks import organisation_id_of, user_of
from tupa.finance.agreements.selectors import agreement_of
from tupa.finance.grants.selectors import grant_of
from tupa.finance.models import Agreement, Grant

T = TypeVar("T")


def _granted(request: HttpRequest, found: T | None, action: str) -> Granted[T]:
    if found is None:
        raise Http404
    decision = policy.require(user_of(request), action, found)
    return Granted(found, decision.basis)


def agreement_access(request: HttpRequest, pk: int, action: str) -> Granted[Agreement]:
    """Agreement ``pk`` of the user's organisation if ``action`` is allowed; else 404."""
    policy.require(user_of(request), action)
    return _granted(request, agreement_of(organisation_id_of(request), pk), action)


def grant_access(request: HttpRequest, pk: int, action: str) -> Granted[Grant]:
    """Grant ``pk`` of the user's organisation if ``action`` is allowed; else 404."""
    return _granted(request, grant_of(pk), action)
