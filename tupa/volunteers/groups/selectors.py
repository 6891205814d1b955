"""Reads of volunteer groups: the list, a group's members and meetings with attendance, and a
volunteer's groups and attendance (their page). Constant query counts (the view tests count)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from tupa.access import volunteers as access
from tupa.organisations.models import ServiceForm
from tupa.volunteers.models import (
    Assignment,
    GroupMeeting,
    GroupMembership,
    MeetingAttendance,
    Volunteer,
    VolunteerGroup,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


def has_task_in(volunteer: Volunteer, service_form: ServiceForm) -> bool:
    """The volunteer has (or had) a task in ``service_form``: the form's readers see them."""
    return Assignment.objects.filter(volunteer=volunteer, service_form=service_form).exists()


def group_list(*, user: User, kind: str = "") -> QuerySet[VolunteerGroup]:
    rows = access.groups_visible_to(user).select_related("service_form")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
        ),
        meeting_count=Count("meetings", distinct=True),
        last_meeting=Max("meetings__date"),
    ).order_by("closed_on", "service_form__order", "name", "pk")


@dataclass(frozen=True)
class GroupView:
    group: VolunteerGroup
    members: list[GroupMembership]  # current first, then former
    meetings: list[GroupMeeting]  # newest first, with ``present`` (names) prefetched


def group_detail(group: VolunteerGroup) -> GroupView:
    members = list(
        GroupMembership.objects.filter(group=group)
        .select_related("volunteer")
        .order_by("left_on", "volunteer__last_name", "volunteer__first_names", "pk")
    )
    members.sort(key=lambda m: m.left_on is not None)
    meetings = list(
        GroupMeeting.objects.filter(group=group)
        .select_related("leader")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=MeetingAttendance.objects.select_related("volunteer").order_by(
                    "volunteer__last_name", "volunteer__first_names"
                ),
            )
        )
        .order_by("-date", "-starts_at", "-pk")
    )
    return GroupView(group, members, meetings)


def members_on(meeting: GroupMeeting) -> QuerySet[Volunteer]:
    """The group's members on the meeting's day (whose attendance may be marked)."""
    covering = GroupMembership.objects.filter(
        group_id=meeting.group_id, joined_on__lte=meeting.date
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=meeting.date))
    return Volunteer.objects.filter(pk__in=covering.values("volunteer_id")).order_by(
        "last_name", "first_names", "pk"
    )


@dataclass(frozen=True)
class VolunteerGroupRow:
    membership: GroupMembership
    meetings_held: int  # the group's meetings while a member, up to today
    attended: int


def volunteer_groups(
    volunteer: Volunteer, *, user: User, today: dt.date
) -> list[VolunteerGroupRow]:
    """The volunteer's groups in the forms ``user`` reads, with their attendance."""
    memberships = list(
        GroupMembership.objects.filter(
            volunteer=volunteer, group__in=access.groups_visible_to(user)
        )
        .select_related("group", "group__service_form")
        .order_by("left_on", "group__name", "pk")
    )
    if not memberships:
        return []
    meetings = list(
        GroupMeeting.objects.filter(
            group_id__in={m.group_id for m in memberships}, date__lte=today
        ).values_list("pk", "group_id", "date")
    )
    present = set(
        MeetingAttendance.objects.filter(
            volunteer=volunteer, meeting_id__in=[pk for pk, _, _ in meetings]
        ).values_list("meeting_id", flat=True)
    )
    rows = []
    for m in memberships:
        held = [
            pk
            for pk, group_id, day in meetings
            if group_id == m.group_id
            and day >= m.joined_on
            and (m.left_on is None or day <= m.left_on)
        ]
        rows.append(VolunteerGroupRow(m, len(held), sum(1 for pk in held if pk in present)))
    return rows
