"""Granting roles in the admin: an administrator configures others, never her own access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role, User, UserKind
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    UserFactory,
    org_role_user,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Organisation, ServiceForm

pytestmark = pytest.mark.django_db

ADD_URL = "admin:accounts_membership_add"


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return org_role_user(organisation, Role.ADMINISTRATOR, username="paakayttaja", is_staff=True)


def _membership(user: User, role: str, service_form: ServiceForm | None = None) -> dict[str, str]:
    return {
        "user": str(user.pk),
        "role": role,
        "service_form": str(service_form.pk) if service_form else "",
        "valid_from_0": "1.1.2026",
        "valid_from": "2026-01-01",
        "valid_until": "",
        "title": "",
        "fte_percent": "100",
    }


def _memberships(user: User) -> set[tuple[str, int | None]]:
    with scopes_disabled():
        return set(Membership.objects.filter(user=user).values_list("role", "service_form_id"))


@pytest.mark.parametrize(
    ("role", "in_form"),
    [(Role.DATA_PROTECTION_OFFICER, False), (Role.WORKER, True), (Role.EXECUTIVE_DIRECTOR, False)],
)
def test_administrator_cannot_grant_herself_a_role(
    client: Client, administrator: User, service_form: ServiceForm, role: str, in_form: bool
) -> None:
    before = _memberships(administrator)
    login_verified(client, administrator)
    data = _membership(administrator, role, service_form if in_form else None)
    response = client.post(reverse(ADD_URL), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert _memberships(administrator) == before


def test_administrator_cannot_extend_her_own_membership(
    client: Client, administrator: User, service_form: ServiceForm
) -> None:
    with scopes_disabled():
        own = Membership.objects.get(user=administrator)
    login_verified(client, administrator)
    url = reverse("admin:accounts_membership_change", args=[own.pk])
    data = _membership(administrator, Role.WORKER, service_form)
    response = client.post(url, data)
    assert response.status_code in (200, 403)
    assert _memberships(administrator) == {(Role.ADMINISTRATOR, None)}
    response = client.post(
        reverse("admin:accounts_membership_delete", args=[own.pk]), {"post": "yes"}
    )
    assert response.status_code == 403


def test_administrator_cannot_grant_herself_a_role_on_her_own_user_page(
    client: Client, administrator: User, service_form: ServiceForm
) -> None:
    login_verified(client, administrator)
    url = reverse("admin:accounts_user_change", args=[administrator.pk])
    page = client.get(url)
    assert page.status_code == 200
    # The memberships of her own account are shown read-only.
    assert 'name="memberships-0-role"' not in page.content.decode()


def test_administrator_grants_roles_to_others(
    client: Client, administrator: User, worker: User, service_form: ServiceForm
) -> None:
    login_verified(client, administrator)
    response = client.post(reverse(ADD_URL), _membership(worker, Role.LEAD, service_form))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (Role.LEAD, service_form.pk) in _memberships(worker)
    with scopes_disabled():
        granted = Membership.objects.get(user=worker, role=Role.LEAD)
        assert granted.history.get().history_user == administrator


def test_no_role_in_another_organisations_form(
    client: Client, administrator: User, worker: User
) -> None:
    foreign = ServiceFormFactory.create(
        organisation=OrganisationFactory.create(slug="muu"),
        area__organisation=OrganisationFactory.create(slug="muu2"),
    )
    login_verified(client, administrator)
    response = client.post(reverse(ADD_URL), _membership(worker, Role.WORKER, foreign))
    assert response.status_code == 200
    assert (Role.WORKER, foreign.pk) not in _memberships(worker)


def test_a_volunteer_login_gets_no_role(
    client: Client, administrator: User, organisation: Organisation, service_form: ServiceForm
) -> None:
    volunteer = UserFactory.create(organisation=organisation, username="kaveri")
    User.objects.filter(pk=volunteer.pk).update(kind=UserKind.VOLUNTEER)
    login_verified(client, administrator)
    url = reverse("admin:accounts_user_change", args=[volunteer.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and name != "password"
    }
    data.update(
        {
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-role": Role.WORKER,
            "memberships-0-service_form": str(service_form.pk),
            "memberships-0-valid_from": "2026-01-01",
            "memberships-0-fte_percent": "100",
        }
    )
    data.pop("is_staff", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert _memberships(volunteer) == set()
    # Nor the admin: a volunteer's login is never staff (a form error, not a server error).
    data["memberships-TOTAL_FORMS"] = "0"
    data["is_staff"] = "on"
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    volunteer.refresh_from_db()
    assert not volunteer.is_staff


def test_a_membership_added_on_the_user_page_follows_the_rules(
    client: Client, administrator: User, worker: User
) -> None:
    login_verified(client, administrator)
    url = reverse("admin:accounts_user_change", args=[worker.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and name not in ("password", "is_staff")
    }
    with scopes_disabled():
        existing = Membership.objects.get(user=worker)
    data.update(
        {
            "is_active": "on",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(existing.pk),
            "memberships-0-user": str(worker.pk),
            "memberships-0-role": existing.role,
            "memberships-0-service_form": str(existing.service_form_id),
            "memberships-0-valid_from": "2020-01-01",
            "memberships-0-fte_percent": "100",
            # A client-work role without a service form: refused with a message.
            "memberships-1-user": str(worker.pk),
            "memberships-1-role": Role.WORKER,
            "memberships-1-service_form": "",
            "memberships-1-valid_from": "2026-01-01",
            "memberships-1-fte_percent": "100",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errs = [f.errors for fs in response.context["inline_admin_formsets"] for f in fs.formset.forms]
    assert "Tämä rooli annetaan aina jossakin työmuodossa" in str(errs), (
        errs,
        response.context["errors"],
    )
    assert len(_memberships(worker)) == 1
