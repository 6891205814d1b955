"""A family worker plans a week of home visits and records their outcomes, in the browser.

A fictional Alvari family worker (every name made up) plans home visits for one family: one
the day before yesterday, one yesterday, a weekly recurring visit from tomorrow (four times)
and one more the day after tomorrow. Then she records the outcomes of the past two: the first
happened (its journal entry appears in the episode's journal), nobody was at home for the
second (no-show). The live server's clock cannot be moved, so "the past" is planned directly.
Every page is checked with axe and for CSP violations; the calendar also at phone width.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.core.tests.factories import client_in
from tupa.episodes.models import Entry
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Appointment

from .journey import JOURNEY_MARKS, a_member_of, a_service_form, log_in

pytestmark = JOURNEY_MARKS

CLIENT_FIRST, CLIENT_LAST = "Ilta", "Keksitty"


def _plan(page: Page, main: Any, day: dt.date, start: str, end: str, *, weekly: int = 0) -> None:
    main.get_by_role("link", name="Suunnittele tapaaminen").click()
    expect(page.locator("h1")).to_have_text("Uusi tapaaminen")
    main.get_by_label("Päivä", exact=True).fill(day.isoformat())
    main.get_by_label("Alkaa klo").fill(start)
    main.get_by_label("Päättyy klo").fill(end)
    main.get_by_label("kotikäynti").check()
    main.get_by_label("asiakkaan koti").check()
    if weekly:
        main.get_by_label("Toistuu", exact=True).select_option(label="viikoittain")
        main.get_by_label("tai kertoja yhteensä").fill(str(weekly))
    main.get_by_role("button", name="Tallenna", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("tallennettu")


def test_plan_a_week_of_home_visits_and_record_outcomes(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    alvari = a_service_form(
        "Kuvitteellinen perheyhdistys ry",
        name="Alvari-perhetyö",
        slug="alvari",
        kind=ServiceForm.Kind.OUTPATIENT,
    )
    worker = a_member_of(alvari, first_name="Riikka", last_name="Perhetyöntekijä")
    _person, episode = client_in(alvari, first_names=CLIENT_FIRST, last_name=CLIENT_LAST)

    today = timezone.localdate()
    base = live_server.url
    main = page.locator("main")

    log_in(page, base, worker)
    episode_page = base + reverse("scheduling:episode", args=[episode.pk])

    # ------------------------------------------------------------ planning the week
    page.goto(episode_page)
    check_page(max_width=None)
    _plan(page, main, today - dt.timedelta(days=2), "09:00", "10:30")
    check_page(max_width=None)  # the calendar it lands on
    page.goto(episode_page)
    _plan(page, main, today - dt.timedelta(days=1), "13:00", "14:00")
    page.goto(episode_page)
    _plan(page, main, today + dt.timedelta(days=1), "10:00", "11:00", weekly=4)
    expect(page.locator(".messages")).to_contain_text("4 tapaamista")
    page.goto(episode_page)
    _plan(page, main, today + dt.timedelta(days=2), "12:00", "13:00")
    with scopes_disabled():
        rows = list(Appointment.objects.filter(episode=episode).order_by("starts_at"))
    assert len(rows) == 7
    assert sum(1 for r in rows if r.series_id) == 4
    assert {timezone.localtime(r.starts_at).strftime("%H:%M") for r in rows if r.series_id} == {
        "10:00"
    }

    # ------------------------------------------------------------ the calendar on a phone
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(base + reverse("scheduling:my_calendar") + f"?paiva={today.isoformat()}")
    check_page(max_width=360)
    expect(main).to_contain_text(f"{CLIENT_FIRST} {CLIENT_LAST}")
    page.set_viewport_size({"width": 1280, "height": 900})

    # ------------------------------------------------------------ outcome: happened
    page.goto(episode_page)
    check_page(max_width=None)
    past = main.get_by_role("region", name="Menneet")
    past.get_by_role("link").first.click()
    check_page(max_width=None)
    main.get_by_label("toteutui").check()
    main.get_by_label("Kuvaus").fill("Leikittiin lattialla, äiti kertoi unirytmistä.")
    main.get_by_role("button", name="Tallenna lopputulos").click()
    expect(page.locator(".messages")).to_contain_text("kirjattu asiakkuuden kirjauksiin")
    expect(main.locator("[data-outcome]")).to_contain_text("Toteutui")
    check_page(max_width=None)
    main.get_by_role("link", name="Näytä asiakkuuden kirjaukset").click()
    check_page(max_width=None)
    expect(main).to_contain_text("toteutui.")
    expect(main).to_contain_text("Leikittiin lattialla")

    # ------------------------------------------------------------ outcome: no-show
    page.goto(episode_page)
    past = main.get_by_role("region", name="Menneet")
    past.get_by_role("link").nth(1).click()
    main.get_by_label("asiakas ei saapunut").check()
    main.get_by_role("button", name="Tallenna lopputulos").click()
    expect(main.locator("[data-outcome]")).to_contain_text("Asiakas ei saapunut")
    with scopes_disabled():
        assert Entry.objects.filter(episode=episode).count() == 2
        outcomes = sorted(
            Appointment.objects.filter(
                episode=episode, outcome__in=["happened", "no_show"]
            ).values_list("outcome", flat=True)
        )
    assert outcomes == ["happened", "no_show"]
    page.goto(episode_page)
    expect(main.get_by_role("region", name="Menneet")).to_contain_text("asiakas ei saapunut")
