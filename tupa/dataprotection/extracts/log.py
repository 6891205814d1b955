"""The client's log extract (finnish-requirements §4.3; 703/2023): who processed her data.

The DPO produces it for the person found with the exact lookup; authorisation is the DPO's
policy action (:data:`tupa.access.dataprotection.DPO_ACTION`), no episode access is needed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership
from tupa.audit.models import AccessEvent
from tupa.core.months import add_months
from tupa.core.wallclock import HELSINKI
from tupa.people.models import Alias, Person

#: How far back the log extract looks by default (finnish-requirements §4.3).
LOG_EXTRACT_DEFAULT_YEARS = 2


@dataclass
class LogRow:
    occurred_at: dt.datetime
    user_name: str
    roles: list[str]
    action: str
    basis: str
    reason: str


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return add_months(today, -12 * LOG_EXTRACT_DEFAULT_YEARS), today


def _subject_ids(person: Person) -> list[str]:
    """The person and every record merged into it (their history belongs to the same person)."""
    ids = [str(person.pk)]
    ids += [
        str(pk) for pk in Person.objects.filter(merged_into=person).values_list("pk", flat=True)
    ]
    return ids


def _roles_at(memberships: list[Membership], day: dt.date) -> list[str]:
    labels = []
    for m in memberships:
        if m.valid_from <= day and (m.valid_until is None or m.valid_until >= day):
            label = m.get_role_display()
            if m.service_form is not None:
                label = f"{label}, {m.service_form.name}"
            labels.append(str(label))
    return sorted(set(labels))


def log_extract(*, person: Person, date_from: dt.date, date_to: dt.date) -> list[LogRow]:
    """Who processed the person's data in the period (inclusive Helsinki dates), oldest first.

    Three queries whatever the number of events: merged records, events with their users, and
    the memberships of those users (for each user's roles and units *at the time* of the event).
    """
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=HELSINKI)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=HELSINKI)
    person_type = ContentType.objects.get_for_model(Person)
    alias_type = ContentType.objects.get_for_model(Alias)
    with scopes_disabled():
        person_ids = _subject_ids(person)
        # The anonymous phase is the same person's data: reads of aliases later linked to her.
        alias_ids = [
            str(pk)
            for pk in Alias.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
        ]
        events = list(
            AccessEvent.objects.filter(
                Q(subject_type=person_type, subject_id__in=person_ids)
                | Q(subject_type=alias_type, subject_id__in=alias_ids),
                organisation_id=person.organisation_id,
                occurred_at__gte=start,
                occurred_at__lt=end,
            )
            .select_related("user")
            .order_by("occurred_at", "pk")
        )
        by_user: dict[int, list[Membership]] = defaultdict(list)
        user_ids = {e.user_id for e in events}
        if user_ids:
            for m in (
                Membership.objects.filter(user_id__in=user_ids)
                .select_related("service_form")
                .order_by("pk")
            ):
                by_user[m.user_id].append(m)
    rows = []
    for e in events:
        local = e.occurred_at.astimezone(HELSINKI)
        user = e.user
        rows.append(
            LogRow(
                occurred_at=local,
                user_name=user.get_full_name() or user.username,
                roles=_roles_at(by_user.get(e.user_id, []), local.date()),
                action=str(e.get_action_display()),
                basis=str(e.get_basis_display()),
                reason=e.reason,
            )
        )
    return rows
