"""Step 2: the shelter's families and stays, THL's shelter data and the units' journal entries;
the 24 h line's contacts and the turn-aways."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tupa.core.wallclock import local_date
from tupa.demo.clients.names import SURNAMES
from tupa.demo.federation_scale.dates import aware
from tupa.demo.federation_scale.member import Member
from tupa.demo.federation_scale.residential import (
    add_stay,
    count_residence,
    residences,
    residential_entries,
)
from tupa.demo.federation_scale.specs import RETURN_AFTER, SHELTER, SHELTER_SPEC
from tupa.demo.residential.shelter import (
    FamilyViolence,
    line_call,
    violence_duration,
    violence_forms,
    violence_relationship,
)
from tupa.episodes.models import Entry, Episode, Participant, ReferralSource
from tupa.people.models import Alias, Person, Relationship
from tupa.residential.models import LineContact, PayerCategory, ShelterClientData, TurnAway


@dataclass
class Family:
    """The people of a residential family; they may come back (a new episode) later."""

    adults: list[Person | Alias]
    children: list[Person]
    free_from: dt.datetime | None = None
    stays: int = 0


def build_shelter(m: Member) -> None:
    """The shelter's stays, each a family's episode (new or coming back), with THL's data and
    the unit's journal entries; the leavers are kept for the referrals to Avokriisityö."""
    rng = m.rng
    form = m.forms[SHELTER]
    families: list[Family] = []
    for residence in residences(m, SHELTER_SPEC):
        arrive, depart = residence.arrive, residence.depart
        arrive_day = local_date(arrive)
        family: Family | None = None
        if rng.random() < 0.1:
            returning = [
                f
                for f in families
                if f.free_from is not None
                and f.free_from + RETURN_AFTER < arrive
                and isinstance(f.adults[0], Person)  # an alias is never seen again
            ]
            if returning:
                family = rng.choice(returning[-40:])
        if family is None:
            family = _new_family(m, arrive_day)
            families.append(family)
        family.stays += 1
        family.free_from = depart
        children = [c for c in family.children if (c.age_on(arrive_day) or 0) < 18]
        episode = m.episode(
            form,
            opened_at=arrive - dt.timedelta(minutes=rng.randint(20, 90)),
            start=arrive_day,
            end=local_date(depart) if depart else None,
            end_reason=Episode.EndReason.MOVED_ON,
            referral_source=m.pick(
                (
                    (ReferralSource.SELF, 45),
                    (ReferralSource.POLICE, 20),
                    (ReferralSource.SOCIAL_SERVICES, 25),
                    (ReferralSource.HOSPITAL, 5),
                    (ReferralSource.OTHER, 5),
                )
            ),
        )
        adults = [
            m.participant(
                episode,
                who,
                Participant.Role.CLIENT,
                joined_on=arrive_day,
                violence_role=Participant.ViolenceRole.EXPERIENCED,
            )
            for who in family.adults
        ]
        kids = [
            m.participant(
                episode,
                child,
                Participant.Role.CHILD,
                joined_on=arrive_day,
                violence_role=Participant.ViolenceRole.WITNESSED,
            )
            for child in children
        ]
        members = [(p, arrive) for p in adults + kids]
        late = bool(kids) and (depart is None or depart - arrive > dt.timedelta(days=3))
        if late and rng.random() < 0.1:
            members[-1] = (members[-1][0], arrive + dt.timedelta(hours=rng.randint(14, 30)))
        add_stay(m, episode, residence, members, payer_category=PayerCategory.STATE)
        everyone = adults + kids
        for participant, member_arrive in members:
            who = participant.person or participant.alias
            count_residence(m, "shelter", id(who), member_arrive, depart)
        # THL's data (left out for a few of this year's persons: the year-end check).
        missing = arrive_day.year == m.today.year and rng.random() < 0.03
        if not missing:
            forms, relationship = violence_forms(rng), violence_relationship(rng)
            order = (
                ShelterClientData.StayOrder.REPEAT
                if family.stays > 1
                else m.pick(
                    (
                        (ShelterClientData.StayOrder.FIRST, 85),
                        (ShelterClientData.StayOrder.REPEAT, 10),
                        (ShelterClientData.StayOrder.UNKNOWN, 5),
                    )
                )
            )
            violence = FamilyViolence(forms, relationship, order, violence_duration(rng))
            for participant in everyone:
                m.shelter_data.append(
                    violence.data_of(participant, rng, arrive_day, m.worker(SHELTER))
                )
        residential_entries(
            m,
            episode,
            residence,
            everyone,
            every_days=4,
            most=10,
            first_type=Entry.Type.CRISIS_HELP,
            types=(
                Entry.Type.INDIVIDUAL_MEETING,
                Entry.Type.FAMILY_MEETING,
                Entry.Type.NETWORK_MEETING,
                Entry.Type.CRISIS_HELP,
            ),
        )
        mother = adults[0]
        if depart is not None and mother.person is not None:
            m.ctx.shelter_leavers.append((episode, mother, depart))


def _new_family(m: Member, day: dt.date) -> Family:
    rng = m.rng
    if rng.random() < 0.03:  # an anonymous woman alone: an alias, identified never
        alias = Alias(
            organisation=m.org,
            label=f"Nainen {day:%d.%m.%Y}",
            service_form=m.forms[SHELTER],
            gender=Person.Gender.FEMALE,
            birth_year=day.year - rng.randint(20, 50),
            created_by=m.worker(SHELTER),
        )
        m.aliases.append(alias)
        return Family([alias], [])
    municipality = m.municipality_id()
    last = rng.choice(SURNAMES)
    mother = m.person(
        female=True, born=m.adult_born(day, 19, 52), last=last, municipality_id=municipality
    )
    adults: list[Person | Alias] = [mother]
    if rng.random() < 0.08:  # e.g. a grown-up daughter or the mother's own mother
        adults.append(
            m.person(
                female=True,
                born=m.adult_born(day, 18, 70),
                last=last,
                municipality_id=municipality,
            )
        )
    count = rng.choices((0, 1, 2, 3, 4), (38, 27, 20, 10, 5))[0]
    children = []
    for _ in range(count):
        girl = rng.random() < 0.5
        child = m.person(
            female=girl,
            born=day - dt.timedelta(days=rng.randint(30, 16 * 365)),
            child=True,
            last=last,
            municipality_id=municipality,
        )
        children.append(child)
        m.relationships.append(
            Relationship(person=mother, relative=child, kind=Relationship.Kind.PARENT)
        )
    return Family(adults, children)


def build_line_and_turn_aways(m: Member) -> None:
    """The shelter's 24 h line contacts and the families turned away for want of a place."""
    rng = m.rng
    form = m.forms[SHELTER]
    worker = m.worker(SHELTER)
    o = LineContact.Outcome
    day = m.window_start.date()
    d = TurnAway.DirectedTo
    while day < m.today:
        calls = m.scaled(rng.choices((0, 1, 2, 3, 4, 5), (8, 20, 28, 24, 13, 7))[0])
        for _ in range(calls):
            outcome = m.pick(
                ((o.ADVICE, 70), (o.REFERRED, 18), (o.CAME_TO_SHELTER, 4), (o.OTHER, 8))
            )
            at = aware(day, rng.randint(0, 23), rng.randint(0, 59))
            call = line_call(rng)
            m.line_contacts.append(
                LineContact(
                    organisation=m.org,
                    service_form=form,
                    occurred_at=at,
                    duration_minutes=call.duration_minutes,
                    channel=call.channel,
                    caller=call.caller,
                    topics=call.topics,
                    outcome=outcome,
                    referred_to="sosiaalipäivystys" if outcome == o.REFERRED else "",
                    recorded_by=worker,
                )
            )
        if rng.random() < 0.07 * m.scale:
            m.turn_aways.append(
                TurnAway(
                    organisation=m.org,
                    service_form=form,
                    occurred_at=aware(day, rng.randint(0, 23), rng.choice((5, 20, 35, 50))),
                    channel=rng.choices(
                        [ch for ch, _l in TurnAway.Channel.choices], (60, 30, 8, 2)
                    )[0],
                    adults=1,
                    children=rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0],
                    reason=TurnAway.Reason.NO_PLACE,
                    directed_to=m.pick(
                        (
                            (d.OTHER_SHELTER, 70),
                            (d.SOCIAL_SERVICES, 18),
                            (d.OTHER, 7),
                            (d.NOWHERE, 5),
                        )
                    ),
                    recorded_by=worker,
                )
            )
        day += dt.timedelta(days=1)
