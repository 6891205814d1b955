"""The demo volunteers (issue 12, item 13): what the builder promises, read from the whole demo.

``manage.py build_demo`` builds the whole demo once for the package with "today" pinned
(``whole_demo`` in conftest.py): the volunteers are built through the services after the
organisation and its clients (the doulas are linked to the client demo's Baby blues families),
then checked against the plan here, then built again on top of it: nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Membership, Role, User
from tupa.demo import datafiles, volunteer_groups
from tupa.demo import volunteers as demo
from tupa.demo.organisations import DEFAULT_PASSWORD
from tupa.demo.programmes import VOLUNTEERS as PROGRAMME_CHILDMINDERS
from tupa.demo.tests.conftest import NOW, WholeDemo
from tupa.demo.volunteers import plan
from tupa.organisations.models import Organisation
from tupa.people.models import Person
from tupa.volunteers import rules
from tupa.volunteers.matching.selectors import match_candidates
from tupa.volunteers.models import (
    ActivityKind,
    CaseStatus,
    CourseKind,
    CourseParticipant,
    FamilyLink,
    HoursEntry,
    Match,
    MatchingCase,
    RoleKind,
    SessionAttendance,
    Status,
    TrainingCourse,
    Volunteer,
)
from tupa.volunteers.screening.selectors import rechecks_due

# Reads the whole demo, which runs on SQLite (make test runs it there only, ADR 0012), built once
# on one pytest-xdist worker (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]

TODAY = NOW.date()


@dataclass(frozen=True)
class VolunteersDemo:
    organisation: Organisation
    #: what the volunteers builder added to the whole demo (its line of build_demo's output)
    summary: str
    #: CPU seconds the volunteers builder took in that build
    seconds: float


def _row_counts() -> dict[str, int]:
    with scopes_disabled():
        return {
            model._meta.label: model._base_manager.count()
            for label in ("volunteers", "episodes", "people")
            for model in apps.get_app_config(label).get_models()
        }


@pytest.fixture
def built(demo_at_now: WholeDemo) -> VolunteersDemo:
    return VolunteersDemo(
        demo_at_now.organisation,
        demo_at_now.summary("Vapaaehtoiset: "),
        demo_at_now.cpu_seconds[demo.__name__],
    )


def test_the_volunteers_are_in_every_state_as_planned(built: VolunteersDemo) -> None:
    assert built.summary.startswith("Vapaaehtoiset: ")
    with scope(organisation=built.organisation.pk):
        # The volunteer groups' builder (after this one) registers its own experience experts
        # and students (4 + 3 new volunteers, still "interested"): not part of this plan.
        ours = Volunteer.objects.exclude(
            assignments__role__in=(RoleKind.EXPERIENCE_EXPERT, RoleKind.STUDENT)
        )
        statuses = Counter(ours.values_list("status", flat=True))
        assert statuses == plan.INTENDED_STATUSES
        assert set(statuses) == set(Status.values)
        assert 55 <= sum(statuses.values()) <= 65
        assert statuses[Status.ACTIVE] >= 25
        # Every step went through the lifecycle: each volunteer's history ends in its status.
        for volunteer in ours.prefetch_related("status_changes"):
            history = sorted(volunteer.status_changes.all(), key=lambda c: (c.changed_on, c.pk))
            assert history[-1].status == volunteer.status
            assert all(TODAY - dt.timedelta(days=800) <= c.changed_on <= TODAY for c in history)
        forms = set(ours.values_list("assignments__service_form__slug", flat=True).distinct())
        assert forms == {
            "mieskaveri",
            "baby-blues",
            "ensikoti",
            "perhetupa",
            "ero-lapsiperheessa",
            "saroperheelle-tueksi",
            "turvakoti",
        }


def test_everyone_active_with_children_has_a_valid_check(built: VolunteersDemo) -> None:
    with scope(organisation=built.organisation.pk):
        active = Volunteer.objects.filter(status=Status.ACTIVE).prefetch_related(
            "assignments", "record_checks"
        )
        checked = 0
        for volunteer in active:
            if any(
                rules.needs_record_check(a) and a.is_current(TODAY)
                for a in volunteer.assignments.all()
            ):
                latest = rules.latest_check(volunteer.record_checks.all())
                assert rules.check_is_valid(latest, TODAY), str(volunteer)
                checked += 1
        assert checked >= 8
        # The re-check list shows one due soon, one expired during a pause and two men of the
        # running course whose extract has not been seen yet.
        kava = User.objects.get(username="kava")
        due = rechecks_due(user=kava, on=TODAY)
        soon = [r for r in due if not r.overdue]
        assert len(soon) == 1 and soon[0].volunteer.status == Status.ACTIVE
        overdue = {(r.volunteer.status, r.latest is None) for r in due if r.overdue}
        assert overdue == {(Status.PAUSED, False), (Status.IN_TRAINING, True)}
        assert sum(1 for r in due if r.overdue and r.latest is None) == 2


def test_courses_sessions_attendance_and_completions(built: VolunteersDemo) -> None:
    with scope(organisation=built.organisation.pk):
        courses = TrainingCourse.objects.filter(organisation=built.organisation)
        assert Counter(courses.values_list("kind", flat=True)) == {
            CourseKind.MIESKAVERI_BASIC: 2,
            CourseKind.DOULA: 1,
            CourseKind.OTHER: 1,
        }
        finished = courses.get(kind=CourseKind.MIESKAVERI_BASIC, ends_on__lt=TODAY)
        running = courses.get(kind=CourseKind.MIESKAVERI_BASIC, ends_on__gte=TODAY)
        assert finished.place == "Heinola" and finished.planned_hours == 14
        assert finished.sessions.count() == 4
        assert CourseParticipant.objects.filter(course=finished).count() == 9
        assert (
            CourseParticipant.objects.filter(course=finished, completed_on__isnull=False).count()
            == 8
        )
        assert not CourseParticipant.objects.filter(
            course=running, completed_on__isnull=False
        ).exists()
        held = SessionAttendance.objects.filter(session__course=running)
        assert held.exists()
        assert not held.filter(session__date__gte=TODAY).exists()


def test_hours_of_every_kind_and_never_overlapping(built: VolunteersDemo) -> None:
    with scope(organisation=built.organisation.pk):
        entries = list(HoursEntry.objects.all())
        assert len(entries) >= 90
        assert {e.kind for e in entries} == set(ActivityKind.values)
        assert all(e.date < TODAY for e in entries)
        by_day = Counter((e.volunteer_id, e.date) for e in entries)
        assert max(by_day.values()) == 1


def test_a_year_of_mieskaveri_matching_and_the_doula_links(built: VolunteersDemo) -> None:
    with scope(organisation=built.organisation.pk):
        cases = MatchingCase.objects.all()
        assert Counter(cases.values_list("status", flat=True)) == {
            CaseStatus.ENDED: 3,
            CaseStatus.MATCHED: 3,
            CaseStatus.WAITING: 1,
            CaseStatus.INTAKE: 1,
            CaseStatus.APPLIED: 1,
            CaseStatus.WITHDRAWN: 1,
        }
        ended = cases.filter(status=CaseStatus.ENDED)
        assert sorted(bool(s) for s in ended.values_list("successful", flat=True)) == [
            False,
            True,
            True,
        ]
        assert all(TODAY - dt.timedelta(days=366) <= c.applied_on for c in cases)
        assert cases.filter(status=CaseStatus.INTAKE).get().confirmed_warnings
        waiting = cases.get(status=CaseStatus.WAITING)
        assert match_candidates(case=waiting, on=TODAY)
        assert Match.objects.count() == 6
        assert Match.objects.filter(ended_on__isnull=True).count() == 3
        links = FamilyLink.objects.all()
        assert links.count() == 5
        assert set(links.values_list("role", flat=True)) == {RoleKind.DOULA, RoleKind.BIRTH_SUPPORT}
        assert set(links.values_list("episode__service_form__slug", flat=True)) == {"baby-blues"}
        assert links.filter(ended_on__isnull=False).exists()


def test_only_fictional_names_and_contact_data(built: VolunteersDemo) -> None:
    names = datafiles.load("names")
    firsts = set(names["women"]) | set(names["men"]) | set(names["boys"])
    lasts = set(names["surnames"])
    for childminder in PROGRAMME_CHILDMINDERS:
        first, last = childminder.split(" ", 1)
        firsts.add(first)
        lasts.add(last)
    # The experience experts and students the volunteer groups' builder invents (whole demo).
    invented = [(e[1], e[2]) for e in volunteer_groups.EXPERTS]
    invented += [(s[1], s[2]) for s in volunteer_groups.STUDENTS]
    for first, last in invented:
        firsts.add(first)
        lasts.add(last)
    with scope(organisation=built.organisation.pk):
        for v in Volunteer.objects.all():
            assert v.first_names in firsts and v.last_name in lasts, str(v)
            assert v.email.endswith("@esimerkki.invalid")
            assert not v.phone and not v.street_address
        # The families the volunteer demo made: the Mieskaveri mothers and their boys (the client
        # demo has no Mieskaveri families; its own clients are the clients tests' business).
        family_people = Person.objects.filter(
            participations__episode__service_form__slug="mieskaveri"
        ).distinct()
        assert family_people.count() == 2 * len(plan.CASES)  # a mother and a boy per case
        for person in family_people:
            assert person.first_names in firsts and person.last_name in lasts, str(person)
            assert not person.hetu


def test_the_coordinators_of_the_demo(built: VolunteersDemo) -> None:
    with scopes_disabled():
        roles = set(
            Membership.objects.filter(role=Role.VOLUNTEER_COORDINATOR).values_list(
                "user__username", "service_form__slug"
            )
        )
    assert roles == {("mieskaveri", "mieskaveri"), ("babyblues", "baby-blues"), ("kava", None)}


def test_built_once_fast_and_idempotent(built: VolunteersDemo) -> None:
    # CPU seconds of the builder's run in the whole demo, not wall-clock (the test machines are
    # shared): about 6 s on the 2-core test machine (after all the clients: more Baby blues
    # families to look through), where a 10⁷-step Python loop takes 1.2 s. A guard against a
    # much slower builder.
    assert built.seconds < 10, f"the volunteer demo took {built.seconds:.1f} s of CPU"
    before = _row_counts()
    assert demo.build(organisation=built.organisation) is None  # again, on the whole demo
    assert _row_counts() == before


def test_the_demo_volunteer_login_reaches_the_portal_with_the_demo_password(
    built: VolunteersDemo,
) -> None:
    from django.test import Client
    from django.urls import reverse

    from tupa.accounts.models import UserKind
    from tupa.volunteers.models import Match, PortalAccess

    with scopes_disabled():
        user = User.objects.get(username=plan.PORTAL_USERNAME)
        access = PortalAccess.objects.select_related("volunteer").get(user=user)
        running = Match.objects.filter(volunteer=access.volunteer, ended_on__isnull=True)
        assert running.exists()  # his portal shows the coordinator's note
    assert user.kind == UserKind.VOLUNTEER and not user.is_staff
    assert user.check_password(DEFAULT_PASSWORD)  # the demo's, as `make demo` builds it
    assert access.in_force and access.activated_at is not None and access.link_sent_at is None
    assert f"({plan.PORTAL_USERNAME})" in built.summary
    client = Client()
    with override_settings(TUPA_REQUIRE_2FA=False):
        client.force_login(user)
        assert client.get(reverse("volunteer_portal:home")).status_code == 200
        # The front page leads him to the portal; a staff page is not there for him.
        assert client.get(reverse("core:dashboard"))["Location"] == reverse("volunteer_portal:home")
        assert client.get(reverse("volunteers:index")).status_code == 404
