"""The data-protection officer works through the logs in the browser (issue 10 §6).

In one fictional association (every name made up) a family worker first mistypes her
password, then logs in and opens the episode of a client who happens to share her last name.
The data-protection officer then opens the access log, filters it by that worker and by
period (today: the read is there; last month: nothing), downloads the filtered log as CSV,
opens the security events (the failed login is there) and the week's anomaly list (the
same-surname read is there), follows the finding to the access log and marks it handled.
Every page is checked with axe and for CSP violations.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.accounts.models import Role
from tupa.audit.models import AnomalyReview
from tupa.core.tests.factories import client_in, org_role_user, worker_in
from tupa.organisations.models import ServiceForm

from .journey import (
    JOURNEY_MARKS,
    a_member_of,
    a_service_form,
    enter_password,
    log_in,
    log_out,
    nav,
    with_authenticator,
)

pytestmark = JOURNEY_MARKS

CLIENT = "Ilta Kuusela"
WORKER_LABEL = "Riikka Kuusela (riikka.kuusela)"


def test_dpo_filters_the_access_log_downloads_it_and_reads_security_events_and_anomalies(
    live_server: Any, page: Page, check_page: Callable[..., None], tmp_path: Path
) -> None:
    started = time.monotonic()
    form = a_service_form(
        "Kuvitteellinen perheyhdistys ry",
        name="Perhetyö",
        slug="perhetyo",
        kind=ServiceForm.Kind.OUTPATIENT,
    )
    worker = a_member_of(form, first_name="Riikka", last_name="Kuusela", username="riikka.kuusela")
    # Another worker of the form, who reads nothing (no login, so no authenticator app).
    worker_in(form, first_name="Olli", last_name="Ohikulkija", username="olli.o")
    dpo = with_authenticator(
        org_role_user(
            form.organisation,
            Role.DATA_PROTECTION_OFFICER,
            first_name="Tuija",
            last_name="Tietosuoja",
            username="tuija.tietosuoja",
        )
    )
    person, episode = client_in(form, first_names="Ilta", last_name="Kuusela")
    # The log names staff but shows a client only as type and id (no names in the DPO's view).
    subject = f"Henkilö: #{person.pk}"

    base = live_server.url
    main = page.locator("main")
    today = timezone.localdate()

    # ------------------------------------------------------------ the worker's session
    page.goto(base + reverse("accounts:login"))
    enter_password(page, worker.username, "väärä-salasana-123")
    expect(page.locator("h1")).to_have_text("Kirjaudu sisään")
    log_in(page, base, worker)
    page.goto(base + reverse("episodes:detail", args=[episode.pk]))
    expect(main).to_contain_text(CLIENT)
    log_out(page)

    # ------------------------------------------------------------ the access log, filtered
    log_in(page, base, dpo)
    nav(page, "Käyttöloki")
    expect(page.locator("h1")).to_have_text("Käyttöloki")
    check_page()
    filters = main.get_by_role("form", name="Käyttölokin rajaukset")
    filters.get_by_label("Käyttäjä", exact=True).select_option(label=WORKER_LABEL)
    filters.get_by_label("Alkaen").fill(today.isoformat())
    filters.get_by_label("Päättyen").fill(today.isoformat())
    filters.get_by_role("button", name="Näytä").click()
    table = main.get_by_role("table", name="Käyttölokin tapahtumat")
    expect(table).to_be_visible()
    check_page()
    rows = table.locator("tbody tr")
    read = rows.filter(has_text=subject).filter(has_text="katselu")
    expect(read.first).to_be_visible()
    expect(read.first).to_contain_text("jäsenyys työmuodossa")
    expect(table).not_to_contain_text("Tuija Tietosuoja")
    assert "user=" in page.url and f"date_from={today.isoformat()}" in page.url

    # The same user a month back: nothing.
    filters.get_by_label("Alkaen").fill((today - dt.timedelta(days=40)).isoformat())
    filters.get_by_label("Päättyen").fill((today - dt.timedelta(days=10)).isoformat())
    filters.get_by_role("button", name="Näytä").click()
    expect(main.get_by_role("status")).to_have_text("0 tapahtumaa")
    expect(main).to_contain_text("Valituilla rajauksilla ei löytynyt tapahtumia.")
    check_page()
    # A period that ends before it starts: the error summary, checked as well.
    filters.get_by_label("Alkaen").fill(today.isoformat())
    filters.get_by_label("Päättyen").fill((today - dt.timedelta(days=1)).isoformat())
    filters.get_by_role("button", name="Näytä").click()
    expect(main.locator(".error-summary")).to_contain_text("Päättymispäivä ei voi olla")
    check_page()
    # Another user today: not the worker's read.
    filters.get_by_label("Käyttäjä", exact=True).select_option(label="Olli Ohikulkija (olli.o)")
    filters.get_by_label("Alkaen").fill(today.isoformat())
    filters.get_by_label("Päättyen").fill(today.isoformat())
    filters.get_by_role("button", name="Näytä").click()
    expect(main.get_by_role("status")).to_have_text("0 tapahtumaa")

    # ------------------------------------------------------------ the CSV of the filtered log
    filters.get_by_label("Käyttäjä", exact=True).select_option(label=WORKER_LABEL)
    with page.expect_download() as download_info:
        filters.get_by_role("button", name="Vie CSV-tiedostoksi").click()
    download = download_info.value
    assert download.suggested_filename == f"kayttoloki-{today:%Y-%m-%d}.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffAika;Käyttäjä;Käyttäjätunnus;")
    lines = text.strip().splitlines()[1:]
    assert lines, text
    assert all(";riikka.kuusela;" in line for line in lines), text
    assert any(f";Henkilö;{person.pk};" in line and ";katselu;" in line for line in lines), text
    assert CLIENT not in text
    # Taking the copy is itself logged, as the DPO's export.
    page.reload()
    filters.get_by_label("Käyttäjä", exact=True).select_option(
        label="Tuija Tietosuoja (tuija.tietosuoja)"
    )
    filters.get_by_role("button", name="Näytä").click()
    expect(table.locator("tbody tr").filter(has_text="vienti")).to_have_count(1)

    # ------------------------------------------------------------ security events
    nav(page, "Turvallisuustapahtumat")
    expect(page.locator("h1")).to_have_text("Turvallisuustapahtumat")
    check_page()
    events = main.get_by_role("table", name="Turvallisuustapahtumat")
    failed = events.locator("tbody tr").filter(has_text="riikka.kuusela")
    expect(failed.first).to_contain_text("Epäonnistunut kirjautuminen")
    security_filters = main.get_by_role("form", name="Turvallisuustapahtumien rajaukset")
    security_filters.get_by_label("Käyttäjä", exact=True).select_option(
        label="Olli Ohikulkija (olli.o)"
    )
    security_filters.get_by_role("button", name="Näytä").click()
    expect(main.get_by_role("status")).to_have_text("0 tapahtumaa")
    check_page()

    # ------------------------------------------------------------ this week's anomalies
    nav(page, "Poikkeamat")
    expect(page.locator("h1")).to_have_text("Poikkeamat käyttölokissa")
    check_page()
    iso = today.isocalendar()
    anomaly_filters = main.get_by_role("form", name="Poikkeamien rajaukset")
    anomaly_filters.get_by_label("Viikko").fill(f"{iso[0]}-W{iso[1]:02d}")
    anomaly_filters.get_by_role("button", name="Näytä").click()
    finding = main.locator("section.anomaly").filter(has_text="Sama sukunimi")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text(WORKER_LABEL)
    expect(finding).to_contain_text(subject)
    check_page()
    finding.get_by_role("link", name="Näytä käyttölokissa").click()
    expect(page.locator("h1")).to_have_text("Käyttöloki")
    expect(main.get_by_role("table", name="Käyttölokin tapahtumat")).to_contain_text(subject)
    check_page()
    page.go_back()
    finding = main.locator("section.anomaly").filter(has_text="Sama sukunimi")
    finding.get_by_label("Huomio").fill(
        "Työntekijän oma asiakas, ei sukua. Tarkistettu esihenkilön kanssa."
    )
    finding.get_by_role("button", name="Merkitse käsitellyksi").click()
    expect(page.locator(".messages")).to_be_visible()
    check_page()
    with scopes_disabled():
        review = AnomalyReview.objects.get()
    assert review.handled and review.handled_by_id == dpo.pk
    print(f"DPO log journey: {time.monotonic() - started:.1f} s")
