"""Reads of the volunteer portal: one volunteer's own page, hours, the coordinator's view of the
login. Every read takes the volunteer the access module gave (``access.portal_access``) and
reads only that volunteer's rows; the home page runs in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tupa.organisations.models import ServiceForm
from tupa.people.processing import episode_restricted_at
from tupa.volunteers import rules
from tupa.volunteers.models import (
    Assignment,
    CourseParticipant,
    FamilyLink,
    GroupMeeting,
    HoursEntry,
    Match,
    PortalAccess,
    RecordCheck,
    Screening,
    TrainingSession,
    Volunteer,
)

#: How many upcoming meetings and sessions the home page lists, and how many recent hours.
UPCOMING_LIMIT = 10
RECENT_HOURS = 5


@dataclass(frozen=True)
class ScreeningStatus:
    """Screening as the volunteer sees it: done or not, and how long the check is valid.

    Never who saw the record check, the day it was seen or its result: only whether a valid
    check is in force and until when (docs/volunteer-portal.md).
    """

    interviewed: bool
    power_of_attorney: bool
    check_needed: bool
    check_valid_until: dt.date | None

    @property
    def check_valid(self) -> bool:
        return self.check_valid_until is not None


@dataclass(frozen=True)
class Note:
    """The coordinator's note for the volunteer on a match or a family link; nothing else of
    the family (no names, no episode, no case)."""

    title: str
    started_on: dt.date
    text: str


@dataclass(frozen=True)
class UpcomingItem:
    date: dt.date
    time: dt.time | None
    title: str
    place: str
    kind: str  # "training" | "meeting"


@dataclass(frozen=True)
class Home:
    volunteer: Volunteer
    assignments: list[Assignment]
    screening: ScreeningStatus
    courses: list[CourseParticipant]
    upcoming: list[UpcomingItem]
    notes: list[Note]
    recent_hours: list[HoursEntry]
    year_minutes: int


def current_assignments(volunteer: Volunteer, *, on: dt.date) -> list[Assignment]:
    return list(
        Assignment.objects.filter(volunteer=volunteer, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("service_form")
        .order_by("service_form__name", "role")
    )


def screening_status(
    volunteer: Volunteer, *, assignments: list[Assignment], on: dt.date
) -> ScreeningStatus:
    screening = Screening.objects.filter(volunteer=volunteer).first()
    latest = rules.latest_check(RecordCheck.objects.filter(volunteer=volunteer, seen_on__lte=on))
    valid = rules.check_is_valid(latest, on)
    return ScreeningStatus(
        interviewed=bool(screening and screening.interviewed_on),
        power_of_attorney=bool(screening and screening.power_of_attorney_on),
        check_needed=any(rules.needs_record_check(a) for a in assignments),
        check_valid_until=rules.check_valid_until(latest) if valid and latest else None,
    )


def _titled(name: str, topic: str) -> str:
    return f"{name}: {topic}" if topic else name


def upcoming_of(volunteer: Volunteer, *, on: dt.date) -> list[UpcomingItem]:
    """The training sessions of the volunteer's courses and the meetings of their current groups,
    from ``on`` on, soonest first."""
    sessions = (
        TrainingSession.objects.filter(course__participants__volunteer=volunteer, date__gte=on)
        .select_related("course")
        .order_by("date", "pk")[:UPCOMING_LIMIT]
    )
    meetings = (
        GroupMeeting.objects.filter(
            # one filter() call: the three conditions hold for the same membership
            Q(group__memberships__left_on__isnull=True) | Q(group__memberships__left_on__gte=on),
            group__memberships__volunteer=volunteer,
            group__memberships__joined_on__lte=on,
            date__gte=on,
        )
        .select_related("group")
        .distinct()
        .order_by("date", "starts_at", "pk")[:UPCOMING_LIMIT]
    )
    items = [
        UpcomingItem(s.date, None, _titled(s.course.name, s.topic), "", "training")
        for s in sessions
    ] + [
        UpcomingItem(m.date, m.starts_at, _titled(m.group.name, m.topic), m.place, "meeting")
        for m in meetings
    ]
    items.sort(key=lambda i: (i.date, i.time or dt.time.min))
    return items[:UPCOMING_LIMIT]


def notes_for(volunteer: Volunteer, *, on: dt.date) -> list[Note]:
    """The coordinator's notes for the volunteer on their current matches and family links.

    While the family's processing is restricted (GDPR art. 18) its note is not shown (the
    volunteer still sees that the match or link is current): disclosing it is processing."""
    current = Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    notes: list[Note] = []
    for match in (
        Match.objects.filter(current, volunteer=volunteer)
        .annotate(restricted=episode_restricted_at("case__episode_id"))
        .only("started_on", "note_for_volunteer")
    ):
        text = "" if match.restricted else match.note_for_volunteer
        notes.append(Note(str(Match._meta.verbose_name), match.started_on, text))
    for link in (
        FamilyLink.objects.filter(current, volunteer=volunteer)
        .annotate(restricted=episode_restricted_at("episode_id"))
        .only("role", "started_on", "note_for_volunteer")
    ):
        text = "" if link.restricted else link.note_for_volunteer
        notes.append(Note(str(link.get_role_display()), link.started_on, text))
    return notes


def home_of(volunteer: Volunteer, *, on: dt.date) -> Home:
    assignments = current_assignments(volunteer, on=on)
    year_entries = HoursEntry.objects.filter(volunteer=volunteer, date__year=on.year).only(
        "date", "starts", "ends"
    )
    return Home(
        volunteer=volunteer,
        assignments=assignments,
        screening=screening_status(volunteer, assignments=assignments, on=on),
        courses=list(
            CourseParticipant.objects.filter(volunteer=volunteer)
            .select_related("course")
            .order_by("-course__starts_on", "pk")
        ),
        upcoming=upcoming_of(volunteer, on=on),
        notes=notes_for(volunteer, on=on),
        recent_hours=list(own_hours(volunteer)[:RECENT_HOURS]),
        year_minutes=sum(e.minutes for e in year_entries),
    )


def own_hours(volunteer: Volunteer) -> QuerySet[HoursEntry]:
    """The volunteer's own activity log, newest first, with the form and who entered it."""
    return (
        HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("service_form", "recorded_by")
        .order_by("-date", "-starts", "-pk")
    )


def own_entry(volunteer: Volunteer, pk: int) -> HoursEntry | None:
    """One entry of the volunteer's own log, or None (another volunteer's id is just absent)."""
    return own_hours(volunteer).filter(pk=pk).first()


def hours_forms(volunteer: Volunteer) -> QuerySet[ServiceForm]:
    """The service forms of the volunteer's tasks (for the hours form's choice)."""
    return ServiceForm.objects.filter(
        pk__in=Assignment.objects.filter(volunteer=volunteer).values("service_form_id")
    ).order_by("order", "name")


def access_of(volunteer: Volunteer) -> PortalAccess | None:
    """The volunteer's portal login (in force or revoked), for the coordinator's page."""
    return PortalAccess.objects.filter(volunteer=volunteer).select_related("user").first()
