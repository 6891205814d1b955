"""TPPH's network coordinator records a day's prevention work on a phone (390 × 844), in
Finnish, with an axe check on every page.

From the service form's page she opens the register, records a four-day fair — first with the
last day before the first, which the page refuses in Finnish while keeping what she typed — then
adds a brochure to the form's materials, records a batch of it handed to a school and, when it
runs out, takes it out of distribution. Nothing in the flow asks for a person's name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.accounts.models import Role
from tupa.organisations.models import ServiceForm
from tupa.prevention.models import Activity, Delivery

from .journey import JOURNEY_MARKS, PHONE, a_member_of, a_service_form, log_in, nav

pytestmark = JOURNEY_MARKS


def test_the_coordinator_records_a_fair_and_a_batch_of_brochures_on_a_phone(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    form = a_service_form(
        "Kuvitteellisen turvaverkoston yhdistys ry",
        organisation_slug="kuvitteellinen-verkosto",
        area="Perheväkivaltatyö",
        team="Avopalvelut",
        name="Turvallisten perheiden verkosto",
        slug="verkosto",
        kind=ServiceForm.Kind.PREVENTION,
        register=ServiceForm.Register.OWN_ACTIVITY,
    )
    coordinator = a_member_of(
        form, role=Role.COORDINATOR, first_name="Kaisa", last_name="Kokoaja", username="kaisa.k"
    )
    last_day = timezone.localdate() - dt.timedelta(days=1)
    first_day = last_day - dt.timedelta(days=3)

    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, coordinator)
    nav(page, "Turvallisten perheiden verkosto")
    page.get_by_role("link", name="Tilaisuudet ja tapahtumat").click()
    expect(page.locator("h1")).to_have_text(f"Tilaisuudet ja tapahtumat {last_day.year}")
    check_page(max_width=PHONE["width"])

    page.get_by_role("link", name="Kirjaa tilaisuus").first.click()
    page.get_by_label("Tilaisuuden nimi").fill("Turvallisuusmessut, yhdistyksen osasto")
    page.get_by_label("Laji").select_option("seminar")
    page.get_by_label("osallistui (esittely, osasto, puheenvuoro)").check()
    page.get_by_label("Päivä", exact=True).fill(last_day.isoformat())
    page.get_by_label("Viimeinen päivä").fill(first_day.isoformat())
    page.get_by_label("Kuntalaisia (aikuisia)").fill("412")
    page.get_by_label("Ammattilaisia").fill("57")
    page.get_by_label("Lapsia ja nuoria").fill("35")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("main")).to_contain_text("Viimeinen päivä ei voi olla ennen ensimmäistä.")
    expect(page.get_by_label("Tilaisuuden nimi")).to_have_value(
        "Turvallisuusmessut, yhdistyksen osasto"
    )
    expect(page.get_by_label("Kuntalaisia (aikuisia)")).to_have_value("412")
    check_page(max_width=PHONE["width"])

    page.get_by_label("Päivä", exact=True).fill(first_day.isoformat())
    page.get_by_label("Viimeinen päivä").fill(last_day.isoformat())
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("main")).to_contain_text("Tilaisuus tallennettu.")
    expect(page.locator("main")).to_contain_text("Turvallisuusmessut, yhdistyksen osasto")
    check_page(max_width=PHONE["width"])
    with scopes_disabled():
        fair = Activity.objects.get(service_form=form)
    assert (fair.starts_on, fair.ends_on, fair.reached) == (first_day, last_day, 504)

    page.get_by_role("link", name="Materiaalien jako").first.click()
    page.get_by_label("Uuden materiaalin nimi").fill("Turvallinen lapsuus -esite")
    page.get_by_role("button", name="Lisää materiaali").click()
    expect(page.locator("main")).to_contain_text("Turvallinen lapsuus -esite")
    page.get_by_label("Materiaali", exact=True).select_option(label="Turvallinen lapsuus -esite")
    page.get_by_label("Vastaanottaja").select_option("school")
    page.get_by_label("Paikka").fill("Keskustan koulu")
    page.get_by_label("Kappaletta").fill("60")
    page.get_by_label("Päivä", exact=True).fill(last_day.isoformat())
    page.get_by_role("button", name="Kirjaa jako").click()
    expect(page.locator("main")).to_contain_text("Keskustan koulu")
    check_page(max_width=PHONE["width"])
    with scopes_disabled():
        batch = Delivery.objects.select_related("material").get(service_form=form)
    assert (batch.material.name, batch.quantity, batch.recipient_kind) == (
        "Turvallinen lapsuus -esite",
        60,
        "school",
    )

    # The brochure runs out: out of distribution, no longer offered, its batch still listed.
    # (check_page also sees that on a phone no button is squeezed a letter a line, as the
    # materials' buttons once were in a table.)
    page.get_by_role("button", name=re.compile(r"^Poista jaosta\W+Turvallinen lapsuus")).click()
    expect(page.locator("main")).to_contain_text("Turvallinen lapsuus -esite poistettu jaosta.")
    material = page.get_by_label("Materiaali", exact=True)
    expect(material.locator("option", has_text="Turvallinen lapsuus -esite")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Keskustan koulu")
    expect(
        page.get_by_role("button", name=re.compile(r"^Palauta jakoon\W+Turvallinen"))
    ).to_be_visible()
    check_page(max_width=PHONE["width"])
