"""Places, the plan of the history's residences, the families and the events of the stays."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django_scopes import scope

from tupa.core.wallclock import HELSINKI
from tupa.demo.clients.names import BOYS, GIRLS, MEN, SURNAMES, WOMEN
from tupa.demo.residential.around import AroundStays
from tupa.demo.residential.units import (
    ENSIKOTI,
    SHELTER,
    TURNOVER,
    UNITS,
    Plan,
    UnitSpec,
    _aware,
    _overlaps,
)
from tupa.episodes import services as episode_services
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.organisations.models import Organisation, ServiceForm
from tupa.people import services as people_services
from tupa.people.hetu import build_hetu
from tupa.people.models import Alias, Person, Relationship
from tupa.residential.models import (
    Destination,
    PayerCategory,
    Place,
    Stay,
    StayMember,
)
from tupa.residential.stays import services as stay_services


class Builder(AroundStays):
    """The residential demo of one organisation, step by step (see the package docstring)."""

    # -- helpers ------------------------------------------------------------------------------

    def lognormal_days(self, spec: UnitSpec) -> int:
        if spec.slug == SHELTER and self.rng.random() < 0.04:
            return 0  # came at night or in the morning and left the same day
        value = self.rng.lognormvariate(math.log(spec.median_days), spec.sigma)
        return max(spec.min_days, min(spec.max_days, round(value)))

    def arrival_hour(self, slug: str) -> int:
        if slug == SHELTER:  # at any hour, most in the evening and at night
            return self.rng.choice((0, 1, 2, 3, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23))
        return self.rng.randint(9, 15)

    def is_free(self, slug: str, index: int, start: dt.datetime, end: dt.datetime | None) -> bool:
        return not any(_overlaps(start, end, s, e) for s, e in self.busy[(slug, index)])

    def occupy(self, slug: str, index: int, start: dt.datetime, end: dt.datetime | None) -> None:
        self.busy[(slug, index)].append((start, end))
        self.busy[(slug, index)].sort(key=lambda se: se[0])

    def release(self, slug: str, index: int, start: dt.datetime) -> None:
        self.busy[(slug, index)] = [se for se in self.busy[(slug, index)] if se[0] != start]

    def hetu(self, born: dt.date, *, female: bool) -> str:
        while True:
            self.hetu_number = 951 if self.hetu_number >= 997 else self.hetu_number + 1
            number = self.hetu_number
            if (number % 2 == 1) == female:
                number += 1
            code = build_hetu(born, number)
            if not Person.objects.filter(hetu=code).exists():
                return code

    def person(
        self, first: str, last: str, born: dt.date, *, female: bool, with_hetu: bool = True
    ) -> Person:
        fields: dict[str, Any] = {
            "first_names": first,
            "last_name": last,
            "birth_date": born,
            "gender": "female" if female else "male",
        }
        if with_hetu:
            fields["hetu"] = self.hetu(born, female=female)
        self.counts["henkilöitä"] += 1
        return people_services.person_create(actor=None, organisation=self.org, **fields)

    # -- 1. places ----------------------------------------------------------------------------

    def create_places(self) -> None:
        for spec in UNITS:
            form = self.forms[spec.slug]
            places = []
            for i in range(1, spec.places + 1):
                place = Place(
                    organisation=self.org,
                    service_form=form,
                    name=f"Perhepaikka {i}",
                    code=f"p{i}",
                    order=i,
                )
                place._history_user = self.staff[f"{spec.slug}.esihenkilo"]  # type: ignore[attr-defined]
                place.full_clean()
                place.save()
                places.append(place)
                self.busy[(spec.slug, i - 1)] = []
            self.places[spec.slug] = places
            self.counts["paikkoja"] += len(places)

    # -- 2. the plan --------------------------------------------------------------------------

    def fit_existing(self, spec: UnitSpec) -> None:
        """A stay for each demo-client episode of the unit, where a place is free for it (also
        of those the clients opened a little before the history's start: a family already in
        a place on its first day)."""
        episodes = Episode.objects.filter(service_form=self.forms[spec.slug]).order_by(
            "opened_at", "pk"
        )
        for episode in episodes:
            arrive = episode.opened_at.astimezone(HELSINKI)
            depart: dt.datetime | None = None
            if episode.end_date is not None:
                depart = _aware(episode.end_date, self.rng.randint(9, 15), 30)
                if depart <= arrive + dt.timedelta(hours=3):
                    depart = arrive + dt.timedelta(hours=self.rng.randint(4, 9))
                if depart >= self.now:
                    continue
                if depart - arrive > dt.timedelta(days=spec.max_days):
                    # The residential part ends; the episode goes on as aftercare.
                    depart = _aware((arrive + dt.timedelta(days=spec.max_days)).date(), 11)
            order = list(range(spec.places))
            self.rng.shuffle(order)
            for index in order:
                if self.is_free(spec.slug, index, arrive, depart):
                    self.occupy(spec.slug, index, arrive, depart)
                    plan = Plan(spec.slug, arrive, depart, [(index, arrive, depart)], episode)
                    expecting = (
                        episode.participants.filter(role=Participant.Role.EXPECTANT_PARENT)
                        .select_related("person")
                        .first()
                    )
                    if expecting is not None:
                        plan.pregnant = True
                        due = expecting.person.expected_due_date if expecting.person else None
                        if due is not None and arrive.date() < due:
                            plan.birth = due
                    self.plans.append(plan)
                    break

    def fill(self, spec: UnitSpec) -> None:
        """New families into the free time of every place, until today."""
        for index in range(spec.places):
            cursor = self.window_start - dt.timedelta(days=self.rng.randint(0, spec.max_days // 2))
            while True:
                gap = self.rng.expovariate(1 / spec.mean_gap_days)
                day = (cursor + dt.timedelta(days=gap)).astimezone(HELSINKI).date()
                arrive = _aware(day, self.arrival_hour(spec.slug), self.rng.choice((0, 15, 30, 45)))
                if arrive < cursor + TURNOVER:
                    arrive += dt.timedelta(days=1)
                if arrive >= self.now - dt.timedelta(hours=6):
                    break
                length = self.lognormal_days(spec)
                if length == 0 and arrive.hour < 13:
                    depart: dt.datetime | None = arrive + dt.timedelta(hours=self.rng.randint(3, 8))
                else:
                    length = max(length, 1)
                    depart = _aware(day + dt.timedelta(days=length), self.rng.randint(9, 16))
                assert depart is not None
                if depart >= self.now:
                    depart = None
                conflicts = [
                    (s, e)
                    for s, e in self.busy[(spec.slug, index)]
                    if _overlaps(arrive, depart, s, e)
                ]
                if conflicts and min(s for s, _e in conflicts) > arrive:
                    # A family is already booked later: a shorter stay that ends before it.
                    latest = min(s for s, _e in conflicts) - TURNOVER
                    shorter = _aware(latest.astimezone(HELSINKI).date(), self.rng.randint(9, 12))
                    if shorter > latest:
                        shorter -= dt.timedelta(days=1)
                    if shorter - arrive >= dt.timedelta(days=max(1, spec.min_days)):
                        depart = shorter
                        conflicts = []
                if conflicts:
                    # Does not fit before the next family: the place waits for it.
                    if any(e is None for _s, e in conflicts):
                        break
                    cursor = max(e for _s, e in conflicts if e is not None)
                    continue
                if depart is not None and depart < self.window_start:
                    cursor = depart
                    continue
                self.occupy(spec.slug, index, arrive, depart)
                plan = Plan(spec.slug, arrive, depart, [(index, arrive, depart)], new=True)
                span = ((depart or self.now) - arrive).days
                if spec.slug == ENSIKOTI and span >= 45 and self.rng.random() < 0.35:
                    plan.pregnant = True
                    plan.birth = (
                        arrive + dt.timedelta(days=self.rng.randint(10, span - 30))
                    ).date()
                self.plans.append(plan)
                if depart is None:
                    break
                cursor = depart

    def plan_moves(self, spec: UnitSpec) -> None:
        candidates = [
            p
            for p in self.plans
            if p.unit == spec.slug
            and p.depart is not None
            and (p.depart - p.arrive).days >= 8
            and p.birth is None
        ]
        self.rng.shuffle(candidates)
        done = 0
        for plan in candidates:
            if done >= spec.moves:
                break
            assert plan.depart is not None
            index = plan.segments[0][0]
            offset = self.rng.randint(2, (plan.depart - plan.arrive).days - 3)
            at = _aware((plan.arrive + dt.timedelta(days=offset)).date(), self.rng.randint(10, 14))
            targets = [
                i
                for i in range(spec.places)
                if i != index and self.is_free(spec.slug, i, at, plan.depart)
            ]
            if not targets:
                continue
            target = self.rng.choice(targets)
            self.release(spec.slug, index, plan.arrive)
            self.occupy(spec.slug, index, plan.arrive, at)
            self.occupy(spec.slug, target, at, plan.depart)
            plan.segments = [(index, plan.arrive, at), (target, at, plan.depart)]
            done += 1

    def destination(self, slug: str) -> str:
        d = Destination
        if slug == SHELTER:
            options = [
                (d.HOME, 30),
                (d.OWN_NEW_HOME, 22),
                (d.RELATIVES, 22),
                (d.OTHER_SERVICE, 12),
                (d.OTHER_SHELTER, 5),
                (d.UNKNOWN, 9),
            ]
        else:
            options = [(d.HOME, 55), (d.OWN_NEW_HOME, 30), (d.OTHER_SERVICE, 12), (d.UNKNOWN, 3)]
        return str(self.rng.choices([o for o, _w in options], [w for _o, w in options])[0])

    def plan(self) -> None:
        for spec in UNITS:
            self.fit_existing(spec)
            self.fill(spec)
            self.plan_moves(spec)
        self.plans.sort(key=lambda p: p.arrive)
        for plan in self.plans:
            if plan.depart is not None:
                plan.destination = self.destination(plan.unit)
            self.plan_late(plan)

    # -- 3. families for the new stays --------------------------------------------------------

    def new_family(self, plan: Plan) -> None:
        slug = plan.unit
        form = self.forms[slug]
        actor = self.worker(slug, plan.arrive)
        arrive_day = plan.arrive.date()
        last = self.rng.choice(SURNAMES)
        alias: Alias | None = None
        client: Person | None = None
        kids: list[Person] = []
        if slug == SHELTER:
            female = self.rng.random() < 0.93
            if self.rng.random() < 0.1:
                alias = people_services.alias_create(
                    actor=actor,
                    service_form=form,
                    label=f"{'Nainen' if female else 'Mies'} {arrive_day:%d.%m.%Y}",
                    gender="female" if female else "male",
                    birth_year=arrive_day.year - self.rng.randint(20, 55),
                )
                self.counts["peitenimiä"] += 1
            else:
                born = arrive_day - dt.timedelta(days=self.rng.randint(20 * 365, 52 * 365))
                client = self.person(
                    self.rng.choice(WOMEN if female else MEN), last, born, female=female
                )
            n_kids = self.rng.choices((0, 1, 2, 3, 4), (34, 30, 21, 11, 4))[0]
            if alias is not None:
                n_kids = 0
            for _ in range(n_kids):
                girl = self.rng.random() < 0.5
                kids.append(
                    self.person(
                        self.rng.choice(GIRLS if girl else BOYS),
                        last,
                        arrive_day - dt.timedelta(days=self.rng.randint(60, 16 * 365)),
                        female=girl,
                        with_hetu=self.rng.random() < 0.9,
                    )
                )
        else:
            born = arrive_day - dt.timedelta(days=self.rng.randint(17 * 365, 38 * 365))
            client = self.person(self.rng.choice(WOMEN), last, born, female=True)
            if plan.pregnant:
                assert plan.birth is not None
                people_services.person_update(
                    actor=actor,
                    person=client,
                    version=None,  # type: ignore[arg-type]
                    expected_due_date=plan.birth + dt.timedelta(days=self.rng.randint(-7, 7)),
                )
            else:
                girl = self.rng.random() < 0.5
                kids.append(
                    self.person(
                        self.rng.choice(GIRLS if girl else BOYS),
                        last,
                        arrive_day - dt.timedelta(days=self.rng.randint(7, 240)),
                        female=girl,
                    )
                )
        if client is not None and kids:
            for kid in kids:
                people_services.relationship_add(
                    actor=actor, person=client, relative=kid, kind=Relationship.Kind.PARENT
                )
        role = Participant.Role.EXPECTANT_PARENT if plan.pregnant else Participant.Role.CLIENT
        episode = episode_services.episode_open(
            actor=actor,
            service_form=form,
            person=client,
            alias=alias,
            role=role,
            violence_role="experienced" if slug == SHELTER else "",
            referral_source=self.rng.choice(
                (
                    ReferralSource.SELF,
                    ReferralSource.SELF,
                    ReferralSource.POLICE,
                    ReferralSource.SOCIAL_SERVICES,
                )
                if slug == SHELTER
                else (ReferralSource.CHILD_PROTECTION, ReferralSource.SOCIAL_SERVICES)
            ),
            status=Episode.Status.ACTIVE,
            opened_at=plan.arrive - dt.timedelta(minutes=self.rng.randint(20, 90)),
        )
        for kid in kids:
            episode_services.participant_add(
                actor=actor,
                episode=episode,
                role=Participant.Role.CHILD,
                person=kid,
                violence_role="witnessed" if slug == SHELTER else "",
                joined_on=arrive_day,
            )
        plan.episode = episode
        self.counts["uusia asiakkuuksia"] += 1

    # -- 4. the events ------------------------------------------------------------------------

    def plan_late(self, plan: Plan) -> None:
        """When someone of the family comes later: a child the next day, a baby from hospital."""
        first_end = plan.segments[0][2]
        if (
            plan.unit == SHELTER
            and (first_end is None or first_end - plan.arrive > dt.timedelta(days=3))
            and self.rng.random() < 0.2
        ):
            plan.late.append(("child", plan.arrive + dt.timedelta(hours=self.rng.randint(14, 40))))
        if plan.birth is not None:
            moment = _aware(plan.birth + dt.timedelta(days=3), 13)
            if moment < (plan.depart or self.now) - dt.timedelta(hours=1):
                plan.late.append(("baby", moment))

    def arriving_now(self, plan: Plan) -> list[Participant]:
        """Who comes at admission: everyone but a child planned to come later."""
        assert plan.episode is not None
        members = list(plan.episode.participants.order_by("pk"))
        children = [m for m in members if m.role == Participant.Role.CHILD]
        for i, (who, moment) in enumerate(plan.late):
            if who != "child":
                continue
            if children and len(members) > 1:
                plan.late[i] = (children[-1], moment)
                members.remove(children[-1])
            else:
                plan.late[i] = ("nobody", moment)
        return members

    def run_events(self) -> None:
        """Admissions, later arrivals, moves and discharges in the order they happened."""
        events: list[tuple[dt.datetime, int, int, Plan, int]] = []
        for n, plan in enumerate(self.plans):
            events.append((plan.arrive, 0, n, plan, 0))
            for i, (_who, moment) in enumerate(plan.late):
                events.append((moment, 1, n, plan, i))
            for _index, start, _end in plan.segments[1:]:
                events.append((start, 2, n, plan, 0))
            if plan.depart is not None:
                events.append((plan.depart, 3, n, plan, 0))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        for at, kind, _n, plan, late_index in events:
            if kind == 0:
                self.admit(plan)
            elif kind == 1:
                self.arrive_later(plan, at, late_index)
            elif kind == 2:
                self.move(plan, at)
            else:
                self.discharge(plan)

    def arrive_later(self, plan: Plan, at: dt.datetime, late_index: int) -> None:
        # Which child comes later was settled at admission (arriving_now).
        who = plan.late[late_index][0]
        if who == "nobody":
            return
        assert plan.stay is not None
        if who == "baby":
            participant = self.baby(plan, at)
        else:
            assert isinstance(who, Participant)
            participant = who
        stay_services.stay_member_add(
            actor=self.worker(plan.unit, at), stay=plan.stay, participant=participant, arrived_at=at
        )
        self.counts["myöhemmin tulleita"] += 1

    def baby(self, plan: Plan, at: dt.datetime) -> Participant:
        assert plan.episode is not None and plan.birth is not None
        mother = plan.episode.participants.select_related("person").get(
            role=Participant.Role.EXPECTANT_PARENT
        )
        girl = self.rng.random() < 0.5
        actor = self.worker(plan.unit, at)
        last = mother.person.last_name if mother.person else self.rng.choice(SURNAMES)
        baby = self.person(self.rng.choice(GIRLS if girl else BOYS), last, plan.birth, female=girl)
        if mother.person is not None:
            people_services.relationship_add(
                actor=actor, person=mother.person, relative=baby, kind=Relationship.Kind.PARENT
            )
        self.counts["vauvoja"] += 1
        return episode_services.participant_add(
            actor=actor,
            episode=plan.episode,
            role=Participant.Role.CHILD,
            person=baby,
            joined_on=at.date(),
        )

    def admit(self, plan: Plan) -> None:
        if plan.new:
            self.new_family(plan)
        assert plan.episode is not None
        if plan.episode.status == Episode.Status.ENDED:
            Episode.objects.filter(pk=plan.episode.pk).update(status=Episode.Status.ACTIVE)
            plan.episode.status = Episode.Status.ACTIVE
            self.lifted.append(plan.episode.pk)
        members = self.arriving_now(plan)
        shelter = plan.unit == SHELTER
        stay = stay_services.stay_admit(
            actor=self.worker(plan.unit, plan.arrive),
            episode=plan.episode,
            place=self.places[plan.unit][plan.segments[0][0]],
            arrived_at=plan.arrive,
            members=members,
            payer_category=PayerCategory.STATE if shelter else PayerCategory.MUNICIPALITY,
            payer=None if shelter else self.county,
        )
        if plan.pregnant:
            stay.started_in_pregnancy = True
            stay._history_user = self.worker(plan.unit, plan.arrive)  # type: ignore[attr-defined]
            stay.save(update_fields=["started_in_pregnancy"])
        plan.stay = stay
        self.counts["jaksoja"] += 1

    def move(self, plan: Plan, at: dt.datetime) -> None:
        stay = plan.stay
        assert stay is not None
        target = next(i for i, start, _e in plan.segments if start == at)
        plan.stay = stay_services.stay_move(
            actor=self.worker(plan.unit, at),
            stay=stay,
            to_place=self.places[plan.unit][target],
            at=at,
        )
        self.counts["siirtoja"] += 1

    def discharge(self, plan: Plan) -> None:
        assert plan.depart is not None and plan.episode is not None
        stay = plan.stay
        assert stay is not None
        notes: dict[str, str] = {
            Destination.OTHER_SERVICE: "Jatkot sovittu sosiaalityöntekijän kanssa.",
            Destination.OWN_NEW_HOME: "Vuokra-asunto järjestyi.",
        }
        plan.stay = stay_services.stay_discharge(
            actor=self.worker(plan.unit, plan.depart),
            stay=stay,
            departed_at=plan.depart,
            destination=plan.destination,
            destination_note=notes.get(plan.destination, ""),
        )

    def end_episodes(self) -> None:
        """New families' episodes end with their stay; the lifted ones get their status back."""
        for plan in self.plans:
            if plan.new and plan.depart is not None and plan.episode is not None:
                plan.episode.refresh_from_db()
                episode_services.episode_set_status(
                    actor=self.worker(plan.unit),
                    episode=plan.episode,
                    status=Episode.Status.ENDED,
                    version=None,
                    end_date=plan.depart.astimezone(HELSINKI).date(),
                    end_reason=Episode.EndReason.MOVED_ON
                    if plan.unit == SHELTER
                    else Episode.EndReason.PLANNED_END,
                )
        Episode.objects.filter(pk__in=self.lifted).update(status=Episode.Status.ENDED)

    # -- the whole thing ----------------------------------------------------------------------

    def build(self) -> Counter[str]:
        self.ensure_county()
        self.create_places()
        self.plan()
        self.run_events()
        self.end_episodes()
        self.turn_aways()
        self.line_contacts()
        self.shelter_data()
        self.commitments()
        self.shift_notes()
        return self.counts


def build(*, organisation: Organisation) -> str | None:
    """Add the residential demo once; a one-line summary, or None if it already existed."""
    with scope(organisation=organisation.pk), override_settings(TUPA_ALLOW_TEST_HETU=True):
        forms = ServiceForm.objects.filter(organisation=organisation, slug__in=[SHELTER, ENSIKOTI])
        if forms.count() < 2 or Place.objects.filter(service_form__in=forms).exists():
            return None
        if not Episode.objects.filter(service_form__in=forms).exists():
            return None  # the demo clients are not there (build_demo --no-clients)
        with transaction.atomic():
            counts = Builder(organisation).build()
        stays = Stay.objects.filter(place__service_form__in=forms)
        members = StayMember.objects.filter(stay__in=stays).count()
        details = ", ".join(f"{label} {n}" for label, n in counts.items())
        return f"Asumispalvelut: {details} (jaksojen henkilöitä {members})."
