"""Reads of the organisation structure. Callers run inside the organisation scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from tupa.access import policy
from tupa.accounts.models import Membership

from .models import Area, Organisation, ServiceForm, ServiceFormFunding, Team

if TYPE_CHECKING:
    from tupa.accounts.models import User


def service_forms_of(*, user: User) -> list[ServiceForm]:
    """The service forms where the user holds an active membership (their work tasks)."""
    seen: dict[int, ServiceForm] = {}
    for m in policy.active_memberships(user):
        if m.service_form is not None and m.service_form_id not in seen:
            seen[m.service_form_id] = m.service_form  # type: ignore[index]
    return sorted(seen.values(), key=lambda sf: (sf.order, sf.name))


def teams_of(*, user: User) -> list[Team]:
    """Teams the user works in (through a service form) or manages."""
    sf_ids = [sf.pk for sf in service_forms_of(user=user)]
    teams = Team.objects.filter(Q(service_forms__in=sf_ids) | Q(line_manager=user)).distinct()
    return list(
        teams.select_related("area", "line_manager").order_by("area__order", "order", "name")
    )


def service_form_staff(*, service_form: ServiceForm) -> QuerySet[Membership]:
    """The memberships valid today in ``service_form``, by role and last name."""
    return (
        Membership.objects.active()
        .filter(service_form=service_form)
        .select_related("user")
        .order_by("role", "user__last_name")
    )


def service_forms_with_details() -> QuerySet[ServiceForm]:
    return ServiceForm.objects.select_related(
        "area", "team", "team__line_manager", "national_coordinator", "operating_partner"
    ).prefetch_related(
        Prefetch(
            "fundings",
            queryset=ServiceFormFunding.objects.select_related("funder").order_by("funder__name"),
        )
    )


def organisation_structure(*, organisation: Organisation) -> list[Area]:
    """Areas with their teams and service forms, for the organisation page (constant queries)."""
    forms = service_forms_with_details().order_by("order", "name")
    teams = Team.objects.select_related("line_manager").prefetch_related(
        Prefetch("service_forms", queryset=forms, to_attr="forms")
    )
    return list(
        Area.objects.filter(organisation=organisation).prefetch_related(
            Prefetch("teams", queryset=teams, to_attr="team_list"),
            Prefetch(
                "service_forms",
                queryset=forms.filter(team__isnull=True),
                to_attr="forms_without_team",
            ),
        )
    )


def dashboard_for(*, user: User) -> dict[str, Any]:
    memberships = policy.active_memberships(user)
    return {
        "service_forms": service_forms_of(user=user),
        "teams": teams_of(user=user),
        "organisation_roles": [m for m in memberships if m.service_form_id is None],
        "memberships": memberships,
    }
