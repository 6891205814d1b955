"""The Mieskaveri matching cases and the Baby blues family links of the demo, written by the
volunteers' builder (:class:`.builder.VolunteersBuilder`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from tupa.accounts.models import User
from tupa.episodes import services as episode_services
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.people import services as people_services
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import (
    CaseStatus,
    Match,
    MatchingCase,
)

from .plan import (
    ACTIVITIES,
    BOYS,
    CASES,
    SURNAMES,
    WOMEN,
    CasePlan,
    K,
    R,
)

if TYPE_CHECKING:
    from .builder import VolunteersBuilder


# --- Mieskaveri matching -----------------------------------------------------------------


def family(b: VolunteersBuilder, actor: User, c: CasePlan) -> tuple[Episode, Participant]:
    """A mother and her boy, the episode of the Mieskaveri form opened on the application."""
    last = b.rng.choice(SURNAMES)
    applied = b.ago(c.applied)
    mother = people_services.person_create(
        actor=None,
        organisation=b.org,
        first_names=b.rng.choice(WOMEN),
        last_name=last,
        birth_date=applied - dt.timedelta(days=b.rng.randint(26 * 365, 42 * 365)),
        gender="female",
    )
    boy = people_services.person_create(
        actor=None,
        organisation=b.org,
        first_names=b.rng.choice(BOYS),
        last_name=last,
        birth_date=b.ago(c.intake or c.applied)
        - dt.timedelta(days=365 * c.boy_age + b.rng.randint(30, 300)),
        gender="male",
    )
    episode = episode_services.episode_open(
        actor=actor,
        service_form=b.forms["mieskaveri"],
        person=mother,
        status=Episode.Status.ACTIVE,
        referral_source=ReferralSource.SELF,
        opened_at=timezone.make_aware(dt.datetime.combine(applied, dt.time(10))),
    )
    child = episode_services.participant_add(
        actor=actor,
        episode=episode,
        role=Participant.Role.CHILD,
        person=boy,
        joined_on=applied,
    )
    return episode, child


def matching(b: VolunteersBuilder) -> None:
    actor = b.coordinator("mieskaveri")
    assert actor is not None
    for c in CASES:
        episode, child = family(b, actor, c)
        case = matching_services.case_open(
            actor=actor,
            episode=episode,
            applied_on=b.ago(c.applied),
            area=c.area,
            wishes="Liikunnallinen kaveri, joka ehtii tavata kahden viikon välein.",
        )
        b.built.cases += 1
        if c.intake is not None:
            matching_services.case_intake(
                actor=actor,
                case=case,
                intake_on=b.ago(c.intake),
                child=child,
                contact_with_men=False,
                wishes="Liikunnallinen kaveri, joka ehtii tavata kahden viikon välein.",
                family_situation="Äiti ja lapset; isä ei ole mukana lapsen arjessa.",
                area=c.area,
                confirm=c.boy_age < 4,
            )
        if c.withdrawn is not None:
            matching_services.case_set_status(
                actor=actor,
                case=case,
                status=CaseStatus.WITHDRAWN,
                changed_on=b.ago(c.withdrawn),
                reason=c.reason,
            )
            end_family(b, actor, episode, c.withdrawn, Episode.EndReason.MOVED_ON)
            continue
        if c.waiting is not None:
            matching_services.case_set_status(
                actor=actor,
                case=case,
                status=CaseStatus.WAITING,
                changed_on=b.ago(c.waiting),
            )
        if c.friend is None or c.matched is None:
            continue
        match = matching_services.volunteer_match(
            actor=actor,
            case=case,
            volunteer=b.keys[c.friend],
            started_on=b.ago(c.matched),
            note_for_volunteer="Poika odottaa liikunnallista tekemistä. Sovi tapaamiset "
            "äidin kanssa; koordinaattori auttaa alkuun.",
        )
        b.built.matches += 1
        match_life(b, actor, case, match, c)
        if c.ended is not None:
            matching_services.case_end(
                actor=actor,
                case=case,
                ended_on=b.ago(c.ended),
                reason=c.reason,
                successful=c.successful,
            )
            end_family(b, actor, episode, c.ended, Episode.EndReason.PLANNED_END)


def match_life(
    b: VolunteersBuilder, actor: User, case: MatchingCase, match: Match, c: CasePlan
) -> None:
    """Joint activities every six weeks or so (each an outing in the friend's hours; the
    demo leaves out the rest) and a follow-up a month in, then every three months."""
    assert c.matched is not None
    last = c.ended if c.ended is not None else 1
    form = b.forms["mieskaveri"]
    day = c.matched - 7
    while day > last:
        when = b.ago(day)
        matching_services.activity_add(
            actor=actor, match=match, date=when, note=b.rng.choice(ACTIVITIES)
        )
        b.hours(actor, match.volunteer, form, K.OUTING, when)
        day -= b.rng.randint(40, 60)
    follow = c.matched - 30
    while follow > last:
        nxt = b.ago(follow - 90)
        matching_services.follow_up_add(
            actor=actor,
            case=case,
            date=b.ago(follow),
            note="Tapaamiset sujuvat; äiti ja poika tyytyväisiä.",
            next_due_on=nxt,
        )
        follow -= 90


def end_family(b: VolunteersBuilder, actor: User, episode: Episode, days: int, reason: str) -> None:
    episode.refresh_from_db()
    episode_services.episode_set_status(
        actor=actor,
        episode=episode,
        status=Episode.Status.ENDED,
        version=None,
        end_date=b.ago(days),
        end_reason=reason,
    )


# --- Baby blues family links -------------------------------------------------------------


def family_links(b: VolunteersBuilder) -> None:
    actor = b.coordinator("baby-blues")
    assert actor is not None
    helpers = [b.keys[k] for k in ("D1", "D2", "D3", "D4", "B1")]
    roles = [R.DOULA] * 4 + [R.BIRTH_SUPPORT]
    episodes = list(
        Episode.objects.filter(
            service_form=b.forms["baby-blues"], start_date__gte=b.ago(280)
        ).order_by("start_date", "pk")[:5]
    )
    for volunteer, role, episode in zip(helpers, roles, episodes, strict=False):
        assert episode.start_date is not None
        start = episode.start_date + dt.timedelta(days=7)
        if start >= b.today or (episode.end_date and episode.end_date < start):
            continue
        link = matching_services.family_link_add(
            actor=actor,
            volunteer=volunteer,
            episode=episode,
            role=role,
            started_on=start,
            note_for_volunteer="Tuki raskauden loppuun, synnytykseen ja ensimmäisiin "
            "viikkoihin. Työntekijä kertoo tapaamisista.",
        )
        if episode.end_date is not None:
            matching_services.family_link_update(
                actor=actor,
                link=link,
                note_for_volunteer=link.note_for_volunteer,
                ended_on=episode.end_date,
            )
        b.built.links += 1
