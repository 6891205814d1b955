"""Step 4: supervised meetings: episodes, orders with their parties, meetings and their records."""

from __future__ import annotations

import datetime as dt

from tupa.core.wallclock import HELSINKI, local_date
from tupa.demo.clients.names import SURNAMES
from tupa.demo.federation_scale.dates import aware
from tupa.demo.federation_scale.member import Member
from tupa.demo.federation_scale.specs import VISITATION, VISITATION_RATE
from tupa.demo.visitation import INTERRUPTED_RECORDS, RECORDS
from tupa.demo.visitation import OUTCOMES as MEETING_OUTCOMES
from tupa.episodes.models import Entry, Participant, ReferralSource
from tupa.organisations.models import ServiceForm
from tupa.people.models import Relationship
from tupa.visitation.models import (
    FAMILY_CANCELLATIONS,
    Meeting,
    MeetingOrder,
    MeetingType,
    OrderBasis,
    OrderParty,
    PartyRole,
)
from tupa.visitation.models import Outcome as MeetingOutcome


def build_visitation(m: Member) -> None:
    """The supervised-meeting orders year by year, each with its family and meetings."""
    form = m.forms[VISITATION]
    for year in range(m.first_year, m.today.year + 1):
        n = max(1, m.scaled(VISITATION_RATE * m.year_fraction(year)))
        for _ in range(n):
            _visitation_case(m, form, m.day_in(year))


def _visitation_case(m: Member, form: ServiceForm, opened_day: dt.date) -> None:
    rng = m.rng
    actor = m.worker(VISITATION)
    municipality = m.municipality_id()
    start = min(opened_day + dt.timedelta(days=rng.randint(0, 14)), m.today)
    valid_until = start + dt.timedelta(days=rng.choice((180, 365, 365)))
    ended = valid_until < m.yesterday
    episode = m.episode(
        form,
        opened_at=aware(opened_day, 10),
        start=start,
        end=valid_until if ended else None,
        referral_source=m.pick(
            (
                (ReferralSource.DISTRICT_COURT, 50),
                (ReferralSource.CHILD_WELFARE_SUPERVISOR, 35),
                (ReferralSource.SOCIAL_SERVICES, 15),
            )
        ),
    )
    last = rng.choice(SURNAMES)
    mother = m.person(
        female=True,
        born=m.adult_born(start, 24, 48),
        last=last,
        municipality_id=municipality,
    )
    father = m.person(female=False, born=m.adult_born(start, 24, 52), municipality_id=municipality)
    people = [
        m.participant(episode, mother, Participant.Role.CLIENT, joined_on=start),
        m.participant(episode, father, Participant.Role.CLIENT, joined_on=start),
    ]
    kids = []
    for _ in range(rng.choice((1, 1, 2))):
        child = m.person(
            female=rng.random() < 0.5,
            born=start - dt.timedelta(days=rng.randint(2 * 365, 12 * 365)),
            child=True,
            last=last,
            municipality_id=municipality,
        )
        kids.append(m.participant(episode, child, Participant.Role.CHILD, joined_on=start))
        for parent in (mother, father):
            m.relationships.append(
                Relationship(person=parent, relative=child, kind=Relationship.Kind.PARENT)
            )
    people += kids
    resident, visiting = (people[0], people[1]) if rng.random() < 0.8 else (people[1], people[0])
    resident_role = PartyRole.FOSTER_FAMILY if rng.random() < 0.1 else PartyRole.RESIDENT_PARENT
    meeting_type = m.pick(
        ((MeetingType.SUPERVISED, 55), (MeetingType.SUPPORTED, 25), (MeetingType.EXCHANGE, 20))
    )
    basis = m.pick(
        (
            (OrderBasis.COURT_DECISION, 50),
            (OrderBasis.SUPERVISOR_AGREEMENT, 35),
            (OrderBasis.SOCIAL_SERVICES_DECISION, 15),
        )
    )
    duration = {
        MeetingType.SUPERVISED: rng.choice((90, 120, 120)),
        MeetingType.SUPPORTED: rng.choice((120, 180)),
        MeetingType.EXCHANGE: 15,
    }[meeting_type]
    payer = next((c for c in m.municipalities if c.pk == municipality), None) or (
        m.municipalities[0] if m.municipalities else None
    )
    if payer is None:
        return
    order = MeetingOrder(
        organisation=m.org,
        episode=episode,
        basis=basis,
        basis_date=start - dt.timedelta(days=rng.randint(10, 45)),
        basis_reference=f"{start:%y}/{rng.randint(1000, 9999)}",
        authority_name="Kuvitteellinen käräjäoikeus"
        if basis == OrderBasis.COURT_DECISION
        else "lastenvalvoja",
        meeting_type=meeting_type,
        interval_weeks=m.pick(((1, 1), (2, 6), (3, 1), (4, 2))),
        duration_minutes=duration,
        valid_from=start,
        valid_until=valid_until,
        payer_municipality=payer,
        separate_entrances=rng.random() < 0.4,
        separate_waiting_rooms=rng.random() < 0.6,
        security_guard=rng.random() < 0.1,
        created_by=actor,
    )
    m.orders.append(order)
    m.parties += [
        OrderParty(order=order, participant=resident, role=resident_role),
        OrderParty(order=order, participant=visiting, role=PartyRole.VISITING_PARENT),
        *(OrderParty(order=order, participant=k, role=PartyRole.CHILD) for k in kids),
    ]
    exchange = meeting_type == MeetingType.EXCHANGE
    at = rng.choice((dt.time(16, 0), dt.time(17, 0))) if exchange else dt.time(10, 0)
    if not exchange and rng.random() < 0.5:
        at = dt.time(17, 0)
    day = start + dt.timedelta(days=rng.randint(3, 10))
    horizon = min(valid_until, m.today + dt.timedelta(days=21))
    step = dt.timedelta(weeks=order.interval_weeks)
    while day <= horizon:
        starts = dt.datetime.combine(day, at, tzinfo=HELSINKI)
        meeting = Meeting(
            organisation=m.org, order=order, starts_at=starts, duration_minutes=duration
        )
        m.meetings.append(meeting)
        day += step
        if starts > m.now - dt.timedelta(hours=1):
            continue
        year = local_date(starts).year
        outcome = m.pick(MEETING_OUTCOMES)
        meeting.outcome = outcome
        meeting.outcome_by = actor
        meeting.outcome_at = min(starts + dt.timedelta(minutes=duration + 30), m.now)
        meeting.version = 2
        record = ""
        if outcome == MeetingOutcome.NO_SHOW:
            meeting.no_show_role = (
                PartyRole.VISITING_PARENT if rng.random() < 0.75 else resident_role
            )
        if outcome in FAMILY_CANCELLATIONS:
            meeting.late_cancellation = rng.random() < 0.4
        if outcome == MeetingOutcome.INTERRUPTED:
            reason = m.pick((("intoxication", 5), ("threat", 3), ("other", 2)))
            meeting.interruption_reason = reason
            meeting.outcome_note = {
                "intoxication": "Päihtymys",
                "threat": "Uhkaava käytös",
                "other": "Lapsen vointi",
            }[reason]
            record = INTERRUPTED_RECORDS[reason]
        elif outcome == MeetingOutcome.TOOK_PLACE:
            m.summary.by_year[(year, "meetings")] += 1
            if rng.random() < 0.6:
                record = rng.choice(RECORDS)
        if record:
            meeting.record_entry = m.entry(
                episode,
                author=actor,
                type=Entry.Type.FAMILY_MEETING,
                occurred_at=starts,
                duration=duration,
                text=record,
                participants=[resident, visiting, *kids],
                written_with_client=rng.random() < 0.85,
            )
