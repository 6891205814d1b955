"""Reads of Mieskaveri matching: the proposed friends and the follow-ups due.

The REP-05 figures (processes, successes, male friends, referred families) are indicators of
the reporting engine (``tupa.statistics.indicators.volunteers``), not counted here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from tupa.volunteers import rules
from tupa.volunteers.models import (
    Assignment,
    CaseStatus,
    CourseKind,
    CourseParticipant,
    FollowUp,
    Match,
    MatchingCase,
    RecordCheck,
    RoleKind,
    Status,
    Volunteer,
)

if TYPE_CHECKING:
    pass


def match_candidates(*, case: MatchingCase, on: dt.date) -> list[Volunteer]:
    """Male friends who could be proposed for ``case`` on ``on`` (two queries).

    Active, a current Mieskaveri task in the case's form, the basic training completed, a valid
    record check, not in an open match; when the case names an area, only volunteers whose post
    office or availability mentions it. A volunteer without a valid check is never listed (and
    ``services.volunteer_match`` refuses him anyway).
    """
    tasked = (
        Assignment.objects.filter(
            service_form_id=case.service_form_id, role=RoleKind.MIESKAVERI, started_on__lte=on
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values("volunteer_id")
    )
    trained = CourseParticipant.objects.filter(
        course__kind=CourseKind.MIESKAVERI_BASIC, completed_on__lte=on
    ).values("volunteer_id")
    busy = Match.objects.filter(ended_on__isnull=True).values("volunteer_id")
    rows = (
        Volunteer.objects.filter(
            organisation_id=case.organisation_id,
            status=Status.ACTIVE,
            pk__in=tasked,
        )
        .filter(pk__in=trained)
        .exclude(pk__in=busy)
        .prefetch_related(
            Prefetch("record_checks", queryset=RecordCheck.objects.filter(seen_on__lte=on))
        )
        .order_by("last_name", "first_names", "pk")
    )
    if case.area:
        rows = rows.filter(
            Q(post_office__icontains=case.area) | Q(availability__icontains=case.area)
        )
    return [v for v in rows if rules.check_is_valid(rules.latest_check(v.record_checks.all()), on)]


@dataclass(frozen=True)
class FollowUpDue:
    case: MatchingCase
    due_on: dt.date


def follow_ups_due(*, cases: QuerySet[MatchingCase], on: dt.date) -> list[FollowUpDue]:
    """Matched cases whose next follow-up is due on or before ``on`` (two queries).

    Due = the latest follow-up's ``next_due_on``; with no follow-up yet,
    ``rules.FIRST_FOLLOW_UP_DAYS`` after the match started; a follow-up without a next date is
    not due again.
    """
    rows = (
        cases.filter(status=CaseStatus.MATCHED)
        .select_related("match", "match__volunteer")
        .prefetch_related(
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("-date", "-pk"))
        )
    )
    due: list[FollowUpDue] = []
    for case in rows:
        latest = next(iter(case.follow_ups.all()), None)
        if latest is None:
            day: dt.date | None = case.match.started_on + dt.timedelta(
                days=rules.FIRST_FOLLOW_UP_DAYS
            )
        else:
            day = latest.next_due_on
        if day is not None and day <= on:
            due.append(FollowUpDue(case, day))
    due.sort(key=lambda d: (d.due_on, d.case.pk))
    return due
