"""The shelter's night admission, a move, a discharge and the occupancy views, in the browser.

A fictional family (every name made up) arrives at 02:15; the night worker records the arrival
of the mother and her two children in family place 1, the family is moved to place 3 the next
morning and leaves for a new home in the evening. Every page is checked with axe and for CSP
violations — the monthly chart is an inline SVG, so this also proves it passes the strict CSP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.core.tests.factories import ParticipantFactory, PersonFactory, client_in
from tupa.organisations.models import ServiceForm
from tupa.residential.models import Place, Stay

from .journey import JOURNEY_MARKS, a_member_of, a_service_form, log_in

pytestmark = JOURNEY_MARKS

MOTHER_FIRST, MOTHER_LAST = "Sointu", "Keksitty"


def test_night_admission_move_discharge_and_occupancy(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    shelter = a_service_form(
        "Kuvitteellinen turvakotiyhdistys ry",
        name="Turvakoti",
        slug="turvakoti",
        kind=ServiceForm.Kind.RESIDENTIAL,
        violence_work="victim",
        open_24h=True,
    )
    organisation = shelter.organisation
    with scopes_disabled():
        for i in range(1, 6):
            Place.objects.create(
                organisation=organisation,
                service_form=shelter,
                name=f"Perhepaikka {i}",
                code=f"p{i}",
                order=i,
            )
    night_worker = a_member_of(
        shelter, night_shift=True, first_name="Yrjö", last_name="Yövuorolainen"
    )
    _mother, episode = client_in(shelter, first_names=MOTHER_FIRST, last_name=MOTHER_LAST)
    for name in ("Kide", "Uni"):
        child = PersonFactory.create(
            organisation=organisation, first_names=name, last_name=MOTHER_LAST
        )
        ParticipantFactory.create(episode=episode, person=child, role="child")

    today = timezone.localdate()
    arrival_day = today - dt.timedelta(days=2)
    next_day = today - dt.timedelta(days=1)
    base = live_server.url
    main = page.locator("main")
    mother_name = f"{MOTHER_FIRST} {MOTHER_LAST}"

    # ------------------------------------------------------------ 02:15 the night admission
    log_in(page, base, night_worker)
    page.goto(base + reverse("episodes:detail", args=[episode.pk]))
    main.get_by_role("link", name="Kirjaa tulo asumispaikkaan").click()
    check_page(max_width=None)
    main.locator("select[name=place]").select_option(label="Perhepaikka 1")
    main.get_by_label("Tulopäivä").fill(arrival_day.isoformat())
    main.get_by_label("Tuloaika").fill("02:15")
    main.get_by_role("button", name="Kirjaa tulo").click()
    expect(page.locator("h1")).to_contain_text("Asiakkuus #")
    with scopes_disabled():
        stay = Stay.objects.get(episode=episode)
        assert stay.place.code == "p1"
        assert stay.members.count() == 3
        assert timezone.localtime(stay.arrived_at).strftime("%H:%M") == "02:15"

    # ------------------------------------------------------------ the occupancy view
    main.get_by_role("link", name="Paikkatilanne", exact=True).click()
    check_page(max_width=None)
    row = main.get_by_role("row").filter(has_text="Perhepaikka 1")
    expect(row).to_contain_text(mother_name)
    expect(main.locator('[data-figure="free"]')).to_have_text("4")

    # ------------------------------------------------------------ the next morning: a move
    row.get_by_role("link", name="Siirto").click()
    check_page(max_width=None)
    main.locator("select[name=to_place]").select_option(label="Perhepaikka 3")
    main.get_by_label("Siirtopäivä").fill(next_day.isoformat())
    main.get_by_label("Siirtoaika").fill("09:30")
    main.get_by_role("button", name="Siirrä").click()
    expect(page.locator("h1")).to_contain_text("Asiakkuus #")
    page.goto(base + reverse("residential:occupancy", args=[shelter.slug]))
    expect(main.get_by_role("row").filter(has_text="Perhepaikka 3")).to_contain_text(mother_name)
    expect(main.get_by_role("row").filter(has_text="Perhepaikka 1")).not_to_contain_text(
        mother_name
    )

    # ------------------------------------------------------------ the place calendar and chart
    page.goto(base + reverse("organisations:service_form", args=[shelter.slug]))
    main.get_by_role("link", name="Paikkakalenteri").click()
    check_page(max_width=None)
    expect(main.get_by_role("table").last).to_contain_text(mother_name)
    main.get_by_role("link", name="Käyttöaste kuukausittain").click()
    check_page(max_width=None)
    expect(main.get_by_role("img")).to_have_count(1)

    # ------------------------------------------------------------ the evening: discharge
    page.goto(base + reverse("residential:occupancy", args=[shelter.slug]))
    main.get_by_role("row").filter(has_text="Perhepaikka 3").get_by_role(
        "link", name="Lähtö"
    ).click()
    check_page(max_width=None)
    main.get_by_label("Lähtöpäivä").fill(next_day.isoformat())
    main.get_by_label("Lähtöaika").fill("18:00")
    main.get_by_label("omaan uuteen asuntoon").check()
    main.get_by_role("button", name="Kirjaa lähtö").click()
    expect(page.locator("h1")).to_contain_text("Asiakkuus #")
    page.goto(base + reverse("residential:occupancy", args=[shelter.slug]))
    expect(main.locator('[data-figure="free"]')).to_have_text("5")
    expect(main).not_to_contain_text(mother_name)
    with scopes_disabled():
        stays = list(Stay.objects.filter(episode=episode).order_by("arrived_at"))
    assert [s.place.code for s in stays] == ["p1", "p3"]
    assert stays[-1].destination == "own_new_home"
