"""Reads of screening: the volunteers whose record check is due (Act 148/2014)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q

from tupa.access import volunteers as access
from tupa.volunteers import rules
from tupa.volunteers.models import (
    Assignment,
    RecordCheck,
    Status,
    Volunteer,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


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
