"""What the browser journeys share: their marks, a phone's size, staff with an authenticator app,
and logging in, moving around and logging out as a worker does.

A plain module for the journeys to import (``conftest.py`` holds the fixtures and is not imported).
Every name a journey creates is made up.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, ViewportSize, expect

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    DEFAULT_PASSWORD,
    AreaFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceFormFactory,
    TeamFactory,
    UserFactory,
)
from tupa.organisations.models import ServiceForm

#: The marks of a journey module (``pytestmark = JOURNEY_MARKS``): a browser test on a live
#: server (the root conftest lets the flush empty the append-only tables).
JOURNEY_MARKS = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
#: A journey of a quarter of a minute or so: started first under pytest-xdist (conftest.py).
HEAVY = pytest.mark.heavy

#: A phone in portrait (390 × 844 px), the size the night worker's phone is checked at.
PHONE: ViewportSize = {"width": 390, "height": 844}


# ------------------------------------------------------------------------------- set-up


def a_service_form(
    organisation: str = "",
    *,
    organisation_slug: str = "",
    area: str = "",
    team: str = "",
    beside: ServiceForm | None = None,
    **fields: Any,
) -> ServiceForm:
    """A service form with ``fields`` (name, slug, kind, register, flags).

    Either in a new organisation named ``organisation`` (with ``organisation_slug``) under a new
    area and team of it (named ``area`` and ``team``, where a journey shows them), or ``beside``
    another form: in its organisation, area and team. A name or slug left empty is the
    factory's made-up one.
    """
    if beside is not None:
        assert not (organisation or organisation_slug or area or team), "beside= sets the unit"
        unit = {"organisation": beside.organisation, "area": beside.area, "team": beside.team}
    else:
        org = OrganisationFactory.create(**_given(name=organisation, slug=organisation_slug))
        new_area = AreaFactory.create(organisation=org, **_given(name=area))
        new_team = TeamFactory.create(organisation=org, area=new_area, **_given(name=team))
        unit = {"organisation": org, "area": new_area, "team": new_team}
    return ServiceFormFactory.create(**unit, **fields)


def _given(**values: str) -> dict[str, str]:
    return {key: value for key, value in values.items() if value}


def with_authenticator(user: User) -> User:
    """``user`` with a confirmed authenticator app, as after the enrolment at the first login
    (which has a journey of its own); ``current_token`` is then what the app shows."""
    TOTPDevice.objects.create(user=user, name="Puhelin", confirmed=True)
    return user


def a_member_of(
    service_form: ServiceForm,
    *more_forms: ServiceForm,
    role: str = Role.WORKER,
    night_shift: bool = False,
    **user_fields: Any,
) -> User:
    """A user of the form's organisation (``user_fields``: first_name, last_name, username)
    holding ``role`` in ``service_form`` and in each of ``more_forms``, with an authenticator
    app."""
    organisation = service_form.organisation
    user = UserFactory.create(organisation=organisation, **user_fields)
    for form in (service_form, *more_forms):
        MembershipFactory(
            user=user,
            organisation=organisation,
            service_form=form,
            role=role,
            night_shift=night_shift,
        )
    return with_authenticator(user)


# ------------------------------------------------------------------------------- logging in


def token_of(device: TOTPDevice) -> str:
    """The code the authenticator app of ``device`` shows now."""
    return str(
        TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    ).zfill(device.digits)


def current_token(user: User) -> str:
    """The code of the user's authenticator app now. A journey may log the same user in twice
    within one 30-second window; django-otp rightly refuses a code used once (``last_t``), so the
    test forgets the last use, as a second, later code would."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return token_of(device)


def enter_password(page: Page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    """The login page's first step: username and password."""
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()


def enter_code(page: Page, token: str) -> None:
    """The login's second step: the authenticator app's code."""
    page.locator('input[name="otp_token"]').fill(token)
    page.get_by_role("button", name="Vahvista", exact=True).click()


def log_in(page: Page, base: str, user: User) -> None:
    """Password, then the authenticator app's code; ends on the dashboard."""
    page.goto(base + reverse("accounts:login"))
    enter_password(page, user.username)
    expect(page.locator("h1")).to_have_text("Vahvista kirjautuminen")
    enter_code(page, current_token(user))
    expect(page.locator("h1")).to_have_text(f"Tervetuloa, {user.first_name}")


# ------------------------------------------------------------------------------- moving around


def open_menu(page: Page) -> None:
    """On a phone the navigation, language switch and logout sit behind the menu button."""
    button = page.locator("summary.site-menu__button")
    if (
        button.count()
        and button.is_visible()
        and not page.locator("details.site-menu[open]").count()
    ):
        button.click()


def nav(page: Page, name: str) -> None:
    """Follow the main navigation's link ``name`` (opening the menu on a phone)."""
    open_menu(page)
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name=name, exact=True
    ).click()


def log_out(page: Page) -> None:
    open_menu(page)
    page.locator(f'form[action="{reverse("accounts:logout")}"] button[type=submit]').first.click()
    expect(page.locator("h1")).to_have_text("Kirjaudu sisään")
