"""Answering a feedback link on a phone, without an account (issue 13 item 3).

The recipient opens a one-time link at 390 × 844 px, answers in Finnish and sees the thank-you
page; axe passes on the question page, the thank-you page and the calm "no longer in use" page.
The same journey works with JavaScript disabled, including "Tallenna ja jatka myöhemmin".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import Browser, Page, expect

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.surveys.models import Invitation, Response
from tupa.surveys.tests.support import invitation_for, published_questionnaire

from .journey import JOURNEY_MARKS, PHONE, log_in, log_out, with_authenticator

pytestmark = JOURNEY_MARKS


def _link(live_server: Any, settings: Any) -> tuple[Invitation, str]:
    settings.TUPA_ANSWER_RATE = "1000/m"
    settings.TUPA_ANSWER_MISS_RATE = "1000/m"
    form = ServiceFormFactory.create(name="Kuvitteellinen ensikoti")
    worker = worker_in(form)
    version = published_questionnaire(form, actor=worker, name="Palaute jakson lopussa")
    invitation, token = invitation_for(version, form, actor=worker)
    return invitation, live_server.url + reverse("answer:invitation", kwargs={"token": token})


def _answer(page: Page) -> None:
    page.get_by_role("group", name="Kysymys overall").get_by_text("4", exact=True).click()
    page.get_by_label("Kysymys free").fill("Kiitos hyvästä tuesta.")


def test_answering_a_link_on_a_phone(
    live_server: Any, page: Page, check_page: Callable[..., None], settings: Any
) -> None:
    invitation, url = _link(live_server, settings)
    page.set_viewport_size(PHONE)
    page.goto(url)
    expect(page).to_have_title("Palautekysely")
    expect(page.get_by_role("heading", level=1)).to_have_text("Palaute jakson lopussa")
    check_page(max_width=PHONE["width"])
    # A submit without the required answer: the error summary, what was typed is kept.
    page.get_by_label("Kysymys free").fill("Kiitos hyvästä tuesta.")
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page.get_by_role("alert")).to_contain_text("Vastaa tähän kysymykseen.")
    expect(page.get_by_label("Kysymys free")).to_have_value("Kiitos hyvästä tuesta.")
    check_page(max_width=PHONE["width"])
    _answer(page)
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos vastauksestasi!")
    check_page(max_width=PHONE["width"])
    with scopes_disabled():
        assert Response.objects.count() == 1
        invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ANSWERED
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Linkki ei ole enää käytössä")
    check_page(max_width=PHONE["width"])


def test_answering_without_javascript_with_a_saved_draft(
    live_server: Any, browser: Browser, settings: Any
) -> None:
    _invitation, url = _link(live_server, settings)
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, locale="fi-FI", timezone_id="Europe/Helsinki"
    )
    page = context.new_page()
    try:
        page.goto(url)
        page.get_by_label("Kysymys free").fill("Puolet mietitty")
        page.get_by_role("button", name="Tallenna ja jatka myöhemmin").click()
        expect(page.get_by_role("status").first).to_contain_text("Vastauksesi on tallennettu")
        page.goto(url)  # later, e.g. after a lost connection
        expect(page.get_by_label("Kysymys free")).to_have_value("Puolet mietitty")
        _answer(page)
        page.get_by_role("button", name="Lähetä vastaus").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos vastauksestasi!")
    finally:
        context.close()
    with scopes_disabled():
        assert Response.objects.count() == 1


def test_lead_sets_up_a_kiosk_and_the_tablet_takes_answers(
    live_server: Any, page: Page, check_page: Callable[..., None], settings: Any
) -> None:
    settings.TUPA_ANSWER_RATE = "1000/m"
    form = ServiceFormFactory.create(name="Kuvitteellinen perhetupa")
    lead = with_authenticator(worker_in(form, role=Role.LEAD))
    published_questionnaire(form, actor=lead, name="Perhetuvan palaute")
    log_in(page, live_server.url, lead)
    page.goto(live_server.url + reverse("surveys:kiosks", kwargs={"slug": form.slug}))
    check_page()
    page.get_by_label("Kioskin nimi").fill("Aulan tabletti")
    page.get_by_label("Kysely").select_option(label="Perhetuvan palaute")
    page.get_by_role("button", name="Tee kioski").click()
    link = page.locator("#kiosk-link").input_value()
    check_page()
    log_out(page)
    page.set_viewport_size(PHONE)
    page.goto(link)
    check_page(max_width=PHONE["width"])
    page.get_by_role("group", name="Kysymys overall").get_by_text("5", exact=True).click()
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos vastauksestasi!")
    check_page(max_width=PHONE["width"])
    page.get_by_role("link", name="Uusi vastaus").click()
    expect(page.get_by_role("button", name="Lähetä vastaus")).to_be_visible()
    assert (
        not page.get_by_role("group", name="Kysymys overall")
        .get_by_role("radio")
        .first.is_checked()
    )
    with scopes_disabled():
        assert Response.objects.filter(channel="kiosk", anonymous=True).count() == 1
