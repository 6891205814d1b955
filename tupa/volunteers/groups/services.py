"""Writes of volunteer groups (VOL-08, VOL-12): groups, members, meetings and attendance.

Every write starts with the coordinator check of the group's form (``guards.require_form``); a
member must have a task in the group's form (so whoever reads the group may open its members),
a meeting falls within the group's life and attendance is marked for members only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates, fi_date
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.volunteers.groups.selectors import has_task_in, members_on
from tupa.volunteers.guards import not_future, require_form, require_volunteer
from tupa.volunteers.models import (
    GroupMeeting,
    GroupMembership,
    MeetingAttendance,
    Volunteer,
    VolunteerGroup,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


def _check_period(started_on: dt.date, closed_on: dt.date | None) -> None:
    check_dates(started_on=started_on, closed_on=closed_on)
    if closed_on is not None and closed_on < started_on:
        raise ValidationError(
            {"closed_on": _("Ryhmää ei voi lopettaa ennen kuin se on aloitettu.")}
        )


@transaction.atomic
def group_create(
    *,
    actor: User,
    service_form: ServiceForm,
    kind: str,
    name: str,
    started_on: dt.date,
    description: str = "",
    closed_on: dt.date | None = None,
) -> VolunteerGroup:
    require_form(actor, service_form)
    _check_period(started_on, closed_on)
    group = VolunteerGroup(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        kind=kind,
        name=name,
        description=description,
        started_on=started_on,
        closed_on=closed_on,
    )
    save_validated(group, actor=actor)
    return group


@transaction.atomic
def group_update(
    *,
    actor: User,
    group: VolunteerGroup,
    kind: str,
    name: str,
    started_on: dt.date,
    description: str = "",
    closed_on: dt.date | None = None,
) -> VolunteerGroup:
    """Change a group's details; closing it (``closed_on``) keeps its meetings and members."""
    require_form(actor, group.service_form)
    _check_period(started_on, closed_on)
    meetings = GroupMeeting.objects.filter(group=group)
    first = meetings.order_by("date").values_list("date", flat=True).first()
    if first is not None and first < started_on:
        raise ValidationError(
            {
                "started_on": _("Ryhmällä on tapaaminen %(day)s; se ei voi alkaa sen jälkeen.")
                % {"day": fi_date(first)}
            }
        )
    last = meetings.order_by("-date").values_list("date", flat=True).first()
    if closed_on is not None and last is not None and last > closed_on:
        raise ValidationError(
            {
                "closed_on": _("Ryhmällä on tapaaminen %(day)s; sitä ei voi lopettaa ennen sitä.")
                % {"day": fi_date(last)}
            }
        )
    group.kind, group.name, group.description = kind, name, description
    group.started_on, group.closed_on = started_on, closed_on
    save_validated(group, actor=actor)
    return group


@transaction.atomic
def member_add(
    *, actor: User, group: VolunteerGroup, volunteer: Volunteer, joined_on: dt.date
) -> GroupMembership:
    require_form(actor, group.service_form)
    require_volunteer(actor, volunteer)
    if volunteer.organisation_id != group.organisation_id:
        raise PermissionDenied
    check_dates(joined_on=joined_on)
    if group.closed_on is not None:
        raise ValidationError({"volunteer": _("Ryhmä on lopetettu; siihen ei voi lisätä jäseniä.")})
    if joined_on < group.started_on:
        raise ValidationError(
            {
                "joined_on": _("Ryhmä aloitettiin %(day)s; jäsen ei voi liittyä ennen sitä.")
                % {"day": fi_date(group.started_on)}
            }
        )
    if not has_task_in(volunteer, group.service_form):
        raise ValidationError(
            {
                "volunteer": _(
                    "Vapaaehtoisella ei ole tehtävää työmuodossa %(form)s; lisää ensin tehtävä."
                )
                % {"form": group.service_form.name}
            }
        )
    if GroupMembership.objects.filter(
        group=group, volunteer=volunteer, left_on__isnull=True
    ).exists():
        raise ValidationError({"volunteer": _("Vapaaehtoinen on jo ryhmän jäsen.")})
    membership = GroupMembership(
        organisation_id=group.organisation_id,
        group=group,
        volunteer=volunteer,
        joined_on=joined_on,
    )
    save_validated(membership, actor=actor)
    return membership


@transaction.atomic
def member_end(*, actor: User, membership: GroupMembership, left_on: dt.date) -> GroupMembership:
    require_form(actor, membership.group.service_form)
    check_dates(left_on=left_on)
    if membership.left_on is not None:
        raise ValidationError({"left_on": _("Jäsenyys on jo päättynyt.")})
    if left_on < membership.joined_on:
        raise ValidationError(
            {
                "left_on": _("Jäsen liittyi %(day)s; jäsenyys ei voi päättyä ennen sitä.")
                % {"day": fi_date(membership.joined_on)}
            }
        )
    membership.left_on = left_on
    save_validated(membership, actor=actor)
    return membership


def _check_meeting(
    group: VolunteerGroup, date: dt.date, starts_at: dt.time, ends_at: dt.time | None
) -> None:
    check_dates(date=date)
    if group.closed_on is not None and date > group.closed_on:
        raise ValidationError(
            {
                "date": _("Ryhmä on lopetettu %(day)s; sille ei voi kirjata myöhempiä tapaamisia.")
                % {"day": fi_date(group.closed_on)}
            }
        )
    if date < group.started_on:
        raise ValidationError(
            {
                "date": _("Ryhmä aloitettiin %(day)s; tapaaminen ei voi olla ennen sitä.")
                % {"day": fi_date(group.started_on)}
            }
        )
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Tapaaminen ei voi päättyä ennen kuin se alkaa.")})


def _check_leader(group: VolunteerGroup, leader: User) -> None:
    if leader.organisation_id != group.organisation_id or not leader.is_active:
        raise ValidationError({"leader": _("Valitse ohjaajaksi yhdistyksen työntekijä.")})


@transaction.atomic
def meeting_add(
    *,
    actor: User,
    group: VolunteerGroup,
    date: dt.date,
    starts_at: dt.time,
    leader: User,
    ends_at: dt.time | None = None,
    place: str = "",
    topic: str = "",
) -> GroupMeeting:
    require_form(actor, group.service_form)
    _check_meeting(group, date, starts_at, ends_at)
    _check_leader(group, leader)
    meeting = GroupMeeting(
        organisation_id=group.organisation_id,
        group=group,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        topic=topic,
        leader=leader,
    )
    save_validated(meeting, actor=actor)
    return meeting


@transaction.atomic
def attendance_set(
    *, actor: User, meeting: GroupMeeting, present: list[Volunteer]
) -> list[MeetingAttendance]:
    """Who was present (replaces the earlier marking): members on the meeting day only."""
    group = meeting.group
    require_form(actor, group.service_form)
    not_future("present", meeting.date, _("Läsnäoloja ei voi kirjata tulevalle tapaamiselle."))
    members = set(members_on(meeting).values_list("pk", flat=True))
    outsiders = [v for v in present if v.pk not in members]
    if outsiders:
        raise ValidationError(
            {
                "present": _("Vain ryhmän jäsenet voivat olla läsnä (tapaamispäivänä): %(names)s.")
                % {"names": ", ".join(str(v) for v in outsiders)}
            }
        )
    MeetingAttendance.objects.filter(meeting=meeting).delete()
    return MeetingAttendance.objects.bulk_create(
        MeetingAttendance(organisation_id=group.organisation_id, meeting=meeting, volunteer=v)
        for v in present
    )
