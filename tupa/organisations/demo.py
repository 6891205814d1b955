"""The demo organisation: a fictional association modelled on the seed (seed-spec parts 1, 3, 5, 6).

"Esimerkin ensi- ja turvakoti ry" (EETK ry) in Päijät-Häme mirrors the structure of the
association in the seed: its work areas, teams, the service forms with their attributes and
funding, partners, working groups, values, strategic themes and the 2018 income budget.
Organisation names (PHHYKY, STEA, THL, Dila, …) are public bodies and kept as they are;
**every person is fictional** and every demo account shares one demo-only password.

:func:`build_demo` is idempotent: every row is looked up by its natural key first and only
created when missing, so running it again changes and duplicates nothing. Everything is
written through the services (``actor=None``: the system), so the change history shows
how the demo came to be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope

from tupa.accounts.models import Membership, Role, User
from tupa.finance.models import Budget, BudgetLine
from tupa.finance.services import budget_create, budget_set_line

from . import services, staff
from .models import (
    Area,
    DataProtectionProfile,
    Funder,
    Municipality,
    Organisation,
    Partner,
    PartnerRole,
    ServiceForm,
    ServiceFormFunding,
    ServiceTask,
    StrategicTheme,
    Team,
    Value,
    WorkingGroup,
    WorkingGroupMember,
)

DEFAULT_PASSWORD = "tupa-demo-salasana"  # demo only: documented in the README, never for real use
MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "data" / "municipalities.csv"
ORGANISATION_SLUG = "eetk"
#: Memberships start at the beginning of the plan year and have no end: active today.
MEMBERSHIPS_FROM = date(2018, 1, 1)

K = ServiceForm.Kind
R = ServiceForm.Register
ST = ServiceTask
F = ServiceFormFunding.Type
PR = PartnerRole.Role
WG = WorkingGroupMember.Role

# --------------------------------------------------------------------------- data

ORGANISATION: dict[str, Any] = {
    "name": "Esimerkin ensi- ja turvakoti ry",
    "short_name": "EETK ry",
    "slug": ORGANISATION_SLUG,
    "vision": "Kaikki lapsen parhaaksi",
    "mission": (
        "Turvaamme lapsen oikeuden hyvään kasvuun ja turvalliseen kehitykseen, tuemme "
        "vanhemmuutta ja perhettä sekä ehkäisemme perheväkivaltaa. Tuotamme "
        "järjestölähtöisiä palveluja Päijät-Hämeessä ja tarjoamme kansalaisjärjestönä "
        "foorumin vapaaehtoisuudelle ja vertaistuelle. Toimintamme ydin on lapsen oikeus "
        "turvalliseen elämään."
    ),
    # Seed-spec §1.1: 2018 is the 72nd operating year (inferred: founded 1947).
    "founded_year": 1947,
    "federation_member": True,
}

# (name, kind, order, description)
AREAS: list[tuple[str, str, int, str]] = [
    ("Vauvaperhetyö", Area.Kind.OPERATIONAL, 1, "Ensikoti ja vauvaperhetyön avopalvelut."),
    ("Perheväkivaltatyö", Area.Kind.OPERATIONAL, 2, "Turvakoti ja perheväkivaltatyön avopalvelut."),
    (
        "Perhetyö ja eroauttaminen",
        Area.Kind.OPERATIONAL,
        3,
        "Alvari-perhetyö, tapaamispaikka, eroauttaminen ja vapaaehtoistoiminta.",
    ),
    (
        "Hallinto ja toimistopalvelut",
        Area.Kind.ADMINISTRATION,
        4,
        "Toiminnanjohto ja toimistopalvelut.",
    ),
]

# (name, area, order, meeting frequency)
TEAMS: list[tuple[str, str, int, str]] = [
    ("Ensikoti", "Vauvaperhetyö", 1, ""),
    ("Vauvaperhetyön avopalvelut", "Vauvaperhetyö", 2, ""),
    ("Turvakotityön tiimi", "Perheväkivaltatyö", 1, ""),
    ("Perheväkivaltatyön avopalvelut", "Perheväkivaltatyö", 2, ""),
    ("Perhetyö ja eroauttaminen", "Perhetyö ja eroauttaminen", 1, "kuukausittain"),
    ("Toimistopalvelutiimi", "Hallinto ja toimistopalvelut", 1, ""),
]

FEDERATION = "Ensi- ja turvakotien liitto"
PHHYKY = "Päijät-Hämeen hyvinvointikuntayhtymä (PHHYKY)"
LAHTI = "Lahden kaupunki"
STEA = "Sosiaali- ja terveysjärjestöjen avustuskeskus STEA"
THL = "Terveyden ja hyvinvoinnin laitos THL"
DILA = "Lahden Diakoniasäätiö (Dila)"
PIENPERHE = "Pienperheyhdistys ry"

# (name, kind, roles, municipality code, description)
PARTNERS: list[tuple[str, str, list[str], str, str]] = [
    (
        PHHYKY,
        Partner.Kind.MUNICIPALITY,
        [PR.REFERRER, PR.PURCHASER, PR.FUNDER],
        "398",
        "Alueen sosiaali- ja terveyspalvelujen kuntayhtymä: ohjaa asiakkaita ja ostaa palveluja.",
    ),
    (LAHTI, Partner.Kind.MUNICIPALITY, [PR.FUNDER, PR.NETWORK], "398", "Avustaa Perhetupaa."),
    (
        STEA,
        Partner.Kind.FUNDING_BODY,
        [PR.FUNDER],
        "",
        "Kohdennetut toiminta-avustukset ja hankerahoitus.",
    ),
    (
        THL,
        Partner.Kind.STATE,
        [PR.FUNDER, PR.COORDINATOR],
        "",
        "Turvakotitoiminnan valtakunnallinen koordinointi ja rahoitus.",
    ),
    (
        FEDERATION,
        Partner.Kind.FEDERATION,
        [PR.COORDINATOR, PR.OPERATOR, PR.NETWORK],
        "",
        "Yhdistyksen kattojärjestö; koordinoi Nettiturvakotia "
        "ja Alvari-perhetyötä ja hallinnoi hankkeita.",
    ),
    (
        PIENPERHE,
        Partner.Kind.NGO,
        [PR.COORDINATOR],
        "",
        "Mieskaveritoiminnan valtakunnallinen koordinoija.",
    ),
    (
        DILA,
        Partner.Kind.NGO,
        [PR.OPERATOR, PR.NETWORK],
        "398",
        "Hallinnoi Säröperheelle tueksi -toimintaa.",
    ),
    (
        "Kanta-Hämeen Perhetyö ry",
        Partner.Kind.NGO,
        [PR.PROJECT, PR.NETWORK],
        "109",
        "Vanhempi vankilan portilla -hankkeen kumppani.",
    ),
    (
        "Aluehallintovirasto (AVI)",
        Partner.Kind.STATE,
        [PR.SUPERVISOR],
        "",
        "Valvoo yhdistyksen sosiaalipalveluja.",
    ),
    (
        "Lastensuojelun Keskusliitto",
        Partner.Kind.NGO,
        [PR.PROJECT, PR.NETWORK],
        "",
        "Kaikille eväät elämään -ohjelma.",
    ),
    (
        "Verso",
        Partner.Kind.MUNICIPALITY,
        [PR.NETWORK],
        "398",
        "Koordinoi Päijät-Hämeen turvallisuusverkostoa yhdessä TPPH:n kanssa.",
    ),
    (
        "Päijät-Hämeen poliisilaitos",
        Partner.Kind.POLICE,
        [PR.REFERRER, PR.NETWORK],
        "398",
        "MARAK-työryhmä.",
    ),
    (
        "Lahden ammattikorkeakoulu",
        Partner.Kind.EDUCATION,
        [PR.EDUCATION],
        "398",
        "Opiskelijaharjoittelu ja opinnollistaminen.",
    ),
    (
        "Lahden Lähimmäispalvelu ry",
        Partner.Kind.NGO,
        [PR.NETWORK],
        "398",
        "Päijät-Hämeen vapaaehtoistoiminnan verkosto.",
    ),
]

KUNNAT = "Kunnat ja kuntayhtymät"
MUUT_KUNNAT = "Muut käyttäjäkunnat"
STEA_FUNDER = "STEA"
VALTIO = "Valtio (THL)"
MUUT_TUOTOT = "Muut tuotot"

# (name, category, partner)
FUNDERS: list[tuple[str, str, str | None]] = [
    ("PHHYKY", Funder.Category.MUNICIPALITIES, PHHYKY),
    (MUUT_KUNNAT, Funder.Category.MUNICIPALITIES, None),
    (LAHTI, Funder.Category.MUNICIPALITIES, LAHTI),
    (STEA_FUNDER, Funder.Category.STEA, STEA),
    (VALTIO, Funder.Category.STATE, THL),
    (MUUT_TUOTOT, Funder.Category.OTHER, None),
    # The 2018 budget (seed-spec §6.1) gives the municipalities' income only as one total,
    # not split between PHHYKY, the other user municipalities and the Lahti grant.
    (KUNNAT, Funder.Category.MUNICIPALITIES, None),
]


@dataclass(frozen=True)
class FormSpec:
    slug: str
    name: str
    area: str
    team: str | None
    kind: str
    register: str
    fundings: list[tuple[str, str, str]] = field(default_factory=list)  # (funder, type, note)
    attrs: dict[str, Any] = field(default_factory=dict)


# Register types: the plan does not say which register each service form keeps. Inferred:
# client work with named clients (residential, outpatient, group, visitation work) is
# social-welfare client work and goes to the statutory social-welfare client record;
# Perhetupa (anonymous drop-in), Mieskaveritoiminta (volunteer matching) and TPPH
# (prevention without a client caseload) keep only the association's own activity register.
# Activities administered by someone else (Nettiturvakoti, the partner-run activities) keep
# no register of ours.
SERVICE_FORMS: list[FormSpec] = [
    # --- Vauvaperhetyö
    FormSpec(
        "ensikoti",
        "Ensikoti",
        "Vauvaperhetyö",
        "Ensikoti",
        K.RESIDENTIAL,
        R.SOCIAL_WELFARE,
        [
            ("PHHYKY", F.PURCHASE_AGREEMENT, ""),
            (MUUT_KUNNAT, F.PURCHASE_AGREEMENT, ""),
        ],
        {
            "adult_service_task": ST.CHILD_FAMILY,
            "child_service_task": ST.CHILD_FAMILY,
            "start_year": 1952,
            "open_24h": True,
            "order": 1,
            # The number of places is not stated in the plan (seed-spec 2.1): left empty.
            "quality_criteria": "Ensi- ja turvakotien liiton vaativan vauvatyön laatukriteerit",
            "description": "Ympärivuorokautinen tuki vauvaperheille, myös jo raskausaikana.",
            "pregnancy_stays": True,
        },
    ),
    FormSpec(
        "baby-blues",
        "Baby blues",
        "Vauvaperhetyö",
        "Vauvaperhetyön avopalvelut",
        K.OUTPATIENT,
        R.SOCIAL_WELFARE,
        [(STEA_FUNDER, F.TARGETED_GRANT, "")],
        {
            "adult_service_task": ST.CHILD_FAMILY,
            "child_service_task": ST.CHILD_FAMILY,
            "start_year": 1993,
            "order": 2,
            "quality_criteria": "Valtakunnalliset Baby blues -vauvaperhetyön laatukriteerit",
            "description": (
                "Tukea raskausajan ja synnytyksen jälkeiseen masennukseen ja uupumukseen."
            ),
        },
    ),
    FormSpec(
        "peukaloinen",
        "Päiväryhmä Peukaloinen",
        "Vauvaperhetyö",
        "Vauvaperhetyön avopalvelut",
        K.GROUP,
        R.SOCIAL_WELFARE,
        [(STEA_FUNDER, F.TARGETED_GRANT, "")],
        {
            "adult_service_task": ST.CHILD_FAMILY,
            "child_service_task": ST.CHILD_FAMILY,
            "start_year": 1996,
            "order": 3,
            "description": "Päiväryhmä 0–2-vuotiaille vauvoille ja vanhemmille.",
        },
    ),
    FormSpec(
        "perhetupa",
        "Perhetupa",
        "Vauvaperhetyö",
        "Vauvaperhetyön avopalvelut",
        K.DROP_IN,
        R.OWN_ACTIVITY,
        [
            (LAHTI, F.CITY_GRANT, ""),
            (STEA_FUNDER, F.TARGETED_GRANT, ""),
        ],
        {
            "start_year": 2007,
            "order": 4,
            "anonymous_allowed": True,
            "description": (
                "Avoin, maksuton ja anonyymi kohtaamispaikka vauva- ja taaperoperheille."
            ),
        },
    ),
    # --- Perheväkivaltatyö
    FormSpec(
        "turvakoti",
        "Turvakoti",
        "Perheväkivaltatyö",
        "Turvakotityön tiimi",
        K.RESIDENTIAL,
        R.SOCIAL_WELFARE,
        [(VALTIO, F.STATE_FUNDING, "Turvakotitoiminta rahoitetaan valtion varoista.")],
        {
            "adult_service_task": ST.WORKING_AGE,
            "child_service_task": ST.CHILD_FAMILY,
            "anonymous_allowed": True,
            "violence_work": "victim",
            "start_year": 1985,
            "order": 1,
            "capacity": 5,
            "capacity_unit": "perhepaikkaa",
            "open_24h": True,
            "national_coordinator": THL,
            "quality_criteria": "Yhdistyksen laatukäsikirja ja THL:n laatusuositukset",
            "description": (
                "Kriisiapua ja turvattu asuminen perhe- ja lähisuhdeväkivaltaa kokeville."
            ),
        },
    ),
    FormSpec(
        "avokriisityo",
        "Avokriisityö",
        "Perheväkivaltatyö",
        "Perheväkivaltatyön avopalvelut",
        K.OUTPATIENT,
        R.SOCIAL_WELFARE,
        [(STEA_FUNDER, F.TARGETED_GRANT, "")],
        {
            "adult_service_task": ST.WORKING_AGE,
            "child_service_task": ST.CHILD_FAMILY,
            "violence_work": "victim",
            "start_year": 1997,
            "order": 2,
            "description": "Avokriisityö naisille väkivallan keskellä.",
        },
    ),
    FormSpec(
        "jussi-tyo",
        "Jussi-työ",
        "Perheväkivaltatyö",
        "Perheväkivaltatyön avopalvelut",
        K.OUTPATIENT,
        R.SOCIAL_WELFARE,
        [(STEA_FUNDER, F.TARGETED_GRANT, "")],
        {
            "adult_service_task": ST.WORKING_AGE,
            "child_service_task": ST.WORKING_AGE,
            "violence_work": "perpetrator",
            "start_year": 1994,
            "order": 3,
            "trademark": True,
            "description": (
                "Ammatillista apua miehille, joiden perheessä on väkivaltaa tai sen uhkaa."
            ),
        },
    ),
    FormSpec(
        "lapsityo",
        "Lapsityö",
        "Perheväkivaltatyö",
        "Perheväkivaltatyön avopalvelut",
        K.OUTPATIENT,
        R.SOCIAL_WELFARE,
        [(STEA_FUNDER, F.PROJECT_GRANT, "Hanke 2017–2020")],
        {
            "adult_service_task": ST.CHILD_FAMILY,
            "child_service_task": ST.CHILD_FAMILY,
            "violence_work": "victim",
            "start_year": 2017,
            "order": 4,
            "project_start": date(2017, 1, 1),
            "project_end": date(2020, 12, 31),
            "description": "Hanke ”Tukea ja turvaa tässä ja nyt – lapsi ei voi odottaa!” "
            "väkivaltaa kokeneille lapsille.",
        },
    ),
    FormSpec(
        "tpph",
        "Turvallisten perheiden Päijät-Häme",
        "Perheväkivaltatyö",
        "Perheväkivaltatyön avopalvelut",
        K.PREVENTION,
        R.OWN_ACTIVITY,
        [(STEA_FUNDER, F.TARGETED_GRANT, "")],
        {
            "start_year": 2009,
            "order": 5,
            "description": "TPPH: väkivallan ehkäisy ja seudullinen koordinaatio; ei asiakkuuksia.",
        },
    ),
    FormSpec(
        # Not in the plan's organisation chart and no team named (seed-spec 2.10).
        "nettiturvakoti",
        "Nettiturvakoti",
        "Perheväkivaltatyö",
        None,
        K.ONLINE,
        R.NONE,
        [],
        {
            "order": 6,
            "national_coordinator": FEDERATION,
            "description": "Liiton ylläpitämä verkkoturvakoti; yhdistys osallistuu työpanoksella.",
        },
    ),
    # --- Perhetyö ja eroauttaminen
    FormSpec(
        "alvari",
        "Alvari-perhetyö",
        "Perhetyö ja eroauttaminen",
        "Perhetyö ja eroauttaminen",
        K.OUTPATIENT,
        R.SOCIAL_WELFARE,
        [("PHHYKY", F.PURCHASE_AGREEMENT, "")],
        {
            "adult_service_task": ST.CHILD_FAMILY,
            "child_service_task": ST.CHILD_FAMILY,
            "start_year": 1989,
            "order": 1,
            "trademark": True,
            "national_coordinator": FEDERATION,
            "quality_criteria": "Alvari-perhetyön valtakunnalliset laatukriteerit",
            "description": (
                "Pitkäkestoinen, intensiivinen perhetyö lastensuojelun asiakasperheiden kotona."
            ),
        },
    ),
    FormSpec(
        "tapaamispaikka",
        "Tapaamispaikka",
        "Perhetyö ja eroauttaminen",
        "Perhetyö ja eroauttaminen",
        K.VISITATION,
        R.SOCIAL_WELFARE,
        [
            ("PHHYKY", F.PURCHASE_AGREEMENT, "Käyttömaksu laskutetaan lapsen kotikunnalta."),
            (MUUT_KUNNAT, F.PURCHASE_AGREEMENT, "Käyttömaksu laskutetaan lapsen kotikunnalta."),
        ],
        {
            "adult_service_task": ST.FAMILY_LAW,
            "child_service_task": ST.FAMILY_LAW,
            "start_year": 1985,
            "order": 2,
            "description": (
                "Valvotut ja tuetut tapaamiset sekä valvotut vaihdot; maksuton perheille."
            ),
        },
    ),
    FormSpec(
        "ero-lapsiperheessa",
        "Ero lapsiperheessä",
        "Perhetyö ja eroauttaminen",
        "Perhetyö ja eroauttaminen",
        K.GROUP,
        R.SOCIAL_WELFARE,
        [(STEA_FUNDER, F.TARGETED_GRANT, "Lisärahoitusta haettu uusperhetyöhön.")],
        {
            "adult_service_task": ST.CHILD_FAMILY,
            "child_service_task": ST.CHILD_FAMILY,
            "start_year": 2016,
            "start_note": (
                "Hanke 2011–2013, jatkorahoitus 2014–2015, vakinaista toimintaa vuodesta 2016"
            ),
            "order": 3,
            "description": "Tukea eroperheille ja uusperheille lapsen tarpeet huomioiden.",
        },
    ),
    FormSpec(
        "mieskaveri",
        "Mieskaveritoiminta",
        "Perhetyö ja eroauttaminen",
        "Perhetyö ja eroauttaminen",
        K.VOLUNTEER,
        R.OWN_ACTIVITY,
        [(STEA_FUNDER, F.TARGETED_GRANT, "")],
        {
            "start_year": 2016,
            "order": 4,
            "trademark": True,
            "national_coordinator": PIENPERHE,
            "description": "Vapaaehtoiset mieskaverit yksin lapsiaan kasvattavien äitien lapsille.",
        },
    ),
    FormSpec(
        "vanhempi-vankilan-portilla",
        "Vanhempi vankilan portilla",
        "Perhetyö ja eroauttaminen",
        "Perhetyö ja eroauttaminen",
        K.OUTPATIENT,
        R.NONE,
        [(STEA_FUNDER, F.PROJECT_GRANT, "Hallinnoi Ensi- ja turvakotien liitto.")],
        {
            "start_year": 2017,
            "order": 5,
            "operator": ServiceForm.Operator.JOINT,
            "operating_partner": FEDERATION,
            "project_start": date(2017, 1, 1),
            "project_end": date(2019, 12, 31),
            "description": (
                "Vankien perheiden tuki koevapauden ja ehdonalaisen vaiheessa (liiton hanke)."
            ),
        },
    ),
    FormSpec(
        "saroperheelle-tueksi",
        "Säröperheelle tueksi",
        "Perhetyö ja eroauttaminen",
        None,
        K.VOLUNTEER,
        R.NONE,
        [(STEA_FUNDER, F.TARGETED_GRANT, "Avustuksen saa Dila, joka maksaa omarahoitusosuuden.")],
        {
            "order": 6,
            "operator": ServiceForm.Operator.PARTNER,
            "operating_partner": DILA,
            "start_note": "Kasvoi Säröperheelle tueksi -hankkeesta 2009–2013",
            "description": (
                "Vapaaehtoistoiminta perheiden tueksi; Dila vastaa hallinnosta ja taloudesta."
            ),
        },
    ),
]


@dataclass(frozen=True)
class Grant:
    role: str
    service_form: str | None = None  # slug
    title: str = ""
    fte_percent: int = 100
    night_shift: bool = False
    hourly_paid: bool = False
    valid_from: date = MEMBERSHIPS_FROM
    valid_until: date | None = None


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    title: str
    grants: list[Grant]
    is_staff: bool = False
    manages: tuple[str, ...] = ()  # team names


VP_AVO = ("baby-blues", "peukaloinen", "perhetupa")
PT_ERO = (
    "alvari",
    "tapaamispaikka",
    "ero-lapsiperheessa",
    "mieskaveri",
    "vanhempi-vankilan-portilla",
)

# Fictional people. Surnames are made-up words so no real person is meant.
ACCOUNTS: list[Account] = [
    Account("johtaja", "Aino", "Esimerkki", "toiminnanjohtaja", [Grant(Role.EXECUTIVE_DIRECTOR)]),
    Account(
        "tietosuoja",
        "Eero",
        "Mallinen",
        "tietosuojavastaava",
        [Grant(Role.DATA_PROTECTION_OFFICER)],
    ),
    Account(
        "paakayttaja",
        "Tuula",
        "Testinen",
        "pääkäyttäjä",
        [Grant(Role.ADMINISTRATOR)],
        is_staff=True,
    ),
    Account(
        "talous",
        "Kaisa",
        "Kokeilu",
        "talouspäällikkö",
        [Grant(Role.FINANCE)],
        manages=("Toimistopalvelutiimi",),
    ),
    Account(
        "ensikoti.esihenkilo",
        "Liisa",
        "Luonnos",
        "ensikodin johtaja",
        [Grant(Role.LEAD, sf) for sf in ("ensikoti", *VP_AVO)],
        manages=("Ensikoti", "Vauvaperhetyön avopalvelut"),
    ),
    Account(
        "ensikoti", "Pekka", "Harjoitus", "vauvaperhetyöntekijä", [Grant(Role.WORKER, "ensikoti")]
    ),
    Account(
        # The temporary extra resource of seed-spec §5: a membership that has already ended.
        "ensikoti.lisaresurssi",
        "Noora",
        "Sijainen",
        "vauvaperhetyöntekijä (lisäresurssi)",
        [
            Grant(
                Role.WORKER,
                "ensikoti",
                title="vauvaperhetyöntekijä (lisäresurssi)",
                valid_from=date(2017, 11, 1),
                valid_until=date(2018, 2, 28),
            )
        ],
    ),
    Account(
        "babyblues", "Sari", "Vauvanen", "vauvaperhetyöntekijä", [Grant(Role.WORKER, "baby-blues")]
    ),
    Account(
        "peukaloinen",
        "Paula",
        "Pienonen",
        "vastaava vauvaperhetyöntekijä",
        [Grant(Role.WORKER, "peukaloinen")],
    ),
    Account(
        "perhetupa",
        "Minna",
        "Tupala",
        "perhetupaohjaaja",
        [Grant(Role.WORKER, "perhetupa", fte_percent=85)],
    ),
    Account(
        "turvakoti.esihenkilo",
        "Heikki",
        "Keksitty",
        "turvakodin johtaja",
        [Grant(Role.LEAD, "turvakoti")],
        manages=("Turvakotityön tiimi",),
    ),
    Account(
        "turvakoti",
        "Mikko",
        "Demonen",
        "perhe- ja kriisityöntekijä",
        [Grant(Role.WORKER, "turvakoti")],
    ),
    Account(
        "turvakoti.yo",
        "Sanna",
        "Kuvitelma",
        "perhe- ja kriisityöntekijä, yötyö",
        [Grant(Role.WORKER, "turvakoti", night_shift=True)],
    ),
    Account(
        "avokriisi",
        "Marja",
        "Tarinainen",
        "avokriisityöntekijä",
        # Each victim-side form needs a lead of its own (break-the-glass reviews); the team's
        # line manager is a perpetrator-work worker and deliberately holds no role here.
        [Grant(Role.WORKER, "avokriisityo"), Grant(Role.LEAD, "avokriisityo")],
    ),
    Account(
        # ORG-02: the line manager of the outpatient violence-work team is one of the two
        # Jussi workers. Line management (Team.line_manager) is not a client-data role: as a
        # perpetrator-work worker he holds no role in the victim-side forms of his team
        # (Avokriisityö, Lapsityö), so the wall between perpetrator and victim work
        # (ARCHITECTURE.md §6) holds for the demo too.
        "jussi",
        "Antti",
        "Satunen",
        "jussi-työntekijä, lähiesimies",
        [Grant(Role.WORKER, "jussi-tyo"), Grant(Role.LEAD, "jussi-tyo"), Grant(Role.LEAD, "tpph")],
        manages=("Perheväkivaltatyön avopalvelut",),
    ),
    Account(
        "lapsityo",
        "Emilia",
        "Leikkinen",
        "lapsityöntekijä",
        [Grant(Role.WORKER, "lapsityo"), Grant(Role.LEAD, "lapsityo")],
    ),
    Account("tpph", "Kari", "Kokoaja", "verkostokoordinaattori", [Grant(Role.COORDINATOR, "tpph")]),
    Account(
        "alvari",
        "Riitta",
        "Perhelä",
        "vastaava alvari-perhetyöntekijä",
        [Grant(Role.WORKER, "alvari")],
    ),
    Account(
        "tapaamis", "Outi", "Kohtaamo", "tapaamisohjaaja", [Grant(Role.WORKER, "tapaamispaikka")]
    ),
    Account(
        "ero.esihenkilo",
        "Hanna",
        "Sopuisa",
        "vastaava eroperhetyöntekijä",
        [Grant(Role.WORKER, "ero-lapsiperheessa"), *(Grant(Role.LEAD, sf) for sf in PT_ERO)],
        manages=("Perhetyö ja eroauttaminen",),
    ),
    Account(
        "mieskaveri",
        "Timo",
        "Kaverinen",
        "vapaaehtoistoiminnan koordinaattori",
        [Grant(Role.COORDINATOR, "mieskaveri")],
    ),
]

# (name, short name, frequency, minutes public, purpose,
#  members: (username | None, service form slug | None, role))
WORKING_GROUPS: list[tuple[str, str, str, bool, str, list[tuple[str | None, str | None, str]]]] = [
    (
        "Kansalais- ja vapaaehtoistoiminnan työryhmä",
        "KAVA",
        "säännöllisesti",
        False,
        "Työmuotojen yhteistyö vapaaehtoistoiminnassa, kansalaisten osallistumisen tavat ja "
        "yhdistyksen näkyvyys kansalaisjärjestönä.",
        [
            ("johtaja", None, WG.CHAIR),
            ("mieskaveri", "mieskaveri", WG.VOLUNTEER_CONTACT),
            ("ensikoti", "ensikoti", WG.VOLUNTEER_CONTACT),
            ("babyblues", "baby-blues", WG.VOLUNTEER_CONTACT),
            ("perhetupa", "perhetupa", WG.VOLUNTEER_CONTACT),
            ("turvakoti", "turvakoti", WG.VOLUNTEER_CONTACT),
            (None, "saroperheelle-tueksi", WG.MEMBER),
        ],
    ),
    (
        "Vauvaperhetyöryhmä",
        "",
        "2–4 kertaa vuodessa",
        False,
        "Vauvaperhetyön sisällön kehittäminen ja koordinointi, koulutukset ja ammatillinen tuki.",
        [
            ("ensikoti", "ensikoti", WG.MEMBER),
            ("babyblues", "baby-blues", WG.MEMBER),
            ("peukaloinen", "peukaloinen", WG.MEMBER),
            ("alvari", "alvari", WG.MEMBER),
            ("perhetupa", "perhetupa", WG.MEMBER),
        ],
    ),
    (
        "Lapsityöryhmä",
        "",
        "",
        False,
        "Lapsityön tuki ja vertaistuki, kannustava kasvatus sekä lahjoituksin ja avustuksin "
        "järjestettävät tapahtumat lapsille ja perheille.",
        [
            ("tpph", "tpph", WG.CHAIR),
            ("lapsityo", "lapsityo", WG.MEMBER),
            ("turvakoti", "turvakoti", WG.MEMBER),
            ("avokriisi", "avokriisityo", WG.MEMBER),
        ],
    ),
    (
        "Työsuojelutoimikunta",
        "",
        "",
        True,
        "Työympäristön parantaminen, turvallisuuskoulutus, työnohjaus ja perehdyttäminen sekä "
        "työkykyä ylläpitävä toiminta.",
        [
            ("johtaja", None, WG.SAFETY_MANAGER),
            ("talous", None, WG.DEPUTY_SAFETY_MANAGER),
            ("turvakoti", None, WG.SAFETY_REPRESENTATIVE),
            ("ensikoti", None, WG.DEPUTY_SAFETY_REPRESENTATIVE),
            ("alvari", None, WG.DEPUTY_SAFETY_REPRESENTATIVE),
            ("tapaamis", None, WG.MEMBER),
        ],
    ),
    (
        "Vastuutiimi",
        "",
        "viikoittain",
        False,
        "Yhdistyksen toiminnan operatiivinen johtaminen.",
        [
            ("johtaja", None, WG.MEMBER),
            ("talous", None, WG.MEMBER),
            ("ensikoti.esihenkilo", None, WG.MEMBER),
            ("turvakoti.esihenkilo", None, WG.MEMBER),
            ("jussi", None, WG.MEMBER),
            ("ero.esihenkilo", None, WG.MEMBER),
        ],
    ),
]

VALUES: list[tuple[int, str, str]] = [
    (
        1,
        "Osallisuus",
        "Jokainen voi vaikuttaa itseään, yhteisöään ja yhteiskuntaa koskeviin päätöksiin. "
        "Erityistä huomiota saavat lapset ja vähemmän voimavaroja omaavat. Palvelujen käyttäjät "
        "ovat aktiivisia toimijoita ja kokemusasiantuntijoita toiminnassa ja sen kehittämisessä.",
    ),
    (
        2,
        "Turvallisuus",
        "Luotettavuus, osaaminen ja ammattitaidon jatkuva ylläpito. Fyysisesti turvalliset ja "
        "yhteisölliset tilat, lasten turvallisuudesta huolehditaan erityisesti. Luottamuksellinen "
        "ilmapiiri, keskinäinen luottamus ja yhteisöllisyys.",
    ),
    (
        3,
        "Oikeudenmukaisuus",
        "Reilu ja tasa-arvoinen kohtelu, joka kunnioittaa jokaisen erilaisuutta, ja yhdenvertaisen "
        "yhteiskunnan rakentaminen. Erityistä tukea tarvitsevat saavat riittävän intensiivisiä ja "
        "pitkiä kuntoutumisjaksoja.",
    ),
    (
        4,
        "Inhimillisyys",
        "Usko ihmiseen ja muutoksen mahdollisuuteen. Keskeneräisyys hyväksytään ja oppiminen on "
        "jatkuvaa. Moninaisuus ja monikulttuurisuus ovat "
        "rikkaus. Ihmisarvon kunnioitus silloinkin, "
        "kun emme hyväksy toisen tekoja.",
    ),
    (
        5,
        "Rohkeus",
        "Avarakatseisuus ja valmius nostaa esiin vaiettuja ja vaikeita asioita. Heikkojen "
        "signaalien tunnistaminen ja ennakointi. Rinnalla kulkeminen haavoittuvassa asemassa "
        "olevien kanssa ja ristiriitojen kääntäminen kehittämiseksi.",
    ),
]

THEMES: list[tuple[str, str, list[str]]] = [
    (
        "T1",
        "Osallisuuden ja yhteisöllisyyden lisääminen",
        ["Osallisuuden ja yhteisöllisyyden edistäminen"],
    ),
    (
        "T2",
        "Yhdenvertaisuuden edistäminen yhteiskunnassa",
        ["Yhdenvertaisuuden edistäminen", "Yhdenvertaisuuden lisääminen yhteiskunnassa"],
    ),
    (
        "T3",
        "Uudistuminen lastensuojelujärjestönä muuttuvissa olosuhteissa ja rakenteissa",
        ["Uudistuminen ja joustavuus"],
    ),
    (
        "T4",
        "Uudenlaisten kumppanuuksien rakentaminen",
        [
            "Uudenlaisten kumppanuuksien ja verkostojen rakentaminen",
            "Kumppanuuksien ja verkostojen rakentaminen",
        ],
    ),
    (
        "T5",
        "Toiminnan vaikuttavuuden osoittaminen",
        ["Toiminnan vaikuttavuuden osoittaminen ja arviointi"],
    ),
]
STRATEGY = ("Rohkeasti ajassa", 2016, 2019)

BUDGET_YEAR = 2018
# (funder, amount, description): seed-spec §6.1, exact figures; total 2 649 700,00 €.
BUDGET_LINES: list[tuple[str, Decimal, str]] = [
    (
        KUNNAT,
        Decimal("1148000.00"),
        "Ostopalvelusopimukset (PHHYKY ja muut käyttäjäkunnat) ja Lahden kaupungin avustus",
    ),
    (STEA_FUNDER, Decimal("799300.00"), "Kohdennetut toiminta-avustukset ja hankerahoitus"),
    (VALTIO, Decimal("655000.00"), "Turvakotitoiminta"),
    (
        MUUT_TUOTOT,
        Decimal("47400.00"),
        "Esim. vapaaehtoiset lahjoitukset, vuokratuotot, koulutuskorvaukset",
    ),
]


# --------------------------------------------------------------------------- builder


@dataclass
class DemoResult:
    organisation: Organisation
    created: dict[str, int]
    accounts: list[tuple[User, list[Membership]]]
    municipalities_loaded: bool

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    @property
    def users_created(self) -> int:
        return self.created.get("käyttäjiä", 0)


class _Builder:
    def __init__(self, *, password_hash: str) -> None:
        self.password_hash = password_hash
        self.created: dict[str, int] = {}
        self.org: Organisation
        self.areas: dict[str, Area] = {}
        self.teams: dict[str, Team] = {}
        self.partners: dict[str, Partner] = {}
        self.funders: dict[str, Funder] = {}
        self.forms: dict[str, ServiceForm] = {}
        self.users: dict[str, User] = {}

    def _count(self, label: str) -> None:
        self.created[label] = self.created.get(label, 0) + 1

    # Each step looks the row up by its natural key and creates it only when missing.

    def organisation(self) -> None:
        org = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
        if org is None:
            org = services.organisation_create(actor=None, **ORGANISATION)
            self._count("organisaatio")
        self.org = org

    def data_protection(self) -> None:
        """Fictional public contacts for the privacy notices and the accessibility statement."""
        _profile, created = DataProtectionProfile.objects.get_or_create(
            organisation=self.org,
            defaults={
                "address": "Esimerkkikatu 1 A (keksitty osoite)",
                "email": "toimisto@esimerkki.invalid",
                "phone": "000 000 0000 (keksitty)",
                "dpo_name": "Tietosuojavastaava (demo)",
                "dpo_email": "tietosuoja@esimerkki.invalid",
                "accessibility_reviewed_on": date(2026, 12, 1),
            },
        )
        if created:
            self._count("tietosuojan yhteystiedot")

    def structure(self) -> None:
        for name, kind, order, description in AREAS:
            area = Area.objects.filter(organisation=self.org, name=name).first()
            if area is None:
                area = services.area_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    kind=kind,
                    order=order,
                    description=description,
                )
                self._count("toiminta-alueita")
            self.areas[name] = area
        for name, area_name, order, frequency in TEAMS:
            team = Team.objects.filter(organisation=self.org, name=name).first()
            if team is None:
                team = services.team_create(
                    actor=None,
                    area=self.areas[area_name],
                    name=name,
                    order=order,
                    meeting_frequency=frequency,
                )
                self._count("tiimejä")
            self.teams[name] = team

    def partners_and_funders(self) -> None:
        municipalities = {
            m.code: m for m in Municipality.objects.filter(code__in={p[3] for p in PARTNERS})
        }
        for name, kind, roles, code, description in PARTNERS:
            partner = Partner.objects.filter(organisation=self.org, name=name).first()
            if partner is None:
                partner = services.partner_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    kind=kind,
                    roles=roles,
                    municipality=municipalities.get(code),
                    description=description,
                )
                self._count("kumppaneita")
            else:
                have = set(partner.roles.values_list("role", flat=True))
                for role in roles:
                    if role not in have:
                        services.partner_add_role(actor=None, partner=partner, role=role)
                        self._count("kumppanirooleja")
            self.partners[name] = partner
        for name, category, partner_name in FUNDERS:
            funder = Funder.objects.filter(organisation=self.org, name=name).first()
            if funder is None:
                funder = services.funder_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    category=category,
                    partner=self.partners[partner_name] if partner_name else None,
                )
                self._count("rahoittajia")
            self.funders[name] = funder

    def service_forms(self) -> None:
        for spec in SERVICE_FORMS:
            form = ServiceForm.objects.filter(organisation=self.org, slug=spec.slug).first()
            if form is None:
                attrs = dict(spec.attrs)
                for key in ("national_coordinator", "operating_partner"):
                    if key in attrs:
                        attrs[key] = self.partners[attrs[key]]
                form = services.service_form_create(
                    actor=None,
                    area=self.areas[spec.area],
                    team=self.teams[spec.team] if spec.team else None,
                    name=spec.name,
                    slug=spec.slug,
                    kind=spec.kind,
                    register=spec.register,
                    **attrs,
                )
                self._count("työmuotoja")
            self.forms[spec.slug] = form
            for funder_name, funding_type, note in spec.fundings:
                funder = self.funders[funder_name]
                if not ServiceFormFunding.objects.filter(
                    service_form=form, funder=funder, type=funding_type
                ).exists():
                    services.service_form_add_funding(
                        actor=None, service_form=form, funder=funder, type=funding_type, note=note
                    )
                    self._count("rahoituksia")

    def staff(self) -> None:
        for account in ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = staff.staff_user_create(
                    actor=None,
                    organisation=self.org,
                    username=account.username,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    title=account.title,
                    password=None,
                    password_hash=self.password_hash,
                    is_staff=account.is_staff,
                    preferred_language="fi",
                )
                self._count("käyttäjiä")
            elif user.organisation_id != self.org.pk:
                raise ValidationError(
                    f"Käyttäjätunnus {account.username} on jo toisen organisaation käytössä."
                )
            self.users[account.username] = user
            for grant in account.grants:
                form = self.forms[grant.service_form] if grant.service_form else None
                exists = Membership.objects.filter(
                    user=user, role=grant.role, service_form=form, valid_from=grant.valid_from
                ).exists()
                if not exists:
                    staff.membership_grant(
                        actor=None,
                        user=user,
                        role=grant.role,
                        service_form=form,
                        valid_from=grant.valid_from,
                        valid_until=grant.valid_until,
                        title=grant.title or account.title,
                        fte_percent=grant.fte_percent,
                        night_shift=grant.night_shift,
                        hourly_paid=grant.hourly_paid,
                    )
                    self._count("jäsenyyksiä")
            for team_name in account.manages:
                team = self.teams[team_name]
                if team.line_manager_id is None:
                    services.team_set_line_manager(actor=None, team=team, line_manager=user)
                    self._count("lähiesimiehiä")

    def working_groups(self) -> None:
        for name, short, frequency, public, purpose, members in WORKING_GROUPS:
            group = WorkingGroup.objects.filter(organisation=self.org, name=name).first()
            if group is None:
                group = services.working_group_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    short_name=short,
                    meeting_frequency=frequency,
                    minutes_public_to_staff=public,
                    purpose=purpose,
                )
                self._count("työryhmiä")
            for username, slug, role in members:
                user = self.users[username] if username else None
                form = self.forms[slug] if slug else None
                if not WorkingGroupMember.objects.filter(
                    group=group, user=user, service_form=form, role=role
                ).exists():
                    services.working_group_add_member(
                        actor=None, group=group, user=user, service_form=form, role=role
                    )
                    self._count("työryhmän jäseniä")

    def values_and_themes(self) -> None:
        for order, name, description in VALUES:
            if not Value.objects.filter(organisation=self.org, order=order).exists():
                services.value_create(
                    actor=None,
                    organisation=self.org,
                    order=order,
                    name=name,
                    description=description,
                )
                self._count("arvoja")
        strategy, start, end = STRATEGY
        for code, name, variants in THEMES:
            if not StrategicTheme.objects.filter(organisation=self.org, code=code).exists():
                services.strategic_theme_create(
                    actor=None,
                    organisation=self.org,
                    code=code,
                    name=name,
                    strategy_name=strategy,
                    start_year=start,
                    end_year=end,
                    heading_variants=variants,
                )
                self._count("painopisteitä")

    def budget(self) -> None:
        budget = Budget.objects.filter(organisation=self.org, year=BUDGET_YEAR).first()
        if budget is None:
            budget = budget_create(
                actor=None,
                organisation=self.org,
                year=BUDGET_YEAR,
                note="Tulot rahoituslähteittäin (toimintasuunnitelma 2018).",
            )
            self._count("talousarvioita")
        for funder_name, amount, description in BUDGET_LINES:
            funder = self.funders[funder_name]
            if not BudgetLine.objects.filter(budget=budget, funder=funder).exists():
                budget_set_line(
                    actor=None, budget=budget, funder=funder, amount=amount, description=description
                )
                self._count("talousarvion rivejä")

    def accounts(self) -> list[tuple[User, list[Membership]]]:
        usernames = [a.username for a in ACCOUNTS]
        memberships: dict[int, list[Membership]] = {}
        for m in Membership.objects.filter(user__username__in=usernames).select_related(
            "service_form"
        ):
            memberships.setdefault(m.user_id, []).append(m)
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        return [(users[name], memberships.get(users[name].pk, [])) for name in usernames]


def build_demo(
    *, password: str = DEFAULT_PASSWORD, municipalities_csv: Path | None = MUNICIPALITIES_CSV
) -> DemoResult:
    """Create (or complete) the demo organisation; idempotent. See the module docstring.

    ``password`` is set only on accounts created now; existing accounts keep theirs.
    Municipalities are loaded from ``municipalities_csv`` when that file exists.
    """
    validate_password(password)
    loaded = False
    with transaction.atomic():
        if municipalities_csv is not None and Path(municipalities_csv).exists():
            services.municipalities_load(path=municipalities_csv)
            loaded = True
        builder = _Builder(password_hash=make_password(password))
        builder.organisation()
        with scope(organisation=builder.org.pk):
            builder.structure()
            builder.partners_and_funders()
            builder.service_forms()
            builder.staff()
            builder.working_groups()
            builder.values_and_themes()
            builder.budget()
            builder.data_protection()
            accounts = builder.accounts()
    return DemoResult(
        organisation=builder.org,
        created=builder.created,
        accounts=accounts,
        municipalities_loaded=loaded,
    )


def two_factor_required() -> bool:
    return bool(getattr(settings, "TUPA_REQUIRE_2FA", True))
