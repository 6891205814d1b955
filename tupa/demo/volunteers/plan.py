"""The plan of the demo volunteers: who, in which form and state, the courses, the Mieskaveri
cases, the activities (:mod:`tupa.demo.volunteers`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tupa.demo import datafiles
from tupa.demo.programmes import VOLUNTEERS as PROGRAMME_CHILDMINDERS
from tupa.volunteers.models import (
    ActivityKind,
    CourseKind,
    RoleKind,
    Status,
)

SEED = 20180912
R = RoleKind
S = Status
K = ActivityKind

_NAMES: dict[str, Any] = datafiles.load("names")
WOMEN: list[str] = _NAMES["women"]
MEN: list[str] = _NAMES["men"]
BOYS: list[str] = _NAMES["boys"]
SURNAMES: list[str] = _NAMES["surnames"]

#: Where the demo volunteers live (municipalities of Päijät-Häme).
PLACES = ("Lahti", "Lahti", "Lahti", "Hollola", "Heinola", "Orimattila", "Asikkala", "Kärkölä")

#: The coordinator who writes each form's volunteers.
COORDINATORS = {"mieskaveri": "mieskaveri", "baby-blues": "babyblues"}
ORGANISATION_WIDE = "kava"
#: The demo's volunteer login (the portal, ``/vapaaehtoinen/``): a Mieskaveri friend in a
#: running match, with the demo password of the staff accounts.
PORTAL_USERNAME = "vapaaehtoinen"

# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Course:
    key: str
    form: str
    kind: str
    name: str
    place: str
    #: session days, as days before today (the first is the start, the last the end)
    sessions: tuple[int, ...]
    hours: Decimal


COURSES: tuple[Course, ...] = (
    Course(
        "mk-a",
        "mieskaveri",
        CourseKind.MIESKAVERI_BASIC,
        "Mieskaverien peruskoulutus",
        "Heinola",
        (300, 293, 286, 279),
        Decimal("3.5"),
    ),
    Course(
        "mk-b",
        "mieskaveri",
        CourseKind.MIESKAVERI_BASIC,
        "Mieskaverien peruskoulutus",
        "Lahti",
        (20, 13, 6, -1),
        Decimal("3.5"),
    ),
    Course(
        "doula",
        "baby-blues",
        CourseKind.DOULA,
        "Doulakurssi",
        "Lahti",
        (330, 323, 316, 309, 302),
        Decimal("3"),
    ),
    Course(
        "perhetupa",
        "perhetupa",
        CourseKind.OTHER,
        "Perhetuvan vapaaehtoisten perehdytys",
        "Lahti",
        (10, -4),
        Decimal("2"),
    ),
)


@dataclass
class Plan:
    """One volunteer: the first task, the steps (status, days before today, reason) and the
    screening and training that make the steps possible."""

    form: str
    role: str
    man: bool
    registered: int
    steps: list[tuple[str, int, str]]
    interview: int | None = None
    check: int | None = None
    alone: bool = False
    course: str | None = None
    completed: bool = False
    #: a second task (form, role, alone with children, days before today)
    extra: tuple[str, str, bool, int] | None = None
    name: tuple[str, str] | None = None
    key: str = ""
    #: how many of the last steps wait until the matching is done (a friend ends after his match)
    late: int = 0

    @property
    def final(self) -> str:
        return self.steps[-1][0] if self.steps else S.INTERESTED


def _course(key: str) -> Course:
    return next(c for c in COURSES if c.key == key)


def plan(
    form: str,
    role: str,
    path: str,
    registered: int,
    *,
    man: bool = False,
    alone: bool = False,
    course: str | None = None,
    until: int = 60,
    reason: str = "",
    **extra: Any,
) -> Plan:
    """The steps of ``path`` for a volunteer registered ``registered`` days ago.

    Paths: interested, interviewed, in_training, screened, active, paused, ended (after being
    active), ended_early (never started), ended_training (left the course), returned (ended and
    came back), veteran (active for two years: the check is due for renewal), veteran_paused
    (paused, the check has expired). ``until`` is the day of the pause or the end.
    """
    r = registered
    talk = r - 10  # the interview
    interview: int | None = talk
    needs_check = alone or role == R.MIESKAVERI
    check: int | None = talk - 7 if needs_check else None
    c = _course(course) if course else None
    steps: list[tuple[str, int, str]] = []
    completed = False
    if path == "interested":
        interview = None
        check = None
    elif path == "ended_early":
        interview, check = None, None
        steps = [(S.ENDED, r - 20, reason or "Ei pystynyt sitoutumaan toimintaan")]
    elif path == "interviewed":
        steps = [(S.INTERVIEWED, talk, "")]
        check = None
    elif path == "in_training":
        assert c is not None
        steps = [(S.INTERVIEWED, talk, ""), (S.IN_TRAINING, c.sessions[0], "")]
    elif path == "ended_training":
        assert c is not None
        steps = [
            (S.INTERVIEWED, talk, ""),
            (S.IN_TRAINING, c.sessions[0], ""),
            (S.ENDED, c.sessions[1] - 2, reason or "Keskeytti koulutuksen"),
        ]
    elif path in ("screened", "active", "paused", "ended"):
        steps = [(S.INTERVIEWED, talk, "")]
        if c is not None:
            completed = True
            steps.append((S.IN_TRAINING, c.sessions[0], ""))
            ready = c.sessions[-1] - 3
        else:
            ready = talk - 14
        steps.append((S.SCREENED if path == "screened" else S.ACTIVE, ready, ""))
        if path == "paused":
            steps.append((S.PAUSED, until, reason or "Tauko omasta pyynnöstä"))
        if path == "ended":
            steps.append((S.ENDED, until, reason or "Muutti toiselle paikkakunnalle"))
    elif path == "returned":
        steps = [
            (S.INTERVIEWED, talk, ""),
            (S.ACTIVE, talk - 14, ""),
            (S.ENDED, 400, "Muutti väliaikaisesti toiselle paikkakunnalle"),
            (S.INTERESTED, 90, "Palasi paikkakunnalle ja toimintaan"),
            (S.INTERVIEWED, 80, ""),
            (S.ACTIVE, 66, ""),
        ]
    elif path == "veteran":  # the check seen 23½ months ago: due for renewal
        check = 705
        steps = [(S.INTERVIEWED, talk, ""), (S.ACTIVE, 700, "")]
    elif path == "veteran_paused":  # the check seen 26 months ago: expired during the pause
        check = 780
        steps = [
            (S.INTERVIEWED, talk, ""),
            (S.ACTIVE, 775, ""),
            (S.PAUSED, until, reason or "Tauko omasta pyynnöstä"),
        ]
    else:  # pragma: no cover - a typo in the plan
        raise ValueError(path)
    return Plan(
        form=form,
        role=role,
        man=man,
        registered=r,
        steps=steps,
        interview=interview,
        check=check,
        alone=alone,
        course=course,
        completed=completed,
        **extra,
    )


def _split(name: str) -> tuple[str, str]:
    first, last = name.split(" ", 1)
    return first, last


def _plans() -> list[Plan]:
    mk, bb = "mieskaveri", "baby-blues"
    ek, pt, ero = "ensikoti", "perhetupa", "ero-lapsiperheessa"
    saro, tk = "saroperheelle-tueksi", "turvakoti"
    hoiva, lapsi, tuki = (_split(name) for name in PROGRAMME_CHILDMINDERS)
    return [
        # Mieskaveritoiminta: the autumn course's men, the running course, newcomers.
        plan(mk, R.MIESKAVERI, "active", 340, man=True, course="mk-a", key="F1"),
        plan(mk, R.MIESKAVERI, "active", 338, man=True, course="mk-a", key="F2"),
        plan(
            mk,
            R.MIESKAVERI,
            "ended",
            336,
            man=True,
            course="mk-a",
            until=140,
            reason="Ei voinut jatkaa: työvuorot muuttuivat",
            key="F3",
            late=1,
        ),
        plan(mk, R.MIESKAVERI, "active", 334, man=True, course="mk-a", key="F4"),
        plan(mk, R.MIESKAVERI, "active", 332, man=True, course="mk-a", key="F5"),
        plan(
            mk,
            R.MIESKAVERI,
            "paused",
            330,
            man=True,
            course="mk-a",
            until=90,
            reason="Perhesyyt",
            key="F6",
        ),
        plan(mk, R.MIESKAVERI, "active", 328, man=True, course="mk-a", key="F7"),
        plan(mk, R.MIESKAVERI, "screened", 326, man=True, course="mk-a"),
        plan(mk, R.MIESKAVERI, "ended_training", 325, man=True, course="mk-a"),
        plan(mk, R.MIESKAVERI, "in_training", 45, man=True, course="mk-b"),
        plan(mk, R.MIESKAVERI, "in_training", 42, man=True, course="mk-b"),
        plan(mk, R.MIESKAVERI, "in_training", 40, man=True, course="mk-b", key="NOCHECK1"),
        plan(mk, R.MIESKAVERI, "in_training", 38, man=True, course="mk-b", key="NOCHECK2"),
        plan(mk, R.MIESKAVERI, "interviewed", 30, man=True),
        plan(mk, R.MIESKAVERI, "interested", 12, man=True),
        plan(mk, R.MIESKAVERI, "interested", 4, man=True),
        # Baby blues: doulas from the doula course, birth and breastfeeding support.
        plan(bb, R.DOULA, "active", 360, course="doula", key="D1"),
        plan(
            bb,
            R.DOULA,
            "active",
            358,
            course="doula",
            key="D2",
            extra=(bb, R.BREASTFEEDING_SUPPORT, False, 200),
        ),
        plan(bb, R.DOULA, "active", 356, course="doula", key="D3"),
        plan(bb, R.DOULA, "active", 354, course="doula", key="D4"),
        plan(bb, R.DOULA, "active", 352, course="doula"),
        plan(bb, R.DOULA, "paused", 350, course="doula", until=75, reason="Vanhempainvapaa"),
        plan(bb, R.DOULA, "ended", 348, course="doula", until=100),
        plan(bb, R.DOULA, "ended_training", 346, course="doula", reason="Ei ehtinyt kurssille"),
        plan(bb, R.BIRTH_SUPPORT, "active", 250, key="B1"),
        plan(bb, R.BIRTH_SUPPORT, "active", 240),
        plan(bb, R.BREASTFEEDING_SUPPORT, "active", 220),
        plan(bb, R.BREASTFEEDING_SUPPORT, "interviewed", 25),
        # Ensikoti and its father work.
        plan(ek, R.FAMILY_SUPPORT, "active", 320),
        plan(ek, R.FAMILY_SUPPORT, "active", 280, alone=True),
        plan(ek, R.FAMILY_SUPPORT, "active", 190),
        plan(ek, R.FAMILY_SUPPORT, "screened", 50),
        plan(ek, R.FAMILY_SUPPORT, "interested", 8),
        plan(ek, R.FAMILY_SUPPORT, "ended_early", 160, reason="Löysi työpaikan"),
        plan(ek, R.FATHER_WORK, "active", 230, man=True),
        plan(ek, R.FATHER_WORK, "ended", 300, man=True, until=120),
        # Perhetupa.
        plan(pt, R.PERHETUPA, "active", 310),
        plan(pt, R.PERHETUPA, "active", 260),
        plan(pt, R.PERHETUPA, "active", 150, man=True),
        plan(pt, R.PERHETUPA, "in_training", 35, course="perhetupa"),
        plan(pt, R.PERHETUPA, "returned", 620, extra=(pt, R.PERHETUPA, False, 90)),
        plan(pt, R.PERHETUPA, "paused", 290, until=45, reason="Opiskelukiireet"),
        # Ero lapsiperheessä: the groups' childminders (the programme demo's names) and co-leaders.
        plan(
            ero,
            R.CHILDMINDER,
            "active",
            330,
            alone=True,
            name=hoiva,
            extra=(pt, R.CHILDMINDER, True, 200),
        ),
        plan(ero, R.CHILDMINDER, "active", 335, alone=True, name=lapsi),
        plan(ero, R.CHILDMINDER, "veteran", 730, alone=True, name=tuki),
        plan(ero, R.CHILDMINDER, "interviewed", 20, alone=True),
        plan(ero, R.GROUP_CO_LEADER, "active", 270),
        plan(ero, R.GROUP_CO_LEADER, "ended_early", 210, reason="Ei aikaa ryhmien iltoihin"),
        plan(ero, R.STEPFAMILY, "interested", 15),
        # Säröperheelle tueksi.
        plan(saro, R.SARO, "active", 300),
        plan(saro, R.SARO, "active", 240, man=True),
        plan(saro, R.SARO, "active", 170),
        plan(saro, R.SARO, "paused", 280, until=30, reason="Sairausloma"),
        plan(saro, R.SARO, "interviewed", 18, man=True),
        # Turvakoti.
        plan(tk, R.SHELTER, "active", 290),
        plan(tk, R.SHELTER, "active", 200, alone=True),
        plan(tk, R.SHELTER, "veteran_paused", 800, alone=True, until=200, reason="Muutto"),
        plan(tk, R.SHELTER, "screened", 60, alone=True),
        plan(tk, R.SHELTER, "ended", 270, until=80, reason="Siirtyi toisen järjestön toimintaan"),
        plan(tk, R.SHELTER, "interested", 6),
    ]


PLANS: list[Plan] = _plans()

#: What the builder means to leave behind: volunteers by their status today.
INTENDED_STATUSES: Counter[str] = Counter(p.final for p in PLANS)


@dataclass(frozen=True)
class CasePlan:
    """A Mieskaveri application: days before today of each step, the friend and the ending."""

    applied: int
    boy_age: int
    area: str
    intake: int | None = None
    waiting: int | None = None
    friend: str | None = None
    matched: int | None = None
    ended: int | None = None
    successful: bool = True
    reason: str = ""
    withdrawn: int | None = None


CASES: tuple[CasePlan, ...] = (
    CasePlan(300, 8, "Lahti", 285, 280, "F1", 250, 60, True, "Sovittu jakso päättyi hyvin"),
    CasePlan(290, 7, "Hollola", 275, 270, "F2", 230, 25, True, "Poika aloitti oman harrastuksen"),
    CasePlan(285, 10, "Lahti", 270, 265, "F3", 210, 160, False, "Tapaamiset eivät vakiintuneet"),
    CasePlan(240, 6, "Heinola", 225, 220, "F4", 180),
    CasePlan(170, 9, "Lahti", 150, 145, "F5", 120),
    CasePlan(160, 11, "Lahti", 135, 130, "F1", 45),
    CasePlan(
        150, 7, "Orimattila", 140, withdrawn=120, reason="Perhe muutti toiselle paikkakunnalle"
    ),
    CasePlan(40, 8, "Lahti", 30, 28),
    CasePlan(12, 3, "Lahti", 5),
    CasePlan(4, 6, "Hollola"),
)

ACTIVITIES = (
    "Keilaamassa",
    "Uimahallissa",
    "Pilkillä Vesijärvellä",
    "Jalkapallo-ottelussa",
    "Metsäretki ja makkaranpaisto",
    "Kirjastossa ja kahvilla",
    "Pyöräretki",
    "Sählyvuoro",
)

#: Kinds of occasion per role, and their wall-clock times.
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    R.MIESKAVERI: (K.PHONE,),
    R.DOULA: (K.SESSION, K.PHONE, K.OTHER),
    R.BIRTH_SUPPORT: (K.OTHER, K.PHONE),
    R.BREASTFEEDING_SUPPORT: (K.SESSION, K.PHONE),
    R.FAMILY_SUPPORT: (K.SESSION, K.EVENT),
    R.FATHER_WORK: (K.SESSION, K.OUTING),
    R.CHILDMINDER: (K.SESSION, K.EVENT),
    R.GROUP_CO_LEADER: (K.SESSION,),
    R.PERHETUPA: (K.SESSION, K.EVENT),
    R.SARO: (K.OUTING, K.PHONE),
    R.SHELTER: (K.SESSION, K.EVENT, K.OTHER),
}
TIMES: dict[str, tuple[dt.time, dt.time]] = {
    K.SESSION: (dt.time(17), dt.time(19)),
    K.OUTING: (dt.time(10), dt.time(13)),
    K.CAMP: (dt.time(9), dt.time(21)),
    K.EVENT: (dt.time(12), dt.time(16)),
    K.PHONE: (dt.time(18), dt.time(18, 30)),
    K.OTHER: (dt.time(8), dt.time(14)),
}
