import datetime as dt

import pytest
import time_machine
from django.http import Http404

from tupa.access import policy
from tupa.access.policy import Basis
from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServiceFormFactory,
    UserFactory,
    org_role_user,
    worker_in,
)

pytestmark = pytest.mark.django_db


def test_unknown_action_is_denied() -> None:
    sf = ServiceFormFactory()
    admin = org_role_user(sf.organisation, Role.ADMINISTRATOR)
    assert not policy.decide(admin, "no.such.action", sf)


def test_anonymous_and_organisationless_users_are_denied() -> None:
    from django.contrib.auth.models import AnonymousUser

    sf = ServiceFormFactory()
    assert not policy.decide(AnonymousUser(), "service_form.view", sf)  # type: ignore[arg-type]
    loner = UserFactory(organisation=None)
    assert not policy.decide(loner, "organisation.view")


def test_every_staff_member_may_read_the_structure_of_their_own_organisation_only() -> None:
    sf = ServiceFormFactory()
    other = ServiceFormFactory()
    worker = worker_in(sf)
    decision = policy.decide(worker, "service_form.view", sf)
    assert decision.allowed and decision.basis is Basis.MEMBERSHIP
    assert not policy.decide(worker, "service_form.view", other)
    with pytest.raises(Http404):
        policy.require(worker, "service_form.view", other)


def test_service_form_scope_requires_the_role_in_that_service_form() -> None:
    sf = ServiceFormFactory()
    sibling = ServiceFormFactory(organisation=sf.organisation, area=sf.area, team=sf.team)
    lead = worker_in(sf, role=Role.LEAD)
    assert policy.decide(lead, "service_form.staff.view", sf).basis is Basis.MEMBERSHIP
    assert not policy.decide(lead, "service_form.staff.view", sibling)
    worker = worker_in(sf)
    assert not policy.decide(worker, "service_form.staff.view", sf)


def test_organisation_roles_carry_their_own_basis() -> None:
    org = OrganisationFactory()
    dpo = org_role_user(org, Role.DATA_PROTECTION_OFFICER)
    decision = policy.decide(dpo, "audit.browse")
    assert decision.allowed and decision.basis is Basis.ORGANISATION_ROLE
    # The DPO reads logs, not configuration or budgets.
    assert not policy.decide(dpo, "configuration.manage")
    assert not policy.decide(dpo, "budget.view")
    director = org_role_user(org, Role.EXECUTIVE_DIRECTOR)
    assert policy.decide(director, "budget.view")
    assert not policy.decide(director, "audit.browse")


def test_membership_period_is_respected() -> None:
    sf = ServiceFormFactory()
    user = UserFactory(organisation=sf.organisation)
    MembershipFactory(
        user=user,
        organisation=sf.organisation,
        service_form=None,
        role=Role.ADMINISTRATOR,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 6, 30),
    )
    with time_machine.travel(dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        assert not policy.decide(
            UserFactory._meta.model.objects.get(pk=user.pk), "configuration.manage"
        )
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC), tick=False):
        assert policy.decide(
            UserFactory._meta.model.objects.get(pk=user.pk), "configuration.manage"
        )
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC), tick=False):
        assert not policy.decide(
            UserFactory._meta.model.objects.get(pk=user.pk), "configuration.manage"
        )


def test_disabled_user_has_no_rights() -> None:
    org = OrganisationFactory()
    admin = org_role_user(org, Role.ADMINISTRATOR)
    admin.is_active = False
    admin.save()
    assert not policy.decide(admin, "configuration.manage")


def test_membership_of_another_organisation_grants_nothing() -> None:
    # A membership row pointing at organisation B does not count for a user of organisation A.
    org_a = OrganisationFactory()
    org_b = OrganisationFactory()
    user = UserFactory(organisation=org_a)
    MembershipFactory(user=user, organisation=org_b, service_form=None, role=Role.ADMINISTRATOR)
    assert not policy.decide(user, "configuration.manage")
    assert not policy.decide(user, "organisation.view", org_b)


def test_rules_are_declared_for_every_action_used_in_navigation() -> None:
    from tupa.core import registry

    assert len(registry.nav_links) >= 14  # the order and the full list: home/tests/test_registry
    for link in registry.nav_links:
        # A policy action must be declared; a predicate (ADR 0007) comes from tupa.access.
        if isinstance(link.visible, str):
            assert link.visible in policy.RULES
        else:
            assert callable(link.visible)


# --- the security event log and login lockouts (docs/security.md "Security events") -----------

#: action → the roles that grant it; every other role is refused.
SECURITY_MATRIX: dict[str, set[str]] = {
    "audit.security_events": {Role.DATA_PROTECTION_OFFICER},
    "account.lockout.lift": {Role.ADMINISTRATOR},
    "audit.anomalies": {Role.DATA_PROTECTION_OFFICER},  # the weekly anomaly list
}


def _holder_of(role: str) -> User:
    sf = ServiceFormFactory()
    if role in {Role.WORKER, Role.LEAD, Role.COORDINATOR}:
        return worker_in(sf, role=role)
    return org_role_user(sf.organisation, role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(SECURITY_MATRIX))
def test_security_event_and_lockout_matrix(action: str, role: str) -> None:
    user = _holder_of(role)
    decision = policy.decide(user, action)
    assert bool(decision) == (role in SECURITY_MATRIX[action]), (action, role)
    if decision:
        assert decision.basis is Basis.ORGANISATION_ROLE


def test_an_administrator_lifts_lockouts_of_their_own_organisation_only() -> None:
    org = OrganisationFactory()
    admin = org_role_user(org, Role.ADMINISTRATOR)
    assert policy.decide(admin, "account.lockout.lift", UserFactory(organisation=org))
    assert not policy.decide(admin, "account.lockout.lift", UserFactory())


# --- register descriptions and conformity data (docs/data-protection.md) ------------------------

DATA_PROTECTION_MATRIX: dict[str, set[str]] = {
    "data_protection.registers.view": {Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER},
    "data_protection.conformity.view": {Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(DATA_PROTECTION_MATRIX))
def test_data_protection_matrix(action: str, role: str) -> None:
    user = _holder_of(role)
    decision = policy.decide(user, action)
    assert bool(decision) == (role in DATA_PROTECTION_MATRIX[action]), (action, role)
    if decision:
        assert decision.basis is Basis.ORGANISATION_ROLE
    # Never for another organisation's service form.
    assert not policy.decide(user, action, ServiceFormFactory())
