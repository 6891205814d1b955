"""Demo volunteers over the last year (issue 12, item 13).

About sixty fictional volunteers in the forms that have volunteers — Mieskaveritoiminta, Baby
blues (doulas, birth-support and breastfeeding-support volunteers), Ensikoti (and its father
work), Perhetupa, the childminders and peer co-leaders of Ero lapsiperheessä, Säröperheelle
tueksi and Turvakoti — in **every lifecycle state**, each reached step by step with realistic
dates: the interview and the power of attorney, the record check (the date, who saw it and the
result, nothing more) for those working with children — two of them due or overdue for a
re-check —, the courses (two Mieskaveri basic trainings, one finished and one running, a doula
course and a Perhetupa orientation) with their sessions, attendance and completions, and the
activity log with every kind of occasion.

The Mieskaveri matching: ten mothers of the Mieskaveri form applied over the year (the families
are made here: the client demo has no Mieskaveri families); two matches ended successfully, one
did not, three are running, one family waits for a friend, one is after the intake (a boy under
four: the warning confirmed), one application has just arrived and one was withdrawn. Doulas
and a birth-support volunteer are linked to Baby blues families of the client demo.

Written through the services of :mod:`tupa.volunteers` (so every rule holds) as the coordinator
of each form: ``mieskaveri`` (Mieskaveri), ``babyblues`` (the doula work) and ``kava``
(organisation-wide, everything else). Deterministic (fixed seed, dates relative to today),
fictional (invented names, ``.invalid`` e-mail addresses, no phone numbers or street
addresses), and idempotent: nothing is done if the organisation already has Mieskaveri
volunteers. The volunteer groups, experience experts and students are
:mod:`tupa.demo.volunteer_groups`'s.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.demo import datafiles
from tupa.demo.programmes import VOLUNTEERS as PROGRAMME_CHILDMINDERS
from tupa.episodes import services as episode_services
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.organisations.models import Organisation, ServiceForm
from tupa.people import services as people_services
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import (
    ActivityKind,
    Assignment,
    CaseStatus,
    CheckResult,
    CourseKind,
    CourseParticipant,
    Match,
    MatchingCase,
    PortalAccess,
    RoleKind,
    Status,
    TrainingCourse,
    TrainingSession,
    Volunteer,
)
from tupa.volunteers.portal import services as portal_services
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import services as screening_services
from tupa.volunteers.training import services as training_services

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


@dataclass
class Built:
    volunteers: int = 0
    courses: int = 0
    sessions: int = 0
    hours: int = 0
    cases: int = 0
    matches: int = 0
    links: int = 0
    portal_logins: int = 0
    by_status: Counter[str] = field(default_factory=Counter)


# --------------------------------------------------------------------------- the builder


class _Builder:
    def __init__(self, organisation: Organisation) -> None:
        self.org = organisation
        self.rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
        self.today = timezone.localdate()
        self.forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        self.users = {u.username: u for u in User.objects.filter(organisation=organisation)}
        self.courses: dict[str, TrainingCourse] = {}
        self.sessions: dict[str, list[TrainingSession]] = {}
        self.volunteers: dict[int, Volunteer] = {}  # plan index → volunteer
        self.keys: dict[str, Volunteer] = {}
        self.busy: dict[int, set[dt.date]] = {}  # volunteer pk → days with an entry
        self.names: set[tuple[str, str]] = set()
        self.built = Built()

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def coordinator(self, slug: str) -> User | None:
        return self.users.get(COORDINATORS.get(slug, ORGANISATION_WIDE))

    def ready(self) -> bool:
        """The forms and coordinators the plan needs exist (not in a partial organisation)."""
        slugs = {p.form for p in PLANS} | {c.form for c in COURSES}
        return all(s in self.forms and self.coordinator(s) is not None for s in slugs)

    # -- courses -----------------------------------------------------------------------------

    def build_courses(self) -> None:
        for course in COURSES:
            actor = self.coordinator(course.form)
            assert actor is not None
            start, end = self.ago(course.sessions[0]), self.ago(course.sessions[-1])
            season = "kevät" if start.month <= 6 else "syksy"
            row = training_services.course_create(
                actor=actor,
                service_form=self.forms[course.form],
                kind=course.kind,
                name=f"{course.name} ({season} {start.year})",
                starts_on=start,
                ends_on=end,
                place=course.place,
                planned_hours=course.hours * len(course.sessions),
            )
            self.courses[course.key] = row
            self.sessions[course.key] = [
                training_services.session_add(
                    actor=actor, course=row, date=self.ago(d), hours=course.hours, topic=topic
                )
                for d, topic in zip(course.sessions, _topics(course.kind), strict=False)
            ]
            self.built.courses += 1
            self.built.sessions += len(course.sessions)

    def attendance(self) -> None:
        for course in COURSES:
            actor = self.coordinator(course.form)
            assert actor is not None
            row = self.courses[course.key]
            participants = list(
                CourseParticipant.objects.filter(course=row).select_related("volunteer")
            )
            for session in self.sessions[course.key]:
                if session.date >= self.today:
                    continue
                present = [
                    p.volunteer
                    for p in participants
                    if (p.volunteer.status != S.ENDED or session.date < p.volunteer.status_since)
                    and self.rng.random() < 0.9
                ]
                training_services.attendance_set(actor=actor, session=session, present=present)

    # -- volunteers --------------------------------------------------------------------------

    def name(self, p: Plan) -> tuple[str, str]:
        if p.name is not None:
            self.names.add(p.name)
            return p.name
        while True:
            pair = (self.rng.choice(MEN if p.man else WOMEN), self.rng.choice(SURNAMES))
            if pair not in self.names:
                self.names.add(pair)
                return pair

    def volunteer(self, index: int, p: Plan) -> None:
        actor = self.coordinator(p.form)
        assert actor is not None
        first, last = self.name(p)
        place = self.rng.choice(PLACES)
        email = f"{first}.{last}".lower()
        for a, b in (("ä", "a"), ("ö", "o"), ("å", "a"), ("-", "")):
            email = email.replace(a, b)
        start = self.ago(p.registered)
        volunteer = register_services.volunteer_create(
            actor=actor,
            service_form=self.forms[p.form],
            role=p.role,
            started_on=start,
            alone_with_children=p.alone,
            first_names=first,
            last_name=last,
            birth_year=self.today.year - self.rng.randint(22 if not p.man else 25, 68),
            gender="man" if p.man else "woman",
            email=f"{email}@esimerkki.invalid",
            post_office=place,
            languages=self.rng.choice(("suomi", "suomi", "suomi, englanti", "suomi, ruotsi")),
            availability=self.rng.choice(
                ("arki-illat", "viikonloput", "arki-illat ja viikonloput", "joustavasti")
            )
            + f", {place}",
        )
        self.volunteers[index] = volunteer
        if p.key:
            self.keys[p.key] = volunteer
        if p.interview is not None:
            screening_services.screening_record(
                actor=actor,
                volunteer=volunteer,
                interviewed_on=self.ago(p.interview),
                interviewed_by=actor,
                power_of_attorney_on=self.ago(p.interview) if p.check is not None else None,
            )
        if p.check is not None and not p.key.startswith("NOCHECK"):
            screening_services.record_check_add(
                actor=actor,
                volunteer=volunteer,
                seen_on=self.ago(p.check),
                seen_by=actor,
                result=CheckResult.FIT,
            )
        if p.course is not None:
            course = self.courses[p.course]
            participant = training_services.participant_add(
                actor=actor, course=course, volunteer=volunteer
            )
            if p.completed:
                training_services.participant_complete(
                    actor=actor, participant=participant, completed_on=course.ends_on
                )
        self.steps(p, volunteer, p.steps[: len(p.steps) - p.late])
        if p.extra is not None:
            form, role, alone, days = p.extra
            register_services.assignment_add(
                actor=actor,
                volunteer=volunteer,
                service_form=self.forms[form],
                role=role,
                started_on=self.ago(days),
                alone_with_children=alone,
            )
        self.built.volunteers += 1

    def steps(self, p: Plan, volunteer: Volunteer, steps: list[tuple[str, int, str]]) -> None:
        actor = self.coordinator(p.form)
        assert actor is not None
        for status, days, reason in steps:
            register_services.volunteer_set_status(
                actor=actor,
                volunteer=volunteer,
                status=status,
                changed_on=self.ago(days),
                reason=reason,
            )

    def late_steps(self) -> None:
        for index, p in enumerate(PLANS):
            if p.late:
                self.steps(p, self.volunteers[index], p.steps[len(p.steps) - p.late :])

    # -- hours -------------------------------------------------------------------------------

    def hours(
        self, actor: User, volunteer: Volunteer, form: ServiceForm, kind: str, day: dt.date
    ) -> bool:
        busy = self.busy.setdefault(volunteer.pk, set())
        if day in busy or day >= self.today:
            return False
        starts, ends = TIMES[kind]
        hours_services.hours_add(
            actor=actor,
            volunteer=volunteer,
            service_form=form,
            kind=kind,
            date=day,
            starts=starts,
            ends=ends,
        )
        busy.add(day)
        self.built.hours += 1
        return True

    def activity_log(self) -> None:
        """Occasions in each working period (from *active* to the pause, the end or yesterday):
        two of each volunteer's (the demo shows the kinds, not a full year of them)."""
        for index, p in enumerate(PLANS):
            active = [d for s, d, _r in p.steps if s == S.ACTIVE]
            if not active:
                continue
            begin = active[-1]
            after = [d for s, d, _r in p.steps if d < begin and s in (S.PAUSED, S.ENDED)]
            finish = max(after[0] if after else 1, 1)
            span = begin - finish
            if span < 7:
                continue
            actor = self.coordinator(p.form)
            assert actor is not None
            volunteer = self.volunteers[index]
            kinds = ROLE_KINDS[p.role]
            for n in range(2 if span >= 30 else 1):
                day = self.ago(finish + self.rng.randint(0, span - 1))
                self.hours(actor, volunteer, self.forms[p.form], kinds[n % len(kinds)], day)
        self.mieskaveri_gatherings()

    def mieskaveri_gatherings(self) -> None:
        """The summer camp (three days, entered day by day) and the spring party."""
        actor = self.coordinator("mieskaveri")
        assert actor is not None
        form = self.forms["mieskaveri"]
        camp = self.ago(200)
        camp -= dt.timedelta(days=(camp.weekday() - 4) % 7)  # Friday
        for key in ("F1", "F2", "F4"):
            for d in range(3):
                self.hours(actor, self.keys[key], form, K.CAMP, camp + dt.timedelta(days=d))
        party = self.ago(70)
        for key in ("F2", "F5", "F7"):
            self.hours(actor, self.keys[key], form, K.EVENT, party)

    # -- Mieskaveri matching -----------------------------------------------------------------

    def family(self, actor: User, c: CasePlan) -> tuple[Episode, Participant]:
        """A mother and her boy, the episode of the Mieskaveri form opened on the application."""
        last = self.rng.choice(SURNAMES)
        applied = self.ago(c.applied)
        mother = people_services.person_create(
            actor=None,
            organisation=self.org,
            first_names=self.rng.choice(WOMEN),
            last_name=last,
            birth_date=applied - dt.timedelta(days=self.rng.randint(26 * 365, 42 * 365)),
            gender="female",
        )
        boy = people_services.person_create(
            actor=None,
            organisation=self.org,
            first_names=self.rng.choice(BOYS),
            last_name=last,
            birth_date=self.ago(c.intake or c.applied)
            - dt.timedelta(days=365 * c.boy_age + self.rng.randint(30, 300)),
            gender="male",
        )
        episode = episode_services.episode_open(
            actor=actor,
            service_form=self.forms["mieskaveri"],
            person=mother,
            status=Episode.Status.ACTIVE,
            referral_source=ReferralSource.SELF,
            opened_at=timezone.make_aware(dt.datetime.combine(applied, dt.time(10))),
        )
        child = episode_services.participant_add(
            actor=actor,
            episode=episode,
            role=Participant.Role.CHILD,
            person=boy,
            joined_on=applied,
        )
        return episode, child

    def matching(self) -> None:
        actor = self.coordinator("mieskaveri")
        assert actor is not None
        for c in CASES:
            episode, child = self.family(actor, c)
            case = matching_services.case_open(
                actor=actor,
                episode=episode,
                applied_on=self.ago(c.applied),
                area=c.area,
                wishes="Liikunnallinen kaveri, joka ehtii tavata kahden viikon välein.",
            )
            self.built.cases += 1
            if c.intake is not None:
                matching_services.case_intake(
                    actor=actor,
                    case=case,
                    intake_on=self.ago(c.intake),
                    child=child,
                    contact_with_men=False,
                    wishes="Liikunnallinen kaveri, joka ehtii tavata kahden viikon välein.",
                    family_situation="Äiti ja lapset; isä ei ole mukana lapsen arjessa.",
                    area=c.area,
                    confirm=c.boy_age < 4,
                )
            if c.withdrawn is not None:
                matching_services.case_set_status(
                    actor=actor,
                    case=case,
                    status=CaseStatus.WITHDRAWN,
                    changed_on=self.ago(c.withdrawn),
                    reason=c.reason,
                )
                self.end_family(actor, episode, c.withdrawn, Episode.EndReason.MOVED_ON)
                continue
            if c.waiting is not None:
                matching_services.case_set_status(
                    actor=actor,
                    case=case,
                    status=CaseStatus.WAITING,
                    changed_on=self.ago(c.waiting),
                )
            if c.friend is None or c.matched is None:
                continue
            match = matching_services.volunteer_match(
                actor=actor,
                case=case,
                volunteer=self.keys[c.friend],
                started_on=self.ago(c.matched),
                note_for_volunteer="Poika odottaa liikunnallista tekemistä. Sovi tapaamiset "
                "äidin kanssa; koordinaattori auttaa alkuun.",
            )
            self.built.matches += 1
            self.match_life(actor, case, match, c)
            if c.ended is not None:
                matching_services.case_end(
                    actor=actor,
                    case=case,
                    ended_on=self.ago(c.ended),
                    reason=c.reason,
                    successful=c.successful,
                )
                self.end_family(actor, episode, c.ended, Episode.EndReason.PLANNED_END)

    def match_life(self, actor: User, case: MatchingCase, match: Match, c: CasePlan) -> None:
        """Joint activities every six weeks or so (each an outing in the friend's hours; the
        demo leaves out the rest) and a follow-up a month in, then every three months."""
        assert c.matched is not None
        last = c.ended if c.ended is not None else 1
        form = self.forms["mieskaveri"]
        day = c.matched - 7
        while day > last:
            when = self.ago(day)
            matching_services.activity_add(
                actor=actor, match=match, date=when, note=self.rng.choice(ACTIVITIES)
            )
            self.hours(actor, match.volunteer, form, K.OUTING, when)
            day -= self.rng.randint(40, 60)
        follow = c.matched - 30
        while follow > last:
            nxt = self.ago(follow - 90)
            matching_services.follow_up_add(
                actor=actor,
                case=case,
                date=self.ago(follow),
                note="Tapaamiset sujuvat; äiti ja poika tyytyväisiä.",
                next_due_on=nxt,
            )
            follow -= 90

    def end_family(self, actor: User, episode: Episode, days: int, reason: str) -> None:
        episode.refresh_from_db()
        episode_services.episode_set_status(
            actor=actor,
            episode=episode,
            status=Episode.Status.ENDED,
            version=None,
            end_date=self.ago(days),
            end_reason=reason,
        )

    # -- Baby blues family links -------------------------------------------------------------

    def family_links(self) -> None:
        actor = self.coordinator("baby-blues")
        assert actor is not None
        helpers = [self.keys[k] for k in ("D1", "D2", "D3", "D4", "B1")]
        roles = [R.DOULA] * 4 + [R.BIRTH_SUPPORT]
        episodes = list(
            Episode.objects.filter(
                service_form=self.forms["baby-blues"], start_date__gte=self.ago(280)
            ).order_by("start_date", "pk")[:5]
        )
        for volunteer, role, episode in zip(helpers, roles, episodes, strict=False):
            assert episode.start_date is not None
            start = episode.start_date + dt.timedelta(days=7)
            if start >= self.today or (episode.end_date and episode.end_date < start):
                continue
            link = matching_services.family_link_add(
                actor=actor,
                volunteer=volunteer,
                episode=episode,
                role=role,
                started_on=start,
                note_for_volunteer="Tuki raskauden loppuun, synnytykseen ja ensimmäisiin "
                "viikkoihin. Työntekijä kertoo tapaamisista.",
            )
            if episode.end_date is not None:
                matching_services.family_link_update(
                    actor=actor,
                    link=link,
                    note_for_volunteer=link.note_for_volunteer,
                    ended_on=episode.end_date,
                )
            self.built.links += 1

    # -- the whole -------------------------------------------------------------------------

    def build(self) -> str:
        self.build_courses()
        for index, p in enumerate(PLANS):
            self.volunteer(index, p)
        self.attendance()
        self.matching()
        self.late_steps()
        self.activity_log()
        if "baby-blues" in self.forms:
            self.family_links()
        self.portal_login()
        b = self.built
        return (
            f"Vapaaehtoiset: {b.volunteers} vapaaehtoista, {b.courses} koulutusta "
            f"({b.sessions} kertaa), {b.hours} toimintakirjausta, {b.cases} kaveriprosessia "
            f"({b.matches} kaverisuhdetta), {b.links} perhelinkkiä, "
            f"{b.portal_logins} vapaaehtoisen tunnus ({PORTAL_USERNAME})."
        )

    # -- the volunteer portal ----------------------------------------------------------------

    def portal_login(self) -> None:
        """A portal login for the friend of the oldest running match, as the coordinator opens
        one — but named ``vapaaehtoinen``, with the demo password (copied from the coordinator,
        whose password is the demo's) and no activation mail."""
        coordinator = self.coordinator("mieskaveri")
        match = (
            Match.objects.filter(organisation=self.org, ended_on__isnull=True)
            .select_related("volunteer")
            .order_by("started_on", "pk")
            .first()
        )
        if (
            coordinator is None
            or match is None
            or User.objects.filter(username=PORTAL_USERNAME).exists()
        ):
            return
        access = portal_services.portal_grant(
            actor=coordinator, volunteer=match.volunteer, absolute=str, send_link=False
        )
        user = access.user
        user.username = PORTAL_USERNAME
        user.password = coordinator.password
        user.save(update_fields=["username", "password"])
        PortalAccess.objects.filter(pk=access.pk).update(activated_at=timezone.now())
        self.built.portal_logins += 1


def _topics(kind: str) -> tuple[str, ...]:
    if kind == CourseKind.MIESKAVERI_BASIC:
        return (
            "Mieskaveritoiminta ja vapaaehtoisen rooli",
            "Lapsen kehitys ja kohtaaminen",
            "Turvallisuus ja rajat",
            "Kaverisuhteen alku ja päättyminen",
        )
    if kind == CourseKind.DOULA:
        return (
            "Doulan tehtävä",
            "Raskaus ja synnytys",
            "Vauvaperheen arki",
            "Imetys ja varhainen vuorovaikutus",
            "Vaitiolo ja yhteistyö työntekijöiden kanssa",
        )
    return ("Perhetupa ja vapaaehtoisen tehtävät", "Turvallisuus ja vaitiolo")


def build(*, organisation: Organisation) -> str | None:
    """Add the demo volunteers once; None if they exist or the organisation lacks their forms."""
    with scope(organisation=organisation.pk):
        if Assignment.objects.filter(organisation=organisation, role=R.MIESKAVERI).exists():
            return None
        builder = _Builder(organisation)
        if not builder.ready():
            return None
        with transaction.atomic():
            return builder.build()
