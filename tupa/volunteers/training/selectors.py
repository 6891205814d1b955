"""Reads of training: the courses, a course's sessions, participants and attendance, and the
course kinds a volunteer has completed (what the role requirements ask for)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from tupa.access import volunteers as access
from tupa.volunteers.models import (
    CourseParticipant,
    TrainingCourse,
    TrainingSession,
    Volunteer,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


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


def completed_course_kinds(volunteer: Volunteer, on: dt.date) -> set[str]:
    return set(
        CourseParticipant.objects.filter(
            volunteer=volunteer, completed_on__isnull=False, completed_on__lte=on
        ).values_list("course__kind", flat=True)
    )
