"""Reads of the access requests: the DPO's list, a unit worker's review list, deadlines."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.access.dataprotection import unit_form_ids
from tupa.audit.models import AccessRequest, AccessRequestStep

from .draft import build_draft

if TYPE_CHECKING:
    from tupa.accounts.models import User

Status = AccessRequest.Status
Step = AccessRequestStep.Kind


def reviewed_units(access_request: AccessRequest) -> set[int]:
    with scopes_disabled():
        return set(
            AccessRequestStep.objects.filter(
                access_request=access_request, kind=Step.UNIT_REVIEWED
            ).values_list("service_form_id", flat=True)
        )


# --------------------------------------------------------------------------- selectors


def requests_for_dpo(*, organisation_id: int) -> list[AccessRequest]:
    with scopes_disabled():
        rows = list(
            AccessRequest.objects.filter(organisation_id=organisation_id)
            .select_related("person")
            .order_by("due_on", "pk")
        )
    return sorted(rows, key=lambda ar: ar.status == Status.DELIVERED)  # open ones first


def requests_to_review(*, user: User) -> list[tuple[AccessRequest, list[int]]]:
    """Drafts that hold data of the user's units (for the unit worker's review list)."""
    units = unit_form_ids(user)
    if not units:
        return []
    result = []
    with scopes_disabled():
        drafts = AccessRequest.objects.filter(
            organisation_id=user.organisation_id or 0, status=Status.DRAFT
        ).select_related("person")
        for ar in drafts:
            mine = sorted(units & set(build_draft(ar.person, ar).units))
            if mine:
                result.append((ar, mine))
    return result


def is_overdue(ar: AccessRequest, today: dt.date | None = None) -> bool:
    return ar.status != Status.DELIVERED and ar.due_on < (today or timezone.localdate())
