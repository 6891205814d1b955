"""Reads of group programmes: lists, the facts the rules need, invitations and statistics.

Statistics definitions (per programme and per service form and period, local Helsinki dates,
both ends inclusive; only sessions that have started by ``now`` count as held):

- *sessions held*: sessions not cancelled that started in the period by ``now``;
- *visits*: attendance marks "present" in the held sessions (a baby–parent pair is one visit);
- *distinct participants*: distinct members present at least once (a pair is one), and
  *persons*: distinct persons among them (a pair's parent and child both count; in the
  service-form total a person in two programmes counts once);
- *anonymous head counts*: the sums of the sessions' adult and child counts;
- *attendance rate*: present / (present + absent + excused) over the marks recorded.

A constant number of queries, whatever the number of programmes or sessions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Entry
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person

from .models import Attendance, GroupProgramme, Member, Session
from .rules import MemberFacts, ProgrammeFacts, invitation_cutoff


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=HELSINKI)


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

    Both the parent and the child of a pair are listed. Two queries.
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
    persons = Person.objects.filter(pk__in=list(last)).order_by("last_name", "first_names", "pk")
    return [
        Invitee(
            person=p,
            last_attended=timezone.localtime(last[p.pk], HELSINKI).date(),
            programmes=tuple(sorted(names[p.pk])),
        )
        for p in persons
    ]


# --------------------------------------------------------------------------- statistics


@dataclass
class Stats:
    sessions_held: int = 0
    sessions_cancelled: int = 0
    visits: int = 0
    absent: int = 0
    excused: int = 0
    participants: int = 0
    persons: int = 0
    anonymous_adults: int = 0
    anonymous_children: int = 0
    member_ids: set[int] = field(default_factory=set, repr=False)
    person_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def marks(self) -> int:
        return self.visits + self.absent + self.excused

    @property
    def attendance_rate(self) -> Decimal | None:
        """Per cent, one decimal (half up); None when nothing was marked."""
        if not self.marks:
            return None
        return (Decimal(100 * self.visits) / Decimal(self.marks)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass
class StatisticsResult:
    start: dt.date
    end: dt.date
    rows: list[tuple[GroupProgramme, Stats]]
    total: Stats


def statistics(
    *,
    programmes: QuerySet[GroupProgramme],
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
) -> StatisticsResult:
    """Figures per programme and in total for sessions in ``start``..``end``; four queries."""
    moment = now or timezone.now()
    window = Q(
        starts_at__gte=local_midnight(start),
        starts_at__lt=local_midnight(end + dt.timedelta(days=1)),
    )
    programme_list = list(programmes.order_by("-starts_on", "name", "pk"))
    ids = [p.pk for p in programme_list]
    per: dict[int, Stats] = {pk: Stats() for pk in ids}
    sessions = (
        Session.objects.filter(window, programme_id__in=ids)
        .values("programme_id", "cancelled")
        .annotate(
            n=Count("pk"),
            held=Count("pk", filter=Q(starts_at__lte=moment)),
            adults=Sum("anonymous_adults", filter=Q(starts_at__lte=moment)),
            children=Sum("anonymous_children", filter=Q(starts_at__lte=moment)),
        )
        .order_by()
    )
    for row in sessions:
        stats = per[row["programme_id"]]
        if row["cancelled"]:
            stats.sessions_cancelled += row["n"]
        else:
            stats.sessions_held += row["held"]
            stats.anonymous_adults += row["adults"] or 0
            stats.anonymous_children += row["children"] or 0
    held = Q(
        session__starts_at__gte=local_midnight(start),
        session__starts_at__lt=local_midnight(end + dt.timedelta(days=1)),
        session__starts_at__lte=moment,
        session__cancelled=False,
        session__programme_id__in=ids,
    )
    marks = (
        Attendance.objects.filter(held)
        .values("session__programme_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in marks:
        stats = per[row["session__programme_id"]]
        attr = {"present": "visits", "absent": "absent", "excused": "excused"}[row["status"]]
        setattr(stats, attr, getattr(stats, attr) + row["n"])
    present = (
        Attendance.objects.filter(held, status=Attendance.Status.PRESENT)
        .values_list(
            "session__programme_id",
            "member_id",
            "member__participant__person_id",
            "member__child__person_id",
        )
        .distinct()
        .order_by()
    )
    total = Stats()
    for programme_id, member_id, parent_id, child_id in present:
        stats = per[programme_id]
        stats.member_ids.add(member_id)
        total.member_ids.add(member_id)
        for person_id in (parent_id, child_id):
            if person_id is not None:
                stats.person_ids.add(person_id)
                total.person_ids.add(person_id)
    for stats in per.values():
        stats.participants = len(stats.member_ids)
        stats.persons = len(stats.person_ids)
        for attr in (
            "sessions_held",
            "sessions_cancelled",
            "visits",
            "absent",
            "excused",
            "anonymous_adults",
            "anonymous_children",
        ):
            setattr(total, attr, getattr(total, attr) + getattr(stats, attr))
    total.participants = len(total.member_ids)
    total.persons = len(total.person_ids)
    return StatisticsResult(
        start=start, end=end, rows=[(p, per[p.pk]) for p in programme_list], total=total
    )
