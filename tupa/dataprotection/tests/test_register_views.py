"""Register descriptions, conformity data and the public privacy notices: who sees what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import (
    DataProtectionProfile,
    Organisation,
    RegisterDescription,
    ServiceForm,
)
from tupa.people.models import Restriction

pytestmark = pytest.mark.django_db

CANARY = {
    "first_names": "Kanarialintu",
    "last_name": "Kanariasuku-9b2e",
    "hetu": "010190-123A",
    "street_address": "KANARIA-OSOITE-9b2e",
    "postal_code": "K9B2E",
    "post_office": "KANARIA-TOIMIPAIKKA-9b2e",
    "phone": "KANARIA-PUH-9b2e",
    "email": "kanaria-9b2e@example.invalid",
}
SHELTER_ADDRESS = "KANARIA-TURVAKODIN-OSOITE-9b2e"


@pytest.fixture
def world() -> dict[str, Any]:
    shelter = ServiceFormFactory.create(
        name="Turvakoti",
        slug="turvakoti",
        kind=ServiceForm.Kind.RESIDENTIAL,
        violence_work="victim",
        anonymous_allowed=True,
        description=f"Turvakodin osoite {SHELTER_ADDRESS}",
    )
    org = shelter.organisation
    nameless = ServiceFormFactory.create(
        organisation=org, area=shelter.area, slug="ryhma", register=ServiceForm.Register.NONE
    )
    person, episode = client_in(shelter, **CANARY)
    with scopes_disabled():
        Restriction.objects.create(
            person=person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2024, 1, 1),
            contact_address="KANARIA-YHTEYSOSOITE-9b2e",
            created_by=episode.created_by,
        )
        DataProtectionProfile.objects.create(
            organisation=org,
            address="Yhdistyksenkatu 1, 00100 Helsinki",
            email="toimisto@example.invalid",
            dpo_name="Tiina Tietosuoja",
            dpo_email="tietosuoja@example.invalid",
        )
        RegisterDescription.objects.create(
            organisation=org, service_form=shelter, purpose="Yhdistyksen oma tarkennus."
        )
    users = {
        "worker": worker_in(shelter),
        "lead": worker_in(shelter, role=Role.LEAD),
        "coordinator": worker_in(shelter, role=Role.COORDINATOR),
        "finance": org_role_user(org, Role.FINANCE),
        "exec": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "admin": org_role_user(org, Role.ADMINISTRATOR, is_staff=True),
    }
    return {"org": org, "shelter": shelter, "nameless": nameless, "users": users}


def _internal_urls(world: dict[str, Any]) -> list[str]:
    slug = world["shelter"].slug
    return [
        reverse("organisations:registers"),
        reverse("organisations:register", args=[slug]),
        reverse("organisations:register", args=[slug]) + "?muoto=pdf",
        reverse("organisations:conformity"),
        reverse("organisations:conformity") + "?muoto=pdf",
    ]


def _public_urls(world: dict[str, Any]) -> list[str]:
    org, shelter = world["org"], world["shelter"]
    return [
        reverse("privacy:list", args=[org.slug]),
        reverse("privacy:detail", args=[org.slug, shelter.slug]),
    ]


ALLOWED = {"dpo", "admin"}


@pytest.mark.parametrize(
    "who", ["worker", "lead", "coordinator", "finance", "exec", "dpo", "admin"]
)
def test_only_the_administrator_and_the_dpo_see_the_internal_pages(
    client: Client, world: dict[str, Any], who: str
) -> None:
    login_verified(client, world["users"][who])
    for url in _internal_urls(world):
        response = client.get(url)
        expected = 200 if who in ALLOWED else 404
        assert response.status_code == expected, (who, url, response.status_code)
        if expected == 200 and "muoto=pdf" in url:
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")


def test_another_organisations_dpo_gets_404(client: Client, world: dict[str, Any]) -> None:
    other = ServiceFormFactory.create()
    login_verified(client, org_role_user(other.organisation, Role.DATA_PROTECTION_OFFICER))
    url = reverse("organisations:register", args=[world["shelter"].slug])
    assert client.get(url).status_code == 404
    # …and their own list does not mention this organisation's forms.
    assert "Turvakoti" not in client.get(reverse("organisations:registers")).content.decode()


def test_a_form_without_a_register_has_no_page(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["users"]["dpo"])
    nameless = world["nameless"].slug
    assert client.get(reverse("organisations:register", args=[nameless])).status_code == 404
    org = world["org"]
    assert client.get(reverse("privacy:detail", args=[org.slug, nameless])).status_code == 404


def test_the_internal_description_shows_generated_text_prose_and_settings(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["users"]["dpo"])
    page = client.get(reverse("organisations:register", args=[world["shelter"].slug]))
    html = page.content.decode()
    assert "THL" in html
    assert "Yhdistyksen oma tarkennus." in html
    assert "Tiina Tietosuoja" in html
    assert "yritystä, lukitus" in html  # the lockout settings in force (inside only)
    assert "vahvistettava" in html


def test_public_pages_need_no_login_and_show_organisational_data_only(
    world: dict[str, Any],
) -> None:
    anonymous = Client()
    for url in _public_urls(world):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for value in CANARY.values():
            assert value not in html, (url, value)
        assert "KANARIA" not in html
        assert SHELTER_ADDRESS not in html  # the service form's description is never shown
        assert "yritystä, lukitus" not in html  # no settings' details in public
    detail = anonymous.get(_public_urls(world)[1]).content.decode()
    assert world["org"].name in detail
    assert "Yhdistyksenkatu 1" in detail
    assert "tietosuoja@example.invalid" in detail
    assert "Yhdistyksen oma tarkennus." in detail


def test_internal_pages_show_no_client_data_either(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["users"]["dpo"])
    for url in _internal_urls(world):
        if "muoto=pdf" in url:
            continue
        html = client.get(url).content.decode()
        assert "KANARIA" not in html and CANARY["last_name"] not in html, url


def test_public_pages_of_unknown_or_foreign_objects_answer_404(world: dict[str, Any]) -> None:
    anonymous = Client()
    other = ServiceFormFactory.create(slug="vieras")
    org = world["org"]
    assert anonymous.get(reverse("privacy:list", args=["ei-olemassa"])).status_code == 404
    assert anonymous.get(reverse("privacy:detail", args=[org.slug, "vieras"])).status_code == 404
    assert (
        anonymous.get(
            reverse("privacy:detail", args=[other.organisation.slug, "vieras"])
        ).status_code
        == 200
    )


def test_the_public_notice_leaves_out_safeguards_not_in_force(
    world: dict[str, Any], settings: Any
) -> None:
    settings.TUPA_REQUIRE_2FA = False
    html = Client().get(_public_urls(world)[1]).content.decode()
    assert "Kaksivaiheinen" not in html


def test_the_conformity_page_counts_users_per_role(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["users"]["admin"])
    response = client.get(reverse("organisations:conformity"))
    rows = {r["role"]: r["users"] for r in response.context["roles"]}
    assert rows[Role.WORKER] == 1
    assert rows[Role.DATA_PROTECTION_OFFICER] == 1
    assert rows[Role.ADMINISTRATOR] == 1
    assert (
        response.context["users"]["active"]
        == User.objects.filter(organisation=world["org"], is_active=True).count()
    )
    html = response.content.decode()
    assert "0.1.0" in html or response.context["system"][1].value != "?"
    assert "Turvakoti" in html and "ryhma" not in html
    assert response.context["verify"]


def test_an_administrator_edits_the_prose_in_the_admin_with_history(
    client: Client, world: dict[str, Any]
) -> None:
    admin = world["users"]["admin"]
    login_verified(client, admin)
    with scopes_disabled():
        prose = RegisterDescription.objects.get(service_form=world["shelter"])
    url = reverse("admin:organisations_registerdescription_change", args=[prose.pk])
    assert client.get(url).status_code == 200
    data = {
        "service_form": world["shelter"].pk,
        "purpose": "Uusi tarkoitus.",
        "controller_note": "",
        "legal_basis_note": "",
        "recipients_note": "",
        "retention_note": "",
        "notes": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        latest = prose.history.first()
    assert latest.purpose == "Uusi tarkoitus." and latest.history_user == admin
    public = Client().get(_public_urls(world)[1]).content.decode()
    assert "Uusi tarkoitus." in public


def test_the_profile_is_one_per_organisation_in_the_admin(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["users"]["admin"])
    assert client.get(reverse("admin:organisations_dataprotectionprofile_add")).status_code == 403
    with scopes_disabled():
        assert DataProtectionProfile.objects.count() == 1
        assert Organisation.objects.filter(pk=world["org"].pk).exists()


def _another_register(org: Organisation, area: Any, number: int) -> ServiceForm:
    """A service form with everything the description reads: a partner, a purchaser, episodes."""
    from tupa.core.tests.factories import EpisodeFactory
    from tupa.organisations.models import Funder, Partner, ServiceFormFunding

    with scopes_disabled():
        partner = Partner.objects.create(organisation=org, name=f"Kumppani {number}", kind="ngo")
        form = ServiceFormFactory.create(
            organisation=org,
            area=area,
            name=f"Lisärekisteri {number}",
            slug=f"lisa-{number}",
            operator=ServiceForm.Operator.PARTNER,
            operating_partner=partner,
        )
        funder = Funder.objects.create(
            organisation=org, name=f"Ostaja {number}", category="municipalities", partner=partner
        )
        ServiceFormFunding.objects.create(service_form=form, funder=funder, type="purchase")
        EpisodeFactory.create(service_form=form, organisation=org, service_task="working_age")
    return form


def test_the_register_list_reads_a_fixed_number_of_rows_whatever_the_forms(
    client: Client, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    """No query per service form (N+1): three more registers cost the list no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_verified(client, world["users"]["dpo"])
    url = reverse("organisations:registers")
    _another_register(world["org"], world["shelter"].area, 0)
    assert client.get(url).status_code == 200  # warm the session and the caches
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for number in (1, 2, 3):
        _another_register(world["org"], world["shelter"].area, number)
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(url).content.decode()
    assert all(f"Lisärekisteri {number}" in html for number in (1, 2, 3))
