"""A volunteer coordinator takes a man from interest to a match with a waiting family (issue 12).

A fictional Mieskaveri form (every name made up): a mother's application for a friend for her
eight-year-old boy has been through the intake and waits; the form's basic training ran over the
last month. In the browser the coordinator registers a new volunteer with a Mieskaveri task,
records his interview and power of attorney, moves him into training, adds him to the course,
marks his attendance and completion, records the record check (date, who saw it, result — the
form has nothing else), sets him active and matches him with the waiting family, with a note
for the volunteer. She then opens his login to the volunteer portal; he sets his password from
the e-mailed link, logs in, sees the note, and records today's outing with the boy (three
hours); the coordinator's volunteer statistics of the form show the occasion and its hours.
The live server's clock cannot be moved, so the steps before the match are days in the past.
Every page is checked with axe and for CSP violations; the volunteer's page and the portal also
at phone width.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    MembershipFactory,
    ParticipantFactory,
    PersonFactory,
    client_in,
)
from tupa.organisations.models import ServiceForm
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import (
    ActivityKind,
    CaseStatus,
    CheckResult,
    CourseKind,
    HoursEntry,
    Match,
    MatchingCase,
    RecordCheck,
    Status,
    Volunteer,
)
from tupa.volunteers.training import services as training_services

from .journey import (
    HEAVY,
    JOURNEY_MARKS,
    PHONE,
    a_member_of,
    a_service_form,
    current_token,
    enter_code,
    enter_password,
    log_in,
    nav,
    with_authenticator,
)

pytestmark = JOURNEY_MARKS

FRIEND_FIRST, FRIEND_LAST = "Kalle", "Kaverikas"
FRIEND = f"{FRIEND_FIRST} {FRIEND_LAST}"
COURSE = "Mieskaverien peruskoulutus (kokeilu)"
NOTE = "Poika pitää jalkapallosta. Sovi ensimmäinen tapaaminen äidin kanssa."
EMAIL = "kalle.kaverikas@esimerkki.invalid"
PASSWORD = "kaverin-oma-salasana-2026"


def _day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def _save(page: Page) -> None:
    page.locator("main").get_by_role("button", name="Tallenna", exact=True).click()


@HEAVY
def test_coordinator_takes_a_man_from_interest_to_a_match(
    live_server: Any, page: Page, check_page: Callable[..., None]
) -> None:
    form = a_service_form(
        "Kuvitteellinen perheyhdistys ry",
        name="Kaveritoiminta",
        slug="kaveritoiminta",
        kind=ServiceForm.Kind.VOLUNTEER,
    )
    organisation = form.organisation
    coordinator = a_member_of(
        form, role=Role.VOLUNTEER_COORDINATOR, first_name="Tuomo", last_name="Koordinaattori"
    )
    # The form's volunteer coordinator also does its client work: he sees the families.
    MembershipFactory(
        user=coordinator, organisation=organisation, service_form=form, role=Role.COORDINATOR
    )
    today = timezone.localdate()
    with scopes_disabled():
        _mother, episode = client_in(form, first_names="Aino", last_name="Satumetsä")
        boy = PersonFactory.create(
            organisation=organisation,
            first_names="Eetu",
            last_name="Satumetsä",
            birth_date=today - dt.timedelta(days=8 * 365 + 40),
        )
        child = ParticipantFactory.create(episode=episode, person=boy, role="child")
        case = matching_services.case_open(
            actor=coordinator,
            episode=episode,
            applied_on=today - dt.timedelta(days=40),
            area="Lahti",
        )
        matching_services.case_intake(
            actor=coordinator,
            case=case,
            intake_on=today - dt.timedelta(days=30),
            child=child,
            contact_with_men=False,
            wishes="Liikunnallinen kaveri",
            family_situation="Äiti ja poika",
            area="Lahti",
        )
        matching_services.case_set_status(
            actor=coordinator,
            case=case,
            status=CaseStatus.WAITING,
            changed_on=today - dt.timedelta(days=29),
        )
        course = training_services.course_create(
            actor=coordinator,
            service_form=form,
            kind=CourseKind.MIESKAVERI_BASIC,
            name=COURSE,
            starts_on=today - dt.timedelta(days=15),
            ends_on=today - dt.timedelta(days=10),
            place="Heinola",
            planned_hours=Decimal("14"),
        )
        for days in (15, 10):
            training_services.session_add(
                actor=coordinator,
                course=course,
                date=today - dt.timedelta(days=days),
                hours=Decimal("7"),
            )

    base = live_server.url
    main = page.locator("main")
    log_in(page, base, coordinator)

    # ------------------------------------------------------------ interest: a new volunteer
    nav(page, "Vapaaehtoiset")
    expect(page.locator("h1")).to_have_text("Vapaaehtoiset")
    check_page()
    main.get_by_role("link", name="Uusi vapaaehtoinen").click()
    check_page()
    main.get_by_label("Etunimet").fill(FRIEND_FIRST)
    main.get_by_label("Sukunimi").fill(FRIEND_LAST)
    main.get_by_label("Tehtävä", exact=True).select_option(label="Mieskaveri")
    main.get_by_label("Alkaen").fill(_day(25))
    main.get_by_label("Sukupuoli").select_option(label="mies")
    main.get_by_label("Postitoimipaikka").fill("Lahti")
    main.get_by_label("Sähköposti").fill(EMAIL)
    _save(page)
    expect(page.locator("h1")).to_have_text(FRIEND)
    expect(main).to_contain_text("kiinnostunut")
    check_page()
    volunteer_url = page.url

    def change_status(label: str, days_ago: int) -> None:
        main.get_by_role("link", name="Muuta tilaa").click()
        expect(page.locator("h1")).to_contain_text("Muuta tilaa")
        check_page()
        main.get_by_label("Uusi tila").select_option(label=label)
        main.get_by_label("Päivä", exact=True).fill(_day(days_ago))
        _save(page)
        expect(page.locator("h1")).to_have_text(FRIEND)
        expect(main).to_contain_text(f"Tila: {label}")

    # ------------------------------------------------------------ the interview
    change_status("haastateltu", 20)
    main.get_by_role("link", name="Kirjaa haastattelu ja valtakirja").click()
    check_page()
    main.get_by_label("Yksilöhaastattelu pidetty").fill(_day(20))
    main.get_by_label("Haastattelija").select_option(label=str(coordinator))
    main.get_by_label("Valtakirja rikostaustaotteen pyytämiseen saatu").fill(_day(20))
    _save(page)
    expect(page.locator("h1")).to_have_text(FRIEND)
    change_status("koulutuksessa", 15)

    # ------------------------------------------------------------ the basic training
    page.goto(base + reverse("volunteers:course_list"))
    check_page()
    main.get_by_role("link", name=COURSE).click()
    expect(page.locator("h1")).to_have_text(COURSE)
    check_page()
    main.get_by_role("link", name="Lisää osallistuja").click()
    check_page()
    main.get_by_label("Vapaaehtoinen").select_option(label=FRIEND)
    _save(page)
    expect(page.locator("h1")).to_have_text(COURSE)
    for n in range(2):
        main.get_by_role("link", name="Läsnäolot").nth(n).click()
        check_page()
        main.get_by_label(FRIEND).check()
        _save(page)
        expect(page.locator("h1")).to_have_text(COURSE)
    expect(main.locator("#kerrat ~ ul").first).not_to_contain_text("0 läsnä")
    main.get_by_role("link", name="Kirjaa suoritus").click()
    check_page()
    main.get_by_label("Suoritettu").fill(_day(10))
    _save(page)
    expect(page.locator("h1")).to_have_text(COURSE)
    check_page()

    # ------------------------------------------------------------ the record check, then active
    page.goto(volunteer_url)
    main.get_by_role("link", name="Kirjaa rikostaustan tarkistus").click()
    check_page()
    # Exactly the four facts: nothing to type about the extract itself.
    assert main.locator("form textarea").count() == 0
    main.get_by_label("Ote nähty").fill(_day(8))
    main.get_by_label("Otteen antopäivä").fill(_day(20))
    main.get_by_label("Otteen näki").select_option(label=str(coordinator))
    main.get_by_label("ei estettä").check()
    _save(page)
    expect(page.locator("h1")).to_have_text(FRIEND)
    change_status("aktiivinen", 5)
    check_page()
    with scopes_disabled():
        friend = Volunteer.objects.get(first_names=FRIEND_FIRST, last_name=FRIEND_LAST)
        assert friend.status == Status.ACTIVE
        assert list(
            RecordCheck.objects.filter(volunteer=friend).values_list("result", flat=True)
        ) == [CheckResult.FIT]

    # ------------------------------------------------------------ the match
    page.goto(base + reverse("volunteers:cases"))
    expect(page.locator("h1")).to_have_text("Kaveritoiminta")
    check_page()
    main.get_by_role("link", name=str(case.pk), exact=True).click()
    expect(page.locator("h1")).to_have_text(f"Kaveriprosessi {case.pk}")
    expect(main).to_contain_text("odottaa kaveria")
    check_page()
    main.get_by_role("link", name="Valitse kaveri").click()
    check_page()
    main.get_by_label("Kaveri", exact=True).select_option(label=FRIEND)
    main.get_by_label("Kaverisuhde alkaa").fill(today.isoformat())
    main.get_by_label("Viesti vapaaehtoiselle").fill(NOTE)
    _save(page)
    expect(page.locator("h1")).to_have_text(f"Kaveriprosessi {case.pk}")
    expect(main).to_contain_text("kaveri löydetty")
    expect(main.locator('section[aria-labelledby="kaveri"]')).to_contain_text(FRIEND)
    check_page()
    with scopes_disabled():
        case = MatchingCase.objects.get(pk=case.pk)
        assert case.status == CaseStatus.MATCHED
        match = Match.objects.get(case=case)
        assert (match.volunteer_id, match.started_on, match.note_for_volunteer) == (
            friend.pk,
            today,
            NOTE,
        )

    # His page lists the match with the note he will see, never who the family is.
    page.set_viewport_size(PHONE)
    page.goto(volunteer_url)
    expect(main.locator('section[aria-labelledby="perheet"]')).to_contain_text(NOTE)
    expect(main).not_to_contain_text("Satumetsä")
    check_page(max_width=PHONE["width"])

    # ------------------------------------------------------------ his own login to the portal
    main.get_by_role("link", name="Hallinnoi tunnusta").click()
    check_page()
    main.get_by_role("button", name="Avaa tunnus ja lähetä linkki").click()
    expect(main).to_contain_text(EMAIL)
    check_page()
    sent = [m for m in mail.outbox if EMAIL in m.to]
    assert sent, "no activation link was sent"
    link = re.search(r"https?://\S+/vapaaehtoinen/aktivointi/\S+", sent[-1].body)
    assert link, sent[-1].body
    page.context.clear_cookies()
    page.goto(link.group(0))
    expect(page.locator("h1")).to_have_text("Aseta salasana")
    check_page(max_width=PHONE["width"])
    main.get_by_label("Uusi salasana", exact=True).fill(PASSWORD)
    main.get_by_label("Uusi salasana uudelleen").fill(PASSWORD)
    main.get_by_role("button", name="Aseta salasana").click()
    with scopes_disabled():
        login = User.objects.get(username=EMAIL)
    # His authenticator app, as the staff journeys have theirs (enrolment is the login's own
    # test): the code below is what the app would show.
    with_authenticator(login)
    enter_password(page, EMAIL, PASSWORD)
    enter_code(page, current_token(login))
    expect(page.locator("h1")).to_have_text(f"Hei, {FRIEND_FIRST}")
    expect(main).to_contain_text(NOTE)
    check_page(max_width=PHONE["width"])

    # ------------------------------------------------------------ an outing's hours, by himself
    page.goto(base + reverse("volunteer_portal:hours"))
    expect(page.locator("h1")).to_have_text("Toiminta ja tunnit")
    check_page(max_width=PHONE["width"])
    main.get_by_role("link", name="Kirjaa toimintaa").click()
    check_page(max_width=PHONE["width"])
    main.get_by_label("Toiminta", exact=True).select_option(label="retki tai yhteinen tekeminen")
    main.get_by_label("Päivä", exact=True).fill(today.isoformat())
    main.get_by_label("Alkaa").fill("08:00")
    main.get_by_label("Päättyy").fill("11:00")
    _save(page)
    expect(page.locator(".messages")).to_contain_text("Toiminta on kirjattu.")
    check_page(max_width=PHONE["width"])
    with scopes_disabled():
        entry = HoursEntry.objects.get(volunteer=friend)
        assert (entry.kind, entry.date, entry.recorded_by_id) == (
            ActivityKind.OUTING,
            today,
            login.pk,
        )
    page.set_viewport_size({"width": 1280, "height": 900})

    # ------------------------------------------------------------ the coordinator's statistics
    page.context.clear_cookies()
    log_in(page, base, coordinator)
    page.goto(base + reverse("statistics:volunteers", args=[form.slug]))
    expect(page.locator("h1")).to_contain_text("Vapaaehtoistoiminta")
    check_page()
    for indicator, figure in (("volunteers.occasions@1", "1"), ("volunteers.hours@1", "3")):
        total = main.locator(f'figure[data-indicator="{indicator}"]').first.locator("[data-figure]")
        expect(total).to_have_text(re.compile(rf"^\s*{figure}([,.]0+)?\s*$"))
