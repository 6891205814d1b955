"""Reads of the access requests: the DPO's list, a unit worker's review list and its dashboard
count, deadlines."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.access.dataprotection import review_inbox_basis, unit_form_ids
from tupa.audit.models import AccessRequest, AccessRequestStep
from tupa.episodes.models import Participant

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


def _unit_participations(units: Collection[int]) -> QuerySet[Participant]:
    """Participations in the episodes of ``units`` (call with the scopes disabled)."""
    return Participant.objects.filter(episode__service_form_id__in=units)


def _drafts_of_units(*, organisation_id: int, units: Collection[int]) -> QuerySet[AccessRequest]:
    """The organisation's drafts that hold data of ``units`` — the rule of the unit worker's
    review list and of its count on the dashboard, written once (call with the scopes disabled).

    A draft holds a unit's data exactly when :func:`~.draft.build_draft` lists the unit: its
    person takes part, herself or through an alias linked to her, in an episode of the unit.
    """
    mine = _unit_participations(units)
    holds_unit_data = Exists(mine.filter(person_id=OuterRef("person_id"))) | Exists(
        mine.filter(alias__person_id=OuterRef("person_id"))
    )
    drafts = AccessRequest.objects.filter(organisation_id=organisation_id, status=Status.DRAFT)
    return drafts.filter(holds_unit_data)


def requests_to_review(*, user: User) -> list[tuple[AccessRequest, list[int]]]:
    """Drafts that hold data of the user's units, each with those units (the unit worker's
    review list); two queries however many drafts there are."""
    units = unit_form_ids(user)
    if not units:
        return []
    with scopes_disabled():
        drafts = list(
            _drafts_of_units(organisation_id=user.organisation_id or 0, units=units)
            .select_related("person")
            .order_by("due_on", "pk")
        )
        if not drafts:
            return []
        persons = {ar.person_id for ar in drafts}
        units_of: dict[int, set[int]] = defaultdict(set)
        for person_id, alias_person_id, unit_id in (
            _unit_participations(units)
            .filter(Q(person_id__in=persons) | Q(alias__person_id__in=persons))
            .values_list("person_id", "alias__person_id", "episode__service_form_id")
        ):
            for taking_part in (person_id, alias_person_id):
                if taking_part in persons:
                    units_of[taking_part].add(unit_id)
    return [(ar, sorted(units_of[ar.person_id])) for ar in drafts]


def requests_to_review_count(*, user: User) -> int:
    """How many drafts :func:`requests_to_review` lists for the user, in one query (none for a
    user who is no worker of a unit)."""
    units = unit_form_ids(user)
    if not units:
        return 0
    with scopes_disabled():
        return _drafts_of_units(organisation_id=user.organisation_id or 0, units=units).count()


def review_panel(*, user: User) -> dict[str, object]:
    """Context of ``people/rights/_access_request_dashboard_panel.html``: how many drafts wait in the
    user's review list (a count only, no person data, so no access-log event). Nothing for a
    user without the review list's basis or with nothing waiting."""
    if review_inbox_basis(user) is None:
        return {"visible": False}
    waiting = requests_to_review_count(user=user)
    return {"visible": waiting > 0, "waiting": waiting}


def is_overdue(ar: AccessRequest, today: dt.date | None = None) -> bool:
    return ar.status != Status.DELIVERED and ar.due_on < (today or timezone.localdate())
