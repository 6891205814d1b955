"""The night worker's phone (issue 10): a compact header and lists without sideways scrolling.

At 390 × 844 px the header (brand, menu button) and the demo banner leave the first heading
within the first ~160 px, the caseload and the client list fit the width (each row a card), and
the menu button opens the navigation, the language switch and logout — with axe passing on each
state. On a wide screen the navigation is shown without the button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from tupa.core.tests.factories import client_in
from tupa.organisations.models import ServiceForm

from .journey import JOURNEY_MARKS, PHONE, a_member_of, a_service_form, log_in
from .violence_work import the_shelter

pytestmark = JOURNEY_MARKS

FIRST_CONTENT_WITHIN = 160
LAYOUT = """() => {
  const h1 = document.querySelector('main h1');
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    h1Top: h1.getBoundingClientRect().top,
    // A table inside .table-wrap would scroll sideways on its own without widening the page.
    tablesScroll: [...document.querySelectorAll('main .table-wrap')]
      .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1).length,
  };
}"""


def _world() -> tuple[Any, ServiceForm]:
    shelter = the_shelter()
    crisis = a_service_form(
        beside=shelter, name="Avokriisityö", slug="avokriisityo", kind=ServiceForm.Kind.OUTPATIENT
    )
    children = a_service_form(
        beside=shelter,
        name="Lasten ja nuorten kriisityö",
        slug="lapsityo",
        kind=ServiceForm.Kind.OUTPATIENT,
    )
    worker = a_member_of(
        shelter,
        crisis,
        children,
        night_shift=True,
        first_name="Noora",
        last_name="Yölä",
        username="noora.yola",
    )
    # Long names: the rows must wrap, not push the page sideways.
    for first, last in (
        ("Annamaria Kristiina", "Pitkänimi-Esimerkkinen"),
        ("Lumi", "Kuvitelma"),
        ("Helmi-Sofia", "Haavekallio-Virtanen"),
    ):
        client_in(shelter, first_names=first, last_name=last)
    client_in(crisis, first_names="Aino", last_name="Avoin")
    return worker, shelter


def _assert_phone_layout(page: Page) -> None:
    layout = page.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["innerWidth"], f"{page.url} scrolls sideways: {layout}"
    assert layout["h1Top"] <= FIRST_CONTENT_WITHIN, f"{page.url}: first heading at {layout}"
    assert layout["tablesScroll"] == 0, f"{page.url}: a table scrolls sideways: {layout}"


def test_caseload_on_a_phone_has_a_compact_header_and_no_sideways_scroll(
    live_server: Any, page: Page, check_page: Callable[..., None], settings: Any
) -> None:
    settings.TUPA_DEMO = True  # the banner is part of what a demo user sees above the content
    worker, shelter = _world()
    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base, worker)

    page.goto(base + reverse("episodes:caseload"))
    expect(page.locator("main h1")).to_have_text("Omat asiakkuudet")
    check_page(max_width=PHONE["width"])
    _assert_phone_layout(page)
    expect(page.locator(".demo-banner")).to_be_visible()
    # Each row is a card that names its fields.
    row = page.locator("main tbody tr").filter(has_text="Pitkänimi-Esimerkkinen")
    expect(row.locator("td[data-label='Tila']")).to_be_visible()

    # The navigation waits behind the menu button (a disclosure with an accessible name).
    navigation = page.get_by_role("navigation", name="Päävalikko")
    expect(navigation).to_be_hidden()
    button = page.locator("summary.site-menu__button")
    expect(button).to_have_accessible_name("Valikko")
    # Keyboard: the skip link, the brand, then the menu button; Enter opens it.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(navigation).to_be_visible()
    expect(page.locator("form.language-switch button[lang='sv']")).to_be_visible()
    check_page(max_width=PHONE["width"])
    navigation.get_by_role("link", name="Turvakoti", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Turvakoti")
    _assert_phone_layout(page)

    # The client list of the form: the same cards.
    page.get_by_role("link", name="Asiakkaat", exact=True).click()
    expect(page.locator("main h1")).to_contain_text("Turvakoti")
    check_page(max_width=PHONE["width"])
    _assert_phone_layout(page)
    expect(page.locator("main td[data-label='Avattu']").first).to_be_visible()

    # A wide screen shows the navigation bar itself, no menu button.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + reverse("episodes:caseload"))
    expect(button).to_be_hidden()
    expect(navigation).to_be_visible()
    expect(page.locator("main thead")).to_have_count(2)
    check_page()
    assert shelter.slug in page.content()
