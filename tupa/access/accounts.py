"""Who may manage staff accounts and their login lockouts (:mod:`tupa.accounts`).

The configuration admin and the account services ask these predicates; the policy table
(:data:`tupa.access.policy.RULES`) holds the organisation roles, and the platform operator —
the one account that runs the installation and belongs to no organisation — is added here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tupa.access import policy

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: The policy action of lifting a login lockout.
LOCKOUT_LIFT = "account.lockout.lift"


def is_platform_operator(user: Any) -> bool:
    """The platform operator (an active superuser without an organisation) sees every organisation."""
    return bool(
        user.is_active and user.is_superuser and getattr(user, "organisation_id", 1) is None
    )


def may_manage_lockouts(user: User) -> bool:
    """Administrators (``account.lockout.lift``) and the platform operator see and lift lockouts."""
    return is_platform_operator(user) or bool(policy.decide(user, LOCKOUT_LIFT))


def may_lift_lockout(*, actor: User, user: User) -> bool:
    """An administrator of ``user``'s organisation, or the platform operator, lifts its lockout."""
    if is_platform_operator(actor):
        return True
    return bool(policy.decide(actor, LOCKOUT_LIFT, user))


def administered_organisation_of(user: User) -> int | None:
    """The organisation whose accounts ``user`` administers; None: every one (platform operator)."""
    return None if is_platform_operator(user) else user.organisation_id


def may_end_sessions(*, actor: User, user: User) -> bool:
    """A user ends their own sessions; an administrator (``configuration.manage``) anyone's."""
    return actor.pk == user.pk or bool(policy.decide(actor, "configuration.manage", user))
