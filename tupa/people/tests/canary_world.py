"""The canary world and its URL sweep, shared by the canary test (``test_canary.py``), the
wall sweep (``tupa/episodes/tests/test_wall.py``) and the bad-input sweep
(``tests/test_bad_input.py``): a person under turvakielto with canary values in every
restricted field, her child, their episodes in several service forms, and every GET URL of the
project with its parameters filled from these objects."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Iterator
from itertools import product
from typing import Any
from urllib.parse import urlencode

from django.core import mail
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.urls.converters import IntConverter, SlugConverter, StringConverter
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    TeamFactory,
    org_role_user,
    worker_in,
)
from tupa.episodes.models import Assignment, Entry, Goal, Referral
from tupa.organisations.models import Municipality
from tupa.people.models import (
    Alias,
    Consent,
    Household,
    HouseholdMember,
    Relationship,
    Restriction,
)

MOTHER = {
    "street_address": "KANARIA-OSOITE-7f3a",
    "postal_code": "K7F3APNRO",
    "post_office": "KANARIA-TOIMIPAIKKA-7f3a",
    "phone": "KANARIA-PUH-7f3a",
    "email": "kanaria-posti-7f3a@example.invalid",
}
CHILD = {
    "street_address": "KANARIA-LAPSI-OSOITE-7f3a",
    "postal_code": "K7F3ALNRO",
    "phone": "KANARIA-LAPSI-PUH-7f3a",
}
CONTACT_ADDRESS = "KANARIA-YHTEYSOSOITE-7f3a"
MUNICIPALITY = "Kanariakunta-7f3a"
MUNICIPALITY_CODE = "999"
SHELTER_ADDRESS = "KANARIA-TURVAKODIN-OSOITE-7f3a"
CANARIES = [*MOTHER.values(), *CHILD.values(), CONTACT_ADDRESS, MUNICIPALITY]
#: A volunteer's contact data: read in the register by his coordinators and the executive
#: director, and by himself in the portal; by no one else (issue 12, "Must hold").
VOLUNTEER = {
    "phone": "KANARIA-VE-PUH-7f3a",
    "street_address": "KANARIA-VE-OSOITE-7f3a",
    "post_office": "KANARIA-VE-TOIMIPAIKKA-7f3a",
}
#: The coordinator's note for the volunteer on his link to the mother's family: the volunteer
#: and the coordinators read it; the episode's workers see the link's name, role and dates only.
VOLUNTEER_NOTE = "KANARIA-VE-VIESTI-7f3a"
VOLUNTEER_CANARIES = [*VOLUNTEER.values(), VOLUNTEER_NOTE]
#: Who may see the volunteer canaries (the positive control for the executive director is in
#: the sweep; the volunteer sees his own in the portal).
VOLUNTEER_READERS = {"exec", "volunteer"}
#: The ex-partner's contact data as Jussi-työ stored them (no turvakielto). A Perhetupa intake
#: reused his record (docs/security.md "Intake reuse"): until a Perhetupa lead confirms him, the
#: Perhetupa worker reads the phone typed at the intake, never these.
HELD = {
    "street_address": "KANARIA-PIDATETTY-OSOITE-7f3a",
    "phone": "KANARIA-PIDATETTY-PUH-7f3a",
}
HELD_CANARIES = list(HELD.values())
#: What the Perhetupa worker typed at the intake (his to read; the hold's positive control).
HELD_GIVEN_PHONE = "ANNETTU-PUH-7f3a"
#: Who reads the stored values: the Jussi-työ worker, whose unit stored them.
HELD_READERS = {"jussi_worker"}

MOTHER_NAME = ("Kaarina", "Kanervisto")
MOTHER_HETU = "010190-123A"

CLIENT_PREFIXES = ("/henkilot/", "/asiakkuudet/", "/oikeudet/", "/lokit/")
SKIP_NAMES = {"set_language", "accounts:logout", "accounts:logout_everywhere"}
SAMPLE_SLUG = "ei-olemassa"
MAX_COMBINATIONS = 60

ROLES = [
    "shelter_worker",
    "shelter_lead",
    "avokriisi_worker",
    "lapsityo_worker",
    "other_form_worker",
    "jussi_worker",
    "admin",
    "dpo",
    "exec",
    "finance",
    "volunteer",  # a volunteer's own portal login (docs/volunteer-portal.md): 404 outside it
]


# --- the world ---------------------------------------------------------------------------------


def build_world() -> dict[str, Any]:
    """The canary world; also the world of the wall sweep in ``tupa/episodes/tests/test_wall.py``."""
    shelter = ServiceFormFactory.create(
        name="Turvakoti",
        slug="turvakoti",
        kind="residential",
        violence_work="victim",
        description=f"Turvakodin osoite {SHELTER_ADDRESS}",
    )
    org, area = shelter.organisation, shelter.area
    team = TeamFactory.create(organisation=org, area=area)

    def form(name: str, slug: str, violence_work: str = "") -> Any:
        return ServiceFormFactory.create(
            organisation=org,
            area=area,
            team=team,
            name=name,
            slug=slug,
            violence_work=violence_work,
        )

    avokriisi = form("Avokriisityö", "avokriisi", "victim")
    lapsityo = form("Lapsityö", "lapsityo", "victim")
    jussi = form("Jussi-työ", "jussi", "perpetrator")
    perhetupa = form("Perhetupa", "perhetupa")
    municipality = Municipality.objects.create(
        code=MUNICIPALITY_CODE, name_fi=MUNICIPALITY, name_sv=MUNICIPALITY, region_code="99"
    )

    users = {
        "shelter_worker": worker_in(shelter),
        "shelter_lead": worker_in(shelter, role=Role.LEAD),
        "avokriisi_worker": worker_in(avokriisi),
        "lapsityo_worker": worker_in(lapsityo),
        "other_form_worker": worker_in(perhetupa),
        "jussi_worker": worker_in(jussi),
        "admin": org_role_user(org, Role.ADMINISTRATOR, is_staff=True),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "exec": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "finance": org_role_user(org, Role.FINANCE),
    }
    volunteer, users["volunteer"] = _volunteer_login(org, area, team)
    author = users["shelter_worker"]

    mother = PersonFactory.create(
        organisation=org,
        first_names=MOTHER_NAME[0],
        last_name=MOTHER_NAME[1],
        hetu=MOTHER_HETU,
        birth_date=dt.date(1990, 1, 1),
    )
    child = PersonFactory.create(
        organisation=org,
        first_names="Kerttu",
        last_name=MOTHER_NAME[1],
        birth_date=dt.date(2019, 5, 5),
        municipality=municipality,
        **CHILD,
    )
    ex_partner = PersonFactory.create(
        organisation=org,
        first_names="Kalervo",
        last_name="Kanto",
        birth_date=dt.date(1985, 2, 2),
        **HELD,
    )
    with scopes_disabled():
        # a later update, so that the change history holds the canaries in a diff as well
        for name, value in MOTHER.items():
            setattr(mother, name, value)
        mother.municipality = municipality
        mother._history_user = author  # type: ignore[attr-defined]
        mother.save()
        restriction = Restriction.objects.create(
            person=mother,
            kind=Restriction.Kind.TURVAKIELTO,
            source="Väestötietojärjestelmä",
            valid_from=dt.date(2024, 1, 1),
            valid_until=dt.date(2025, 1, 1),  # expired, not reviewed: still in force
            contact_address=CONTACT_ADDRESS,
            covers_household_children=True,
            created_by=author,
        )
        household = Household.objects.create(organisation=org, name="Kanerviston perhe")
        HouseholdMember.objects.create(household=household, person=mother)
        HouseholdMember.objects.create(household=household, person=child)
        Relationship.objects.create(person=mother, relative=child, kind="parent")
        Relationship.objects.create(person=mother, relative=ex_partner, kind="ex_partner")

    stay = EpisodeFactory.create(service_form=shelter, organisation=org, created_by=author)
    crisis = EpisodeFactory.create(service_form=avokriisi, organisation=org, created_by=author)
    children_work = EpisodeFactory.create(
        service_form=lapsityo, organisation=org, created_by=author
    )
    jussi_episode = EpisodeFactory.create(service_form=jussi, organisation=org, created_by=author)
    p_mother = ParticipantFactory.create(
        episode=stay, person=mother, role="client", violence_role="experienced"
    )
    p_child = ParticipantFactory.create(
        episode=stay, person=child, role="child", violence_role="witnessed"
    )
    ParticipantFactory.create(episode=crisis, person=mother, role="client")
    ParticipantFactory.create(episode=children_work, person=child, role="child")
    ParticipantFactory.create(episode=children_work, person=mother, role="close_person")
    ParticipantFactory.create(
        episode=jussi_episode, person=ex_partner, role="client", violence_role="used"
    )
    enquiry = _held_enquiry(perhetupa, ex_partner, users["other_form_worker"])
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=org,
            label="Yöasiakas 1",
            service_form=shelter,
            created_by=author,
            person=mother,
            linked_at=stay.opened_at,
            linked_by=author,
            link_reason="Tunnistettu aamulla",
        )
        entry = Entry.objects.create(
            episode=stay,
            type="intake",
            occurred_at=stay.opened_at,
            author=author,
            text="Tulotapaaminen yöllä.",
        )
        entry.participants.add(p_mother)
        referral = Referral.objects.create(
            organisation=org,
            from_episode=stay,
            to_service_form=avokriisi,
            person=mother,
            reason="Jatkotuki",
            consent_given=True,
            created_by=author,
            to_episode=crisis,
            status="accepted",
        )
        goal = Goal.objects.create(episode=stay, text="Turvallinen asuminen", created_by=author)
        assignment = Assignment.objects.create(
            episode=stay, user=author, valid_from=dt.date(2026, 1, 5), assigned_by=author
        )
        consent = Consent.objects.create(
            person=mother,
            purpose="sharing",
            recipient_service_form=avokriisi,
            episode=stay,
            given_on=dt.date(2026, 1, 5),
            recorded_by=author,
        )
        family_link = _family_link(volunteer, stay)
    residence = _residence(shelter, stay, [p_mother, p_child], author)
    surveys = _survey_data(crisis, stay, mother, users["avokriisi_worker"], author)
    return {
        "org": org,
        "users": users,
        "mother": mother,
        "child": child,
        "ex_partner": ex_partner,
        "ids": {
            "person": [mother.pk, child.pk, ex_partner.pk],
            "episode": [stay.pk, crisis.pk, children_work.pk, jussi_episode.pk, enquiry.pk],
            "restriction": [restriction.pk],
            "entry": [entry.pk],
            "alias": [alias.pk],
            "referral": [referral.pk],
            "household": [household.pk],
            "consent": [consent.pk],
            "participant": [p_mother.pk],
            "goal": [goal.pk],
            "assignment": [assignment.pk],
            "municipality": [municipality.pk],
            "volunteer": [volunteer.pk],
            "family_link": [family_link.pk],
            "stay": [residence.pk],
            "place": [residence.place_id],
            **surveys,
            "absent": [987654],
        },
        "slugs": [f.slug for f in (shelter, avokriisi, lapsityo, jussi, perhetupa)],
        "organisation_slug": org.slug,
    }


def _held_enquiry(perhetupa: Any, person: Any, worker: Any) -> Any:
    """The Perhetupa worker's enquiry that reused the ex-partner's record: a hold with the
    phone he typed, as the intake opens it (:func:`tupa.people.services.holds.hold_if_hidden`)."""
    from tupa.people.services import hold_if_hidden

    with scopes_disabled():
        held = hold_if_hidden(
            actor=worker, person=person, service_form=perhetupa, fields={"phone": HELD_GIVEN_PHONE}
        )
    assert held, "the Perhetupa worker read the ex-partner before the intake"
    enquiry = EpisodeFactory.create(
        service_form=perhetupa, organisation=perhetupa.organisation, created_by=worker
    )
    ParticipantFactory.create(episode=enquiry, person=person, role="client")
    return enquiry


def _residence(shelter: Any, episode: Any, members: list[Any], actor: Any) -> Any:
    """The mother and her child live in the shelter's family place since this morning."""
    from tupa.residential.models import PayerCategory, Place
    from tupa.residential.stays.services import stay_admit

    with scopes_disabled():
        family_place = Place.objects.create(
            organisation=shelter.organisation,
            service_form=shelter,
            name="Perhepaikka 1",
            code="p1",
            order=1,
        )
    arrived = timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0)
    return stay_admit(
        actor=actor,
        episode=episode,
        place=family_place,
        arrived_at=arrived,
        members=members,
        payer_category=PayerCategory.MUNICIPALITY,
    )


def _volunteer_login(org: Any, area: Any, team: Any) -> tuple[Any, Any]:
    """A Mieskaveri volunteer (canaries in his contact data) with his own portal login."""
    from tupa.volunteers.portal import services as portal_services
    from tupa.volunteers.register import services as volunteer_services

    mieskaveri = ServiceFormFactory.create(
        organisation=org,
        area=area,
        team=team,
        name="Mieskaveri",
        slug="mieskaveri",
        kind="volunteer",
    )
    coordinator = worker_in(mieskaveri, role=Role.VOLUNTEER_COORDINATOR)
    with scopes_disabled():
        volunteer = volunteer_services.volunteer_create(
            actor=coordinator,
            service_form=mieskaveri,
            role="mieskaveri",
            started_on=dt.date(2026, 1, 5),
            first_names="Veikko",
            last_name="Vapaaehtoinen",
            email="veikko@example.invalid",
            **VOLUNTEER,
        )
        access = portal_services.portal_grant(
            actor=coordinator, volunteer=volunteer, absolute=lambda path: path
        )
    mail.outbox.clear()
    return volunteer, access.user


def _family_link(volunteer: Any, episode: Any) -> Any:
    """The volunteer offered to the mother's family (VOL-14), with a note for him."""
    from tupa.volunteers.models import FamilyLink

    return FamilyLink.objects.create(
        organisation=episode.organisation,
        volunteer=volunteer,
        episode=episode,
        role="mieskaveri",
        started_on=dt.date(2026, 1, 10),
        note_for_volunteer=f"Tapaaminen torstaisin. {VOLUNTEER_NOTE}",
        created_by=episode.created_by,
    )


def _survey_data(crisis: Any, stay: Any, mother: Any, worker: Any, author: Any) -> dict[str, Any]:
    """The mother's feedback: an outcome measure answered in Avokriisityö (linked, with a free
    text), an open follow-up invitation, and the THL form link given at the shelter."""
    from tupa.surveys.models import Channel, ItemKind, MeasurementPoint, ThlFormGiven
    from tupa.surveys.recording import clean_answers, response_record
    from tupa.surveys.tests.support import invitation_for, published_questionnaire

    version = published_questionnaire(
        crisis.service_form,
        actor=worker,
        items={"safety": (ItemKind.SCALE5, True), "note": (ItemKind.TEXT, False)},
        is_outcome_measure=True,
    )
    cleaned, _errors = clean_answers(version, {"safety": "2", "note": "Turvallisempi olo."})
    response, _created = response_record(
        version=version,
        service_form=crisis.service_form,
        channel=Channel.IN_PERSON,
        answers=cleaned,
        submission_key="kanaria-1",
        anonymous=False,
        episode=crisis,
        person=mother,
        measurement_point=MeasurementPoint.START,
        recorded_by=worker,
    )
    invitation, _token = invitation_for(
        version, crisis.service_form, actor=worker, anonymous=False, episode=crisis, person=mother
    )
    ThlFormGiven.objects.create(
        organisation=stay.organisation,
        episode=stay,
        person=mother,
        given_on=dt.date(2026, 1, 6),
        recorded_by=author,
    )
    return {
        "questionnaire": [version.questionnaire_id],
        "version": [version.pk],
        "invitation": [invitation.pk],
        "response": [response.pk],
    }


def volunteer_may_reach(url: str) -> bool:
    """What a volunteer login may open: the portal, its own account pages, public pages."""
    from django.urls import Resolver404, resolve

    from tupa.access.marks import access_class
    from tupa.access.volunteer_portal import ACCOUNT_PAGES, PORTAL_NAMESPACE

    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return (
        match.namespace == PORTAL_NAMESPACE
        or match.view_name in ACCOUNT_PAGES
        or access_class(match.func) == "public"
    )


# --- the URL sweep -----------------------------------------------------------------------------


def _patterns(
    patterns: Any, prefix: str = "", namespace: str = "", in_admin: bool = False
) -> Iterator[tuple[str, str | None, dict[str, Any], bool]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _patterns(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                ns,
                in_admin or pattern.app_name == "admin",
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            converters = getattr(pattern.pattern, "converters", None)
            if converters is None:  # a regex pattern: only the parameterless ones
                route = prefix + str(pattern.pattern)
                if "(" not in route and "<" not in route:
                    yield "/" + route.lstrip("^").rstrip("$"), name, {}, in_admin
                continue
            yield prefix + str(pattern.pattern), name, dict(converters), in_admin


#: The object behind a parameter, from the path segment just before it.
SEGMENT_OBJECT = {
    "henkilo": "person",
    "henkilot": "person",
    "yhdista": "person",
    "asiakkuudet": "episode",
    "kirjaukset": "entry",
    "ohjaukset": "referral",
    "peitenimi": "alias",
    "perhe": "household",
    "osallistujat": "participant",
    "turvakielto": "restriction",
    "tavoitteet": "goal",
    "tyontekijat": "assignment",
    "vapaaehtoiset": "volunteer",
    "perhelinkki": "family_link",
    "kysely": "questionnaire",
    "versio": "version",
    "kutsut": "invitation",
    "ryhmat": "programme",  # a group programme (the bad-input world has one)
    # Objects the canary world does not have (questionnaire parts, kiosks, schedules, quality
    # records, THL summaries, agreements, grants): one id that exists nowhere is enough — the
    # page answers 404 — instead of every id of the world.
    **dict.fromkeys(
        (
            "osio",
            "kysymys",
            "vaihtoehto",
            "kioski",
            "aikataulut",
            "laatu",
            "kriteeristot",
            "kriteerit",
            "thl",
            "sopimukset",
            "avustukset",
            "maaraajat",
            # invoices, runs, payments, budget rows, account ranges, income, funds, sent returns
            "laskut",
            "rivit",
            "ajot",
            "suoritukset",
            "talousarvio",
            "tilit",
            "tuotot",
            "rahastot",
            "lahetetyt",
        ),
        "absent",
    ),
}


def _pool(param: str, route: str, ids: dict[str, list[int]]) -> list[int]:
    for key, values in ids.items():
        if key in param:
            return values
    before = route.split(f":{param}>", 1)[0].rsplit("<", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    segment_key = SEGMENT_OBJECT.get(before)
    if segment_key is not None and segment_key in ids:
        return ids[segment_key]
    return sorted({v for values in ids.values() for v in values})


def _admin_relevant(name: str) -> bool:
    """Admin pages worth sweeping: change lists, and object pages of client/reference models."""
    if name.endswith("_add"):
        return False
    return name.endswith("_changelist") or any(
        part in name for part in ("people_", "episodes_", "organisations_municipality")
    )


def get_refused(view: Any) -> bool:
    """A view that answers GET with 405 whoever asks (``require_POST``): its empty 405 carries
    nothing to leak, so the sweep does not request it (the URL inventory asks it as every role)."""
    func = view
    for _ in range(20):  # down the decorators (functools.wraps sets __wrapped__)
        if func is None:
            break
        for name, cell in zip(func.__code__.co_freevars, func.__closure__ or (), strict=False):
            if name == "request_method_list":
                return "GET" not in cell.cell_contents
        func = getattr(func, "__wrapped__", None)
    return False


def _str_values(key: str, world: dict[str, Any]) -> list[str]:
    """Values for a ``<slug:…>`` or ``<str:…>`` parameter. Service-form slugs (and one that
    exists nowhere) where a service form can stand; the organisation's slug for an
    organisation; else (return templates, export formats, tokens: nothing of the world can
    stand there) one value that exists nowhere, which the page answers with 404."""
    if key == "organisation":
        return [world["organisation_slug"], SAMPLE_SLUG]
    if "slug" in key or key == "key":
        return [*world["slugs"], SAMPLE_SLUG]
    return [SAMPLE_SLUG]


def _return_urls(
    name: str, converters: dict[str, Any], world: dict[str, Any], year: int
) -> list[str]:
    """A statistics return's page for every registered template and each subject it can be
    about: the world's service forms, the canary municipality (999) and the organisation.

    Only the return page itself (``template_id``, ``year``, ``key``; sending refuses GET and is
    left out, as in :func:`sweep_urls`); its exports are reached through the links it offers.
    Its lines' drill-downs are the page of :func:`_indicator_urls` for the line's indicator."""
    from tupa.statistics.returns import registry as returns
    from tupa.statistics.returns.base import Scope
    from tupa.statistics.views.common import ORGANISATION

    if set(converters) != {"template_id", "year", "key"}:
        return []
    subjects: dict[str, list[str]] = {
        Scope.SERVICE_FORM: world["slugs"],
        Scope.MUNICIPALITY: [MUNICIPALITY_CODE],
        Scope.ORGANISATION: [ORGANISATION],
    }
    urls = [
        reverse(name, kwargs={"template_id": template.id, "year": year, "key": key})
        for template in returns.latest()
        for key in subjects[template.scope]
    ]
    return [url for url in urls if not get_refused(resolve(url).func)]


def _indicator_urls(name: str, world: dict[str, Any], year: int) -> list[str]:
    """An indicator's drill-down page (the overview's figures link there: its breakdowns and
    the records behind it) for every registered indicator, on the first of the world's service
    forms it counts (the page is one view for all forms; its records differ by indicator)."""
    from tupa.organisations.models import ServiceForm
    from tupa.statistics.indicators import registry as indicators

    with scopes_disabled():
        forms = list(ServiceForm.objects.filter(organisation=world["org"], slug__in=world["slugs"]))
    urls = []
    for indicator in indicators.latest():
        form = next((f for f in forms if indicator.applies(f)), None)
        if form is not None:
            kwargs = {"indicator_id": indicator.id, "slug": form.slug, "year": year}
            urls.append(reverse(name, kwargs=kwargs))
    return urls


def sweep_urls(world: dict[str, Any]) -> list[str]:
    """Every GET URL without parameters, or with parameters filled from the world's objects.

    A year is this year's (the world's records are of today). Views that refuse GET outright
    (:func:`get_refused`) are left out."""
    urls: list[str] = []
    ids = world["ids"]
    this_year = timezone.localdate().year
    for route, name, converters, in_admin in _patterns(get_resolver().url_patterns):
        if name in SKIP_NAMES or "ulos" in route:
            continue
        if (
            in_admin
            and not (name and _admin_relevant(name))
            and (converters or route != "hallinta/")
        ):
            continue
        if not converters:
            urls.append(route if route.startswith("/") else "/" + route)
            continue
        if name is None:
            continue
        if "template_id" in converters:
            urls.extend(_return_urls(name, converters, world, this_year))
            continue
        if "indicator_id" in converters:
            urls.extend(_indicator_urls(name, world, this_year))
            continue
        choices = []
        for key, converter in converters.items():
            if isinstance(converter, IntConverter) and key == "year":
                choices.append([(key, this_year)])
            elif isinstance(converter, IntConverter):
                choices.append([(key, v) for v in _pool(key, route, ids)])
            elif isinstance(converter, SlugConverter | StringConverter) and not in_admin:
                choices.append([(key, v) for v in _str_values(key, world)])
            elif in_admin:  # admin object ids are <path:object_id>
                choices.append([(key, str(v)) for v in _pool(key, route, ids)])
            else:  # a converter we cannot fill (uuid, path): reported by the URL inventory
                choices = []
                break
        for combo in list(product(*choices))[:MAX_COMBINATIONS] if choices else []:
            try:
                url = reverse(name, kwargs=dict(combo))
            except NoReverseMatch:  # a value that the converter refuses
                continue
            if not get_refused(resolve(url).func):
                urls.append(url)
    return urls


# --- following what a page offers: downloads and search forms ---------------------------------

_HREF = re.compile(r"""href=["']([^"']+)["']""", re.I)
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.I | re.S)
_INPUT = re.compile(r"<input\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*["']([^"']*)["']""")
DOWNLOAD_HINTS = ("muoto=", "format=", "vienti", "export", "lataa", ".pdf", ".csv", ".xlsx")


def _attrs(text: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v) for k, v in _ATTR.findall(text)}


def offered_urls(page_url: str, text: str) -> list[tuple[str, bool]]:
    """Download links of a page, and its GET search forms filled with the mother's name and
    identity code (also as htmx requests when the form or input uses ``hx-get``).
    Returns ``(url, htmx)`` pairs."""
    base = page_url.split("?", 1)[0]
    found: list[tuple[str, bool]] = []
    for href in _HREF.findall(text):
        href = html.unescape(href)
        if any(h in href for h in DOWNLOAD_HINTS):
            if href.startswith("?"):
                href = base + href
            if href.startswith("/") and not href.startswith("//"):
                found.append((href, False))
    for form_attrs, form_body in _FORM.findall(text):
        attrs = _attrs(form_attrs)
        if attrs.get("method", "get").lower() != "get":
            continue
        action = attrs.get("hx-get") or attrs.get("action") or base
        htmx = "hx-get" in attrs
        inputs = [_attrs(i) for i in _INPUT.findall(form_body)]
        texts = [
            i["name"]
            for i in inputs
            if i.get("name") and i.get("type", "text") in {"text", "search"}
        ]
        if not texts:
            continue
        hidden = {
            i["name"]: i.get("value", "")
            for i in inputs
            if i.get("type") == "hidden" and i.get("name")
        }
        terms = (
            (MOTHER_NAME[1],) if base.startswith("/hallinta/") else (MOTHER_NAME[1], MOTHER_HETU)
        )
        for term in terms:
            query = urlencode({**hidden, **{n: term for n in texts}})
            found.append((f"{action}?{query}", htmx))
        for i in inputs:
            if i.get("hx-get") and i.get("name"):
                found.append((f"{i['hx-get']}?{urlencode({i['name']: MOTHER_NAME[1]})}", True))
    return [(u, h) for u, h in found if u.startswith("/") and "ulos" not in u]


# --- checking a response -----------------------------------------------------------------------

_UNSELECTED_OPTION = re.compile(r"<option(?![^>]*\bselected\b)[^>]*>[^<]*</option>", re.I)


def texts_of(content: bytes) -> list[str]:
    """The response as text; ZIP containers (XLSX) member by member."""
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    return [content.decode("utf-8", "replace")]


def leaks(text: str, url: str) -> list[str]:
    found = [c for c in CANARIES if c != MUNICIPALITY and c in text]
    municipality_ok = url.startswith("/hallinta/organisations/municipality/")
    if not municipality_ok and MUNICIPALITY in _UNSELECTED_OPTION.sub("", text):
        found.append(MUNICIPALITY)
    if url.startswith(CLIENT_PREFIXES) and SHELTER_ADDRESS in text:
        found.append(SHELTER_ADDRESS)
    return found


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode()
            for chunk in response.streaming_content
        )
    return bytes(response.content)
