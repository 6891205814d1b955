"""Step 2: the residential units' back-to-back stays and their rows (shared with the shelter),
and Ensikoti's families (stays may begin in pregnancy)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tupa.core.wallclock import local_date
from tupa.demo.clients.names import SURNAMES
from tupa.demo.federation_scale.dates import aware, nights_by_year, overlap_years
from tupa.demo.federation_scale.member import Member
from tupa.demo.federation_scale.specs import (
    ENSIKOTI,
    ENSIKOTI_SPEC,
    MAX_MEAN_GAP_DAYS,
    SHELTER,
    TURNOVER,
    UnitSpec,
)
from tupa.episodes.models import Entry, Episode, Participant, ReferralSource
from tupa.organisations.models import Partner
from tupa.people.models import Person, Relationship
from tupa.residential.models import Destination, PayerCategory, Place, Stay, StayMember


@dataclass
class Residence:
    place: Place
    arrive: dt.datetime
    depart: dt.datetime | None


def residences(m: Member, spec: UnitSpec) -> list[Residence]:
    """Back-to-back stays in every place of the unit, from the window's start to today."""
    rng = m.rng
    gap_mean = spec.mean_nights * (1 / (m.scale * spec.occupancy) - 1)
    gap_mean = min(MAX_MEAN_GAP_DAYS, max(gap_mean, 0.5))
    out = []
    shelter = spec.slug == SHELTER
    for place in m.places[spec.slug]:
        cursor = m.window_start
        while True:
            day = local_date(cursor + dt.timedelta(days=rng.expovariate(1 / gap_mean)))
            hour = (
                rng.choice((0, 1, 2, 3, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23))
                if shelter
                else rng.randint(9, 15)
            )
            arrive = aware(day, hour, rng.choice((0, 15, 30, 45)))
            while arrive < cursor + TURNOVER:
                arrive += dt.timedelta(days=1)
            if arrive >= m.now - dt.timedelta(hours=6):
                break
            depart: dt.datetime | None
            if shelter and arrive.hour < 13 and rng.random() < 0.04:
                depart = arrive + dt.timedelta(hours=rng.randint(3, 8))  # left the same day
            else:
                nights = rng.lognormvariate(math.log(spec.median_nights), spec.sigma)
                nights = max(spec.min_nights, min(spec.max_nights, round(nights)))
                depart = aware(
                    local_date(arrive) + dt.timedelta(days=nights),
                    rng.randint(9, 16),
                    rng.choice((0, 15, 30, 45)),
                )
            if depart >= m.now:
                depart = None
            out.append(Residence(place, arrive, depart))
            if depart is None:
                break
            cursor = depart
    out.sort(key=lambda r: (r.arrive, r.place.order))
    return out


def add_stay(
    m: Member,
    episode: Episode,
    residence: Residence,
    members: list[tuple[Participant, dt.datetime]],
    *,
    payer_category: str,
    payer: Partner | None = None,
    pregnancy: bool = False,
) -> Stay:
    arrive, depart = residence.arrive, residence.depart
    stay = Stay(
        organisation=m.org,
        episode=episode,
        place=residence.place,
        arrived_at=arrive,
        departed_at=depart,
        payer_category=payer_category,
        payer=payer,
        started_in_pregnancy=pregnancy,
        destination=(
            m.pick(
                (
                    (Destination.OWN_NEW_HOME, 30),
                    (Destination.HOME, 25),
                    (Destination.RELATIVES, 15),
                    (Destination.OTHER_SERVICE, 15),
                    (Destination.OTHER_SHELTER, 5),
                    (Destination.UNKNOWN, 10),
                )
            )
            if depart is not None
            else ""
        ),
        created_by=m.worker(residence.place.service_form.slug),
        version=2 if depart is not None else 1,
    )
    m.stays.append(stay)
    for participant, member_arrive in members:
        m.members.append(
            StayMember(
                stay=stay, participant=participant, arrived_at=member_arrive, departed_at=depart
            )
        )
    return stay


def count_residence(
    m: Member, prefix: str, key: object, arrive: dt.datetime, depart: dt.datetime | None
) -> None:
    for year, days in nights_by_year(arrive, depart, m.yesterday).items():
        m.summary.by_year[(year, f"{prefix}_days")] += days
    for year in overlap_years(arrive, depart, m.today.year):
        m.seen.setdefault((prefix, year), set()).add(key)


def residential_entries(
    m: Member,
    episode: Episode,
    residence: Residence,
    participants: list[Participant],
    *,
    every_days: int,
    most: int,
    first_type: str,
    types: tuple[str, ...],
) -> None:
    author = m.worker(residence.place.service_form.slug)
    end = residence.depart or m.now
    span = max((end - residence.arrive).total_seconds() / 86400, 0.1)
    n = max(1, min(most, 1 + int(span // every_days)))
    for i in range(n):
        at = residence.arrive + dt.timedelta(days=span * i / n, hours=1 if i == 0 else 0)
        at = aware(local_date(at), m.rng.randint(8, 20), m.rng.choice((0, 15, 30, 45)))
        at = max(at, residence.arrive + dt.timedelta(minutes=30))
        if residence.depart is not None:
            at = min(at, residence.depart - dt.timedelta(minutes=15))
        entry_type = first_type if i == 0 else m.rng.choice(types)
        m.entry(
            episode,
            author=author,
            type=entry_type,
            occurred_at=at,
            duration=m.rng.choice((30, 45, 60, 90)),
            participants=participants,
            written_with_client=m.rng.random() < 0.2,
        )


def build_ensikoti(m: Member) -> None:
    """Ensikoti's stays: a mother (maybe expecting, maybe with the father) and her babies."""
    rng = m.rng
    form = m.forms[ENSIKOTI]
    for residence in residences(m, ENSIKOTI_SPEC):
        arrive, depart = residence.arrive, residence.depart
        day = local_date(arrive)
        municipality = m.municipality_id()
        last = rng.choice(SURNAMES)
        pregnant = rng.random() < 0.25
        mother = m.person(
            female=True,
            born=m.adult_born(day, 17, 40),
            last=last,
            municipality_id=municipality,
        )
        episode = m.episode(
            form,
            opened_at=arrive - dt.timedelta(days=rng.randint(3, 30)),
            start=day,
            end=local_date(depart) if depart else None,
            referral_source=m.pick(
                (
                    (ReferralSource.CHILD_PROTECTION, 55),
                    (ReferralSource.SOCIAL_SERVICES, 25),
                    (ReferralSource.CHILD_HEALTH_CLINIC, 10),
                    (ReferralSource.HOSPITAL, 10),
                )
            ),
        )
        role = Participant.Role.EXPECTANT_PARENT if pregnant else Participant.Role.CLIENT
        people = [m.participant(episode, mother, role, joined_on=day)]
        members = [(people[0], arrive)]
        if rng.random() < 0.1:
            father = m.person(
                female=False, born=m.adult_born(day, 18, 45), municipality_id=municipality
            )
            people.append(m.participant(episode, father, Participant.Role.CLIENT, joined_on=day))
            members.append((people[-1], arrive))
        babies: list[Person] = []
        if pregnant:
            birth = day + dt.timedelta(days=rng.randint(10, 60))
            mother.expected_due_date = birth
            moment = aware(birth + dt.timedelta(days=3), 13)
            if moment < (depart or m.now) - dt.timedelta(hours=1):
                baby = m.person(
                    female=rng.random() < 0.5,
                    born=birth,
                    child=True,
                    last=last,
                    municipality_id=municipality,
                )
                babies.append(baby)
                people.append(
                    m.participant(
                        episode, baby, Participant.Role.CHILD, joined_on=local_date(moment)
                    )
                )
                members.append((people[-1], moment))
        elif rng.random() < 0.85:
            ages = [rng.randint(7, 300)]
            if rng.random() < 0.15:
                ages.append(rng.randint(400, 2000))
            for age in ages:
                baby = m.person(
                    female=rng.random() < 0.5,
                    born=day - dt.timedelta(days=age),
                    child=True,
                    last=last,
                    municipality_id=municipality,
                )
                babies.append(baby)
                people.append(m.participant(episode, baby, Participant.Role.CHILD, joined_on=day))
                members.append((people[-1], arrive))
        for baby in babies:
            m.relationships.append(
                Relationship(person=mother, relative=baby, kind=Relationship.Kind.PARENT)
            )
        add_stay(
            m,
            episode,
            residence,
            members,
            payer_category=PayerCategory.MUNICIPALITY,
            payer=m.partners["county"],
            pregnancy=pregnant,
        )
        for participant, member_arrive in members:
            count_residence(m, "ensikoti", id(participant.person), member_arrive, depart)
        residential_entries(
            m,
            episode,
            residence,
            people,
            every_days=10,
            most=20,
            first_type=Entry.Type.INTAKE,
            types=(
                Entry.Type.INDIVIDUAL_MEETING,
                Entry.Type.FAMILY_MEETING,
                Entry.Type.NETWORK_MEETING,
                Entry.Type.HOME_VISIT,
            ),
        )
