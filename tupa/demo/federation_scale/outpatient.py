"""Step 3: the outpatient forms' episodes (those referred from the shelter included), their
appointments with outcomes and the outcomes' journal entries."""

from __future__ import annotations

import datetime as dt

from tupa.core.wallclock import local_date
from tupa.demo.clients.names import SURNAMES
from tupa.demo.federation_scale.dates import aware
from tupa.demo.federation_scale.member import Member
from tupa.demo.federation_scale.specs import MAX_APPOINTMENTS, SHELTER, OutpatientSpec
from tupa.demo.scheduling import NOTES as APPOINTMENT_NOTES
from tupa.demo.scheduling import OUTCOMES as APPOINTMENT_OUTCOMES
from tupa.demo.scheduling import PATTERNS
from tupa.episodes.models import Episode, Participant, Referral, ReferralSource
from tupa.organisations.models import ServiceForm
from tupa.people.models import Relationship
from tupa.scheduling.models import Appointment, Outcome, PlaceKind
from tupa.scheduling.services.outcomes import entry_values


def build_outpatient(m: Member) -> None:
    """Each outpatient form's new episodes year by year, then the appointments of those
    referred from the shelter."""
    referred = _referred_from_shelter(m)
    for spec in m.outpatient:
        form = m.forms[spec.slug]
        for year in range(m.first_year, m.today.year + 1):
            n = max(1, m.scaled(spec.rate * m.year_fraction(year)))
            for _ in range(n):
                _outpatient_case(m, spec, form, m.day_in(year))
        for episode, participants in referred.get(spec.slug, []):
            _appointments_for(m, spec.slug, form, episode, participants)


def _referred_from_shelter(m: Member) -> dict[str, list[tuple[Episode, list[Participant]]]]:
    """The client path: about a quarter of the mothers leaving the shelter go on to
    Avokriisityö (an accepted referral, with consent) a week or so later."""
    out: dict[str, list[tuple[Episode, list[Participant]]]] = {}
    if "avokriisityo" not in m.forms:
        return out
    form = m.forms["avokriisityo"]
    for shelter_episode, mother, left in m.ctx.shelter_leavers:
        if m.rng.random() >= 0.25:
            continue
        opened = left + dt.timedelta(days=m.rng.randint(3, 14), hours=1)
        if opened >= m.now - dt.timedelta(days=1):
            continue
        person = mother.person
        assert person is not None
        start = local_date(opened)
        end = start + dt.timedelta(days=m.rng.randint(60, 240))
        ended = end < m.yesterday
        episode = m.episode(
            form,
            opened_at=opened,
            start=start,
            end=end if ended else None,
            referral_source=ReferralSource.OTHER_SERVICE_FORM,
        )
        participant = m.participant(
            episode,
            person,
            Participant.Role.CLIENT,
            joined_on=start,
            violence_role=Participant.ViolenceRole.EXPERIENCED,
        )
        m.referrals.append(
            Referral(
                organisation=m.org,
                from_episode=shelter_episode,
                to_service_form=form,
                person=person,
                reason="Jatkotyöskentely turvakotijakson jälkeen.",
                consent_given=True,
                status=Referral.Status.ACCEPTED,
                created_by=m.worker(SHELTER),
                decided_by=m.worker("avokriisityo"),
                decided_at=opened,
                to_episode=episode,
            )
        )
        out.setdefault("avokriisityo", []).append((episode, [participant]))
        _count_outpatient(m, episode, [participant])
    return out


def _outpatient_case(
    m: Member, spec: OutpatientSpec, form: ServiceForm, opened_day: dt.date
) -> None:
    rng = m.rng
    municipality = m.municipality_id()
    opened = aware(opened_day, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
    if opened >= m.now:
        opened = m.now - dt.timedelta(hours=1)
        opened_day = local_date(opened)
    recent = (m.today - opened_day).days < 14
    outcome = rng.random()
    start: dt.date | None
    end: dt.date | None
    status = None
    end_reason = Episode.EndReason.PLANNED_END
    if recent and outcome < 0.4:
        start, end = None, None
        status = Episode.Status.ENQUIRY if outcome < 0.2 else Episode.Status.WAITING
    elif outcome > 0.95 and (m.today - opened_day).days > 21:
        start, end = None, opened_day + dt.timedelta(days=rng.randint(3, 20))
        end_reason = Episode.EndReason.NOT_STARTED
    else:
        start = min(opened_day + dt.timedelta(days=rng.randint(0, 10)), m.today)
        end = start + dt.timedelta(days=rng.randint(*spec.length))
        if end >= m.yesterday:
            end = None
        else:
            end_reason = m.pick(
                (
                    (Episode.EndReason.PLANNED_END, 50),
                    (Episode.EndReason.GOALS_MET, 25),
                    (Episode.EndReason.CLIENT_ENDED, 15),
                    (Episode.EndReason.NO_CONTACT, 10),
                )
            )
    source = m.pick(
        {
            "woman": ((ReferralSource.SELF, 40), (ReferralSource.POLICE, 20),
                      (ReferralSource.SOCIAL_SERVICES, 30), (ReferralSource.HOSPITAL, 10)),
            "man": ((ReferralSource.SELF, 35), (ReferralSource.POLICE, 25),
                    (ReferralSource.SOCIAL_SERVICES, 25), (ReferralSource.CHILD_PROTECTION, 15)),
            "child": ((ReferralSource.CHILD_PROTECTION, 45), (ReferralSource.SOCIAL_SERVICES, 30),
                      (ReferralSource.SELF, 25)),
            "baby": ((ReferralSource.CHILD_HEALTH_CLINIC, 60), (ReferralSource.SELF, 25),
                     (ReferralSource.HOSPITAL, 15)),
        }[spec.client]
    )  # fmt: skip
    episode = m.episode(
        form,
        opened_at=opened,
        start=start,
        end=end,
        end_reason=end_reason,
        referral_source=source,
        status=status,
    )
    last = rng.choice(SURNAMES)
    participants: list[Participant] = []
    joined = start or opened_day
    if spec.client in ("woman", "man"):
        female = spec.client == "woman"
        client = m.person(
            female=female, born=m.adult_born(joined, 19, 65), municipality_id=municipality
        )
        participants.append(
            m.participant(
                episode,
                client,
                Participant.Role.CLIENT,
                joined_on=joined,
                violence_role=Participant.ViolenceRole.EXPERIENCED
                if female
                else Participant.ViolenceRole.USED,
            )
        )
    else:
        parent = m.person(
            female=True,
            born=m.adult_born(joined, 20, 45),
            last=last,
            municipality_id=municipality,
        )
        expecting = spec.client == "baby" and rng.random() < 0.3
        role = Participant.Role.EXPECTANT_PARENT if expecting else Participant.Role.CLIENT
        participants.append(m.participant(episode, parent, role, joined_on=joined))
        if expecting:
            parent.expected_due_date = joined + dt.timedelta(days=rng.randint(20, 150))
        else:
            kids = 1 if spec.client == "baby" else rng.choice((1, 1, 2))
            for _ in range(kids):
                age = rng.randint(20, 330) if spec.client == "baby" else rng.randint(3, 15) * 365
                child = m.person(
                    female=rng.random() < 0.5,
                    born=joined - dt.timedelta(days=age + rng.randint(0, 300)),
                    child=True,
                    last=last,
                    municipality_id=municipality,
                )
                m.relationships.append(
                    Relationship(person=parent, relative=child, kind=Relationship.Kind.PARENT)
                )
                participants.append(
                    m.participant(
                        episode,
                        child,
                        Participant.Role.CHILD,
                        joined_on=joined,
                        violence_role=Participant.ViolenceRole.WITNESSED
                        if spec.client == "child"
                        else "",
                    )
                )
    if start is not None:
        _appointments_for(m, spec.slug, form, episode, participants)
        _count_outpatient(m, episode, participants)


def _count_outpatient(m: Member, episode: Episode, participants: list[Participant]) -> None:
    assert episode.start_date is not None
    last = (episode.end_date or m.today).year
    for year in range(episode.start_date.year, last + 1):
        for participant in participants:
            key = (episode.service_form.slug, id(participant.person))
            m.seen.setdefault(("outpatient", year), set()).add(key)


def _appointments_for(
    m: Member, slug: str, form: ServiceForm, episode: Episode, participants: list[Participant]
) -> None:
    rng = m.rng
    assert episode.start_date is not None
    actor = m.worker(slug)
    end = episode.end_date or m.today + dt.timedelta(days=28)
    day = _weekday(episode.start_date + dt.timedelta(days=rng.randint(0, 6)))
    n = 0
    while day <= end and n < MAX_APPOINTMENTS:
        type_, place_kind = m.pick([((t, p), w) for t, p, w in PATTERNS[slug]])
        starts = aware(day, rng.choice((9, 10, 12, 13, 14)))
        appointment = Appointment(
            organisation=m.org,
            service_form=form,
            episode=episode,
            type=type_,
            place_kind=place_kind,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=rng.choice((45, 60, 60, 90))),
            organiser=actor,
            created_by=actor,
        )
        if place_kind == PlaceKind.PARTNER:
            appointment.partner = m.partners["clinic"]
        elif place_kind == PlaceKind.OWN_PREMISES:
            appointment.room = rng.choice(m.rooms)
        elif place_kind == PlaceKind.OTHER:
            appointment.place_note = rng.choice(("Puhelu", "Videoyhteys (Teams)"))
        if appointment.ends_at <= m.now:
            outcome = m.pick(APPOINTMENT_OUTCOMES)
            note = rng.choice(APPOINTMENT_NOTES[outcome]).strip()
            values = entry_values(appointment, outcome=outcome, note=note)
            appointment.journal_entry = m.entry(
                episode,
                author=actor,
                type=str(values["type"]),
                occurred_at=values["occurred_at"],  # type: ignore[arg-type]
                duration=values["duration_minutes"],  # type: ignore[arg-type]
                place=str(values["place"]),
                place_detail=str(values["place_detail"]),
                text=str(values["text"]),
                participants=[],  # the outcome's entry marks no participants (the service)
            )
            appointment.outcome = outcome
            appointment.outcome_note = note
            appointment.outcome_recorded_at = min(
                appointment.ends_at + dt.timedelta(hours=rng.randint(1, 30)), m.now
            )
            appointment.outcome_recorded_by = actor
            appointment.version = 2
            if outcome == Outcome.HAPPENED:
                m.summary.by_year[(local_date(starts).year, "appointments")] += 1
        m.appointments.append(appointment)
        n += 1
        day = _weekday(day + dt.timedelta(days=rng.choice((7, 14, 14, 21))))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day
