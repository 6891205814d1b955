"""Settings of a service form that decide the wall and the retention of its client records."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ServiceFormFactory,
    org_role_user,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.organisations.services import service_form_update

pytestmark = pytest.mark.django_db


def _change_data(client: Client, form: ServiceForm, **changes: str) -> dict[str, Any]:
    """The admin change form's current values as POST data, with ``changes`` applied."""
    page = client.get(reverse("admin:organisations_serviceform_change", args=[form.pk]))
    assert page.status_code == 200
    data: dict[str, Any] = {}
    admin_form = page.context["adminform"].form
    for name, field in admin_form.fields.items():
        value = admin_form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
        del field
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    data.update(changes)
    return data


@pytest.fixture
def perpetrator_form() -> ServiceForm:
    return ServiceFormFactory.create(violence_work="perpetrator", name="Jussi-työ")


def test_admin_may_not_lift_the_wall_of_a_form_with_clients(
    client: Client, perpetrator_form: ServiceForm
) -> None:
    EpisodeFactory.create(service_form=perpetrator_form)
    admin = org_role_user(perpetrator_form.organisation, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    data = _change_data(client, perpetrator_form, violence_work="")
    response = client.post(
        reverse("admin:organisations_serviceform_change", args=[perpetrator_form.pk]), data
    )
    assert response.status_code == 200
    assert "violence_work" in response.context["adminform"].form.errors
    with scopes_disabled():
        perpetrator_form.refresh_from_db()
    assert perpetrator_form.violence_work == "perpetrator"


def test_admin_may_not_change_the_register_of_a_form_with_clients(
    client: Client, perpetrator_form: ServiceForm
) -> None:
    EpisodeFactory.create(service_form=perpetrator_form)
    admin = org_role_user(perpetrator_form.organisation, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    data = _change_data(client, perpetrator_form, register=ServiceForm.Register.OWN_ACTIVITY)
    response = client.post(
        reverse("admin:organisations_serviceform_change", args=[perpetrator_form.pk]), data
    )
    assert response.status_code == 200
    assert "register" in response.context["adminform"].form.errors
    with scopes_disabled():
        perpetrator_form.refresh_from_db()
    assert perpetrator_form.register == ServiceForm.Register.SOCIAL_WELFARE


def test_the_service_refuses_the_same_changes(perpetrator_form: ServiceForm) -> None:
    EpisodeFactory.create(service_form=perpetrator_form)
    for changes in ({"violence_work": "victim"}, {"register": "own_activity"}):
        with pytest.raises(ValidationError):
            service_form_update(actor=None, service_form=perpetrator_form, **changes)


def test_a_form_without_clients_may_still_be_set_up(
    client: Client, perpetrator_form: ServiceForm
) -> None:
    admin = org_role_user(perpetrator_form.organisation, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    data = _change_data(client, perpetrator_form, violence_work="victim", name="Uusi nimi")
    response = client.post(
        reverse("admin:organisations_serviceform_change", args=[perpetrator_form.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scopes_disabled():
        perpetrator_form.refresh_from_db()
        assert perpetrator_form.violence_work == "victim"
        assert perpetrator_form.history.first().history_user == admin


def test_other_settings_of_a_form_with_clients_may_change(
    client: Client, perpetrator_form: ServiceForm
) -> None:
    EpisodeFactory.create(service_form=perpetrator_form)
    admin = org_role_user(perpetrator_form.organisation, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    data = _change_data(client, perpetrator_form, name="Jussi-työ Kuusela")
    response = client.post(
        reverse("admin:organisations_serviceform_change", args=[perpetrator_form.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
