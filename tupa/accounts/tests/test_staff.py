"""Staff pages for administrators: own organisation only, policy-checked, access-logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    org_role_user,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Organisation, ServiceForm

pytestmark = pytest.mark.django_db

LIST_URL = "/kirjautuminen/henkilosto/"


def detail_url(user: User) -> str:
    return f"/kirjautuminen/henkilosto/{user.pk}/"


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return org_role_user(
        organisation,
        Role.ADMINISTRATOR,
        username="paakayttaja",
        first_name="Pirkko",
        last_name="Pääkäyttäjä",
    )


@pytest.fixture
def stranger() -> User:
    other = OrganisationFactory.create(name="Toinen kuvitteellinen yhdistys ry", slug="toinen")
    return UserFactory.create(
        organisation=other, username="vieras.tyontekija", first_name="Ville", last_name="Vieras"
    )


def _events() -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.select_related("subject_type").order_by("pk"))


def test_administrator_sees_own_organisation_only(
    client: Client, administrator: User, worker: User, stranger: User
) -> None:
    login_verified(client, administrator)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Aaltonen" in html
    assert detail_url(worker) in html
    assert "Vieras" not in html
    assert detail_url(stranger) not in html


def test_staff_detail_is_logged_as_a_read_of_personal_data(
    client: Client, administrator: User, worker: User
) -> None:
    login_verified(client, administrator)
    response = client.get(detail_url(worker))
    assert response.status_code == 200
    html = response.content.decode()
    assert "anna.aaltonen" in html
    assert "Vauvaperhetyö Kuusela" in html

    events = _events()
    assert len(events) == 1
    event = events[0]
    assert event.user_id == administrator.pk
    assert event.subject_type == ContentType.objects.get_for_model(User)
    assert event.subject_id == str(worker.pk)
    assert event.action == "view"
    assert event.basis == "organisation_role"
    assert event.organisation_id == administrator.organisation_id


def test_staff_detail_of_another_organisation_is_404_and_not_logged(
    client: Client, administrator: User, stranger: User
) -> None:
    login_verified(client, administrator)
    assert client.get(detail_url(stranger)).status_code == 404
    assert client.get("/kirjautuminen/henkilosto/999999/").status_code == 404
    assert _events() == []


def test_plain_worker_gets_404_for_list_and_detail(
    client: Client, worker: User, administrator: User
) -> None:
    login_verified(client, worker)
    assert client.get(LIST_URL).status_code == 404
    assert client.get(detail_url(administrator)).status_code == 404
    assert client.get(detail_url(worker)).status_code == 404  # not even their own via this page
    assert _events() == []


def test_data_protection_officer_may_view(
    client: Client, organisation: Organisation, worker: User
) -> None:
    dpo = org_role_user(organisation, Role.DATA_PROTECTION_OFFICER)
    login_verified(client, dpo)
    assert client.get(detail_url(worker)).status_code == 200
    assert [e.basis for e in _events()] == ["organisation_role"]


def test_administrator_whose_role_ended_is_denied(
    client: Client, organisation: Organisation, worker: User
) -> None:
    former = UserFactory.create(organisation=organisation)
    MembershipFactory.create(
        user=former,
        organisation=organisation,
        service_form=None,
        role=Role.ADMINISTRATOR,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 12, 31),
    )
    login_verified(client, former)
    assert client.get(LIST_URL).status_code == 404
    assert client.get(detail_url(worker)).status_code == 404


def test_detail_shows_ended_memberships_as_ended(
    client: Client, administrator: User, worker: User, service_form: ServiceForm
) -> None:
    MembershipFactory.create(
        user=worker,
        organisation=worker.organisation,
        service_form=service_form,
        role=Role.LEAD,
        valid_from=dt.date(2019, 1, 1),
        valid_until=dt.date(2019, 12, 31),
    )
    login_verified(client, administrator)
    html = client.get(detail_url(worker)).content.decode()
    assert "31.12.2019" in html
    assert "päättynyt" in html
