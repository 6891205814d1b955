"""Real journeys through the browser, in Finnish, with an axe check on every page.

(a) a worker with an authenticator app logs in, browses and switches language (on a phone);
(b) a first-time user enrols TOTP and sees recovery codes;
(c) a demo with two-factor authentication switched off says so on the login page.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, ViewportSize, expect

from tupa.accounts.models import User
from tupa.core.tests.factories import worker_in
from tupa.organisations.models import Organisation, ServiceForm

from .journey import (
    a_service_form,
    current_token,
    enter_code,
    enter_password,
    open_menu,
    token_of,
    with_authenticator,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: A small phone, narrower than journey.PHONE: the login and the dashboard must fit it too.
PHONE: ViewportSize = {"width": 360, "height": 740}


@dataclass
class World:
    organisation: Organisation
    own_form: ServiceForm
    other_form: ServiceForm
    worker: User


def build_world() -> World:
    """One fictional association: a residential mother-and-baby home and an outpatient service."""
    own_form = a_service_form(
        "Esimerkkilän ensi- ja turvakoti ry",
        organisation_slug="esimerkkila",
        area="Vauvaperhetyö",
        team="Ensikodin tiimi",
        name="Ensikoti Satama",
        slug="ensikoti-satama",
        kind=ServiceForm.Kind.RESIDENTIAL,
    )
    other_form = a_service_form(
        beside=own_form,
        name="Avopalvelu Lyhty",
        slug="avopalvelu-lyhty",
        kind=ServiceForm.Kind.OUTPATIENT,
    )
    # No authenticator app yet: the first journey gives one, the second enrols one.
    worker = worker_in(
        own_form, first_name="Aino", last_name="Esimerkki", username="aino.esimerkki"
    )
    return World(own_form.organisation, own_form, other_form, worker)


def translated(language: str, msgid: str) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    assert text != msgid, f"{msgid!r} has no {language} translation (make messages, then translate)"
    return text


def test_worker_logs_in_with_totp_and_browses_in_three_languages(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    world = build_world()
    with_authenticator(world.worker)
    page.set_viewport_size(PHONE)
    base = live_server.url

    # Anyone who is not logged in lands on the login page.
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + r"\?next="))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("h1")).to_have_text("Kirjaudu sisään")
    expect(page.locator("#two-factor-off-notice")).to_have_count(0)
    check_page(max_width=PHONE["width"])

    # Password, then the six-digit code of the authenticator app.
    enter_password(page, world.worker.username)
    expect(page.locator("h1")).to_have_text("Vahvista kirjautuminen")
    check_page(max_width=PHONE["width"])
    enter_code(page, current_token(world.worker))

    # The dashboard lists the worker's own service forms.
    expect(page.locator("h1")).to_have_text("Tervetuloa, Aino")
    my_forms = page.locator("section[aria-labelledby=my-forms]")
    expect(my_forms.get_by_role("link", name=world.own_form.name)).to_be_visible()
    expect(my_forms.get_by_role("link", name=world.other_form.name)).to_have_count(0)
    check_page(max_width=PHONE["width"])

    # The organisation page shows the whole structure (on a phone, behind the menu button).
    open_menu(page)
    page.get_by_role("navigation").get_by_role("link", name="Organisaatio").click()
    expect(page.locator("h1")).to_have_text(world.organisation.name)
    main = page.locator("main")
    expect(main.get_by_role("link", name=world.other_form.name)).to_be_visible()
    check_page(max_width=PHONE["width"])

    # A service form page.
    main.get_by_role("link", name=world.own_form.name).click()
    expect(page.locator("h1")).to_have_text(world.own_form.name)
    expect(page.locator("dl.facts dt").first).to_have_text("Toiminta-alue")
    check_page(max_width=PHONE["width"])

    # Svenska: the same page, translated.
    open_menu(page)
    page.locator('form.language-switch button[lang="sv"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text(world.own_form.name)
    expect(page.locator("dl.facts dt").first).to_have_text(translated("sv", "Toiminta-alue"))
    check_page(max_width=PHONE["width"])
    page.goto(base + reverse("core:dashboard"))
    expect(page.locator("#my-forms")).to_have_text(translated("sv", "Omat työmuodot"))
    check_page(max_width=PHONE["width"])

    # English.
    open_menu(page)
    page.locator('form.language-switch button[lang="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#my-forms")).to_have_text(translated("en", "Omat työmuodot"))
    check_page(max_width=PHONE["width"])

    # Log out: back on the login page, and the dashboard is closed again.
    open_menu(page)
    page.locator(f'form[action="{reverse("accounts:logout")}"] button[type=submit]').first.click()
    expect(page.locator("h1")).to_have_text(translated("en", "Kirjaudu sisään"))
    check_page(max_width=PHONE["width"])
    page.goto(base + reverse("core:dashboard"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + r"\?next="))


def test_first_time_user_enrols_an_authenticator_and_gets_recovery_codes(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    world = build_world()
    page.goto(live_server.url + reverse("accounts:login"))
    check_page()

    enter_password(page, world.worker.username)
    expect(page.locator("h1")).to_have_text("Ota kaksivaiheinen tunnistautuminen käyttöön")
    expect(page.get_by_role("img", name="QR-koodi todennussovellusta varten")).to_be_visible()
    check_page()

    # The worker types the key shown under the QR code into their app; the test is the app.
    secret = re.sub(r"\s+", "", page.locator("#totp-secret").inner_text())
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    pending = TOTPDevice.objects.get(user=world.worker, confirmed=False)
    assert key == pending.bin_key
    page.locator('input[name="otp_token"]').fill(token_of(pending))
    page.get_by_role("button", name="Ota käyttöön", exact=True).click()

    expect(page.locator("h1")).to_have_text("Varakoodit")
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    texts = [t.strip() for t in codes.all_inner_texts()]
    assert len(set(texts)) == 10 and all(texts)
    check_page()
    assert TOTPDevice.objects.filter(user=world.worker, confirmed=True).count() == 1

    page.get_by_role("link", name="Olen tallentanut koodit, jatka").click()
    expect(page.locator("h1")).to_have_text("Tervetuloa, Aino")
    check_page()


def test_login_page_says_when_two_factor_authentication_is_off(
    live_server: Any, page: Page, check_page: Callable[..., None], settings: Any
) -> None:
    settings.TUPA_REQUIRE_2FA = False
    world = build_world()
    page.goto(live_server.url + reverse("accounts:login"))
    notice = page.locator("#two-factor-off-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Kaksivaiheinen tunnistautuminen on kytketty pois päältä")
    check_page()

    enter_password(page, world.worker.username)
    expect(page.locator("h1")).to_have_text("Tervetuloa, Aino")
    check_page()
