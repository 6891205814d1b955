"""Tapaamispaikka through the browser (issue 5 item 4), in Finnish, with an axe check per page.

The coordinator records a district court's order for a supervised exchange with staggered
arrival, schedules the exchanges (the staggered times show per party), and records that one
exchange was interrupted because of a threat, with the meeting record written with the client.
Every name here is made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.accounts.models import Role
from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, PersonFactory
from tupa.episodes.models import Entry
from tupa.organisations.models import Municipality, ServiceForm
from tupa.visitation.models import Meeting

from .journey import JOURNEY_MARKS, a_member_of, a_service_form, log_in

pytestmark = JOURNEY_MARKS


def test_coordinator_schedules_an_exchange_and_records_an_interruption(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    form = a_service_form(
        "Kuvitteellisen tapaamispaikan yhdistys ry",
        organisation_slug="kuvitteellinen-tapaamis",
        area="Perhetyö ja eroauttaminen",
        team="Perhetyön tiimi",
        name="Tapaamispaikka",
        slug="tapaamispaikka",
        kind=ServiceForm.Kind.VISITATION,
    )
    organisation = form.organisation
    coordinator = a_member_of(
        form,
        role=Role.COORDINATOR,
        first_name="Kaisa",
        last_name="Koordinaattori",
        username="kaisa",
    )
    Municipality.objects.get_or_create(
        code="398", defaults={"name_fi": "Lahti", "name_sv": "Lahtis"}
    )
    today = timezone.localdate()
    episode = EpisodeFactory.create(
        service_form=form, organisation=organisation, start_date=today - dt.timedelta(days=30)
    )
    with scopes_disabled():
        for first_name, role in (("Ilona", "client"), ("Iivo", "client"), ("Pikku", "child")):
            ParticipantFactory.create(
                episode=episode,
                role=role,
                person=PersonFactory.create(
                    organisation=organisation, first_names=first_name, last_name="Kuvitelma"
                ),
            )

    base = live_server.url
    main = page.locator("main")
    log_in(page, base, coordinator)

    # The service-form page links to the meeting orders.
    page.goto(base + reverse("organisations:service_form", args=[form.slug]))
    main.get_by_role("link", name="Tapaamismääräykset ja tapaamiset").click()
    expect(page.locator("h1")).to_have_text("Tapaamismääräykset – Tapaamispaikka")
    check_page()

    # 1. The order: a district court decision, supervised exchange, staggered by 20 minutes.
    main.get_by_role("link", name=f"Uusi määräys asiakkuudelle {episode.pk}").click()
    expect(page.locator("h1")).to_have_text("Uusi tapaamismääräys")
    check_page()
    main.get_by_label("Ilona Kuvitelma, asiakas").select_option("resident_parent")
    main.get_by_label("Iivo Kuvitelma, asiakas").select_option("visiting_parent")
    expect(main.get_by_label("Pikku Kuvitelma, lapsi")).to_have_value("child")
    main.get_by_label("käräjäoikeuden päätös").check()
    start = today - dt.timedelta(days=20)
    main.get_by_label("Päätöksen tai sopimuksen päivä").fill(start.isoformat())
    main.get_by_label("Diaari- tai asianumero").fill("H 99/1234")
    main.get_by_label("Määrääjä, jos ei listassa").fill("Kuvitteellinen käräjäoikeus")
    main.get_by_label("valvottu vaihto").check()
    main.get_by_label("Tiheys (viikon välein)").fill("1")
    main.get_by_label("Kesto (min)").fill("15")
    main.get_by_label("Voimassa alkaen").fill(start.isoformat())
    main.get_by_label("Maksava kunta (lapsen kotikunta)").select_option(label="Lahti")
    main.get_by_label("Lapsen tuoja saapuu ennen tapaajavanhempaa (min)").fill("20")
    main.get_by_label("Eri sisäänkäynnit").check()
    main.get_by_role("button", name="Tallenna määräys").click()
    expect(page.locator("h1")).to_have_text(re_or("Valvottu vaihto #"))
    check_page()
    expect(main).to_contain_text("Lapsen tuoja tuo lapsen 20 min ennen tapaajavanhempaa")

    # 2. Schedule four weekly exchanges at 16:00, the first a week ago.
    main.get_by_role("link", name="Aikatauluta tapaamisia").click()
    expect(page.locator("h1")).to_have_text("Aikatauluta tapaamisia")
    check_page()
    first = today - dt.timedelta(days=7)
    main.get_by_label("Ensimmäinen päivä").fill(first.isoformat())
    main.get_by_label("Alkamisaika").fill("16:00")
    main.get_by_label("Tapaamisten määrä").fill("4")
    main.get_by_role("button", name="Luo tapaamiset").click()
    check_page(max_width=None)
    rows = main.locator("#tapaamiset ~ .table-wrap tbody tr")
    expect(rows).to_have_count(4)
    # The staggered times per party: the resident parent brings the child at 15:40 and leaves
    # at once; the visiting parent arrives at 16:00 and leaves with the child at 16:15.
    expect(rows.first).to_contain_text("Lähivanhempi: tuo lapsen 15:40, poistuu heti 15:40")
    expect(rows.first).to_contain_text("Tapaajavanhempi: saapuu 16:00, lähtee lapsen kanssa 16:15")
    expect(rows.first).to_contain_text("Lapsi: tuodaan 15:40, lähtee 16:15")

    # 3. The first exchange was interrupted because of a threat; the record is written with
    #    the resident parent.
    rows.first.get_by_role("link", name="Kirjaa toteutuma").click()
    expect(page.locator("h1")).to_have_text("Tapaamisen toteutuminen")
    check_page()
    main.get_by_label("keskeytettiin").check()
    main.get_by_role("button", name="Tallenna toteutuma").click()
    expect(main.locator(".error-summary")).to_contain_text("Valitse keskeyttämisen syy.")
    check_page()
    main.get_by_label("Keskeyttämisen syy").select_option("threat")
    main.get_by_label("Lyhyt huomio").fill("Tapaajavanhempi korotti ääntään aulassa.")
    main.get_by_label("Tapaamisen kirjaus").fill(
        "Vaihto keskeytettiin, lapsi jäi lähivanhemmalle. Kirjattu yhdessä lähivanhemman kanssa."
    )
    main.get_by_role("button", name="Tallenna toteutuma").click()
    expect(rows.first).to_contain_text("Keskeytettiin: uhkaava käytös tai väkivallan uhka")
    expect(rows.first.get_by_role("link", name="Tapaamisen kirjaus")).to_be_visible()
    check_page()

    with scopes_disabled():
        meeting = Meeting.objects.order_by("starts_at").first()
        assert meeting is not None
        assert meeting.outcome == "interrupted"
        entry = Entry.objects.get(pk=meeting.record_entry_id)
        assert entry.written_with_client
        assert entry.episode_id == episode.pk

    # 4. The billing page counts the interrupted exchange for Lahti.
    page.goto(
        base
        + reverse("visitation:billing", args=[form.slug])
        + f"?start={first.replace(day=1).isoformat()}&end={today.isoformat()}"
    )
    check_page()
    expect(main.locator('[data-figure="grand-total"]')).to_have_text("1")


def re_or(prefix: str) -> Any:
    import re

    return re.compile("^" + re.escape(prefix))
