"""An access request as a reviewed workflow, through the browser (issue 10, "Then build" 2).

The DPO receives an access request from a Jussi-työ client (perpetrator work) whose journal
entry names his partner, a shelter client; the draft withholds the entry until it is reviewed;
the DPO redacts it, the Jussi-työ worker confirms the unit's review, the DPO issues a partial
decision as a PDF and records the delivery, and the client's log extract shows the disclosure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.episodes.models import Entry, Participant

from .journey import HEAVY, JOURNEY_MARKS, log_in, log_out
from .violence_work import MOTHER_FIRST, build_world

pytestmark = JOURNEY_MARKS


@HEAVY
def test_dpo_reviews_redacts_and_delivers_a_partial_decision(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    world = build_world()
    base = live_server.url
    partner = world.partner
    with scopes_disabled():
        own = Participant.objects.get(person=partner)
        entry = Entry.objects.create(
            episode=own.episode,
            type="individual_meeting",
            occurred_at=own.episode.opened_at,
            author=world.jussi_worker,
            text=f"Pekka kertoi riidasta, jossa {MOTHER_FIRST} pelkäsi.",
        )
        entry.participants.set([own])

    # ---------------------------------------------------------------- received → draft
    log_in(page, base, world.dpo)
    page.goto(base + reverse("rights:person_lookup"))
    page.get_by_label("Henkilötunnus tai tilapäinen tunniste").fill(partner.temporary_id)
    page.get_by_role("button", name="Hae", exact=True).click()
    page.get_by_role("link", name="Kirjaa tietopyyntö (tarkastettava ote)").click()
    check_page()
    page.get_by_label("Pyyntö", exact=True).fill("Kirjeellä saapunut tietopyyntö")
    page.get_by_role("button", name="Kirjaa pyyntö").click()
    expect(page.locator("h1")).to_contain_text("Tietopyyntö #")
    check_page()
    detail_url = page.url
    page.get_by_label("Miten henkilöllisyys varmistettiin").fill("Passi tarkistettu käynnillä")
    page.get_by_role("button", name="Henkilöllisyys varmistettu").click()
    page.get_by_role("button", name="Kokoa luonnos").click()
    expect(page.get_by_text("1 kohta odottaa tarkastusta.")).to_be_visible()
    check_page()

    # ---------------------------------------------------------------- the DPO redacts
    page.get_by_role("link", name="Tarkasta luonnos").click()
    item = page.locator(f"#k-entry{entry.pk}")
    expect(item).to_contain_text("Väkivaltaa käyttäneiden työn kirjaus")
    check_page()
    item.get_by_label("Annetaan peitettynä").check()
    item.get_by_label("Annettava teksti (peitettynä)").fill(
        "Pekka kertoi riidasta, jossa [peitetty]."
    )
    item.get_by_label("Perustelu").fill("Toisen henkilön tietoja")
    item.get_by_role("button", name="Tallenna päätös").click()
    expect(page.locator(f"#k-entry{entry.pk}")).to_contain_text("annetaan peitettynä")
    log_out(page)

    # ---------------------------------------------------------------- the unit's worker
    log_in(page, base, world.jussi_worker)  # the dashboard leads to the unit's review list
    panel = page.locator("section", has=page.locator("#access-request-panel"))
    expect(panel).to_contain_text(
        "Tarkastettavana olevia tietopyyntöjä, joissa on yksikkösi tietoja: 1"
    )
    check_page()
    panel.get_by_role("link", name="Tarkastettavat tietopyynnöt").click()
    page.get_by_role("link", name=f"{partner.first_names} {partner.last_name}").click()
    check_page()
    page.get_by_role("button", name="Merkitse yksikön Jussi-työ tarkastus valmiiksi").click()
    expect(page.get_by_text("Yksikön tarkastus on kirjattu.")).to_be_visible()
    log_out(page)

    # ---------------------------------------------------------------- decision and delivery
    log_in(page, base, world.dpo)
    page.goto(detail_url)
    page.get_by_role("button", name="Tietosuojavastaavan tarkastus valmis").click()
    page.get_by_label("Tiedot annetaan osittain").check()
    page.get_by_label("Perusteltu päätös").fill("Toisen henkilön tiedot on peitetty (TSL 34 §).")
    page.get_by_role("button", name="Tee päätös").click()
    check_page()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Lataa päätös ja ote (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("tietopyynto-paatos-")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    page.get_by_label("Toimitustapa").fill("annettu henkilökohtaisesti")
    page.get_by_role("button", name="Kirjaa toimitetuksi").click()
    expect(page.locator("dl.facts")).to_contain_text("toimitettu")

    # ---------------------------------------------------------------- the log extract
    page.goto(base + reverse("rights:person_lookup"))
    page.get_by_label("Henkilötunnus tai tilapäinen tunniste").fill(partner.temporary_id)
    page.get_by_role("button", name="Hae", exact=True).click()
    page.get_by_role("link", name="Lokiote").click()
    expect(page.locator("#disclosures-title")).to_be_visible()
    expect(page.locator("table[aria-labelledby=disclosures-title]")).to_contain_text(
        "ote asiakkaalle (tietopyyntö)"
    )
    check_page()
