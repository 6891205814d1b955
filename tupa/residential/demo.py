"""Demo data of the residential units: places, two years of stays, turn-aways and the 24 h line.

Called by ``manage.py build_demo`` after the demo clients (issue 4, item 10). It gives both
residential units of the demo organisation two years (up to today) of believable occupancy:

- **Places**: Turvakoti has 5 family places (the plan); Ensikoti gets 6 family places — the
  plan does not state Ensikoti's size (seed-spec §2.1), so six is an assumption of the demo.
- **Stays**: the shelter and Ensikoti episodes that the demo clients created get a stay in a
  free place over their own period; the remaining free time of every place is filled with new
  families (opened through the episode services) until each unit runs at roughly 75–80 %.
  Shelter stays last 0–60 days (median about two and a half weeks, arrivals at any hour, many
  at night); Ensikoti stays 1–6 months, some started in pregnancy with the baby born during
  the stay. A few families move between places, some children arrive a day later, every
  finished stay has a destination, and the stays still going on today stay open.
- **Around the stays**: turn-aways on the days a unit was full (plus a few for other reasons),
  contacts of the 24 h line, THL's shelter data for the shelter's persons (a few left missing
  on purpose, so that the year-end check has something to show), Ensikoti's payment commitments
  from Päijät-Hämeen hyvinvointialue (one renewal late on purpose, so one stay has uncovered
  days), and handover notes of the last days.

Stays go through :mod:`tupa.residential.services` (which refuse double booking), in
chronological order of events, so the data is what the screens would have produced. The
episodes that the demo clients already **ended** are lifted back to "active" for the duration
of the build (a plain column update, no history) because the services, rightly, admit no one
to an ended episode; their status is restored at the end. Rows that have no service yet
(turn-aways, THL shelter data, payment commitments, shift notes) are saved with the model and
the change history's user set.

Deterministic (a fixed seed, dates relative to ``timezone.localdate()``), fictional (names from
the demo clients' invented lists; no identifying data in the anonymous rows) and idempotent:
if either unit already has places, nothing is done and ``None`` is returned.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.episodes import services as episode_services
from tupa.episodes.demo_clients import BOYS, GIRLS, MEN, SURNAMES, WOMEN
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.organisations.models import Municipality, Organisation, Partner, ServiceForm
from tupa.people import services as people_services
from tupa.people.hetu import build_hetu
from tupa.people.models import Alias, Person, Relationship

from . import line_services
from . import services as stay_services
from .care_days import HELSINKI
from .models import (
    Destination,
    LineContact,
    PayerCategory,
    PaymentCommitment,
    Place,
    ShelterClientData,
    ShiftNote,
    Stay,
    StayMember,
    TurnAway,
)

SEED = 19850404
WINDOW_DAYS = 730
SHELTER = "turvakoti"
ENSIKOTI = "ensikoti"
SHELTER_PLACES = 5  # the plan: five family places
#: Assumption: the plan does not give Ensikoti's number of places (seed-spec §2.1).
ENSIKOTI_PLACES = 6
WELLBEING_COUNTY = "Päijät-Hämeen hyvinvointialue"
#: Municipalities of Päijät-Häme (home municipality on the payment commitments).
HOME_MUNICIPALITIES = ("398", "398", "398", "098", "111", "560", "081")
DAILY_PRICE = {2024: Decimal("289.00"), 2025: Decimal("298.00"), 2026: Decimal("309.00")}
#: Minimum time between one family leaving a place and the next one arriving.
TURNOVER = dt.timedelta(hours=2)
_FAR = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    places: int
    #: stay length in days: lognormal median, sigma, min, max
    median_days: float
    sigma: float
    min_days: int
    max_days: int
    #: mean number of days a place stays empty between two families
    mean_gap_days: float
    moves: int


UNITS = (
    UnitSpec(SHELTER, SHELTER_PLACES, 18.0, 0.7, 1, 60, 4.5, 4),
    UnitSpec(ENSIKOTI, ENSIKOTI_PLACES, 95.0, 0.45, 30, 183, 38.0, 2),
)


@dataclass
class Plan:
    """One family's planned residence in a unit: consecutive segments (a move starts a new one)."""

    unit: str
    arrive: dt.datetime
    depart: dt.datetime | None
    segments: list[tuple[int, dt.datetime, dt.datetime | None]]  # (place index, start, end)
    episode: Episode | None = None
    #: late arrivals: (participant or "baby", moment)
    late: list[tuple[Participant | str, dt.datetime]] = field(default_factory=list)
    pregnant: bool = False
    birth: dt.date | None = None
    destination: str = ""
    stay: Stay | None = None
    new: bool = False


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HELSINKI)


def _overlaps(a: dt.datetime, b: dt.datetime | None, c: dt.datetime, d: dt.datetime | None) -> bool:
    """Whether [a, b) and [c, d) come closer than the turnover time (None = open)."""
    return a < (d or _FAR) + TURNOVER and c < (b or _FAR) + TURNOVER


def age_band(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return ShelterClientData.AgeBand.UNKNOWN
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    bands = ShelterClientData.AgeBand
    for limit, band in (
        (4, bands.UNDER_4),
        (7, bands.AGE_4_6),
        (13, bands.AGE_7_12),
        (18, bands.AGE_13_17),
        (25, bands.AGE_18_24),
        (35, bands.AGE_25_34),
        (45, bands.AGE_35_44),
        (55, bands.AGE_45_54),
        (65, bands.AGE_55_64),
    ):
        if age < limit:
            return str(band)
    return str(bands.AGE_65_PLUS)


class _Builder:
    def __init__(self, organisation: Organisation) -> None:
        self.org = organisation
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.window_start = _aware(self.today - dt.timedelta(days=WINDOW_DAYS), 0)
        self.forms = {
            sf.slug: sf
            for sf in ServiceForm.objects.filter(
                organisation=organisation, slug__in=[SHELTER, ENSIKOTI]
            )
        }
        self.staff = {u.username: u for u in User.objects.filter(organisation=organisation)}
        self.places: dict[str, list[Place]] = {}
        self.busy: dict[tuple[str, int], list[tuple[dt.datetime, dt.datetime | None]]] = {}
        self.plans: list[Plan] = []
        self.lifted: list[int] = []
        self.hetu_number = 950
        self.counts: Counter[str] = Counter()

    # -- helpers ------------------------------------------------------------------------------

    def worker(self, slug: str, at: dt.datetime | None = None) -> User:
        if slug == SHELTER:
            night = at is not None and not 7 <= at.astimezone(HELSINKI).hour < 21
            return self.staff["turvakoti.yo" if night else "turvakoti"]
        return self.staff["ensikoti"]

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
        """A stay for each demo-client episode of the unit, where a place is free for it."""
        episodes = Episode.objects.filter(service_form=self.forms[spec.slug]).order_by(
            "opened_at", "pk"
        )
        for episode in episodes:
            arrive = episode.opened_at.astimezone(HELSINKI)
            if arrive < self.window_start:
                continue
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

    # -- 5. around the stays ------------------------------------------------------------------

    def ensure_county(self) -> None:
        county = Partner.objects.filter(organisation=self.org, name=WELLBEING_COUNTY).first()
        if county is None:
            county = Partner(
                organisation=self.org,
                name=WELLBEING_COUNTY,
                kind=Partner.Kind.WELLBEING_SERVICES,
                municipality=Municipality.objects.filter(code="398").first(),
                description="Hyvinvointialue: maksusitoumukset ensikotijaksoille.",
            )
            county._history_user = self.staff["ensikoti.esihenkilo"]  # type: ignore[attr-defined]
            county.full_clean()
            county.save()
            self.counts["kumppaneita"] += 1
        self.county = county

    def occupied_at(self, slug: str, at: dt.datetime) -> int:
        spec = next(s for s in UNITS if s.slug == slug)
        return sum(
            any(s <= at < (e or _FAR) for s, e in self.busy[(slug, i)]) for i in range(spec.places)
        )

    def turn_aways(self) -> None:
        rows = []
        d = TurnAway.DirectedTo
        day = self.window_start.date()
        while day < self.today:
            for spec in UNITS:
                at = _aware(day, self.rng.randint(0, 23), self.rng.choice((5, 20, 35, 50)))
                if at >= self.now:
                    continue
                full = self.occupied_at(spec.slug, at) >= spec.places
                shelter = spec.slug == SHELTER
                if full and self.rng.random() < (0.3 if shelter else 0.06):
                    reason = TurnAway.Reason.NO_PLACE
                    directed = self.rng.choices(
                        (d.OTHER_SHELTER, d.SOCIAL_SERVICES, d.OTHER, d.NOWHERE)
                        if shelter
                        else (d.OUTPATIENT, d.SOCIAL_SERVICES, d.OTHER, d.NOWHERE),
                        (70, 18, 7, 5),
                    )[0]
                elif self.rng.random() < (0.025 if shelter else 0.01):
                    reason, directed = self.rng.choice(
                        (
                            (TurnAway.Reason.NOT_SUITABLE, d.HEALTH_CARE),
                            (TurnAway.Reason.NOT_SUITABLE, d.OUTPATIENT),
                            (TurnAway.Reason.SAFETY, d.OTHER_SHELTER),
                            (TurnAway.Reason.OTHER, d.SOCIAL_SERVICES),
                        )
                    )
                else:
                    continue
                rows.append(
                    TurnAway(
                        organisation=self.org,
                        service_form=self.forms[spec.slug],
                        occurred_at=at,
                        channel=self.rng.choices(
                            [c for c, _l in TurnAway.Channel.choices], (60, 30, 8, 2)
                        )[0],
                        adults=1,
                        children=self.rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0],
                        reason=reason,
                        directed_to=directed,
                        recorded_by=self.worker(spec.slug, at),
                    )
                )
            day += dt.timedelta(days=1)
        TurnAway.objects.bulk_create(rows)
        self.counts["käännytyksiä"] += len(rows)

    def line_contacts(self) -> None:
        """About two to three contacts a day on the shelter's 24 h line, more in the evening."""
        form = self.forms[SHELTER]
        c, o, t = LineContact.Caller, LineContact.Outcome, LineContact.Topic
        rows: list[LineContact] = []
        day = self.window_start.date()
        hours = list(range(24))
        weights = [3, 3, 2, 2, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5, 6, 6, 6, 6, 5, 4]
        while day <= self.today:
            for _ in range(self.rng.choices((0, 1, 2, 3, 4, 5), (8, 20, 28, 24, 13, 7))[0]):
                at = _aware(day, self.rng.choices(hours, weights)[0], self.rng.randint(0, 59))
                if at >= self.now:
                    continue
                outcome = self.rng.choices(
                    (o.ADVICE, o.REFERRED, o.CAME_TO_SHELTER, o.OTHER), (70, 18, 4, 8)
                )[0]
                rows.append(
                    LineContact(
                        organisation=self.org,
                        service_form=form,
                        occurred_at=at,
                        duration_minutes=max(
                            1, min(120, round(self.rng.lognormvariate(math.log(14), 0.6)))
                        ),
                        channel=self.rng.choices(
                            (
                                LineContact.Channel.PHONE,
                                LineContact.Channel.CHAT,
                                LineContact.Channel.OTHER,
                            ),
                            (78, 20, 2),
                        )[0],
                        caller=self.rng.choices(
                            (
                                c.VICTIM,
                                c.RELATIVE,
                                c.PROFESSIONAL,
                                c.PERPETRATOR,
                                c.OTHER,
                                c.UNKNOWN,
                            ),
                            (55, 15, 14, 6, 5, 5),
                        )[0],
                        topics=sorted(
                            set(
                                self.rng.choices(
                                    (
                                        t.CLOSE_RELATIONSHIP_VIOLENCE,
                                        t.SAFETY_PLANNING,
                                        t.SHELTER_PLACE,
                                        t.CHILDREN,
                                        t.LEGAL,
                                        t.HOUSING,
                                        t.OTHER,
                                    ),
                                    (40, 15, 15, 12, 8, 6, 4),
                                    k=self.rng.randint(1, 2),
                                )
                            )
                        ),
                        outcome=outcome,
                        referred_to=self.rng.choice(
                            (
                                "Avokriisityö",
                                "sosiaalipäivystys",
                                "poliisi",
                                "Nollalinja",
                                "terveysasema",
                            )
                        )
                        if outcome == o.REFERRED
                        else "",
                        language=self.rng.choices(
                            ("", "englanti", "ruotsi", "venäjä", "arabia"), (88, 5, 3, 2, 2)
                        )[0],
                        recorded_by=self.worker(SHELTER, at),
                    )
                )
            day += dt.timedelta(days=1)
        # The call before many admissions: the family came to the shelter after the call.
        for plan in self.plans:
            if (
                plan.unit == SHELTER
                and plan.arrive >= self.window_start
                and self.rng.random() < 0.6
            ):
                at = plan.arrive - dt.timedelta(minutes=self.rng.randint(30, 180))
                rows.append(
                    LineContact(
                        organisation=self.org,
                        service_form=form,
                        occurred_at=at,
                        duration_minutes=self.rng.randint(8, 40),
                        channel=LineContact.Channel.PHONE,
                        caller=self.rng.choice((c.VICTIM, c.VICTIM, c.PROFESSIONAL)),
                        topics=[t.SHELTER_PLACE, t.CLOSE_RELATIONSHIP_VIOLENCE],
                        outcome=o.CAME_TO_SHELTER,
                        recorded_by=self.worker(SHELTER, at),
                    )
                )
        # The last one goes through the service, so that a broken service shows up in the demo.
        last = rows.pop(max(range(len(rows)), key=lambda i: rows[i].occurred_at))
        line_services.line_contact_record(
            actor=last.recorded_by,
            service_form=form,
            caller=last.caller,
            outcome=last.outcome,
            occurred_at=last.occurred_at,
            duration_minutes=last.duration_minutes,
            channel=last.channel,
            topics=last.topics,
            referred_to=last.referred_to,
            language=last.language,
        )
        LineContact.objects.bulk_create(rows)
        self.counts["linjan yhteydenottoja"] += len(rows) + 1

    def shelter_data(self) -> None:
        """THL's data for the shelter's persons; a few left empty on purpose (year-end check)."""
        v = ShelterClientData.ViolenceForm
        r = ShelterClientData.Relationship
        plans = [p for p in self.plans if p.unit == SHELTER and p.episode is not None]
        last_year = self.today.year - 1
        skip_last_year = 3
        skip_this_year = 2
        for plan in plans:
            assert plan.episode is not None
            participants = list(
                Participant.objects.filter(episode=plan.episode).select_related("person", "alias")
            )
            arrived = plan.arrive.date()
            if skip_last_year and arrived.year == last_year and arrived.month in (5, 9, 11):
                skip_last_year -= 1
                continue
            if skip_this_year and arrived.year == self.today.year and arrived.month in (3, 8):
                skip_this_year -= 1
                continue
            forms = sorted(
                set(
                    self.rng.choices(
                        (
                            v.PSYCHOLOGICAL,
                            v.PHYSICAL,
                            v.THREAT,
                            v.ECONOMIC,
                            v.DIGITAL,
                            v.STALKING,
                            v.SEXUAL,
                            v.CHEMICAL,
                            v.CULTURAL_RELIGIOUS,
                            v.OTHER,
                        ),
                        (30, 22, 14, 8, 7, 6, 5, 2, 2, 1),
                        k=self.rng.randint(1, 4),
                    )
                )
            )
            relationship = self.rng.choices(
                (
                    r.CURRENT_PARTNER,
                    r.FORMER_PARTNER,
                    r.PARENT,
                    r.OTHER_RELATIVE,
                    r.OTHER,
                    r.UNKNOWN,
                ),
                (45, 33, 5, 6, 5, 6),
            )[0]
            stay_order = self.rng.choices(list(ShelterClientData.StayOrder.values), (72, 22, 6))[0]
            duration = self.rng.choices(
                list(ShelterClientData.ViolenceDuration.values), (8, 14, 14, 38, 20, 6)
            )[0]
            for participant in participants:
                child = participant.role == Participant.Role.CHILD
                person, alias = participant.person, participant.alias
                gender = (person.gender if person else alias.gender if alias else "") or ""
                born: dt.date | None = person.birth_date if person else None
                if born is None and alias is not None and alias.birth_year:
                    born = dt.date(alias.birth_year, 7, 1)
                data = ShelterClientData(
                    participant=participant,
                    client_status=ShelterClientData.ClientStatus.VIOLENT_ENVIRONMENT
                    if child and self.rng.random() < 0.8
                    else ShelterClientData.ClientStatus.VICTIM,
                    gender=gender if gender in ShelterClientData.Gender.values else "unknown",
                    age_band=age_band(born, arrived),
                    violence_forms=forms,
                    relationship=r.PARENT if child else relationship,
                    stay_order=stay_order,
                    violence_duration=duration,
                    updated_by=self.worker(SHELTER),
                )
                data._history_user = data.updated_by  # type: ignore[attr-defined]
                data.save()
                self.counts["THL-tietoja"] += 1

    def commitments(self) -> None:
        """Ensikoti: three-month payment commitments covering each family's residence."""
        municipalities = {
            m.code: m for m in Municipality.objects.filter(code__in=HOME_MUNICIPALITIES)
        }
        plans = [p for p in self.plans if p.unit == ENSIKOTI and p.episode is not None]
        gap_done = False
        number = 100
        for plan in plans:
            assert plan.episode is not None
            first = plan.arrive.date()
            last = (plan.depart or self.now).astimezone(HELSINKI).date()
            municipality = municipalities.get(self.rng.choice(HOME_MUNICIPALITIES))
            start = first
            renewals = 0
            while start <= last:
                until = start + dt.timedelta(days=91)
                if plan.depart is not None and until >= last:
                    until = last
                number += 1
                commitment = PaymentCommitment(
                    organisation=self.org,
                    episode=plan.episode,
                    payer=self.county,
                    municipality=municipality,
                    reference=f"PH-MS-{start.year}-{number:04d}",
                    valid_from=start,
                    valid_until=until,
                    daily_price=DAILY_PRICE.get(start.year, DAILY_PRICE[2026]),
                    created_by=self.staff["ensikoti.esihenkilo"],
                )
                commitment._history_user = commitment.created_by  # type: ignore[attr-defined]
                commitment.full_clean()
                commitment.save()
                self.counts["maksusitoumuksia"] += 1
                start = until + dt.timedelta(days=1)
                renewals += 1
                # On purpose: one renewal came late, so a few days have no commitment.
                if (
                    not gap_done
                    and renewals == 1
                    and start + dt.timedelta(days=20) <= last
                    and start.year == self.today.year - 1
                ):
                    start += dt.timedelta(days=9)
                    gap_done = True

    def shift_notes(self) -> None:
        texts = {
            SHELTER: [
                "Yö oli rauhallinen. Perhepaikka {p}: lapset nukkuivat hyvin, äiti heräsi aamulla aikaisin.",
                "Puhelinlinjalla {n} yhteydenottoa, ei uusia tulijoita.",
                "Perhepaikka {p}: sovittu tapaaminen sosiaalityöntekijän kanssa huomenna klo 10.",
                "Perhepaikka {p}: turvallisuussuunnitelma päivitetty, ovisummeri tarkistettu.",
                "Aamuvuorolle: lasten päiväkotikuljetus järjestyy taksilla klo 8.",
            ],
            ENSIKOTI: [
                "Perhepaikka {p}: vauva söi hyvin yöllä, äiti lepäsi aamupäivän.",
                "Perhepaikka {p}: neuvolakäynti huomenna klo 13, ohjaaja mukaan.",
                "Vuorovaikutusryhmä pidettiin, kolme perhettä osallistui.",
                "Perhepaikka {p}: äiti pyysi keskustelua jatkoasumisesta, sovitaan omaohjaajan kanssa.",
            ],
        }
        shifts = list(ShiftNote.Shift)
        for slug in (SHELTER, ENSIKOTI):
            open_stays = list(
                Stay.objects.filter(place__service_form=self.forms[slug], departed_at__isnull=True)
                .select_related("place")
                .order_by("place__order")
            )
            for back in (2, 1, 0):
                day = self.today - dt.timedelta(days=back)
                for shift in shifts:
                    if back == 0 and shift != ShiftNote.Shift.NIGHT:
                        continue
                    stay = self.rng.choice(open_stays) if open_stays else None
                    text = self.rng.choice(texts[slug]).format(
                        p=stay.place.order if stay else 1, n=self.rng.randint(1, 5)
                    )
                    note = ShiftNote.objects.create(
                        organisation=self.org,
                        service_form=self.forms[slug],
                        shift=shift,
                        shift_date=day,
                        text=text,
                        important=back == 1 and shift == ShiftNote.Shift.EVENING,
                        author=self.worker(slug, _aware(day, 2 if shift == "night" else 12)),
                    )
                    if stay is not None and text.startswith("Perhepaikka"):
                        note.episodes.add(stay.episode)
                    self.counts["vuororaportteja"] += 1

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
            counts = _Builder(organisation).build()
        stays = Stay.objects.filter(place__service_form__in=forms)
        members = StayMember.objects.filter(stay__in=stays).count()
        details = ", ".join(f"{label} {n}" for label, n in counts.items())
        return f"Asumispalvelut: {details} (jaksojen henkilöitä {members})."
