"""Demo group programmes over the demo's history (issue 5, item 2): the group runs start with
:func:`tupa.demo.calendar.history_start`, so every year of it has groups.

- **Peukaloinen**: day-group periods of six months (Mon–Thu 9.00–12.45, 15 h a week), from the
  history's start to the one beginning within two months, with the Peukaloinen rules,
  baby–parent pairs from the demo's Peukaloinen episodes, motivation
  meetings written to the journal before each pair starts (one pair has only two, so the
  programme page shows the warning), six months of aftercare; the open Thursday group twice a
  month (no meetings in July: the page shows the warning), and the aftercare group twice a
  year with its invitation list.
- **Baby blues**: a peer group of expectant parents with a co-worker partner from Perhetupa,
  every half year (the latest started about 90 days ago).
- **Ero lapsiperheessä**: peer groups for children and for parents with volunteer childminders,
  every spring and autumn.
  The childminders are volunteer records (issue 12 item 7) named in :data:`VOLUNTEERS`: the
  volunteer demo (:mod:`tupa.demo.volunteers`) builds them with their tasks, record checks and
  lifecycle; if it cannot (a partial organisation), they are made here through the volunteer
  services. A session names only the leaders the rules allow on its day.

Attendance is recorded for the sessions already held, with head counts of anonymous
participants. Deterministic (fixed seed), relative to today, fictional, written through the
services as the form's worker, and idempotent: nothing is done if the organisation already
has programmes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Role, User
from tupa.core.months import add_months
from tupa.demo.calendar import history_start
from tupa.episodes import journal
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Organisation, ServiceForm
from tupa.programmes import services
from tupa.programmes.models import (
    AFTERCARE_GROUP_RULES,
    OPEN_GROUP_RULES,
    PEUKALOINEN_RULES,
    Attendance,
    GroupProgramme,
    Member,
    Session,
)
from tupa.programmes.selectors import session_leader_options
from tupa.scheduling.models import Room
from tupa.volunteers.models import CheckResult, RoleKind, Status, Volunteer
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import services as screening_services

SEED = 20180502
T = GroupProgramme.Type
G = GroupProgramme.TargetGroup

#: Fictional volunteer childminders (made-up surnames).
VOLUNTEERS = ("Kaisa Hoivanen", "Leena Lapsirakas", "Marjo Tukiainen")


class _Builder:
    def __init__(self, organisation: Organisation) -> None:
        self.org = organisation
        self.rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
        self.today = timezone.localdate()
        self.history_start = history_start(self.today)
        self.forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        self.room = Room.objects.filter(
            organisation=organisation, name="Ryhmähuone", active=True
        ).first()
        self.counts = {"programmes": 0, "sessions": 0, "members": 0, "marks": 0}
        self._childminders: list[Volunteer] | None = None

    def user(self, username: str) -> User | None:
        return User.objects.filter(organisation=self.org, username=username).first()

    # -- helpers ---------------------------------------------------------------------------

    def programme(self, actor: User, form: ServiceForm, **kwargs: Any) -> GroupProgramme:
        kwargs.setdefault(
            "room", self.room if self.room and self.room.service_form_id is None else None
        )
        programme = services.programme_create(actor=actor, service_form=form, **kwargs)
        self.counts["programmes"] += 1
        return programme

    def sessions(
        self,
        actor: User,
        programme: GroupProgramme,
        days: list[dt.date],
        start: dt.time,
        end: dt.time,
        topics: tuple[str, ...] = (),
    ) -> list[Session]:
        created = []
        for i, day in enumerate(days):
            created.append(
                services.session_create(
                    actor=actor,
                    programme=programme,
                    starts_at=services.local_datetime(day, start),
                    ends_at=services.local_datetime(day, end),
                    topic=topics[i % len(topics)] if topics else "",
                )
            )
        self.counts["sessions"] += len(created)
        return created

    def attend(
        self,
        actor: User,
        sessions: list[Session],
        members: list[Member],
        *,
        adults: tuple[int, int] = (0, 0),
        children: tuple[int, int] = (0, 0),
    ) -> None:
        now = timezone.now()
        for session in sessions:
            if session.starts_at > now:
                continue
            day = timezone.localtime(session.starts_at).date()
            statuses = {}
            for m in members:
                if m.joined_on <= day and (m.left_on is None or m.left_on >= day):
                    r = self.rng.random()
                    statuses[m.pk] = (
                        Attendance.Status.PRESENT
                        if r < 0.85
                        else Attendance.Status.EXCUSED
                        if r < 0.95
                        else Attendance.Status.ABSENT
                    )
            if self.rng.random() < 0.03:
                services.session_record(actor=actor, session=session, statuses={}, cancelled=True)
                continue
            services.session_record(
                actor=actor,
                session=session,
                statuses=statuses,
                anonymous_adults=self.rng.randint(*adults),
                anonymous_children=self.rng.randint(*children),
                # A volunteer is named only on a day they may be (an active task, a valid check).
                leader_ids=[x.pk for x in session_leader_options(session, on_session=[])],
            )
            self.counts["marks"] += len(statuses)

    def episodes(self, slug: str) -> list[Episode]:
        form = self.forms.get(slug)
        if form is None:
            return []
        return list(
            Episode.objects.filter(service_form=form, start_date__isnull=False).order_by(
                "start_date", "pk"
            )
        )

    def join(
        self, actor: User, programme: GroupProgramme, participant: Participant, day: dt.date
    ) -> Member:
        member = services.member_add(
            actor=actor, programme=programme, participant=participant, joined_on=day
        )
        left = participant.left_on
        if left is not None and (programme.ends_on is None or left < programme.ends_on):
            member = services.member_leave(actor=actor, member=member, left_on=left)
        return member

    @staticmethod
    def overlapping(episodes: list[Episode], start: dt.date, end: dt.date) -> list[Episode]:
        """Episodes running at some point of ``start``..``end`` (started before its last week)."""
        return [
            e
            for e in episodes
            if e.start_date is not None
            and e.start_date <= end - dt.timedelta(days=7)
            and (e.end_date is None or e.end_date >= start)
        ]

    @staticmethod
    def adult(episode: Episode) -> Participant | None:
        return (
            episode.participants.filter(person__isnull=False)
            .exclude(role=Participant.Role.CHILD)
            .order_by("pk")
            .first()
        )

    @staticmethod
    def child(episode: Episode) -> Participant | None:
        return (
            episode.participants.filter(person__isnull=False, role=Participant.Role.CHILD)
            .order_by("pk")
            .first()
        )

    # -- Peukaloinen -----------------------------------------------------------------------

    def peukaloinen(self) -> None:
        form = self.forms.get("peukaloinen")
        actor = self.user("peukaloinen")
        if form is None or actor is None:
            return
        first = self.history_start
        episodes = self.episodes("peukaloinen")
        for k in itertools.count():
            start = add_months(first, 6 * k)
            start -= dt.timedelta(days=start.weekday())
            if start > self.today + dt.timedelta(days=60):
                break
            end = add_months(start, 6) - dt.timedelta(days=1)
            programme = self.programme(
                actor,
                form,
                name=f"Peukaloinen {start:%m/%Y}",
                type=T.CLOSED,
                target_group=G.BABY_PARENT,
                starts_on=start,
                ends_on=end,
                aftercare_until=add_months(end + dt.timedelta(days=1), 6) - dt.timedelta(days=1),
                capacity=5,
                planned_hours_per_week=15,
                rules=PEUKALOINEN_RULES,
                description="Varhaisen vuorovaikutuksen vertaisryhmä vauvoille ja vanhemmille.",
            )
            services.leader_add(actor=actor, programme=programme, kind="staff", user=actor)
            lead = self.user("ensikoti.esihenkilo")
            if lead is not None:
                services.leader_add(
                    actor=actor, programme=programme, kind="co_worker", task="co_leader", user=lead
                )
            members = []
            chosen = [
                e
                for e in episodes
                if e.start_date is not None
                and start - dt.timedelta(days=21) <= e.start_date + dt.timedelta(days=21) <= end
            ][:4]
            for n, episode in enumerate(chosen):
                episodes.remove(episode)
                parent = self.adult(episode)
                assert episode.start_date is not None
                joined = max(start, episode.start_date + dt.timedelta(days=21))  # rolling intake
                if parent is None or (parent.left_on is not None and parent.left_on < joined):
                    continue
                # Motivation meetings before the start (the second pair has only two).
                meetings = 2 if n == 1 else 3
                for i in range(meetings):
                    when = services.local_datetime(
                        joined - dt.timedelta(days=6 * (meetings - i)), dt.time(13)
                    )
                    if when >= timezone.now():
                        continue
                    journal.entry_create(
                        actor=actor,
                        episode=episode,
                        type="motivation",
                        occurred_at=when,
                        duration_minutes=60,
                        place="own",
                        text="Motivointitapaaminen ennen ryhmän alkua: tavoitteet ja toiveet.",
                        participants=[parent],
                    )
                member = services.member_add(
                    actor=actor,
                    programme=programme,
                    participant=parent,
                    child=self.child(episode),
                    joined_on=joined,
                )
                if parent.left_on is not None and parent.left_on < end:
                    member = services.member_leave(
                        actor=actor, member=member, left_on=parent.left_on
                    )
                members.append(member)
            self.counts["members"] += len(members)
            days = [
                start + dt.timedelta(days=d)
                for d in range((end - start).days + 1)
                if (start + dt.timedelta(days=d)).weekday() in (0, 1, 2, 3)
            ]
            sessions = self.sessions(
                actor,
                programme,
                days,
                dt.time(9),
                dt.time(12, 45),
                ("Vapaa leikki ja laulut", "Vauvahieronta", "Vanhempien keskusteluryhmä"),
            )
            self.attend(actor, sessions, members)
        self.open_thursday(form, actor)
        self.aftercare_group(form, actor)

    def open_thursday(self, form: ServiceForm, actor: User) -> None:
        start = self.history_start
        programme = self.programme(
            actor,
            form,
            name="Avoin torstairyhmä",
            type=T.OPEN,
            target_group=G.BABY_PARENT,
            starts_on=start,
            rules=OPEN_GROUP_RULES,
            description="Torstain ryhmäpäivä on avoin uusille ja entisille asiakkaille kahdesti kuussa.",
        )
        services.leader_add(actor=actor, programme=programme, kind="staff", user=actor)
        days = []
        month = start
        last = add_months(self.today.replace(day=1), 1)
        while month <= last:
            if month.month != 7:  # summer break
                thursdays = [
                    month + dt.timedelta(days=d)
                    for d in range(31)
                    if (month + dt.timedelta(days=d)).month == month.month
                    and (month + dt.timedelta(days=d)).weekday() == 3
                ]
                days += [thursdays[0], thursdays[2]]
            month = add_months(month, 1)
        sessions = self.sessions(actor, programme, days, dt.time(9), dt.time(12))
        self.attend(actor, sessions, [], adults=(2, 7), children=(2, 8))

    def aftercare_group(self, form: ServiceForm, actor: User) -> None:
        start = self.history_start
        programme = self.programme(
            actor,
            form,
            name="Jälkiryhmä",
            type=T.PEER,
            target_group=G.BABY_PARENT,
            starts_on=start,
            ends_on=self.today + dt.timedelta(days=200),
            rules=AFTERCARE_GROUP_RULES,
            description="Jälkityöskentelyryhmä kokoontuu kahdesti vuodessa.",
        )
        services.leader_add(actor=actor, programme=programme, kind="staff", user=actor)
        assert programme.ends_on is not None
        days = []
        day = start + dt.timedelta(days=30)
        while day <= programme.ends_on:  # twice a year
            days.append(day)
            day += dt.timedelta(days=180)
        sessions = self.sessions(actor, programme, days, dt.time(13), dt.time(15, 30))
        self.attend(actor, sessions, [], adults=(3, 8), children=(3, 8))

    # -- Baby blues and Ero lapsiperheessä ------------------------------------------------

    def baby_blues(self) -> None:
        """The peer group of expectant parents every half year: the latest began about 90 days
        ago, the earlier ones 26 weeks apart back to the history's start."""
        form = self.forms.get("baby-blues")
        actor = self.user("babyblues")
        if form is None or actor is None:
            return
        latest = self.today - dt.timedelta(days=90)
        latest += dt.timedelta(days=1 - latest.weekday())  # Tuesday
        starts = [latest]
        while starts[0] - dt.timedelta(weeks=26) >= self.history_start:
            starts.insert(0, starts[0] - dt.timedelta(weeks=26))
        episodes = self.episodes("baby-blues")
        for start in starts:
            end = start + dt.timedelta(days=7 * 8)
            season = "kevät" if start.month <= 6 else "syksy"
            programme = self.programme(
                actor,
                form,
                name="Odottavien vertaisryhmä"
                if start == latest
                else f"Odottavien vertaisryhmä ({season} {start.year})",
                type=T.PEER,
                target_group=G.ADULTS,
                starts_on=start,
                ends_on=end,
                capacity=8,
                description="Vertaistuki raskausaikana: odotus, synnytys ja vauva-arki.",
            )
            services.leader_add(actor=actor, programme=programme, kind="staff", user=actor)
            partner = self.user("perhetupa")
            if partner is not None:
                services.leader_add(
                    actor=actor,
                    programme=programme,
                    kind="co_worker",
                    task="co_leader",
                    user=partner,
                )
            members = []
            for episode in self.overlapping(episodes, start, end)[:6]:
                episodes.remove(episode)  # one group per family
                day: dt.date = max(start, episode.start_date or start)
                adult = self.adult(episode)
                if adult is not None and (adult.left_on is None or adult.left_on >= day):
                    members.append(self.join(actor, programme, adult, day))
            self.counts["members"] += len(members)
            days = [start + dt.timedelta(days=7 * w) for w in range(8)]
            sessions = self.sessions(
                actor,
                programme,
                days,
                dt.time(17),
                dt.time(18, 30),
                ("Odotus", "Synnytys", "Vauva"),
            )
            self.attend(actor, sessions, members)

    def ero(self) -> None:
        """Peer groups for children and for parents every spring (from February) and autumn
        (from September) of the history, those begun by today."""
        form = self.forms.get("ero-lapsiperheessa")
        actor = self.user("ero.esihenkilo")
        if form is None or actor is None:
            return
        episodes = self.episodes("ero-lapsiperheessa")
        runs = [
            (dt.date(year, month, 1), season)
            for year in range(self.history_start.year, self.today.year + 1)
            for month, season in ((2, "kevät"), (9, "syksy"))
        ]
        for first, season in runs:
            start = first + dt.timedelta(days=(2 - first.weekday()) % 7)  # the first Wednesday
            if start > self.today:
                break
            end = start + dt.timedelta(days=7 * 9)
            children_group = self.programme(
                actor,
                form,
                name=f"Erolasten vertaisryhmä ({season} {start.year})",
                type=T.PEER,
                target_group=G.CHILDREN,
                starts_on=start,
                ends_on=end,
                capacity=8,
            )
            parents_group = self.programme(
                actor,
                form,
                name=f"Eronneiden vanhempien vertaisryhmä ({season} {start.year})",
                type=T.PEER,
                target_group=G.ADULTS,
                starts_on=start,
                ends_on=end,
                capacity=10,
            )
            for group in (children_group, parents_group):
                services.leader_add(actor=actor, programme=group, kind="staff", user=actor)
            for volunteer in self.childminders()[:2]:
                try:
                    services.leader_add(
                        actor=actor,
                        programme=children_group,
                        kind="volunteer",
                        task="childminder",
                        volunteer_id=volunteer.pk,
                    )
                except ValidationError:
                    continue  # not active or no valid check on the group's days
            kids, adults = [], []
            for episode in self.overlapping(episodes, start, end)[:5]:
                episodes.remove(episode)  # one run per family
                day: dt.date = max(start, episode.start_date or start)
                adult = self.adult(episode)
                child = self.child(episode)
                if adult is not None and (adult.left_on is None or adult.left_on >= day):
                    adults.append(self.join(actor, parents_group, adult, day))
                if child is not None and (child.left_on is None or child.left_on >= day):
                    kids.append(self.join(actor, children_group, child, day))
            self.counts["members"] += len(kids) + len(adults)
            days = [start + dt.timedelta(days=7 * w) for w in range(10)]
            for group, members in ((children_group, kids), (parents_group, adults)):
                sessions = self.sessions(actor, group, days, dt.time(17, 30), dt.time(19))
                self.attend(actor, sessions, members)

    def childminders(self) -> list[Volunteer]:
        """The volunteer records of :data:`VOLUNTEERS`, found by name in the organisation."""
        if self._childminders is None:
            self._childminders = self.find_childminders()
            if len(self._childminders) < len(VOLUNTEERS):
                # The volunteer demo makes them with their whole history; it builds once.
                from tupa.demo import volunteers as demo_volunteers

                demo_volunteers.build(organisation=self.org)
                self._childminders = self.find_childminders()
            if not self._childminders:
                self._childminders = self.make_childminders()
        return self._childminders

    def find_childminders(self) -> list[Volunteer]:
        found: list[Volunteer] = []
        for name in VOLUNTEERS:
            first, last = name.split(" ", 1)
            volunteer = (
                Volunteer.objects.filter(organisation=self.org, first_names=first, last_name=last)
                .order_by("pk")
                .first()
            )
            if volunteer is not None:
                found.append(volunteer)
        return found

    def make_childminders(self) -> list[Volunteer]:
        """The childminders through the volunteer services: a childminder task in Ero
        lapsiperheessä from a year ago, interview, a fit record check, active."""
        form = self.forms.get("ero-lapsiperheessa")
        coordinator = (
            User.objects.filter(
                organisation=self.org,
                memberships__role=Role.VOLUNTEER_COORDINATOR,
            )
            .order_by("pk")
            .first()
        )
        if form is None or coordinator is None:
            return []
        made: list[Volunteer] = []
        start = self.today - dt.timedelta(days=400)
        for index, name in enumerate(VOLUNTEERS):
            first, last = name.split(" ", 1)
            volunteer = register_services.volunteer_create(
                actor=coordinator,
                service_form=form,
                role=RoleKind.CHILDMINDER,
                started_on=start,
                alone_with_children=True,
                first_names=first,
                last_name=last,
            )
            register_services.volunteer_set_status(
                actor=coordinator, volunteer=volunteer, status=Status.INTERVIEWED, changed_on=start
            )
            screening_services.record_check_add(
                actor=coordinator,
                volunteer=volunteer,
                seen_on=start,
                # the extract was issued a week or two before it was shown (8, 11, 14 days)
                issued_on=start - dt.timedelta(days=8 + 3 * (index % 4)),
                seen_by=coordinator,
                result=CheckResult.FIT,
            )
            register_services.volunteer_set_status(
                actor=coordinator, volunteer=volunteer, status=Status.ACTIVE, changed_on=start
            )
            made.append(volunteer)
        return made

    def build(self) -> str:
        self.peukaloinen()
        self.baby_blues()
        self.ero()
        c = self.counts
        return (
            f"Ryhmät: {c['programmes']} ryhmää, {c['sessions']} kokoontumista, "
            f"{c['members']} osallistujaa, {c['marks']} läsnäolomerkintää."
        )


def build(*, organisation: Organisation) -> str | None:
    """Add the demo programmes once; None if the organisation already has programmes."""
    with scope(organisation=organisation.pk):
        if GroupProgramme.objects.filter(organisation=organisation).exists():
            return None
        with transaction.atomic():
            return _Builder(organisation).build()
