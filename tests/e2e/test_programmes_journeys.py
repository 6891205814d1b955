"""A group leader runs a Peukaloinen-like baby–parent group in the browser (issue 10 §6).

A fictional Pikkuvarpu group (every name made up) of a group service form is under way: one
pair is already in it. The leader opens the group from the service-form page, adds a second
baby–parent pair (one member: the parent and the baby of the same episode), adds yesterday's
session, records its attendance (one pair present, the other away with notice) with an
anonymous head count, and reads the group's figures in the statistics report the programme
page links to, and on the statistics page. The live server's clock cannot be moved, so the
session is yesterday's (a session counts as held once it has started). Every page is checked with axe and for CSP
violations; the programme page and the statistics page also at phone width (390 px).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.core.tests.factories import ParticipantFactory, PersonFactory, client_in
from tupa.organisations.models import ServiceForm
from tupa.programmes import services
from tupa.programmes.models import PEUKALOINEN_RULES, Attendance, GroupProgramme, Member, Session

from .journey import HEAVY, JOURNEY_MARKS, PHONE, a_member_of, a_service_form, log_in, nav

pytestmark = JOURNEY_MARKS

GROUP = "Pikkuvarpu kevät"
NEW_PARENT, NEW_BABY = "Satu Esimerkki", "Nuppu Esimerkki"
OLD_PARENT, OLD_BABY = "Aino Kuvitelma", "Eetu Kuvitelma"


def _group_row(page: Page, indicator: str) -> Any:
    """The group's row in the report's per-programme table of ``indicator`` (id@version)."""
    figure = page.locator("main").locator(f'figure[data-indicator="{indicator}"]')
    return figure.locator("tbody tr").filter(has_text=GROUP)


@HEAVY
def test_group_leader_records_a_session_and_reads_the_statistics(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    started = time.monotonic()
    form = a_service_form(
        "Kuvitteellinen perheyhdistys ry",
        name="Vauvaryhmät",
        slug="vauvaryhmat",
        kind=ServiceForm.Kind.GROUP,
    )
    organisation = form.organisation
    leader = a_member_of(form, first_name="Helmi", last_name="Ryhmänohjaaja")

    def family(parent: str, baby: str) -> Any:
        first, last = parent.split()
        _person, episode = client_in(form, first_names=first, last_name=last)
        child = PersonFactory.create(
            organisation=organisation, first_names=baby.split()[0], last_name=last
        )
        ParticipantFactory.create(episode=episode, person=child, role="child")
        return episode

    old_episode = family(OLD_PARENT, OLD_BABY)
    family(NEW_PARENT, NEW_BABY)
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    with scopes_disabled():
        programme = services.programme_create(
            actor=leader,
            service_form=form,
            name=GROUP,
            type=GroupProgramme.Type.CLOSED,
            target_group=GroupProgramme.TargetGroup.BABY_PARENT,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=150),
            planned_hours_per_week=15,
            rules=PEUKALOINEN_RULES,
        )
        parent, child = (
            old_episode.participants.order_by("pk").get(role="client"),
            old_episode.participants.get(role="child"),
        )
        services.member_add(
            actor=leader,
            programme=programme,
            participant=parent,
            child=child,
            joined_on=programme.starts_on,
        )

    base = live_server.url
    main = page.locator("main")
    log_in(page, base, leader)

    # ------------------------------------------------------------ opening the group
    nav(page, "Vauvaryhmät")
    expect(page.locator("h1")).to_contain_text("Vauvaryhmät")
    check_page()
    main.get_by_role("link", name="Ryhmät", exact=True).click()
    expect(page.locator("h1")).to_have_text("Ryhmät")
    check_page()
    # The forms the leader did not need today are checked too: a new group, a new leader.
    main.get_by_role("link", name="Uusi ryhmä").click()
    expect(page.locator("h1")).to_have_text("Uusi ryhmä")
    check_page()
    page.go_back()
    main.get_by_role("link", name=GROUP).click()
    expect(page.locator("h1")).to_have_text(GROUP)
    check_page()
    main.get_by_role("link", name="Lisää ohjaaja").click()
    expect(page.locator("h1")).to_contain_text("ohjaaja")
    check_page()
    page.go_back()
    members = main.get_by_role("table", name="Ryhmän osallistujat")
    expect(members).to_contain_text(f"{OLD_PARENT} – {OLD_BABY}")

    # ------------------------------------------------------------ a new baby–parent pair
    main.get_by_role("link", name="Lisää osallistuja").click()
    expect(page.locator("h1")).to_have_text("Lisää osallistuja")
    check_page()
    main.get_by_label("Osallistuja", exact=True).select_option(label=NEW_PARENT)
    baby = main.get_by_label("Parin lapsi")
    baby_option = baby.locator("option", has_text=NEW_BABY)
    baby.select_option(value=baby_option.get_attribute("value"))
    # Rolling intake: the pair started a week ago.
    main.get_by_label("Aloittaa ryhmässä").fill((today - dt.timedelta(days=7)).isoformat())
    main.get_by_role("button", name="Lisää", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Osallistuja lisätty ryhmään.")
    expect(members).to_contain_text(f"{NEW_PARENT} – {NEW_BABY}")
    check_page()

    # ------------------------------------------------------------ yesterday's session
    main.get_by_role("link", name="Lisää kokoontumisia").click()
    expect(page.locator("h1")).to_have_text("Lisää kokoontumisia")
    check_page()
    main.get_by_label("Päivä", exact=True).fill(yesterday.isoformat())
    main.get_by_label("Alkaa klo").fill("09:00")
    main.get_by_label("Päättyy klo").fill("12:45")
    main.get_by_label("Aihe").fill("Vauvahieronta")
    main.get_by_role("button", name="Tallenna", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Kokoontumisia lisätty: 1.")
    sessions = main.get_by_role("table", name="Ryhmän kokoontumiset")
    expect(sessions).to_contain_text("Vauvahieronta")
    check_page()

    # ------------------------------------------------------------ attendance and head count
    sessions.get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text("Läsnäolot")
    check_page()
    # Before the first recording every member is ticked present: the leader unticks the pair
    # who called in and marks them away with notice.
    expect(main.get_by_label(f"{NEW_PARENT} – {NEW_BABY}: paikalla")).to_be_checked()
    main.get_by_label(f"{OLD_PARENT} – {OLD_BABY}: paikalla").uncheck()
    main.get_by_label(f"{OLD_PARENT} – {OLD_BABY}: poissa ilmoittaen").check()
    main.get_by_label("Nimettömiä aikuisia").fill("2")
    main.get_by_label("Nimettömiä lapsia").fill("3")
    main.get_by_role("button", name="Tallenna", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Kokoontumisen tiedot tallennettu.")
    check_page()
    row = sessions.locator("tbody tr").filter(has_text="Vauvahieronta")
    expect(row.locator("td").nth(2)).to_have_text("1 / 2")
    expect(row.locator("td").nth(3)).to_have_text("2")
    expect(row.locator("td").nth(4)).to_have_text("3")
    with scopes_disabled():
        session = Session.objects.get(programme=programme)
        statuses = {
            str(a.member.participant.person): a.status
            for a in Attendance.objects.filter(session=session).select_related(
                "member__participant__person"
            )
        }
        assert Member.objects.filter(programme=programme).count() == 2
    assert statuses == {NEW_PARENT: "present", OLD_PARENT: "excused"}

    # ------------------------------------------------------------ the figures
    # The programme page counts nothing itself: its link opens the group statistics report
    # (internal.programmes) over the programme's period, where the group has a row in each
    # per-programme table. Attendance rate 1 / (1 + 0 + 1) = 50 % is read from the visits and
    # the absences (absent, excused, total).
    expect(main.locator("[data-figure]")).to_have_count(0)
    main.get_by_role("link", name="Ryhmän luvut tilastoissa").click()
    expect(page.locator("h1")).to_contain_text("Ryhmien tilastot")
    check_page()
    expected = {
        "programmes.sessions@1": ["1"],
        "programmes.cancelled_sessions@1": ["0"],
        "programmes.attendances@1": ["1"],
        "programmes.members_present@1": ["1"],
        "programmes.persons@1": ["2"],
        "programmes.absences@1": ["0", "1", "1"],
        "programmes.anonymous@1": ["2", "3", "0", "5"],
    }
    for name, values in expected.items():
        expect(_group_row(page, name).locator("td")).to_have_text(values)
    page.go_back()
    expect(page.locator("h1")).to_have_text(GROUP)

    main.get_by_role("link", name="Kaikki ryhmät").click()
    main.get_by_role("link", name="Ryhmien tilastot").click()
    # The old address leads to the engine's group statistics report (internal.programmes).
    expect(page.locator("h1")).to_contain_text("Ryhmien tilastot")
    expect(main).to_contain_text(GROUP)
    check_page()
    # A period that ends before it starts: the error summary, checked as well.
    main.get_by_label("Alkaen").fill(today.isoformat())
    main.get_by_label("Päättyen").fill(yesterday.isoformat())
    main.get_by_role("button", name="Näytä").click()
    expect(main.locator(".error-summary")).to_contain_text("Päättymispäivä on ennen alkamispäivää.")
    check_page()

    # ------------------------------------------------------------ on a phone
    page.set_viewport_size(PHONE)
    page.goto(base + reverse("programmes:detail", args=[programme.pk]))
    expect(page.locator("h1")).to_have_text(GROUP)
    check_page(max_width=PHONE["width"])
    page.goto(base + reverse("programmes:session", args=[session.pk]))
    expect(main.get_by_label(f"{OLD_PARENT} – {OLD_BABY}: poissa ilmoittaen")).to_be_checked()
    check_page(max_width=PHONE["width"])
    page.goto(base + reverse("programmes:statistics", args=[form.slug]))
    check_page(max_width=PHONE["width"])
    print(f"programmes journey: {time.monotonic() - started:.1f} s")
