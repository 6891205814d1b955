"""Feedback journeys of staff (issue 13), in Finnish, with axe and the CSP checked on each page.

1. A worker opens the form's feedback page, the due list shows a client whose episode ended, "Luo
   kutsu" shows the one-time link once; the client answers it on a phone; the answered
   invitation leaves the open list.
2. The lead reads the results (distributions, free texts), imports a CSV with a bad row (the dry
   run names the row), fixes the mapping and stores it; the executive director, outside the
   form, sees small groups as "< 5".
3. The lead opens the builder's pages on a phone; publishing a choice question with one choice is
   refused with a message.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Browser, Page, expect

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.surveys.models import Channel, Invitation, Response, Schedule, Target, Trigger
from tupa.surveys.recording import clean_answers, response_record
from tupa.surveys.tests.support import published_questionnaire

from .journey import JOURNEY_MARKS, PHONE, log_in, log_out, with_authenticator

pytestmark = JOURNEY_MARKS


def test_due_list_invitation_and_answer(
    live_server: Any, page: Page, browser: Browser, check_page: Callable[..., None], settings: Any
) -> None:
    settings.TUPA_ANSWER_RATE = "1000/m"
    form = ServiceFormFactory.create(name="Kuvitteellinen ensikoti", slug="ensikoti")
    worker = with_authenticator(worker_in(form, first_name="Pekka", username="pekka"))
    version = published_questionnaire(form, actor=worker, name="Palaute jakson lopussa")
    today = timezone.localdate()
    with scopes_disabled():
        Schedule.objects.create(
            organisation_id=form.organisation_id,
            questionnaire=version.questionnaire,
            service_form=form,
            target=Target.ADULT,
            trigger=Trigger.EPISODE_END,
            channel=Schedule.Channel.LINK,
            anonymous=True,
            created_by=worker,
        )
    episode = EpisodeFactory.create(
        service_form=form,
        organisation=form.organisation,
        status="ended",
        start_date=today - dt.timedelta(days=200),
        end_date=today - dt.timedelta(days=3),
        end_reason="planned_end",
    )
    client = PersonFactory.create(
        organisation=form.organisation, first_names="Aino", last_name="Kuvitelma"
    )
    ParticipantFactory.create(episode=episode, person=client)

    log_in(page, live_server.url, worker)
    page.goto(live_server.url + reverse("surveys:form", args=[form.slug]))
    check_page()
    page.get_by_role("link", name="Erääntyneet kyselyt").click()
    expect(page.get_by_role("cell", name="Kuvitelma, Aino", exact=True)).to_be_visible()
    check_page()
    page.get_by_role("button", name=re.compile(r"^Luo kutsu\W+Kuvitelma, Aino$")).click()
    link = page.get_by_label("Kopioi linkki tekstiviestiin tai sähköpostiin").input_value()
    assert "/vastaa/" in link and "Aino" not in link
    check_page()

    phone = browser.new_context(viewport=PHONE, locale="fi-FI")
    answering = phone.new_page()
    answering.goto(link)
    expect(answering).to_have_title("Palautekysely")
    answering.get_by_role("group", name="Kysymys overall").get_by_text("5", exact=True).click()
    answering.get_by_role("button", name="Lähetä vastaus").click()
    expect(answering.get_by_role("heading", level=1)).to_have_text("Kiitos vastauksestasi!")
    phone.close()
    with scopes_disabled():
        assert Invitation.objects.get().status == Invitation.Status.ANSWERED
        response = Response.objects.get()
    assert response.anonymous and response.episode_id is None
    page.goto(live_server.url + reverse("surveys:invitations", args=[form.slug]))
    check_page()
    expect(page.get_by_text("Kuvitelma, Aino")).to_have_count(0)


def test_results_import_and_suppression(
    live_server: Any, page: Page, check_page: Callable[..., None], tmp_path: Path
) -> None:
    form = ServiceFormFactory.create(name="Kuvitteellinen ensikoti", slug="ensikoti")
    lead = with_authenticator(worker_in(form, role=Role.LEAD, first_name="Liisa", username="liisa"))
    director = with_authenticator(
        org_role_user(
            form.organisation, Role.EXECUTIVE_DIRECTOR, first_name="Johanna", username="johanna"
        )
    )
    version = published_questionnaire(form, actor=lead)
    with scopes_disabled():
        for n, value in enumerate(["5", "4", "4", "3", "5", "5", "2"]):
            cleaned, _errors = clean_answers(
                version,
                {"overall": value, "best": "a", "free": f"Teksti {n}", "topics": ["a", "b"]},
            )
            response_record(
                version=version,
                service_form=form,
                channel=Channel.KIOSK,
                answers=cleaned,
                submission_key=uuid.uuid4().hex,
                anonymous=True,
            )
    results = live_server.url + reverse("surveys:results", kwargs={"pk": version.questionnaire_id})
    log_in(page, live_server.url, lead)
    page.goto(results)
    check_page()
    page.set_viewport_size(PHONE)
    page.goto(results)
    check_page(max_width=PHONE["width"])
    page.set_viewport_size({"width": 1280, "height": 900})

    csv_path = tmp_path / "tuonti.csv"
    csv_path.write_text(
        "Päivä;Kysymys overall;Kysymys best;Muu\n1.3.2026;5;Vaihtoehto a;x\n2.3.2026;9;b;y\n",
        encoding="utf-8",
    )
    page.goto(live_server.url + reverse("surveys:import_new", args=[form.slug]))
    check_page()
    page.get_by_label("Kysely, johon vastaukset tuodaan").select_option(index=1)
    page.get_by_label("CSV-tiedosto").set_input_files(str(csv_path))
    page.get_by_role("button", name="Jatka sarakkeiden valintaan").click()
    expect(page.locator("h1")).to_have_text("Sarakkeet ja koeajo")
    page.get_by_role("button", name="Tee koeajo").click()
    expect(page.get_by_text("Valitse arvo väliltä 1–5.")).to_be_visible()
    check_page()
    page.get_by_label("Sarake 2: Kysymys overall").select_option("")
    page.get_by_role("button", name="Tee koeajo").click()
    page.get_by_role("button", name="Tallenna 2 vastausta").click()
    expect(page.locator("h1")).to_contain_text("Tulokset")
    with scopes_disabled():
        assert Response.objects.filter(channel=Channel.IMPORT).count() == 2
    log_out(page)

    log_in(page, live_server.url, director)
    page.goto(results)
    expect(page.get_by_text("Näet tämän työmuodon tulokset sen ulkopuolelta")).to_be_visible()
    check_page()


def test_building_a_questionnaire_on_a_phone(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    from tupa.surveys.instruments import services

    form = ServiceFormFactory.create(name="Kuvitteellinen ensikoti")
    lead = with_authenticator(worker_in(form, role=Role.LEAD, first_name="Liisa", username="liisa"))
    published = published_questionnaire(form, actor=lead)
    with scopes_disabled():
        published.child_friendly = True
        published.save()
        questionnaire = services.questionnaire_create(
            actor=lead,
            organisation=form.organisation,
            name="Uusi",
            service_form=form,
            target="adult",
        )
        draft = questionnaire.versions.get()
        item = services.item_add(actor=lead, version=draft, kind="single", text_fi="Mistä kuulit?")
        services.choice_add(actor=lead, item=item, label_fi="Neuvolasta")
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, lead)
    for url in (
        reverse("surveys:index"),
        reverse("surveys:questionnaire", args=[published.questionnaire_id]),
        reverse("surveys:version_preview", args=[published.pk]) + "?kieli=sv",
        reverse("surveys:item_add", args=[draft.pk]),
        reverse("surveys:questionnaire_new"),
    ):
        page.goto(live_server.url + url)
        check_page(max_width=PHONE["width"])
    page.goto(live_server.url + reverse("surveys:version_edit", args=[draft.pk]))
    check_page(max_width=PHONE["width"])
    page.get_by_role("button", name="Julkaise").click()
    expect(page.locator(".error-summary")).to_contain_text("vähintään kaksi")
    check_page(max_width=PHONE["width"])
