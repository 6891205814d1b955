"""Reads of group programmes: lists, the facts the rules need, invitations.

The group statistics (sessions held, visits, participants, attendance …) are counted by the
statistics engine's indicators (``tupa.statistics.indicators.programmes``) and read in the
report ``internal.programmes``; the programme page links there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core import registry
from tupa.core.wallclock import HELSINKI, local_midnight
from tupa.episodes.models import Entry
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person
from tupa.people.processing import exclude_restricted_persons

from . import volunteers
from .models import Attendance, GroupProgramme, Leader, Member, Session
from .rules import MemberFacts, ProgrammeFacts, invitation_cutoff


def programmes_of_form(*, service_form: ServiceForm) -> QuerySet[GroupProgramme]:
    return (
        GroupProgramme.objects.filter(service_form=service_form)
        .select_related("room")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            session_count=Count("sessions", filter=Q(sessions__cancelled=False), distinct=True),
        )
        .order_by("-starts_on", "name", "pk")
    )


def members_of(*, programme: GroupProgramme) -> list[Member]:
    return list(
        Member.objects.filter(programme=programme)
        .select_related("participant__person", "child__person", "participant__episode")
        .order_by("joined_on", "pk")
    )


def sessions_of(*, programme: GroupProgramme) -> list[Session]:
    return list(
        Session.objects.filter(programme=programme)
        .select_related("room")
        .annotate(
            present=Count("attendances", filter=Q(attendances__status="present")),
            marked=Count("attendances"),
        )
        .order_by("starts_at", "pk")
    )


def motivation_counts(members: list[Member]) -> dict[int, int]:
    """Member id → motivation-meeting journal entries in its episode before it joined.

    Only the newest version of a corrected entry counts (``superseded_by`` empty). One query.
    """
    episode_ids = {m.participant.episode_id for m in members}
    rows = (
        Entry.objects.filter(
            episode_id__in=episode_ids, type=Entry.Type.MOTIVATION, superseded_by__isnull=True
        )
        .values_list("episode_id", "occurred_at")
        .order_by()
    )
    by_episode: dict[int, list[dt.datetime]] = defaultdict(list)
    for episode_id, occurred_at in rows:
        by_episode[episode_id].append(occurred_at)
    return {
        m.pk: sum(
            1
            for t in by_episode.get(m.participant.episode_id, [])
            if t < local_midnight(m.joined_on)
        )
        for m in members
    }


def programme_facts(
    *, programme: GroupProgramme, members: list[Member], today: dt.date | None = None
) -> ProgrammeFacts:
    day = today or timezone.localdate()
    motivation = motivation_counts(members)
    starts = Session.objects.filter(programme=programme, cancelled=False).values_list(
        "starts_at", flat=True
    )
    return ProgrammeFacts(
        starts_on=programme.starts_on,
        today=day,
        ends_on=programme.ends_on,
        aftercare_until=programme.aftercare_until,
        planned_hours_per_week=programme.planned_hours_per_week,
        capacity=programme.capacity,
        members=tuple(
            MemberFacts(
                member_id=m.pk,
                joined_on=m.joined_on,
                left_on=m.left_on,
                motivation_meetings=motivation[m.pk],
            )
            for m in members
        ),
        session_days=tuple(timezone.localtime(s, HELSINKI).date() for s in starts),
    )


@dataclass(frozen=True)
class Invitee:
    person: Person
    last_attended: dt.date
    programmes: tuple[str, ...]


def invitation_list(
    *, programme: GroupProgramme, years: int, today: dt.date | None = None
) -> list[Invitee]:
    """Persons present at a session of any programme of the same service form since the
    cutoff (``years`` back from today), except the members of ``programme`` itself.

    Both the parent and the child of a pair are listed; a person whose processing is
    restricted (GDPR art. 18) is not. Two queries.
    """
    day = today or timezone.localdate()
    since = local_midnight(invitation_cutoff(day, years))
    rows = (
        Attendance.objects.filter(
            status=Attendance.Status.PRESENT,
            session__cancelled=False,
            session__programme__service_form_id=programme.service_form_id,
            session__starts_at__gte=since,
            session__starts_at__lt=local_midnight(day + dt.timedelta(days=1)),
        )
        .values_list(
            "member__participant__person_id",
            "member__child__person_id",
            "session__starts_at",
            "session__programme__name",
        )
        .order_by()
    )
    current = Member.objects.filter(programme=programme)
    excluded = set(current.values_list("participant__person_id", flat=True)) | {
        pk for pk in current.values_list("child__person_id", flat=True) if pk
    }
    last: dict[int, dt.datetime] = {}
    names: dict[int, set[str]] = defaultdict(set)
    for parent_id, child_id, starts_at, name in rows:
        for person_id in (parent_id, child_id):
            if person_id is None or person_id in excluded:
                continue
            if person_id not in last or starts_at > last[person_id]:
                last[person_id] = starts_at
            names[person_id].add(name)
    # GDPR art. 18: a person whose processing is restricted is not listed.
    persons = exclude_restricted_persons(Person.objects.filter(pk__in=list(last))).order_by(
        "last_name", "first_names", "pk"
    )
    return [
        Invitee(
            person=p,
            last_attended=timezone.localtime(last[p.pk], HELSINKI).date(),
            programmes=tuple(sorted(names[p.pk])),
        )
        for p in persons
    ]


# --------------------------------------------------------------------------- leaders


def leaders_of(*, programme: GroupProgramme) -> list[Leader]:
    """The programme's leaders with their staff user or volunteer record (one query)."""
    return list(
        Leader.objects.filter(programme=programme).select_related(
            "user", "volunteer", "programme__service_form"
        )
    )


def volunteer_options(programme: GroupProgramme) -> list[tuple[int, str]]:
    """The volunteers who may be added as leaders today: active, with a task in the form; one
    without a valid record check is marked as not for work with children (eight queries)."""
    on = volunteers.leader_day(programme)
    children = {
        c.pk: c.problem for c in volunteers.choices(programme=programme, on=on, with_children=True)
    }
    options: list[tuple[int, str]] = []
    for choice in volunteers.choices(programme=programme, on=on, with_children=False):
        if choice.problem:
            continue
        label = choice.name
        if children.get(choice.pk):
            label = _(
                "%(name)s (ei lasten kanssa: ei voimassa olevaa rikostaustan tarkistusta)"
            ) % {"name": choice.name}
        options.append((choice.pk, label))
    return options


def session_leader_options(session: Session, *, on_session: list[int]) -> list[Leader]:
    """The leaders the attendance form offers: those on the session and those who may be put on
    it that day (a volunteer without a current task or, for work with children, a valid check
    is left out). A constant number of queries."""
    leaders = leaders_of(programme=session.programme)
    day = timezone.localtime(session.starts_at, HELSINKI).date()
    addable = volunteers.addable(leaders=[x for x in leaders if x.pk not in on_session], on=day)
    return [x for x in leaders if x.pk in on_session or x.pk in addable]


def volunteer_sessions(
    *, volunteer_id: int, since: dt.date, until: dt.date
) -> list[registry.VolunteerSession]:
    """The sessions naming the volunteer as a leader between the days (for the volunteer's page;
    one query). Registered with :data:`tupa.core.registry.volunteer_sessions`."""
    rows = (
        Session.objects.filter(
            leaders__volunteer_id=volunteer_id,
            starts_at__gte=local_midnight(since),
            starts_at__lt=local_midnight(until + dt.timedelta(days=1)),
        )
        .select_related("programme__service_form")
        .annotate(task=F("leaders__task"))
        .order_by("starts_at", "pk")
    )
    return [
        registry.VolunteerSession(
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            service_form=s.programme.service_form.name,
            title=s.programme.name + (f": {s.topic}" if s.topic else ""),
            role=str(Leader.Task(s.task).label),
            cancelled=s.cancelled,
        )
        for s in rows
    ]
