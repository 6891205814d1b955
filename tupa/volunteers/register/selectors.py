"""Reads of the register: the list, a volunteer's page, a form's roster, what a volunteer's
tasks still need. Permission-aware, with the related rows prefetched; every list runs in a
constant number of queries (the view tests count them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tupa.access import volunteers as access
from tupa.organisations.models import ServiceForm
from tupa.volunteers import rules
from tupa.volunteers.models import (
    Assignment,
    CourseParticipant,
    FamilyLink,
    HoursEntry,
    Match,
    RecordCheck,
    Status,
    StatusChange,
    Volunteer,
)
from tupa.volunteers.training.selectors import completed_course_kinds

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


def _current_assignments(volunteer: Volunteer, on: dt.date) -> list[Assignment]:
    return [a for a in volunteer.assignments.all() if a.is_current(on)]


def record_check_valid_from(volunteer: Volunteer, on: dt.date) -> bool:
    """A valid record check on ``on`` and, for a start day in the past, today as well.

    A match or family link entered today with an earlier start day is current today: a check
    valid only on that earlier day (expired, or followed by an unfit one, since) must not count.
    """
    today = timezone.localdate()
    return all(
        rules.check_is_valid(
            rules.latest_check(volunteer.record_checks.filter(seen_on__lte=day)), day
        )
        for day in sorted({on, max(on, today)})
    )


def unmet_requirements(volunteer: Volunteer, *, on: dt.date, courses: bool = True) -> list[str]:
    """What the volunteer's current tasks still need on ``on`` (messages; empty when none)."""
    return rules.unmet_requirements(
        assignments=_current_assignments(volunteer, on),
        check=rules.latest_check(volunteer.record_checks.filter(seen_on__lte=on)),
        completed_kinds=completed_course_kinds(volunteer, on) if courses else set(),
        on=on,
        courses=courses,
    )
