"""Tenant isolation: one organisation never sees another's rows (ARCHITECTURE.md §6 "Scoping").

Two organisations built with the shared factories; a user of B asks for A's pages, and a scoped
query made outside any scope must raise instead of reading every tenant's rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import ScopeError, scope, scopes_disabled

from tupa.accounts.models import Membership, User
from tupa.core.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    ServiceFormFactory,
    TeamFactory,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Area, Organisation, ServiceForm, Team


@dataclass
class Tenant:
    organisation: Organisation
    area: Area
    team: Team
    service_form: ServiceForm
    other_form: ServiceForm
    worker: User


def make_tenant(label: str, form_name: str, slug: str) -> Tenant:
    organisation = OrganisationFactory.create(name=f"{label} ry", slug=label.lower())
    area = AreaFactory.create(organisation=organisation, name=f"Vauvaperhetyö {label}")
    team = TeamFactory.create(organisation=organisation, area=area, name=f"Tiimi {label}")
    service_form = ServiceFormFactory.create(
        organisation=organisation, area=area, team=team, name=form_name, slug=slug
    )
    other_form = ServiceFormFactory.create(
        organisation=organisation,
        area=area,
        team=team,
        name=f"Ryhmätoiminta {label}",
        slug=f"ryhmat-{label.lower()}",
    )
    return Tenant(organisation, area, team, service_form, other_form, worker_in(service_form))


@pytest.fixture
def tenant_a(db: None) -> Tenant:
    return make_tenant("Aaltola", "Avoin ensikoti Aaltola", "avoin-ensikoti-aaltola")


@pytest.fixture
def tenant_b(db: None) -> Tenant:
    return make_tenant("Beeruska", "Avoin ensikoti Beeruska", "avoin-ensikoti-beeruska")


@pytest.fixture
def client_b(client: Client, tenant_b: Tenant) -> Client:
    login_verified(client, tenant_b.worker)
    return client


def service_form_url(service_form: ServiceForm) -> str:
    return reverse("organisations:service_form", args=[service_form.slug])


def test_own_service_form_page_is_shown(
    client_b: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    response = client_b.get(service_form_url(tenant_b.service_form))
    assert response.status_code == 200
    assert tenant_b.service_form.name in response.content.decode()


def test_other_organisations_service_form_is_not_found(
    client_b: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    for form in (tenant_a.service_form, tenant_a.other_form):
        response = client_b.get(service_form_url(form))
        assert response.status_code == 404
        assert form.name not in response.content.decode()


def test_same_slug_in_two_organisations_shows_only_ones_own(client: Client, db: None) -> None:
    a = make_tenant("Aaltola", "Avoin ensikoti Aaltola", "avoin-ensikoti")
    b = make_tenant("Beeruska", "Avoin ensikoti Beeruska", "avoin-ensikoti")
    login_verified(client, b.worker)
    html = client.get(service_form_url(b.service_form)).content.decode()
    assert b.service_form.name in html
    assert a.service_form.name not in html


def test_organisation_page_lists_only_own_organisation(
    client_b: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    response = client_b.get(reverse("organisations:structure"))
    assert response.status_code == 200
    html = response.content.decode()
    assert tenant_b.service_form.name in html and tenant_b.other_form.name in html
    for name in (
        tenant_a.organisation.name,
        tenant_a.area.name,
        tenant_a.team.name,
        tenant_a.service_form.name,
        tenant_a.other_form.name,
        service_form_url(tenant_a.service_form),
    ):
        assert name not in html


def test_dashboard_shows_only_own_service_forms(
    client_b: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    response = client_b.get(reverse("core:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert tenant_b.service_form.name in html
    for name in (tenant_a.organisation.name, tenant_a.service_form.name, tenant_a.other_form.name):
        assert name not in html


def test_a_membership_in_another_organisation_grants_nothing(
    client_b: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    # Even a (mis)configured membership row pointing at A's service form must not open it to B.
    with scopes_disabled():
        Membership.objects.create(
            organisation=tenant_a.organisation,
            user=tenant_b.worker,
            service_form=tenant_a.service_form,
            role="lead",
        )
    assert client_b.get(service_form_url(tenant_a.service_form)).status_code == 404
    assert (
        tenant_a.service_form.name not in client_b.get(reverse("core:dashboard")).content.decode()
    )


def test_scoped_query_outside_a_scope_raises(tenant_a: Tenant, tenant_b: Tenant) -> None:
    with pytest.raises(ScopeError):
        list(ServiceForm.objects.all())
    with pytest.raises(ScopeError):
        Team.objects.count()
    with pytest.raises(ScopeError):
        list(Membership.objects.all())


def test_scope_reads_only_its_own_organisation(tenant_a: Tenant, tenant_b: Tenant) -> None:
    with scope(organisation=tenant_b.organisation):
        names = set(ServiceForm.objects.values_list("name", flat=True))
        assert names == {tenant_b.service_form.name, tenant_b.other_form.name}
        assert not ServiceForm.objects.filter(pk=tenant_a.service_form.pk).exists()
    with scopes_disabled():
        assert ServiceForm.objects.count() == 4
