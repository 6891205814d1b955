"""Reads of the volunteer register, permission-aware and with the related rows prefetched.

Every list here runs in a constant number of queries (the view tests count them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from tupa.access import volunteers as access
from tupa.organisations.models import ServiceForm
from tupa.volunteers import rules
from tupa.volunteers.models import (
    Assignment,
    CourseParticipant,
    HoursEntry,
    RecordCheck,
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
