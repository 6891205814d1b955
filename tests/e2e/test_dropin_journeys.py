"""The Perhetupa worker counts a morning's visitors on a phone (390 × 844), in Finnish, with an
axe check on every page (issue 5, item 3).

The worker opens "Tänään" from the service-form page, chooses the morning, taps the visitors
in as they arrive (htmx swaps the counters in place), corrects a mistaken tap with the minus
button and another with "Kumoa", and finally checks the day's figure on the statistics page.
Nothing in the flow asks for a name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.dropin.models import DailyCount
from tupa.organisations.models import ServiceForm

from .journey import JOURNEY_MARKS, PHONE, a_member_of, a_service_form, log_in, nav

pytestmark = JOURNEY_MARKS


def _tap(page: Page, name: str, expected: str, counter: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator(f'output[data-count="{counter}"]')).to_have_text(expected)


def test_perhetupa_worker_counts_a_morning_on_a_phone(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    house = a_service_form(
        "Kuvitteellisen perhetalon yhdistys ry",
        organisation_slug="kuvitteellinen-tupa",
        area="Vauvaperhetyö",
        team="Avopalvelut",
        name="Perhetupa",
        slug="perhetupa",
        kind=ServiceForm.Kind.DROP_IN,
        register=ServiceForm.Register.OWN_ACTIVITY,
        anonymous_allowed=True,
    )
    worker = a_member_of(house, first_name="Minna", last_name="Tupala", username="minna.t")

    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base, worker)
    check_page(max_width=PHONE["width"])

    nav(page, "Perhetupa")
    expect(page.locator("h1")).to_have_text("Perhetupa")
    page.get_by_role("link", name="Tänään: kävijöiden laskenta").click()
    expect(page.locator("h1")).to_have_text("Tänään")
    check_page(max_width=PHONE["width"])

    page.get_by_role("navigation", name="Aukioloaika").get_by_role("link", name="Aamupäivä").click()
    expect(page.get_by_role("link", name="Aamupäivä")).to_have_attribute("aria-current", "page")

    # Two mothers with a toddler and a baby each, a father with a toddler, one family new.
    for expected in ("1", "2", "3"):
        _tap(page, "Aikuiset: lisää yksi", expected, "adults")
    for expected in ("1", "2", "3"):
        _tap(page, "Lapset (1 v ja yli): lisää yksi", expected, "children")
    for expected in ("1", "2"):
        _tap(page, "Alle 1-vuotiaat: lisää yksi", expected, "under_ones")
    _tap(page, "Ensikertalaiset perheet: lisää yksi", "1", "first_timers")
    # One toddler too many: the minus button; a second first-timer by mistake: undo.
    _tap(page, "Lapset (1 v ja yli): vähennä yksi", "2", "children")
    _tap(page, "Ensikertalaiset perheet: lisää yksi", "2", "first_timers")
    page.get_by_role(
        "button", name="Kumoa viimeisin napautukseni (Ensikertalaiset perheet +1)"
    ).click()
    expect(page.locator('output[data-count="first_timers"]')).to_have_text("1")
    expect(page.locator("#tally-status")).to_contain_text("Tänään yhteensä 7 käyntiä")
    check_page(max_width=PHONE["width"])

    # The page works the same after a reload (nothing lives only in the browser).
    page.reload()
    expect(page.locator('output[data-count="adults"]')).to_have_text("3")
    expect(page.locator('output[data-count="children"]')).to_have_text("2")

    with scopes_disabled():
        count = DailyCount.objects.get(service_form=house, session="morning")
    assert (count.adults, count.children, count.under_ones, count.first_timers) == (3, 2, 2, 1)

    page.get_by_role("link", name="Tilastot", exact=True).click()
    # The old address leads to the engine's report of the house (internal.dropin).
    expect(page.locator("h1")).to_contain_text("Perhetuvan kävijätilastot")
    expect(page.locator("main")).to_contain_text("Perhetuvan käynnit")
    check_page(max_width=PHONE["width"])
    assert "/internal.dropin/" in page.url and house.slug in page.url
