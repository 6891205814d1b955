"""Who reads and who keeps the annual plan's goals (:mod:`tupa.planning`, ADR 0030).

The plan is the association's own document, shared with its staff, and no goal names a person:
every staff member of the organisation reads it (``planning.view``). A service form's goals are
kept — written, assessed, removed — by the form's lead; the executive director keeps every goal,
also a working group's and the association's own (``planning.edit``: the lead in the goal's
service form, the executive director anywhere). The services enforce the same predicates
(``PermissionDenied``); the views answer 404 to others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tupa.access import policy

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.planning.models import AnnualGoal


def may_view_plan(user: User) -> bool:
    """Every active staff member of an organisation reads its plan."""
    return bool(policy.decide(user, "planning.view"))


def may_keep_goals_of(user: User, service_form: ServiceForm | None) -> bool:
    """Whether ``user`` writes and assesses the goals of ``service_form`` (None: a working
    group's or the association's own goals, which only the executive director keeps)."""
    # Without a service form only an organisation-wide role grants (policy's SERVICE_FORM scope).
    return bool(policy.decide(user, "planning.edit", service_form))


def may_keep(user: User, goal: AnnualGoal) -> bool:
    """Whether ``user`` edits, assesses and removes ``goal`` (:func:`may_keep_goals_of` of its
    service form, in the user's own organisation)."""
    if goal.organisation_id != user.organisation_id:
        return False
    return may_keep_goals_of(user, goal.service_form)


def may_keep_any(user: User) -> bool:
    """Whether ``user`` keeps the goals of some service form (the plan page offers adding)."""
    return any(
        m.role in policy.RULES["planning.edit"].roles for m in policy.active_memberships(user)
    )
