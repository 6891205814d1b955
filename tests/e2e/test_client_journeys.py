"""The client journeys of issue 3 through the browser, in Finnish, with an axe check on every page.

One story in four acts, in one fictional association (every name here is made up):

1. A shelter night worker opens an anonymous episode for a mother and her two children; the
   next morning a day worker of the shelter identifies the mother (alias → person, with a
   reason) and refers her, with her consent, to Avokriisityö.
2. The Avokriisityö worker sees the referral (the mother's name) in the inbox, but the shelter
   episode's own URL answers 404; accepting the referral opens an Avokriisityö episode.
3. A Jussi-työ worker (perpetrator work, the mother's partner is their client) searches for the
   mother by name and by identity code and gets exactly the page a made-up name gets.
4. The data-protection officer finds the mother by her identity code and produces her log
   extract, on screen and as a PDF.

The acts share one database, so they are one test. The "02:00" of the issue is not simulated:
the server's clock cannot be moved under a live server, and nothing in the flow depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.people.models import Alias, Person, Relationship

from .journey import HEAVY, JOURNEY_MARKS, log_in, log_out, nav
from .violence_work import MOTHER_FIRST, MOTHER_LAST, PARTNER_FIRST, build_world

pytestmark = JOURNEY_MARKS

# The mother: a temporary-range identity code (individual number 900–999), so that it cannot
# be a real person's code; TUPA_ALLOW_TEST_HETU lets the forms accept it.
MOTHER_NAME = f"{MOTHER_FIRST} {MOTHER_LAST}"
MOTHER_HETU = "120388-9340"
MOTHER_ALIAS = "Sininen"
CHILDREN = [("Tähti", "2017"), ("Pilvi", "2020")]
MADE_UP_NAME = "Hilja Olematon"


def is_live_search(response: Any) -> bool:
    """The htmx request the search box sends while the worker types."""
    return (
        reverse("people:search") in response.url
        and response.request.headers.get("hx-request") == "true"
        and response.status == 200
    )


@HEAVY
def test_shelter_mother_from_anonymous_night_to_log_extract(
    live_server: Any,
    page: Page,
    check_page: Callable[..., None],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.TUPA_ALLOW_TEST_HETU = True
    world = build_world()
    base = live_server.url
    main = page.locator("main")

    # ---------------------------------------------------------------- 1a. the night: anonymous
    log_in(page, base, world.night_worker)
    check_page()
    nav(page, "Asiakkuudet")
    expect(page.locator("h1")).to_have_text("Omat asiakkuudet")
    check_page()
    main.get_by_role("link", name="Avaa uusi asiakkuus (Turvakoti)").click()
    expect(page.locator("h1")).to_have_text("Uusi asiakkuus – Turvakoti")
    # The shelter allows anonymous clients, so the form starts in the anonymous mode.
    expect(page.get_by_role("radio", name="Anonyymi asiakas (peitenimi)")).to_be_checked()
    check_page()
    anonymous = page.get_by_role("group", name="Anonyymi asiakas")
    anonymous.get_by_label("Peitenimi").fill(MOTHER_ALIAS)
    anonymous.get_by_label("Sukupuoli").select_option("female")
    anonymous.get_by_label("Syntymävuosi").fill("1988")
    page.get_by_label("Väkivaltarooli", exact=True).select_option("experienced")
    for number, (label, year) in enumerate(CHILDREN, start=1):
        row = page.get_by_role("group", name=f"Lapsi {number}")
        row.get_by_label("Etunimi tai peitenimi").fill(label)
        row.get_by_label("Syntymävuosi").fill(year)
    page.get_by_label("Lasten väkivaltarooli").select_option("witnessed")
    page.get_by_role("button", name="Avaa asiakkuus").click()

    expect(page.locator("h1")).to_have_text(re.compile(r"^Asiakkuus #\d+ – Turvakoti$"))
    expect(main).to_contain_text("Asiakkuus on avattu.")
    participants = page.locator("section[aria-labelledby=participants-title] tbody tr")
    expect(participants).to_have_count(3)
    for label in [MOTHER_ALIAS, *(c[0] for c in CHILDREN)]:
        expect(participants.filter(has_text=label)).to_contain_text("peitenimi")
    expect(participants.filter(has_text="Tähti")).to_contain_text("lapsi")
    check_page()
    shelter_episode_url = page.url
    shelter_episode_id = int(re.search(r"/(\d+)/$", shelter_episode_url).group(1))  # type: ignore[union-attr]
    with scopes_disabled():
        assert not Person.objects.filter(last_name=MOTHER_LAST).exclude(pk=world.partner.pk)
    log_out(page)

    # ---------------------------------------------------------------- 1b. the morning: identify
    log_in(page, base, world.day_worker)
    nav(page, "Haku")
    expect(page.locator("h1")).to_have_text("Henkilöhaku")
    check_page()
    with page.expect_response(is_live_search):
        page.get_by_label("Hae henkilöä").fill(MOTHER_ALIAS)
    results = page.locator("#search-results")
    results.get_by_role("link", name=f"Peitenimi: {MOTHER_ALIAS}").click()
    expect(page.locator("h1")).to_have_text(f"Tunnista peitenimi {MOTHER_ALIAS}")
    check_page()
    page.get_by_label("Etunimet").fill(MOTHER_FIRST)
    page.get_by_label("Sukunimi").fill(MOTHER_LAST)
    page.get_by_label("Henkilötunnus").fill(MOTHER_HETU)
    page.get_by_label("Tunnistamisen peruste").fill(
        "Asiakas kertoi aamulla nimensä ja näytti henkilöllisyystodistuksen."
    )
    page.get_by_role("button", name="Tunnista", exact=True).click()

    expect(page.locator("h1")).to_have_text(MOTHER_NAME)
    expect(main).to_contain_text(f"Peitenimi {MOTHER_ALIAS} tunnistettu: {MOTHER_NAME}.")
    check_page()
    with scopes_disabled():
        mother = Person.objects.get(hetu=MOTHER_HETU)
        alias = Alias.objects.get(label=MOTHER_ALIAS)
        assert alias.person_id == mother.pk and alias.linked_by_id == world.day_worker.pk
        # Someone records the family: the mother's partner is the Jussi-työ client.
        Relationship.objects.create(
            person=world.partner, relative=mother, kind=Relationship.Kind.PARTNER
        )

    # The person page leads to the shelter episode, which now names her.
    main.get_by_role("link", name="Turvakoti", exact=True).click()
    expect(page).to_have_url(shelter_episode_url)
    expect(participants.filter(has_text=MOTHER_NAME)).to_have_count(1)
    check_page()

    # ---------------------------------------------------------------- 1c. refer to Avokriisityö
    main.get_by_role("link", name="Ohjaa toiseen työmuotoon").click()
    expect(page.locator("h1")).to_have_text("Ohjaa toiseen työmuotoon")
    check_page()
    page.get_by_label("Ohjattava henkilö").select_option(label=MOTHER_NAME)
    page.get_by_label("Työmuoto, johon ohjataan").select_option(label="Avokriisityö")
    page.get_by_label("Ohjauksen syy").fill("Tukea eron jälkeiseen aikaan turvakotijakson jälkeen.")
    # Without consent the referral is refused and the typed text stays.
    page.get_by_role("button", name="Lähetä ohjaus").click()
    expect(page.locator("h1")).to_have_text("Ohjaa toiseen työmuotoon")
    expect(page.get_by_label("Ohjauksen syy")).to_have_value(
        "Tukea eron jälkeiseen aikaan turvakotijakson jälkeen."
    )
    expect(page.get_by_label("Asiakas on antanut suostumuksensa ohjaukseen")).to_have_attribute(
        "aria-invalid", "true"
    )
    check_page()
    page.get_by_label("Asiakas on antanut suostumuksensa ohjaukseen").check()
    page.get_by_role("button", name="Lähetä ohjaus").click()
    expect(page).to_have_url(shelter_episode_url + "#ohjaukset")
    referrals = page.locator("section[aria-labelledby=ohjaukset]")
    expect(referrals).to_contain_text(f"{MOTHER_NAME} → Avokriisityö")
    check_page()
    log_out(page)

    # ---------------------------------------------------------------- 2. Avokriisityö
    log_in(page, base, world.crisis_worker)
    main.get_by_role("link", name="Ohjaukset", exact=True).click()
    expect(page.locator("h1")).to_have_text("Ohjaukset")
    card = main.locator("section.card").filter(has_text=MOTHER_NAME)
    expect(card.get_by_role("heading", name=MOTHER_NAME)).to_be_visible()
    expect(card).to_contain_text("Turvakoti")
    check_page()

    # The shelter stay itself stays closed: its URL answers exactly like a missing page.
    response = page.goto(shelter_episode_url)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Sivua ei löytynyt")
    expect(main).not_to_contain_text(MOTHER_LAST)
    check_page()
    page.go_back()

    card = main.locator("section.card").filter(has_text=MOTHER_NAME)
    card.get_by_role("radio", name="Vastaanota", exact=True).check()
    card.get_by_label("Uuden asiakkuuden tila").select_option("active")
    card.get_by_role("button", name=re.compile("^Tallenna päätös")).click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Asiakkuus #\d+ – Avokriisityö$"))
    expect(main).to_contain_text("Ohjaus on vastaanotettu ja asiakkuus avattu.")
    crisis_episode_id = int(re.search(r"/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
    assert crisis_episode_id != shelter_episode_id
    expect(participants.filter(has_text=MOTHER_NAME)).to_have_count(1)
    # Her children stay in the shelter episode: nothing of it came along.
    expect(main).not_to_contain_text("Tähti")
    check_page()
    log_out(page)

    # ---------------------------------------------------------------- 3. Jussi-työ: the wall
    log_in(page, base, world.jussi_worker)
    nav(page, "Haku")
    search = page.get_by_label("Hae henkilöä")

    def live_search(text: str) -> str:
        with page.expect_response(is_live_search):
            search.fill(text)
        # htmx marks new content for a moment while it settles; compare the settled page.
        expect(page.locator(".htmx-request, .htmx-settling, .htmx-added")).to_have_count(0)
        return results.inner_html()

    # Their own client is found (the search works for them), and his page does not name his
    # partner although the relationship is recorded: she is not a client of theirs.
    live_search(f"{PARTNER_FIRST} {MOTHER_LAST}")
    results.get_by_role("link", name=f"{MOTHER_LAST}, {PARTNER_FIRST}").click()
    expect(page.locator("h1")).to_have_text(f"{PARTNER_FIRST} {MOTHER_LAST}")
    relatives = page.locator("section[aria-labelledby=relatives-title]")
    expect(relatives).to_contain_text("Ei näytettäviä läheisiä.")
    expect(main).not_to_contain_text(MOTHER_FIRST)
    check_page()
    nav(page, "Haku")

    # His partner, the shelter client, is not found: by name or by identity code. The answer
    # is the very answer a made-up name gets, while typing and after pressing "Hae" alike.
    def full_search() -> str:
        with page.expect_response(
            lambda r: (
                reverse("people:search") in r.url
                and r.request.method == "POST"
                and r.request.headers.get("hx-request") is None
            )
        ):
            page.get_by_role("button", name="Hae", exact=True).click()
        page.wait_for_load_state("load")
        return results.inner_html()

    for_mother = live_search(MOTHER_NAME)
    expect(results).to_have_text("Ei hakutuloksia.")
    check_page()
    full_for_mother = full_search()
    expect(search).to_have_value(MOTHER_NAME)
    expect(results).to_have_text("Ei hakutuloksia.")
    check_page()
    for_code = live_search(MOTHER_HETU)
    for_nobody = live_search(MADE_UP_NAME)
    expect(results).to_have_text("Ei hakutuloksia.")
    full_for_nobody = full_search()
    assert for_mother == for_code == for_nobody
    assert full_for_mother == full_for_nobody
    # The query travels in POST bodies only, never in the address.
    assert "?" not in page.url
    log_out(page)

    # ---------------------------------------------------------------- 4. the DPO's log extract
    log_in(page, base, world.dpo)
    nav(page, "Tietosuojapyynnöt")
    expect(page.locator("h1")).to_have_text("Henkilön haku tietosuojapyyntöä varten")
    check_page()
    page.get_by_label("Henkilötunnus tai tilapäinen tunniste").fill(MOTHER_HETU)
    page.get_by_role("button", name="Hae", exact=True).click()
    result = page.locator("section[aria-labelledby=lookup-result-title]")
    expect(result).to_contain_text(MOTHER_NAME)
    # The identity code travelled in the POST body, never in the address.
    assert MOTHER_HETU not in page.url
    check_page()
    result.get_by_role("link", name="Lokiote").click()
    expect(page.locator("h1")).to_have_text("Lokiote: kuka on käsitellyt henkilön tietoja")
    rows = page.locator("table.data tbody tr")
    expect(rows.first).to_be_visible()
    check_page()

    # Who processed her data: the shelter's day worker (the person page right after the
    # identification, the episode, the referral form), the Avokriisityö worker (the inbox list
    # and her new episode) and the DPO's own lookup — each with their role and unit at the time
    # and the basis. Not Jussi-työ: the search that found nothing shows nobody, so logs nobody.
    # (The night worker does not appear: before the identification she processed an alias,
    # not a person — see the report of issue 3's journeys.)
    table = page.locator("table.data")
    day = rows.filter(has_text="Päivi Aamunen").filter(has_text="työntekijä, Turvakoti")
    expect(day.filter(has_text="katselu").first).to_be_visible()
    expect(day.first).to_contain_text("jäsenyys työmuodossa")
    crisis = rows.filter(has_text="Aava Avonen").filter(has_text="työntekijä, Avokriisityö")
    expect(crisis.filter(has_text="listaus").first).to_be_visible()
    expect(crisis.filter(has_text="katselu").first).to_be_visible()
    dpo_rows = rows.filter(has_text="Tuija Tietosuoja")
    expect(dpo_rows).to_have_count(1)
    expect(dpo_rows).to_contain_text("haku")
    expect(dpo_rows).to_contain_text("organisaatiotason rooli")
    expect(table).not_to_contain_text("Tero Tukija")
    expect(table).not_to_contain_text("Jussi-työ")

    with page.expect_download() as download_info:
        main.get_by_role("link", name="Lataa PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("lokiote-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes()[:5] == b"%PDF-"
