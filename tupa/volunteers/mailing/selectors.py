"""Reads of communications: the mailing list built from the register (VOL-09).

Only volunteers the user reads, and only those whose consent to be contacted is valid on the
day of the list, are on it; the filters (form, role, status, completed training) narrow it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tupa.access import volunteers as access
from tupa.organisations.models import ServiceForm
from tupa.volunteers.models import Assignment, ContactConsent, CourseParticipant, Volunteer

if TYPE_CHECKING:
    from tupa.accounts.models import User


def valid_consents(on: dt.date) -> QuerySet[ContactConsent]:
    """The consents in force on ``on``: given by then and not withdrawn by then."""
    return ContactConsent.objects.filter(given_on__lte=on).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    )


def mailing_list(
    *,
    user: User,
    on: dt.date,
    service_form: ServiceForm | None = None,
    role: str = "",
    status: str = "",
    course_kind: str = "",
) -> QuerySet[Volunteer]:
    rows = access.volunteers_visible_to(user).filter(
        pk__in=valid_consents(on).values("volunteer_id")
    )
    if service_form is not None or role:
        tasks = Assignment.objects.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )
        if service_form is not None:
            tasks = tasks.filter(service_form=service_form)
        if role:
            tasks = tasks.filter(role=role)
        rows = rows.filter(pk__in=tasks.values("volunteer_id"))
    if status:
        rows = rows.filter(status=status)
    if course_kind:
        done = CourseParticipant.objects.filter(completed_on__lte=on, course__kind=course_kind)
        rows = rows.filter(pk__in=done.values("volunteer_id"))
    return rows.order_by("last_name", "first_names", "pk")
