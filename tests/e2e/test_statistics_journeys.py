"""The executive director's STEA report for Perhetupa, in Finnish, with axe on every page (issue 11).

Her dashboard opens with the overview's summary. She opens "Tilastot", the STEA results report
of Perhetupa for last year (STEA granted Perhetupa its grant for that year), drills from the
monthly visits to March, downloads the XLSX (opened here with openpyxl), marks the report as
sent (the grants register's results-report deadline is then done); a late correction of a March
count then shows in the sent report's difference view while the frozen figures stay as they
were sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import openpyxl
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user
from tupa.dropin.models import DailyCount
from tupa.finance.models import GrantDeadline
from tupa.finance.tests.factories import stea_grant
from tupa.organisations.models import ServiceForm
from tupa.statistics.models import Submission

from .journey import JOURNEY_MARKS, a_service_form, log_in, nav, with_authenticator

pytestmark = JOURNEY_MARKS


def test_director_sends_the_stea_report_of_perhetupa(
    live_server: Any, page: Page, check_page: Callable[..., None], tmp_path: Any
) -> None:
    year = dt.date.today().year - 1
    house = a_service_form(
        "Kuvitteellinen tilastoyhdistys ry",
        organisation_slug="kuvitteellinen-tilasto",
        area="Vauvaperhetyö",
        team="Avopalvelut",
        name="Perhetupa",
        slug="perhetupa",
        kind=ServiceForm.Kind.DROP_IN,
        register=ServiceForm.Register.OWN_ACTIVITY,
        anonymous_allowed=True,
    )
    organisation = house.organisation
    # STEA funds Perhetupa last year (the grants register): its results report is STEA's,
    # due by the deadline the grant's decision set.
    grant = stea_grant(house, year_from=year, target_name="Perhetupa", target_code="Ak 1010")
    with scopes_disabled():
        due = GrantDeadline.objects.create(
            grant=grant, kind=GrantDeadline.Kind.RESULTS_REPORT, due_on=dt.date(year + 1, 3, 31)
        )
    director = with_authenticator(
        org_role_user(
            organisation,
            Role.EXECUTIVE_DIRECTOR,
            first_name="Outi",
            last_name="Johtola",
            username="outi.j",
        )
    )
    # March: 12 + 9 visits on two mornings; May: 7 visits. Hand-computed total 28.
    with scopes_disabled():
        for day, adults, children in (
            (dt.date(year, 3, 6), 5, 7),
            (dt.date(year, 3, 13), 4, 5),
            (dt.date(year, 5, 8), 3, 4),
        ):
            DailyCount.objects.create(
                organisation=organisation,
                service_form=house,
                date=day,
                session="morning",
                adults=adults,
                children=children,
            )

    base = live_server.url
    log_in(page, base, director)
    # The dashboard opens with the overview's summary, asked with htmx after the page loaded.
    panel = page.locator("section[aria-labelledby=overview-panel]")
    expect(panel.locator("svg.chart")).to_be_visible()
    expect(panel.locator("svg.chart")).to_contain_text("Perhetupa · Perhetuvan käynnit")
    check_page()
    nav(page, "Tilastot")
    expect(page.locator("h1")).to_have_text("Tilastot ja ilmoitukset")
    check_page()

    page.get_by_role("link", name="STEA: tuloksellisuusraportti (avoin kohtaamispaikka)").click()
    expect(page.locator("h1")).to_contain_text("Perhetupa")
    expect(page.locator("dl.facts")).to_contain_text("Perhetupa (Ak 1010)")
    check_page()
    monthly = page.locator("figure", has_text="Käynnit kuukausittain")
    expect(monthly.locator("tfoot [data-figure]")).to_have_text("28")

    monthly.get_by_role("link", name="21").click()
    expect(page.locator("[data-figure=drill-total]")).to_have_text("21")
    expect(page.locator("dl.facts")).to_contain_text("Maaliskuu")
    check_page()
    page.get_by_role("link", name="Takaisin", exact=False).click()

    # The workbook is prepared as a background job (run at once in tests) with its own page.
    page.get_by_role("button", name="Valmistele Excel (XLSX)").click()
    expect(page.locator("#job-status")).to_contain_text("Tiedosto on valmis")
    check_page()
    with page.expect_download() as download_info:
        page.locator("#job-status").get_by_role("link", name="Lataa", exact=False).click()
    path = tmp_path / "stea.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path)["Luvut"]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert 28 in values and 21 in values
    assert any(
        "dropin.visits@1" in str(v)
        for v in openpyxl.load_workbook(path)["Määritelmät"].iter_rows(values_only=True)
    )

    page.get_by_role("link", name="Takaisin").click()
    page.get_by_label("Lisätieto (esim. minne ja miten lähetetty)").fill("STEA:n asiointipalvelu")
    page.get_by_role("button", name="Merkitse lähetetyksi").click()
    expect(page.locator("h1")).to_contain_text("Lähetetty ilmoitus")
    expect(page.locator("dl.facts")).to_contain_text("Perhetupa (Ak 1010)")
    check_page()
    # The sent copy downloads as it was sent, its grant target with it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Lataa lähetetty CSV").click()
    sent_csv = tmp_path / "sent.csv"
    download_info.value.save_as(sent_csv)
    assert "Avustuskohde;Perhetupa (Ak 1010)" in sent_csv.read_text(encoding="utf-8-sig")
    with scopes_disabled():
        sent = Submission.objects.get()
        assert sent.note == "STEA:n asiointipalvelu"
        # The grants register's deadline for the report is done.
        due.refresh_from_db()
        assert due.done_on == timezone.localtime(sent.submitted_at).date()
        # A late correction: one more March morning is recorded after sending.
        DailyCount.objects.create(
            organisation=organisation,
            service_form=house,
            date=dt.date(year, 3, 20),
            session="morning",
            adults=2,
            children=1,
        )
    page.reload()
    changes = page.locator("table[data-table=changes]")
    expect(changes).to_be_visible()
    expect(changes).to_contain_text("28")
    expect(changes).to_contain_text("31")
    monthly = page.locator("figure", has_text="Käynnit kuukausittain")
    expect(monthly.locator("tfoot [data-figure]")).to_have_text("28")
    check_page()
