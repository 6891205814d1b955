"""Demo data of the Tapaamispaikka: orders, meetings, outcomes, records and contacts over the
demo's history (:func:`tupa.demo.calendar.history_start` on; an order already in force on its
first day was made a little before it, but its meetings and contacts start with the history).

Built on the demo clients' episodes of the ``tapaamispaikka`` form (tupa/episodes/demo_clients.py),
through the services of this app as the form's worker, so that the access rules, the journal and
the statistics see the demo exactly as real work. Deterministic (fixed seed), relative to
``timezone.localdate()``, idempotent (nothing is added if the organisation already has orders),
fictional (the court and supervisor names are institutions; no person's data is invented here).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Membership, User
from tupa.demo import datafiles
from tupa.demo.calendar import LEAD_IN_DAYS, history_days, history_start, scaled
from tupa.episodes import services as episode_services
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.organisations.models import Municipality, Organisation, Partner, ServiceForm
from tupa.visitation import rules, services
from tupa.visitation.models import (
    FAMILY_CANCELLATIONS,
    Meeting,
    MeetingOrder,
    MeetingType,
    OrderBasis,
    Outcome,
    PartyRole,
)

SEED = 20181201
SLUG = "tapaamispaikka"
#: Päijät-Häme municipalities (Statistics Finland codes) with rough weights.
MUNICIPALITIES = [
    ("398", 10),
    ("098", 3),
    ("111", 3),
    ("560", 2),
    ("016", 1),
    ("316", 1),
    ("576", 1),
    ("781", 1),
]
COURT = "Päijät-Hämeen käräjäoikeus"
#: Families added here on top of the demo clients' episodes, so that every year has some volume:
#: this many per two years of history (:func:`tupa.demo.calendar.scaled`).
EXTRA_FAMILIES = 14
#: Invented surnames (made-up words) and common first names: no real person is meant.
_TEXTS: dict[str, Any] = datafiles.load("texts")["visitation"]
SURNAMES: list[str] = _TEXTS["surnames"]
ADULTS: list[tuple[str, bool]] = [(a["first_name"], a["female"]) for a in _TEXTS["adults"]]
KIDS: list[str] = _TEXTS["kids"]
OUTCOMES = [
    (Outcome.TOOK_PLACE, 78),
    (Outcome.CANCELLED_VISITING, 6),
    (Outcome.CANCELLED_RESIDENT, 4),
    (Outcome.CANCELLED_CHILD, 2),
    (Outcome.CANCELLED_US, 2),
    (Outcome.NO_SHOW, 5),
    (Outcome.INTERRUPTED, 3),
]
RECORDS: list[str] = _TEXTS["records"]
INTERRUPTED_RECORDS: dict[str, str] = _TEXTS["interrupted_records"]
CONTACTS: list[tuple[str, str, str]] = [
    (c["channel"], c["who"], c["summary"]) for c in _TEXTS["contacts"]
]


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs], k=1)[0]


def _actor(form: ServiceForm) -> User | None:
    membership = (
        Membership.objects.active()
        .filter(service_form=form, role__in=["worker", "coordinator", "lead"])
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership else None


class _Builder:
    def __init__(self, organisation: Organisation, form: ServiceForm, actor: User) -> None:
        self.org = organisation
        self.form = form
        self.actor = actor
        self.rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not security
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.history_start = history_start(self.today)
        municipalities = {
            m.code: m for m in Municipality.objects.filter(code__in=[c for c, _w in MUNICIPALITIES])
        }
        if not municipalities:
            lahti, _created = Municipality.objects.get_or_create(
                code="398", defaults={"name_fi": "Lahti", "name_sv": "Lahtis"}
            )
            municipalities = {"398": lahti}
        self.municipalities = [
            (municipalities[c], w) for c, w in MUNICIPALITIES if c in municipalities
        ]
        self.phhyky = Partner.objects.filter(name__startswith="Päijät-Hämeen hyvinvointi").first()
        self.counts = {"orders": 0, "meetings": 0, "records": 0, "contacts": 0}

    # -- one order ------------------------------------------------------------------------------

    def parties(self, episode: Episode) -> list[tuple[Participant, str]] | None:
        participants = list(episode.participants.all().order_by("pk"))
        adults = [p for p in participants if p.role != Participant.Role.CHILD]
        children = [p for p in participants if p.role == Participant.Role.CHILD]
        if len(adults) < 2 or not children:
            return None
        resident, visiting = adults[0], adults[1]
        if self.rng.random() < 0.2:
            resident, visiting = visiting, resident
        resident_role = (
            PartyRole.FOSTER_FAMILY if self.rng.random() < 0.1 else PartyRole.RESIDENT_PARENT
        )
        return [
            (resident, resident_role),
            (visiting, PartyRole.VISITING_PARENT),
            *[(c, PartyRole.CHILD) for c in children],
        ]

    def order(self, episode: Episode) -> MeetingOrder | None:
        parties = self.parties(episode)
        if parties is None or episode.start_date is None:
            return None
        rng = self.rng
        meeting_type = _weighted(
            rng,
            [(MeetingType.SUPERVISED, 55), (MeetingType.SUPPORTED, 25), (MeetingType.EXCHANGE, 20)],
        )
        basis = _weighted(
            rng,
            [
                (OrderBasis.COURT_DECISION, 50),
                (OrderBasis.SUPERVISOR_AGREEMENT, 35),
                (OrderBasis.SOCIAL_SERVICES_DECISION, 15),
            ],
        )
        valid_from = episode.start_date
        if episode.status == Episode.Status.ENDED and episode.end_date:
            valid_until: dt.date | None = episode.end_date
        else:
            valid_until = valid_from + dt.timedelta(days=rng.choice((180, 365, 365)))
        authority = None
        authority_name = ""
        if basis == OrderBasis.COURT_DECISION or self.phhyky is None:
            authority_name = COURT
        else:
            authority = self.phhyky
        duration = {
            MeetingType.SUPERVISED: rng.choice((90, 120, 120)),
            MeetingType.SUPPORTED: rng.choice((120, 180)),
            MeetingType.EXCHANGE: 15,
        }[meeting_type]
        return services.order_create(
            actor=self.actor,
            episode=episode,
            parties=parties,
            basis=basis,
            basis_date=valid_from - dt.timedelta(days=rng.randint(10, 45)),
            basis_reference=f"{valid_from:%y}/{rng.randint(1000, 9999)}",
            authority=authority,
            authority_name=authority_name,
            meeting_type=meeting_type,
            interval_weeks=_weighted(rng, [(1, 1), (2, 6), (3, 1), (4, 2)]),
            duration_minutes=duration,
            valid_from=valid_from,
            valid_until=valid_until,
            payer_municipality=_weighted(rng, self.municipalities),
            arrival_offset_minutes=rng.choice((10, 15, 15, 20)),
            departure_offset_minutes=rng.choice((10, 15, 15)),
            separate_entrances=rng.random() < 0.4,
            separate_waiting_rooms=rng.random() < 0.6,
            security_guard=rng.random() < 0.1,
            safety_notes="Osapuolet eivät kohtaa aulassa." if rng.random() < 0.3 else "",
        )

    def meetings(self, order: MeetingOrder) -> None:
        rng = self.rng
        exchange = order.meeting_type == MeetingType.EXCHANGE
        time = rng.choice((dt.time(16, 0), dt.time(17, 0))) if exchange else dt.time(10, 0)
        if not exchange and rng.random() < 0.5:
            time = dt.time(17, 0)
        first = order.valid_from + dt.timedelta(days=rng.randint(3, 10))
        step = dt.timedelta(weeks=order.interval_weeks)
        while first < self.history_start:  # an order from before the history: its meetings in it
            first += step
        limit = self.today + dt.timedelta(days=21)
        horizon = min(order.valid_until, limit) if order.valid_until else limit
        count = 0
        day = first
        while day <= horizon:
            count += 1
            day += step
        created: list[Meeting] = []
        day = first
        while count > 0 and (order.valid_until is None or day <= order.valid_until):
            batch = min(count, rules.MAX_SCHEDULE_COUNT)
            created += services.meetings_schedule(
                actor=self.actor, order=order, first_day=day, time=time, count=batch
            )
            count -= batch
            day += step * batch
        self.counts["meetings"] += len(created)
        roles = {p.role for p in order.parties.all()}
        resident_role = (
            PartyRole.FOSTER_FAMILY
            if PartyRole.FOSTER_FAMILY in roles
            else PartyRole.RESIDENT_PARENT
        )
        participants = [p.participant for p in order.parties.select_related("participant")]
        for meeting in created:
            if meeting.starts_at > self.now:
                continue
            self.outcome(meeting, participants, resident_role)

    def outcome(
        self, meeting: Meeting, participants: list[Participant], resident_role: str
    ) -> None:
        rng = self.rng
        outcome = _weighted(rng, OUTCOMES)
        kwargs: dict[str, Any] = {}
        if outcome == Outcome.NO_SHOW:
            kwargs["no_show_role"] = (
                PartyRole.VISITING_PARENT if rng.random() < 0.75 else resident_role
            )
        if outcome in FAMILY_CANCELLATIONS:
            kwargs["late_cancellation"] = rng.random() < 0.4
        if outcome == Outcome.INTERRUPTED:
            reason = _weighted(rng, [("intoxication", 5), ("threat", 3), ("other", 2)])
            kwargs["interruption_reason"] = reason
            kwargs["outcome_note"] = {
                "intoxication": "Päihtymys",
                "threat": "Uhkaava käytös",
                "other": "Lapsen vointi",
            }[reason]
            kwargs["record_text"] = INTERRUPTED_RECORDS[reason]
        elif outcome == Outcome.TOOK_PLACE and rng.random() < 0.6:
            kwargs["record_text"] = rng.choice(RECORDS)
        if kwargs.get("record_text"):
            kwargs["present"] = participants
            kwargs["written_with_client"] = rng.random() < 0.85
            self.counts["records"] += 1
        services.meeting_record_outcome(
            actor=self.actor, meeting=meeting, version=meeting.version, outcome=outcome, **kwargs
        )

    def contacts(self, order: MeetingOrder) -> None:
        rng = self.rng
        end = min(order.valid_until or self.today, self.today)
        begin = max(order.valid_from, self.history_start)
        span = (end - begin).days
        if span < 0:
            return
        parties = {p.role: p for p in order.parties.all()}
        for _i in range(rng.randint(2, 5)):
            channel, who, summary = rng.choice(CONTACTS)
            kwargs: dict[str, Any] = {}
            if who == "party_visiting":
                kwargs["party"] = parties.get(PartyRole.VISITING_PARENT)
            elif who == "party_resident":
                kwargs["party"] = parties.get(PartyRole.RESIDENT_PARENT) or parties.get(
                    PartyRole.FOSTER_FAMILY
                )
            elif who == "authority" and order.authority is not None:
                kwargs["partner"] = order.authority
            else:
                kwargs["other"] = order.authority_name or "lastenvalvoja"
            services.contact_add(
                actor=self.actor,
                order=order,
                contacted_on=begin + dt.timedelta(days=rng.randint(0, span)),
                channel=channel,
                summary=summary,
                **kwargs,
            )
            self.counts["contacts"] += 1

    def extra_families(self) -> None:
        """More separated families with Tapaamispaikka episodes (persons without identity codes)."""
        from tupa.people import services as people_services

        rng = self.rng
        families = scaled(EXTRA_FAMILIES, self.today, lead_in=True)
        back = history_days(self.today) + LEAD_IN_DAYS  # the first may be going on at the start
        for i in range(families):
            last = rng.choice(SURNAMES)
            # One in each slice of the history, at random within it: every year has its share.
            opened = self.today - dt.timedelta(
                days=20 + int((i + rng.random()) * (back - 20) / families)
            )

            def person(first: str, *, female: bool, years: int, surname: str = last) -> Any:
                born = self.today - dt.timedelta(days=years * 365 + rng.randint(0, 300))
                return people_services.person_create(
                    actor=None,
                    organisation=self.org,
                    first_names=first,
                    last_name=surname,
                    birth_date=born,
                    gender="female" if female else "male",
                )

            women = [a for a in ADULTS if a[1]]
            men = [a for a in ADULTS if not a[1]]
            mother = person(rng.choice(women)[0], female=True, years=rng.randint(25, 45))
            father = person(
                rng.choice(men)[0],
                female=False,
                years=rng.randint(25, 50),
                surname=rng.choice(SURNAMES),
            )
            episode = episode_services.episode_open(
                actor=self.actor,
                service_form=self.form,
                person=mother,
                referral_source=rng.choice(
                    (ReferralSource.DISTRICT_COURT, ReferralSource.CHILD_WELFARE_SUPERVISOR)
                ),
                status=Episode.Status.ENQUIRY,
                opened_at=rules.local_moment(opened, dt.time(10, 0)),
            )
            episode_services.participant_add(
                actor=self.actor, episode=episode, role=Participant.Role.CLIENT, person=father
            )
            for _k in range(rng.choice((1, 1, 2))):
                kid = person(rng.choice(KIDS), female=rng.random() < 0.5, years=rng.randint(2, 12))
                episode_services.participant_add(
                    actor=self.actor, episode=episode, role=Participant.Role.CHILD, person=kid
                )
            episode = episode_services.episode_set_status(
                actor=self.actor,
                episode=episode,
                status=Episode.Status.ACTIVE,
                version=None,
                start_date=opened,
            )
            end = opened + dt.timedelta(days=rng.choice((180, 270, 365)))
            if end < self.today:
                episode_services.episode_set_status(
                    actor=self.actor,
                    episode=episode,
                    status=Episode.Status.ENDED,
                    version=None,
                    end_date=end,
                    end_reason=Episode.EndReason.PLANNED_END,
                )

    def build(self) -> dict[str, int]:
        self.extra_families()
        episodes = (
            Episode.objects.filter(
                service_form=self.form,
                status__in=[Episode.Status.ACTIVE, Episode.Status.ENDED],
                start_date__isnull=False,
            )
            .prefetch_related("participants")
            .order_by("start_date", "pk")
        )
        for episode in episodes:
            order = self.order(episode)
            if order is None:
                continue
            self.counts["orders"] += 1
            self.meetings(order)
            self.contacts(order)
        return self.counts


def build(*, organisation: Organisation) -> str | None:
    """Add the Tapaamispaikka demo once; None if there is nothing to do or it exists already."""
    with scope(organisation=organisation.pk):
        form = ServiceForm.objects.filter(
            slug=SLUG, kind=ServiceForm.Kind.VISITATION, organisation=organisation
        ).first()
        if form is None or MeetingOrder.objects.filter(episode__service_form=form).exists():
            return None
        actor = _actor(form)
        if actor is None:
            return None
        with transaction.atomic():
            counts = _Builder(organisation, form, actor).build()
    if not counts["orders"]:
        return None
    return (
        f"Tapaamispaikka: {counts['orders']} määräystä, {counts['meetings']} tapaamista, "
        f"{counts['records']} tapaamiskirjausta, {counts['contacts']} yhteydenpitoa."
    )
