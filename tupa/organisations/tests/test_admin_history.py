"""The change history pages of the configuration admin stay inside the organisation.

django-simple-history finds an object's history (and each version's form) from the history
table, which is not scoped: an object missing from the administrator's list must not be found
there instead, and a version's form must not save anything (reverting is switched off).
"""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role, User
from tupa.core.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    UserFactory,
    org_role_user,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Area

pytestmark = pytest.mark.django_db


def _url(model: type[Model] | Model, view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def administrator() -> User:
    return org_role_user(OrganisationFactory.create(slug="oma"), Role.ADMINISTRATOR, is_staff=True)


def _version(obj: Model) -> int:
    with scopes_disabled():
        return obj.history.latest("history_date").history_id  # type: ignore[attr-defined,no-any-return]


def _foreign_objects() -> list[Model]:
    other = OrganisationFactory.create(slug="toinen", name="Toinen yhdistys ry")
    area = AreaFactory.create(organisation=other, name="Vieras alue")
    user = UserFactory.create(organisation=other, username="vieras", email="salainen@toinen.fi")
    with scopes_disabled():
        area.save()  # a history row
        user.save()
        admin_of_other = org_role_user(other, Role.ADMINISTRATOR)
        membership = Membership.objects.get(user=admin_of_other)
        membership.save()
    return [area, user, membership, other]


def test_another_organisations_history_is_not_found(client: Client, administrator: User) -> None:
    login_verified(client, administrator)
    for obj in _foreign_objects():
        response = client.get(_url(obj, "history", obj.pk))
        assert response.status_code in (302, 404), type(obj)
        response = client.get(_url(obj, "simple_history", obj.pk, _version(obj)))
        assert response.status_code in (302, 403, 404), type(obj)


def test_a_version_form_saves_nothing(client: Client, administrator: User) -> None:
    other = _foreign_objects()[0]
    mine = AreaFactory.create(organisation=administrator.organisation, name="Oma alue")
    with scopes_disabled():
        mine.save()
    login_verified(client, administrator)
    data = {"name": "Muutettu", "kind": "operational", "description": "", "order": "0"}
    for area in (mine, other):
        client.post(_url(area, "simple_history", area.pk, _version(area)), data)
    with scopes_disabled():
        assert set(Area.objects.values_list("name", flat=True)) == {"Oma alue", "Vieras alue"}
        assert Area.objects.get(pk=other.pk).organisation_id != administrator.organisation_id


def test_own_history_still_opens(client: Client, administrator: User) -> None:
    mine = AreaFactory.create(organisation=administrator.organisation, name="Oma alue")
    with scopes_disabled():
        mine.save()
    login_verified(client, administrator)
    assert client.get(_url(mine, "history", mine.pk)).status_code == 200
    assert client.get(_url(mine, "simple_history", mine.pk, _version(mine))).status_code == 200
    assert client.get(_url(administrator, "history", administrator.pk)).status_code == 200
