"""The accessibility statement (Act 306/2019): public, three languages, linked from the footer."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import DataProtectionProfile

pytestmark = pytest.mark.django_db

URL = "/saavutettavuus/"


def test_the_statement_is_public_and_names_the_supervisor() -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "saavutettavuusvaatimukset.fi" in html
    assert "WCAG" in html and "2.2.1" in html  # known non-conformities with their criteria
    assert "osittain" in html


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_statement_is_served_in_each_language(language: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(URL)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_feedback_channel_is_the_organisations_contact() -> None:
    org = OrganisationFactory.create()
    with scopes_disabled():
        DataProtectionProfile.objects.create(
            organisation=org, email="toimisto@example.invalid", accessibility_phone="09 123 4567"
        )
    html = Client().get(URL).content.decode()  # the only organisation of the deployment
    assert "toimisto@example.invalid" in html and "09 123 4567" in html
    assert org.name in html
    # With a dedicated address, that one is used.
    with scopes_disabled():
        DataProtectionProfile.objects.filter(organisation=org).update(
            accessibility_email="saavutettavuus@example.invalid"
        )
    html = Client().get(URL).content.decode()
    assert "saavutettavuus@example.invalid" in html and "toimisto@example.invalid" not in html


def test_several_organisations_are_not_listed_to_anonymous_visitors() -> None:
    first = OrganisationFactory.create()
    second = OrganisationFactory.create()
    with scopes_disabled():
        for org in (first, second):
            DataProtectionProfile.objects.create(
                organisation=org, email=f"{org.slug}@example.invalid"
            )
    html = Client().get(URL).content.decode()
    assert first.name not in html and second.name not in html
    own = Client().get(reverse("accessibility:statement_for", args=[second.slug])).content.decode()
    assert f"{second.slug}@example.invalid" in own and first.name not in own
    assert (
        Client().get(reverse("accessibility:statement_for", args=["ei-olemassa"])).status_code
        == 404
    )


def test_a_logged_in_user_sees_their_own_organisations_contact(client: Client) -> None:
    form = ServiceFormFactory.create()
    OrganisationFactory.create()  # a second tenant
    with scopes_disabled():
        DataProtectionProfile.objects.create(
            organisation=form.organisation, email="oma@example.invalid"
        )
    login_verified(client, worker_in(form))
    assert "oma@example.invalid" in client.get(URL).content.decode()


@override_settings(TUPA_REQUIRE_2FA=True)
def test_the_statement_opens_before_the_second_factor(client: Client) -> None:
    form = ServiceFormFactory.create()
    client.force_login(worker_in(form))
    assert client.get(URL).status_code == 200


def test_every_page_links_to_the_statement_in_the_footer(client: Client) -> None:
    link = f'href="{reverse("accessibility:statement")}"'
    login_page = Client().get(reverse("accounts:login")).content.decode()
    footer = login_page.split('<footer class="site-footer"', 1)[1]
    assert link in footer
    form = ServiceFormFactory.create()
    login_verified(client, worker_in(form, role=Role.LEAD))
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert link in dashboard.split('<footer class="site-footer"', 1)[1]
