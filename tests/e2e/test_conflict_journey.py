"""Two tabs saving the same record (ADR 0031), through the browser, in Finnish.

A worker opens a client's edit form in two tabs, saves a new phone number in the second, then
types another number in the first and saves: the page says that somebody else saved in between
(409), keeps what was typed, shows what is saved now, and passes the axe check. Saving again
from that page is a deliberate choice and goes through. Every name here is made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, PersonFactory
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person

from .journey import JOURNEY_MARKS, a_member_of, a_service_form, log_in

pytestmark = JOURNEY_MARKS


def test_a_save_from_an_old_tab_shows_the_conflict_and_keeps_the_typing(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    form = a_service_form(
        "Kuvitteellinen perhetyön yhdistys ry",
        organisation_slug="kuvitteellinen-perhetyo",
        area="Avopalvelut",
        team="Avotiimi",
        name="Avokriisityö",
        slug="avokriisi",
        kind=ServiceForm.Kind.OUTPATIENT,
    )
    worker = a_member_of(form, first_name="Tiina", last_name="Työntekijä", username="tiina")
    episode = EpisodeFactory.create(
        service_form=form,
        organisation=form.organisation,
        start_date=timezone.localdate() - dt.timedelta(days=10),
    )
    with scopes_disabled():
        person = PersonFactory.create(
            organisation=form.organisation,
            first_names="Kaarina",
            last_name="Kuvitelma",
            phone="040 000 0001",
        )
        ParticipantFactory.create(episode=episode, role="client", person=person)

    base = live_server.url
    log_in(page, base, worker)
    url = base + reverse("people:edit", args=[person.pk])
    page.goto(url)
    first_tab = page
    second_tab = page.context.new_page()
    second_tab.goto(url)

    # The second tab saves first.
    second_tab.get_by_label("Puhelin").fill("040 000 0002")
    second_tab.get_by_role("button", name="Tallenna").click()
    expect(second_tab.locator("h1")).to_contain_text("Kaarina Kuvitelma")

    # The first tab, opened before that save, saves its own number.
    first_tab.get_by_label("Puhelin").fill("040 000 0003")
    with first_tab.expect_response(lambda r: r.request.method == "POST") as answer:
        first_tab.get_by_role("button", name="Tallenna").click()
    assert answer.value.status == 409
    summary = first_tab.locator(".error-summary")
    expect(summary).to_contain_text("Joku muu on tallentanut muutoksia sillä välin")
    expect(first_tab.get_by_label("Puhelin")).to_have_value("040 000 0003")
    expect(first_tab.get_by_role("region", name="Tallennetut tiedot nyt")).to_contain_text(
        "040 000 0002"
    )
    check_page()
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).phone == "040 000 0002"

    # Saving again from the page shown replaces the saved number on purpose.
    first_tab.get_by_role("button", name="Tallenna").click()
    expect(first_tab.locator("h1")).to_contain_text("Kaarina Kuvitelma")
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).phone == "040 000 0003"
