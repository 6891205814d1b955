"""The builder of the demo volunteers: courses, volunteers step by step, hours and the portal
login; the Mieskaveri cases and family links are :mod:`.families`'s."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from tupa.accounts.models import User
from tupa.organisations.models import Organisation, ServiceForm
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.models import (
    CheckResult,
    CourseKind,
    CourseParticipant,
    Match,
    PortalAccess,
    TrainingCourse,
    TrainingSession,
    Volunteer,
)
from tupa.volunteers.portal import services as portal_services
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import services as screening_services
from tupa.volunteers.training import services as training_services

from . import families
from .plan import (
    COORDINATORS,
    COURSES,
    MEN,
    ORGANISATION_WIDE,
    PLACES,
    PLANS,
    PORTAL_USERNAME,
    ROLE_KINDS,
    SEED,
    SURNAMES,
    TIMES,
    WOMEN,
    K,
    Plan,
    S,
)


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


#: Days from an extract's issue to the day the coordinator saw it, taken in turn (without the
#: builder's random stream, which would shift every name and place after the first check):
#: a few days to a few weeks, always well within the extract's six months.
ISSUE_LAG_DAYS = (5, 12, 3, 21, 9, 16, 7, 28, 4, 14)


# --------------------------------------------------------------------------- the builder


class VolunteersBuilder:
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
                # The volunteer ordered the extract a few days to a few weeks before showing it.
                issued_on=self.ago(p.check + ISSUE_LAG_DAYS[index % len(ISSUE_LAG_DAYS)]),
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

    # -- the whole -------------------------------------------------------------------------

    def build(self) -> str:
        self.build_courses()
        for index, p in enumerate(PLANS):
            self.volunteer(index, p)
        self.attendance()
        families.matching(self)
        self.late_steps()
        self.activity_log()
        if "baby-blues" in self.forms:
            families.family_links(self)
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
