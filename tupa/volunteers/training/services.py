"""Writes of training (VOL-04): courses, sessions, participants, attendance and completion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates, fi_date
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.volunteers.guards import not_future, require_form, require_volunteer
from tupa.volunteers.models import (
    CourseParticipant,
    SessionAttendance,
    TrainingCourse,
    TrainingSession,
    Volunteer,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def course_create(
    *,
    actor: User,
    service_form: ServiceForm,
    kind: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str = "",
    planned_hours: Decimal | None = None,
) -> TrainingCourse:
    require_form(actor, service_form)
    check_dates(starts_on=starts_on, ends_on=ends_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("Koulutus ei voi päättyä ennen kuin se alkaa.")})
    course = TrainingCourse(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        kind=kind,
        name=name,
        place=place,
        starts_on=starts_on,
        ends_on=ends_on,
        planned_hours=planned_hours,
    )
    save_validated(course, actor=actor)
    return course


@transaction.atomic
def session_add(
    *, actor: User, course: TrainingCourse, date: dt.date, hours: Decimal, topic: str = ""
) -> TrainingSession:
    require_form(actor, course.service_form)
    if not course.starts_on <= date <= course.ends_on:
        raise ValidationError(
            {
                "date": _("Koulutuskerran on oltava koulutuksen aikana (%(start)s–%(end)s).")
                % {
                    "start": fi_date(course.starts_on),
                    "end": fi_date(course.ends_on),
                }
            }
        )
    session = TrainingSession(
        organisation_id=course.organisation_id, course=course, date=date, hours=hours, topic=topic
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def participant_add(
    *, actor: User, course: TrainingCourse, volunteer: Volunteer
) -> CourseParticipant:
    require_form(actor, course.service_form)
    require_volunteer(actor, volunteer)
    if volunteer.organisation_id != course.organisation_id:
        raise PermissionDenied
    if CourseParticipant.objects.filter(course=course, volunteer=volunteer).exists():
        raise ValidationError({"volunteer": _("Vapaaehtoinen on jo tällä koulutuksella.")})
    participant = CourseParticipant(
        organisation_id=course.organisation_id, course=course, volunteer=volunteer
    )
    save_validated(participant, actor=actor)
    return participant


@transaction.atomic
def attendance_set(
    *, actor: User, session: TrainingSession, present: list[Volunteer]
) -> list[SessionAttendance]:
    """Who was present at a session (replaces the earlier marking); participants only."""
    course = session.course
    require_form(actor, course.service_form)
    enrolled = set(
        CourseParticipant.objects.filter(course=course).values_list("volunteer_id", flat=True)
    )
    if any(v.pk not in enrolled for v in present):
        raise ValidationError({"present": _("Vain koulutuksen osallistujat voivat olla läsnä.")})
    SessionAttendance.objects.filter(session=session).delete()
    return SessionAttendance.objects.bulk_create(
        SessionAttendance(organisation_id=course.organisation_id, session=session, volunteer=v)
        for v in present
    )


@transaction.atomic
def participant_complete(
    *, actor: User, participant: CourseParticipant, completed_on: dt.date | None
) -> CourseParticipant:
    """Mark the course completed (or not, with ``None``). Not before the course, not ahead."""
    course = participant.course
    require_form(actor, course.service_form)
    if completed_on is not None:
        check_dates(completed_on=completed_on)
        if completed_on < course.starts_on:
            raise ValidationError(
                {
                    "completed_on": _("Koulutusta ei voi suorittaa ennen kuin se alkaa (%(day)s).")
                    % {"day": fi_date(course.starts_on)}
                }
            )
        not_future("completed_on", completed_on, _("Suorituspäivä ei voi olla tulevaisuudessa."))
    participant.completed_on = completed_on
    save_validated(participant, actor=actor)
    return participant
