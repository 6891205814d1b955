"""Reads of the Tapaamispaikka: orders with their parties, meetings and the billing list.

The caller (a view) has decided that the user may see the service form; these functions run in
the organisation scope and return rows with their related data prefetched, so that a list page
takes a constant number of queries. Billing is an aggregate without persons. The meeting
statistics are counted by the statistics engine (``tupa.statistics``, indicators
``visitation.*``), which decides billability with the same :func:`rules.billing_rule`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tupa.core.wallclock import HELSINKI, day_bounds
from tupa.episodes.models import Episode
from tupa.organisations.models import Municipality
from tupa.people.processing import exclude_restricted_episodes
from tupa.people.restrictions import protected_episode_ids

from . import rules
from .models import (
    Contact,
    Meeting,
    MeetingOrder,
    MeetingType,
    OrderParty,
    PartyRole,
)

if TYPE_CHECKING:
    from tupa.organisations.models import ServiceForm


def _parties_prefetch() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "parties",
        queryset=OrderParty.objects.select_related(
            "participant__person", "participant__alias"
        ).order_by("pk"),
    )


def listed_episodes(*, service_form: ServiceForm) -> QuerySet[Episode]:
    """The form's episodes that a list may name: not those with a current participant whose
    processing is restricted (GDPR art. 18), which the client lists leave out too."""
    return exclude_restricted_episodes(
        Episode.objects.filter(service_form=service_form),
        organisation_id=service_form.organisation_id,
    )


def orders_for_form(
    *, service_form: ServiceForm, on: dt.date | None = None
) -> QuerySet[MeetingOrder]:
    """The form's orders for a list (:func:`listed_episodes`), valid ``on`` the day given (all
    when None), newest first."""
    queryset = MeetingOrder.objects.filter(
        episode__in=listed_episodes(service_form=service_form).values("pk")
    )
    if on is not None:
        queryset = queryset.filter(valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )
    return queryset.select_related("episode", "authority", "payer_municipality").prefetch_related(
        _parties_prefetch()
    )


def order_detail(*, pk: int) -> MeetingOrder | None:
    return (
        MeetingOrder.objects.select_related(
            "episode__service_form", "authority", "payer_municipality", "payer_partner"
        )
        .prefetch_related(_parties_prefetch())
        .filter(pk=pk)
        .first()
    )


def meetings_of(order: MeetingOrder) -> QuerySet[Meeting]:
    return Meeting.objects.filter(order=order).select_related("record_entry").order_by("starts_at")


def contacts_of(order: MeetingOrder) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(order=order)
        .select_related(
            "party__participant__person", "party__participant__alias", "partner", "author"
        )
        .order_by("-contacted_on", "-pk")
    )


def upcoming_meetings(
    *, service_form: ServiceForm, start: dt.datetime, end: dt.datetime
) -> QuerySet[Meeting]:
    """The form's meetings between ``start`` and ``end`` for a list (:func:`listed_episodes`)."""
    return (
        Meeting.objects.filter(
            order__episode__in=listed_episodes(service_form=service_form).values("pk"),
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("order")
        .prefetch_related(
            Prefetch(
                "order__parties",
                queryset=OrderParty.objects.select_related(
                    "participant__person", "participant__alias"
                ).order_by("pk"),
            )
        )
        .order_by("starts_at", "pk")
    )


def persons_of_parties(parties: Iterable[OrderParty]) -> list[Any]:
    """The persons and aliases behind ``parties`` (the access-log subjects)."""
    subjects: dict[tuple[str, int], Any] = {}
    for party in parties:
        p = party.participant
        subject = p.person or p.alias
        if subject is not None:
            subjects[(subject.__class__.__name__, subject.pk)] = subject
    return list(subjects.values())


def order_protected(order: MeetingOrder) -> bool:
    """Somebody of the order's family — any participant of its episode, a party of the order or
    not — has a restriction in force: the payer (the child's home municipality) is hidden."""
    return order.episode_id in protected_episode_ids([order.episode_id])


def party_times_for(
    meeting: Meeting, order: MeetingOrder, roles: Iterable[str]
) -> list[rules.PartyTimes]:
    return rules.party_times(
        meeting_type=order.meeting_type,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        arrival_offset=order.arrival_offset_minutes,
        departure_offset=order.departure_offset_minutes,
        roles=roles,
    )


# --------------------------------------------------------------------------- billing


def _meeting_rows(service_form: ServiceForm, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    lo, hi = day_bounds(start, end)
    rows = Meeting.objects.filter(
        order__episode__service_form=service_form, starts_at__gte=lo, starts_at__lt=hi
    ).values(
        "starts_at",
        "outcome",
        "late_cancellation",
        "order__meeting_type",
        "order__basis",
        "order__payer_municipality_id",
        "order__payer_municipality__name_fi",
        "order__payer_municipality__name_sv",
        "order__payer_municipality__code",
    )
    return [dict(row) for row in rows]


@dataclass
class BillingRow:
    municipality_code: str
    municipality: str
    month: dt.date
    by_type: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    def type_counts(self) -> list[int]:
        return [self.by_type.get(t, 0) for t in MeetingType.values]


@dataclass
class Billing:
    rows: list[BillingRow]
    rule: rules.BillingRule

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    def type_totals(self) -> list[int]:
        return [sum(r.by_type.get(t, 0) for r in self.rows) for t in MeetingType.values]


def billing(*, service_form: ServiceForm, start: dt.date, end: dt.date) -> Billing:
    """Billable meetings per payer municipality and calendar month (Helsinki time).

    Billability is decided by :func:`tupa.visitation.rules.billing_rule` only. Meetings without
    an outcome are not billed yet. A row is a municipality's by its code; its name is the
    reader's language's (:attr:`~tupa.organisations.models.Municipality.name`), rows in its order.
    """
    rule = rules.billing_rule()
    grouped: dict[tuple[str, dt.date], BillingRow] = {}
    for row in _meeting_rows(service_form, start, end):
        if not row["outcome"] or not rule.is_billable(
            row["outcome"], late_cancellation=row["late_cancellation"]
        ):
            continue
        local = timezone.localtime(row["starts_at"], HELSINKI)
        month = local.date().replace(day=1)
        code = row["order__payer_municipality__code"]
        item = grouped.get((code, month))
        if item is None:
            name = Municipality.name_in_language(
                row["order__payer_municipality__name_fi"],
                row["order__payer_municipality__name_sv"],
            )
            item = grouped[(code, month)] = BillingRow(
                municipality_code=code, municipality=name, month=month
            )
        meeting_type = row["order__meeting_type"]
        item.by_type[meeting_type] = item.by_type.get(meeting_type, 0) + 1
        item.by_outcome[row["outcome"]] = item.by_outcome.get(row["outcome"], 0) + 1
    rows = sorted(
        grouped.values(),
        key=lambda r: (r.municipality.casefold(), r.municipality_code, r.month),
    )
    return Billing(rows=rows, rule=rule)


PARTY_ROLE_ORDER = list(PartyRole.values)
