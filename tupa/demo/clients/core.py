"""The demo clients' builder: its random streams, workers, dates, persons, families' relations,
episodes and their course, plans and named workers."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tupa.accounts.models import User
from tupa.demo.calendar import LEAD_IN_DAYS, history_start, scaled
from tupa.episodes import journal, services
from tupa.episodes.basic_info import ensikoti_admission_reasons_definition
from tupa.episodes.models import BasicFormDefinition, Entry, Episode, Participant, ReferralSource
from tupa.organisations.models import Organisation, ServiceForm
from tupa.people import services as people_services
from tupa.people.hetu import build_hetu
from tupa.people.models import Person, Relationship

from .names import BOYS, ENTRY_TEXTS, GIRLS, GOALS, NETWORK_MEETINGS, SURNAMES

SEED = 20181124
#: Persons per two years of history (:func:`tupa.demo.calendar.scaled`): the demo has at least
#: this many, more when its history is longer, so that every year has as many clients.
TARGET_PERSONS = 300

#: meet their network (child protection, maternity clinic, social work).
PLANNED_FORMS = frozenset(
    {
        "turvakoti",
        "ensikoti",
        "baby-blues",
        "peukaloinen",
        "alvari",
        "ero-lapsiperheessa",
        "avokriisityo",
        "jussi-tyo",
    }
)
NETWORK_FORMS = frozenset({"turvakoti", "ensikoti", "alvari"})
#: The fractional part of the golden ratio: the step of the low-discrepancy spread of the
#: episodes' opening days (:meth:`Builder.day_in_window`).
GOLDEN_RATIO_FRACTION = 0.6180339887498949


@dataclass
class Counts:
    persons: int = 0
    episodes: int = 0
    entries: int = 0
    referrals: int = 0
    aliases: int = 0
    aliases_identified: int = 0
    restrictions: int = 0
    goals: int = 0
    network_meetings: int = 0
    responsible_workers: int = 0
    co_workers: int = 0
    by_form: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        forms = ", ".join(f"{slug} {n}" for slug, n in sorted(self.by_form.items()))
        return (
            f"henkilöitä {self.persons}, asiakkuuksia {self.episodes} ({forms}), kirjauksia "
            f"{self.entries}, ohjauksia {self.referrals}, anonyymejä {self.aliases} (tunnistettu "
            f"{self.aliases_identified}), turvakieltoja {self.restrictions}, tavoitteita "
            f"{self.goals}, verkostoneuvotteluja {self.network_meetings}, vastuutyöntekijöitä "
            f"{self.responsible_workers}, muun työmuodon työpareja {self.co_workers}"
        )


class Builder:
    """What every kind of demo family is built with (:mod:`.families` adds the families)."""

    def __init__(self, organisation: Organisation) -> None:
        self.org = organisation
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
        # The client plans draw from a stream of their own: the rest of the demo stays as it was.
        self.plan_rng = random.Random(SEED + 1)  # noqa: S311
        self.staff_rng = random.Random(SEED + 2)  # noqa: S311 - and the named workers theirs
        self.today = timezone.localdate()
        self.history_start = history_start(self.today)
        self.target_persons = scaled(TARGET_PERSONS, self.today, lead_in=True)
        #: where the next episode of each kind falls in its window (:meth:`day_in_window`)
        self.spread: dict[str, float] = {}
        self.counts = Counts()
        self.forms = {sf.slug: sf for sf in ServiceForm.objects.filter(organisation=organisation)}
        self.staff = {u.username: u for u in User.objects.filter(organisation=organisation)}
        self.hetu_counter = 900
        self.surnames = list(SURNAMES)
        # Who records family relations and details: the worker of the form the family came to.
        self.recorder: User = self.staff["turvakoti"]

    # -- small helpers -------------------------------------------------------------------------

    def worker(self, slug: str) -> User:
        usernames = {
            "ensikoti": "ensikoti",
            "baby-blues": "babyblues",
            "peukaloinen": "peukaloinen",
            "turvakoti": "turvakoti",
            "avokriisityo": "avokriisi",
            "jussi-tyo": "jussi",
            "lapsityo": "lapsityo",
            "alvari": "alvari",
            "tapaamispaikka": "tapaamis",
            "ero-lapsiperheessa": "ero.esihenkilo",
        }
        return self.staff[usernames[slug]]

    def day_in_window(self, kind: str, *, days_back_min: int = 3, lead_in: bool = True) -> dt.date:
        """The opening day of the next episode of ``kind``: a day of the demo's history
        (:mod:`tupa.demo.calendar`) up to ``days_back_min`` days before today, or with
        ``lead_in`` a little before it (an episode going on when the history starts).

        The episodes of a kind are spread evenly over the window, not drawn independently: the
        n-th falls at the fraction ``x0 + n·φ`` (mod 1, φ the golden ratio, ``x0`` drawn once
        per kind), so every year gets its share even of a kind with a dozen episodes."""
        first = self.history_start - dt.timedelta(days=LEAD_IN_DAYS if lead_in else 0)
        span = (self.today - first).days - days_back_min
        if kind not in self.spread:
            self.spread[kind] = self.rng.random()
        fraction = self.spread[kind]
        self.spread[kind] = (fraction + GOLDEN_RATIO_FRACTION) % 1.0
        return first + dt.timedelta(days=round(fraction * span))

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        h = hour if hour is not None else self.rng.randint(8, 16)
        return timezone.make_aware(
            dt.datetime.combine(day, dt.time(h, self.rng.choice((0, 15, 30, 45))))
        )

    def surname(self) -> str:
        return self.rng.choice(self.surnames)

    def hetu(self, born: dt.date, *, female: bool) -> str:
        # Individual numbers 900–999 are reserved for test use; odd = male, even = female.
        self.hetu_counter += 1
        if self.hetu_counter > 998:
            self.hetu_counter = 901
        number = self.hetu_counter
        if (number % 2 == 1) == female:
            number = number + 1 if number < 998 else number - 1
        return build_hetu(born, number)

    def person(
        self,
        first: str,
        last: str,
        born: dt.date,
        *,
        female: bool,
        with_hetu: bool = True,
        **extra: Any,
    ) -> Person:
        fields: dict[str, Any] = {
            "first_names": first,
            "last_name": last,
            "birth_date": born,
            "gender": "female" if female else "male",
        }
        if with_hetu:
            fields["hetu"] = self.hetu(born, female=female)
        fields.update(extra)
        person = people_services.person_create(actor=None, organisation=self.org, **fields)
        self.counts.persons += 1
        return person

    def children(
        self, last: str, n: int, *, youngest_born_after: dt.date | None = None
    ) -> list[Person]:
        kids = []
        for _ in range(n):
            female = self.rng.random() < 0.5
            born = self.today - dt.timedelta(days=self.rng.randint(200, 15 * 365))
            if youngest_born_after and born < youngest_born_after:
                born = youngest_born_after + dt.timedelta(days=self.rng.randint(0, 300))
            name = self.rng.choice(GIRLS if female else BOYS)
            kids.append(
                self.person(name, last, born, female=female, with_hetu=self.rng.random() < 0.85)
            )
        return kids

    def relate(
        self,
        parent: Person,
        kids: list[Person],
        partner: Person | None = None,
        ex: bool = False,
        family_types: tuple[str, ...] = (),
    ) -> None:
        for kid in kids:
            people_services.relationship_add(
                actor=self.recorder, person=parent, relative=kid, kind=Relationship.Kind.PARENT
            )  # type: ignore[arg-type]
            if partner is not None:
                people_services.relationship_add(
                    actor=self.recorder, person=partner, relative=kid, kind=Relationship.Kind.PARENT
                )  # type: ignore[arg-type]
        if partner is not None:
            kind = Relationship.Kind.EX_PARTNER if ex else Relationship.Kind.PARTNER
            people_services.relationship_add(
                actor=self.recorder, person=parent, relative=partner, kind=kind
            )  # type: ignore[arg-type]
        members = [parent, *kids] + ([partner] if partner is not None and not ex else [])
        people_services.household_create(
            actor=self.recorder,
            organisation=self.org,
            name=f"{parent.last_name} ({parent.first_names})",  # type: ignore[arg-type]
            family_types=family_types,
            members=members,
        )

    def open(
        self,
        slug: str,
        client: Person,
        opened: dt.date,
        *,
        children: list[Person] = (),  # type: ignore[assignment]
        role: str = "client",
        violence_role: str = "",
        child_violence_role: str = "",
        referral_source: str = ReferralSource.SELF,
        hour: int | None = None,
    ) -> Episode:
        actor = self.worker(slug)
        episode = services.episode_open(
            actor=actor,
            service_form=self.forms[slug],
            person=client,
            role=role,
            violence_role=violence_role,
            referral_source=referral_source,
            status=Episode.Status.ENQUIRY,
            opened_at=self.at(opened, hour),
        )
        for kid in children:
            services.participant_add(
                actor=actor,
                episode=episode,
                role=Participant.Role.CHILD,
                person=kid,
                violence_role=child_violence_role,
                joined_on=opened,
            )
        self.counts.episodes += 1
        self.counts.by_form[slug] += 1
        return episode

    def run_course(
        self,
        episode: Episode,
        slug: str,
        opened: dt.date,
        *,
        length_days: int,
        entry_types: tuple[str, ...],
        end_reason: str = Episode.EndReason.PLANNED_END,
        co_worker: bool = False,
    ) -> None:
        """Activate, write journal entries over the course, end it if the course is over
        (``co_worker``: a shelter family's children certainly meet Lapsityö's crisis worker)."""
        actor = self.worker(slug)
        episode = services.episode_set_status(
            actor=actor,
            episode=episode,
            status=Episode.Status.ACTIVE,
            version=None,
            start_date=opened,
        )
        end = opened + dt.timedelta(days=length_days)
        ended = end < self.today - dt.timedelta(days=1)
        last_day = min(end, self.today - dt.timedelta(days=1))
        span = max((last_day - opened).days, 0)
        self.plan(episode, slug, opened, span=span, ended=ended)
        self.name_workers(
            episode, slug, opened, last_day=end if ended else None, co_worker=co_worker
        )
        participants = list(episode.participants.all())
        n_entries = 1 + min(len(entry_types) - 1, span // 20) if span else 1
        for i in range(n_entries):
            day = opened + dt.timedelta(days=(span * i) // max(n_entries, 1))
            entry_type = (
                entry_types[0] if i == 0 else self.rng.choice(entry_types[1:] or entry_types)
            )
            journal.entry_create(
                actor=actor,
                episode=episode,
                type=entry_type,
                occurred_at=self.at(day),
                duration_minutes=self.rng.choice((30, 45, 60, 90)),
                place=Entry.Place.CLIENT_HOME
                if entry_type == "home_visit"
                else Entry.Place.OWN_PREMISES,
                text=ENTRY_TEXTS.get(entry_type, ENTRY_TEXTS["individual_meeting"]),
                participants=participants,
                written_with_client=self.rng.random() < 0.2,
            )
            self.counts.entries += 1
        if ended:
            episode.refresh_from_db()
            services.episode_set_status(
                actor=actor,
                episode=episode,
                status=Episode.Status.ENDED,
                version=None,
                end_date=end,
                end_reason=end_reason,
            )

    def plan(self, episode: Episode, slug: str, opened: dt.date, *, span: int, ended: bool) -> None:
        """Most episodes of a planned form get one to three goals (reviewed if the episode has
        ended); some families of the shelter, Ensikoti and Alvari a network meeting."""
        if slug not in PLANNED_FORMS or self.plan_rng.random() < 0.25:
            return
        actor = self.worker(slug)
        for spec in self.plan_rng.sample(GOALS, k=self.plan_rng.choice((1, 2, 2, 3))):
            goal = services.goal_add(
                actor=actor,
                episode=episode,
                text=spec["text"],
                defined_with=spec["defined_with"],
                review_date=opened + dt.timedelta(days=self.plan_rng.choice((30, 60, 90))),
            )
            if ended:
                services.goal_review(
                    actor=actor,
                    goal=goal,
                    achieved=self.plan_rng.choice(("yes", "yes", "partly", "no")),
                )
            self.counts.goals += 1
        if slug in NETWORK_FORMS and span >= 14 and self.plan_rng.random() < 0.5:
            spec = self.plan_rng.choice(NETWORK_MEETINGS)
            services.network_meeting_add(
                actor=actor,
                episode=episode,
                held_on=opened + dt.timedelta(days=min(21, span)),
                external_participants=spec["external_participants"],
                notes=spec["notes"],
                child_participated=self.plan_rng.random() < 0.3,
            )
            self.counts.network_meetings += 1

    def name_workers(
        self,
        episode: Episode,
        slug: str,
        opened: dt.date,
        *,
        last_day: dt.date | None,
        co_worker: bool = False,
    ) -> None:
        """Most episodes get their form's worker as the responsible worker (no new access: she
        is a member of the form); some shelter families with children get Lapsityö's crisis
        worker as a co-worker while the children meet her (access to that episode only, CLI-16).
        An ended episode's naming ends with it."""
        if self.staff_rng.random() < 0.8:
            services.assignment_add(
                actor=self.worker(slug),
                episode=episode,
                user=self.worker(slug),
                valid_from=opened,
                valid_until=last_day,
                is_primary=True,
            )
            self.counts.responsible_workers += 1
        if (
            slug == "turvakoti"
            and episode.participants.filter(role=Participant.Role.CHILD).exists()
            and (co_worker or self.staff_rng.random() < 0.25)
        ):
            start = opened + dt.timedelta(days=self.staff_rng.randint(1, 5))
            if last_day is not None and start > last_day:
                return
            services.assignment_add(
                actor=self.worker(slug),
                episode=episode,
                user=self.worker("lapsityo"),
                valid_from=start,
                valid_until=last_day,
            )
            self.counts.co_workers += 1

    def ensure_basic_form(self) -> None:
        sf = self.forms.get("ensikoti")
        if sf is None or BasicFormDefinition.objects.filter(service_form=sf).exists():
            return
        BasicFormDefinition.objects.create(
            organisation=self.org,
            service_form=sf,
            version=1,
            title="Ensikodin perustietolomake",
            fields=ensikoti_admission_reasons_definition(),
        )
