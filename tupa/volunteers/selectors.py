"""Reads of the volunteer register, permission-aware and with the related rows prefetched.

Every list here runs in a constant number of queries (the view tests count them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from tupa.access import volunteers as access
from tupa.organisations.models import ServiceForm
from tupa.volunteers import rules
from tupa.volunteers.models import (
    Assignment,
    CaseStatus,
    CourseKind,
    CourseParticipant,
    FamilyLink,
    FollowUp,
    HoursEntry,
    Match,
    MatchingCase,
    RecordCheck,
    RoleKind,
    Status,
    StatusChange,
    TrainingCourse,
    TrainingSession,
    Volunteer,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


def _assignments() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("service_form").order_by(
            "service_form__name", "role", "started_on"
        ),
    )


def volunteer_list(
    *,
    user: User,
    service_form_id: int | None = None,
    status: str = "",
    role: str = "",
) -> QuerySet[Volunteer]:
    """The volunteers ``user`` may read, filtered, with their tasks (two queries)."""
    rows = access.volunteers_visible_to(user)
    if service_form_id is not None:
        rows = rows.filter(assignments__service_form_id=service_form_id)
    if status:
        rows = rows.filter(status=status)
    if role:
        rows = rows.filter(assignments__role=role)
    return (
        rows.distinct().prefetch_related(_assignments()).order_by("last_name", "first_names", "pk")
    )


@dataclass(frozen=True)
class Profile:
    """Everything the volunteer's page shows."""

    volunteer: Volunteer
    assignments: list[Assignment]
    changes: list[StatusChange]
    checks: list[RecordCheck]
    courses: list[CourseParticipant]
    hours: list[HoursEntry]
    hours_minutes: int
    occasions: int
    links: list[FamilyLink]
    matches: list[Match]


def volunteer_profile(volunteer: Volunteer, *, recent_hours: int = 20) -> Profile:
    assignments = list(
        Assignment.objects.filter(volunteer=volunteer)
        .select_related("service_form")
        .order_by("-ended_on", "service_form__name", "role")
    )
    changes = list(
        StatusChange.objects.filter(volunteer=volunteer)
        .select_related("recorded_by")
        .order_by("-changed_on", "-pk")
    )
    checks = list(
        RecordCheck.objects.filter(volunteer=volunteer)
        .select_related("seen_by")
        .order_by("-seen_on", "-pk")
    )
    courses = list(
        CourseParticipant.objects.filter(volunteer=volunteer)
        .select_related("course")
        .order_by("-course__starts_on")
    )
    all_hours = list(
        HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("service_form")
        .order_by("-date", "-starts", "-pk")
    )
    return Profile(
        volunteer=volunteer,
        assignments=assignments,
        changes=changes,
        checks=checks,
        courses=courses,
        hours=all_hours[:recent_hours],
        hours_minutes=sum(e.minutes for e in all_hours),
        occasions=len(all_hours),
        # Family links and matches: role, dates and the note only, never the family.
        links=list(FamilyLink.objects.filter(volunteer=volunteer).order_by("-started_on", "-pk")),
        matches=list(
            Match.objects.filter(volunteer=volunteer)
            .only("pk", "case_id", "started_on", "ended_on", "note_for_volunteer", "volunteer_id")
            .order_by("-started_on", "-pk")
        ),
    )


@dataclass(frozen=True)
class Recheck:
    """A volunteer whose work with children needs a (new) record check."""

    volunteer: Volunteer
    latest: RecordCheck | None
    valid_until: dt.date | None
    roles: list[Assignment]

    @property
    def overdue(self) -> bool:
        return self.valid_until is None


#: Statuses in which a volunteer is (or is about to be) working.
WORKING = (Status.IN_TRAINING, Status.SCREENED, Status.ACTIVE, Status.PAUSED)


def rechecks_due(*, user: User, on: dt.date) -> list[Recheck]:
    """Working volunteers with a task that needs a check, whose check is missing, unfit,
    expired or expires within the notice period (three queries)."""
    horizon = on + dt.timedelta(days=rules.notice_days())
    rows = (
        access.volunteers_visible_to(user)
        .filter(status__in=WORKING)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(started_on__lte=on)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
                .select_related("service_form"),
            ),
            Prefetch("record_checks", queryset=RecordCheck.objects.filter(seen_on__lte=on)),
        )
        .order_by("last_name", "first_names", "pk")
    )
    due: list[Recheck] = []
    for volunteer in rows:
        needing = [a for a in volunteer.assignments.all() if rules.needs_record_check(a)]
        if not needing:
            continue
        latest = rules.latest_check(volunteer.record_checks.all())
        if rules.check_is_valid(latest, on):
            assert latest is not None
            until = rules.check_valid_until(latest)
            if until > horizon:
                continue
            due.append(Recheck(volunteer, latest, until, needing))
        else:
            due.append(Recheck(volunteer, latest, None, needing))
    due.sort(key=lambda r: (r.valid_until or dt.date.min, r.volunteer.last_name))
    return due


def roster(*, service_form: ServiceForm, on: dt.date) -> list[Assignment]:
    """The form's current tasks of active volunteers: names and roles only (one query)."""
    return list(
        Assignment.objects.filter(
            service_form=service_form, volunteer__status=Status.ACTIVE, started_on__lte=on
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("volunteer")
        .only(
            "pk",
            "role",
            "service_form_id",
            "volunteer__id",
            "volunteer__first_names",
            "volunteer__last_name",
            "volunteer__organisation_id",
        )
        .order_by("volunteer__last_name", "volunteer__first_names", "role")
    )


def course_list(*, user: User) -> QuerySet[TrainingCourse]:
    return (
        access.courses_visible_to(user)
        .select_related("service_form")
        .annotate(
            participant_count=Count("participants", distinct=True),
            completed_count=Count(
                "participants", filter=Q(participants__completed_on__isnull=False), distinct=True
            ),
        )
        .order_by("-starts_on", "name")
    )


@dataclass(frozen=True)
class CourseView:
    course: TrainingCourse
    sessions: list[TrainingSession]
    participants: list[CourseParticipant]
    present: dict[int, set[int]]  # session id → volunteer ids present


def course_detail(course: TrainingCourse) -> CourseView:
    sessions = list(
        TrainingSession.objects.filter(course=course)
        .prefetch_related("attendances")
        .order_by("date", "pk")
    )
    participants = list(
        CourseParticipant.objects.filter(course=course)
        .select_related("volunteer")
        .order_by("volunteer__last_name", "volunteer__first_names", "pk")
    )
    present = {s.pk: {a.volunteer_id for a in s.attendances.all()} for s in sessions}
    return CourseView(course, sessions, participants, present)


# --------------------------------------------------------------------------- Mieskaveri matching


def match_candidates(*, case: MatchingCase, on: dt.date) -> list[Volunteer]:
    """Male friends who could be proposed for ``case`` on ``on`` (two queries).

    Active, a current Mieskaveri task in the case's form, the basic training completed, a valid
    record check, not in an open match; when the case names an area, only volunteers whose post
    office or availability mentions it. A volunteer without a valid check is never listed (and
    ``services.volunteer_match`` refuses him anyway).
    """
    tasked = (
        Assignment.objects.filter(
            service_form_id=case.service_form_id, role=RoleKind.MIESKAVERI, started_on__lte=on
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values("volunteer_id")
    )
    trained = CourseParticipant.objects.filter(
        course__kind=CourseKind.MIESKAVERI_BASIC, completed_on__lte=on
    ).values("volunteer_id")
    busy = Match.objects.filter(ended_on__isnull=True).values("volunteer_id")
    rows = (
        Volunteer.objects.filter(
            organisation_id=case.organisation_id,
            status=Status.ACTIVE,
            pk__in=tasked,
        )
        .filter(pk__in=trained)
        .exclude(pk__in=busy)
        .prefetch_related(
            Prefetch("record_checks", queryset=RecordCheck.objects.filter(seen_on__lte=on))
        )
        .order_by("last_name", "first_names", "pk")
    )
    if case.area:
        rows = rows.filter(
            Q(post_office__icontains=case.area) | Q(availability__icontains=case.area)
        )
    return [v for v in rows if rules.check_is_valid(rules.latest_check(v.record_checks.all()), on)]


@dataclass(frozen=True)
class MatchingCounts:
    """REP-05 for a period: the Mieskaveri figures straight from the matching cases."""

    processes: int  # matches made (started) in the period
    ended: int  # matches ended in the period
    successes: int  # of those, marked successful
    male_friends: int  # distinct volunteers in a match at any time in the period
    referred_families: int  # distinct families whose application arrived in the period


def matching_counts(
    *,
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    service_form_ids: Iterable[int] | None = None,
) -> MatchingCounts:
    """The REP-05 figures for ``start``–``end`` inclusive (three queries, no personal data),
    of the whole organisation or of ``service_form_ids``."""
    cases = MatchingCase.objects.filter(organisation_id=organisation_id)
    matches = Match.objects.filter(organisation_id=organisation_id)
    if service_form_ids is not None:
        ids = list(service_form_ids)
        cases = cases.filter(service_form_id__in=ids)
        matches = matches.filter(case__service_form_id__in=ids)
    made = matches.aggregate(
        processes=Count("pk", filter=Q(started_on__gte=start, started_on__lte=end)),
        ended=Count("pk", filter=Q(ended_on__gte=start, ended_on__lte=end)),
        successes=Count(
            "pk", filter=Q(ended_on__gte=start, ended_on__lte=end, case__successful=True)
        ),
    )
    friends = (
        matches.filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values("volunteer_id")
        .distinct()
        .count()
    )
    families = (
        cases.filter(applied_on__gte=start, applied_on__lte=end)
        .values("episode_id")
        .distinct()
        .count()
    )
    return MatchingCounts(
        processes=made["processes"],
        ended=made["ended"],
        successes=made["successes"],
        male_friends=friends,
        referred_families=families,
    )


@dataclass(frozen=True)
class FollowUpDue:
    case: MatchingCase
    due_on: dt.date


def follow_ups_due(*, cases: QuerySet[MatchingCase], on: dt.date) -> list[FollowUpDue]:
    """Matched cases whose next follow-up is due on or before ``on`` (two queries).

    Due = the latest follow-up's ``next_due_on``; with no follow-up yet,
    ``rules.FIRST_FOLLOW_UP_DAYS`` after the match started; a follow-up without a next date is
    not due again.
    """
    rows = (
        cases.filter(status=CaseStatus.MATCHED)
        .select_related("match", "match__volunteer")
        .prefetch_related(
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("-date", "-pk"))
        )
    )
    due: list[FollowUpDue] = []
    for case in rows:
        latest = next(iter(case.follow_ups.all()), None)
        if latest is None:
            day: dt.date | None = case.match.started_on + dt.timedelta(
                days=rules.FIRST_FOLLOW_UP_DAYS
            )
        else:
            day = latest.next_due_on
        if day is not None and day <= on:
            due.append(FollowUpDue(case, day))
    due.sort(key=lambda d: (d.due_on, d.case.pk))
    return due
