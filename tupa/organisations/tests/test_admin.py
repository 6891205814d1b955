"""Configuration admin: administrators only, scoped to their organisation, history kept."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.test import override_settings
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.demo.organisations import build_demo
from tupa.finance.models import Budget
from tupa.organisations.models import (
    Area,
    Funder,
    Municipality,
    Organisation,
    Partner,
    ServiceForm,
    StrategicTheme,
    Team,
    Value,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db

CONFIGURATION_MODELS = [
    Organisation,
    Area,
    Team,
    ServiceForm,
    Partner,
    Funder,
    WorkingGroup,
    Value,
    StrategicTheme,
    Budget,
]


def _url(model: type[Model], view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_every_configuration_page_loads_for_the_demo_administrator(client) -> None:  # type: ignore[no-untyped-def]
    build_demo(municipalities_csv=None)
    admin = User.objects.get(username="paakayttaja")
    login_verified(client, admin)
    assert client.get(reverse("admin:index")).status_code == 200
    for model in CONFIGURATION_MODELS:
        with scopes_disabled():
            obj = model._default_manager.order_by("pk").first()
        assert obj is not None, model
        assert client.get(_url(model, "changelist")).status_code == 200, model
        assert client.get(_url(model, "change", obj.pk)).status_code == 200, model
        assert client.get(_url(model, "history", obj.pk)).status_code == 200, model
        if model is not Organisation:
            assert client.get(_url(model, "add")).status_code == 200, model
    assert client.get(_url(Municipality, "changelist")).status_code == 200
    response = client.get(_url(ServiceForm, "changelist"))
    assert response.context["cl"].result_count == 16


@override_settings(TUPA_REQUIRE_2FA=False)
def test_without_2fa_the_administrator_gets_in_with_a_password_login(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    admin = org_role_user(org, Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin)
    assert client.get(_url(Area, "changelist")).status_code == 200


def test_others_are_kept_out(client) -> None:  # type: ignore[no-untyped-def]
    form = ServiceFormFactory()
    org = form.organisation
    lead = worker_in(form, role=Role.LEAD, is_staff=True)  # is_staff alone is not enough
    login_verified(client, lead)
    assert client.get(_url(Area, "changelist")).status_code in (302, 403)
    admin_without_staff_flag = org_role_user(org, Role.ADMINISTRATOR)
    login_verified(client, admin_without_staff_flag)
    assert client.get(_url(Area, "changelist")).status_code in (302, 403)


def test_administrator_sees_only_their_own_organisation(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    mine = AreaFactory(organisation=org, name="Oma alue")
    other = AreaFactory(name="Vieras alue")
    admin = org_role_user(org, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    page = client.get(_url(Area, "changelist"))
    assert list(page.context["cl"].result_list) == [mine]
    assert client.get(_url(Area, "change", other.pk)).status_code == 302  # "does not exist"
    organisations = client.get(_url(Organisation, "changelist")).context["cl"].result_list
    assert list(organisations) == [org]
    assert client.get(_url(Organisation, "add")).status_code == 403
    assert client.get(_url(Municipality, "add")).status_code == 403


def test_creating_an_area_sets_the_organisation_and_records_who(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    admin = org_role_user(org, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    data = {"name": "Vauvaperhetyö", "kind": "operational", "description": "", "order": "1"}
    response = client.post(_url(Area, "add"), data)
    assert response.status_code == 302
    with scopes_disabled():
        area = Area.objects.get(name="Vauvaperhetyö")
        assert area.organisation == org
        assert area.history.get().history_user == admin
    # The same name again is a form error, not a database error.
    response = client.post(_url(Area, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    with scopes_disabled():
        assert Area.objects.filter(name="Vauvaperhetyö").count() == 1


def test_service_form_business_rules_show_in_finnish(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    area = AreaFactory(organisation=org)
    admin = org_role_user(org, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    data = {
        "name": "Lapsityö",
        "slug": "lapsityo",
        "area": str(area.pk),
        "team": "",
        "description": "",
        "order": "0",
        "active": "on",
        "kind": "outpatient",
        "register": "social_welfare",
        "operator": "own",
        "operating_partner": "",
        "capacity": "",
        "capacity_unit": "",
        "free_of_charge": "on",
        "national_coordinator": "",
        "quality_criteria": "",
        "start_year": "2017",
        "start_note": "",
        "project_start": "2020-01-01",
        "project_end": "2017-12-31",
        "fundings-TOTAL_FORMS": "0",
        "fundings-INITIAL_FORMS": "0",
        "fundings-MIN_NUM_FORMS": "0",
        "fundings-MAX_NUM_FORMS": "1000",
    }
    response = client.post(_url(ServiceForm, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["project_end"] == ["Hankkeen päättymispäivä ei voi olla ennen sen alkamispäivää."]
    data["project_end"] = "2020-12-31"
    response = client.post(_url(ServiceForm, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scopes_disabled():
        created = ServiceForm.objects.get(slug="lapsityo")
        assert created.organisation == org
        assert created.history.get().history_user == admin
