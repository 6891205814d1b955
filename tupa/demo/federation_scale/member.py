"""One generated member organisation's build state (its random stream, structure and collected
rows) and the row helpers all the steps share."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.utils import timezone

from tupa.accounts.models import User
from tupa.demo.clients.names import BOYS, ENTRY_TEXTS, GIRLS, MEN, SURNAMES, WOMEN
from tupa.demo.federation_scale.dates import aware
from tupa.demo.federation_scale.specs import WORKER_OF, OutpatientSpec
from tupa.demo.federation_scale.summary import FederationSummary
from tupa.dropin.models import DailyCount
from tupa.episodes.models import Entry, Episode, Participant, Referral, ReferralSource
from tupa.episodes.services.intake import default_service_task
from tupa.organisations.models import Municipality, Organisation, Partner, ServiceForm
from tupa.people.models import Alias, Person, Relationship
from tupa.residential.models import (
    LineContact,
    Place,
    ShelterClientData,
    Stay,
    StayMember,
    TurnAway,
)
from tupa.scheduling.models import Appointment, Room
from tupa.visitation.models import Meeting, MeetingOrder, OrderParty

T = TypeVar("T")


@dataclass
class Ctx:
    """Cross-step state of one organisation's build."""

    entry_participants: list[tuple[Entry, list[Participant]]] = field(default_factory=list)
    #: Ended shelter mothers who may be referred on to Avokriisityö: (episode, person, left).
    shelter_leavers: list[tuple[Episode, Participant, dt.datetime]] = field(default_factory=list)


class Member:
    """One generated member organisation being built: the state the steps (:mod:`.structure`,
    :mod:`.shelter`, :mod:`.residential`, :mod:`.outpatient`, :mod:`.visitation`, :mod:`.dropin`)
    share, the rows they collect for :mod:`.build` to write, and the helpers that make a row."""

    org: Organisation
    outpatient: list[OutpatientSpec]
    places: dict[str, list[Place]]

    def __init__(
        self,
        *,
        index: int,
        years: int,
        scale: float,
        seed: int,
        password_hash: str | None,
        municipalities: Sequence[Municipality],
        summary: FederationSummary,
    ) -> None:
        self.index = index
        self.scale = scale
        self.rng = random.Random(seed * 1_000_003 + index)  # noqa: S311 - fictional data
        self.password_hash = password_hash
        self.summary = summary
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.yesterday = self.today - dt.timedelta(days=1)
        self.first_year = self.today.year - years
        self.window_start = aware(dt.date(self.first_year, 1, 1), 0)
        self.municipalities = list(municipalities)
        self.forms: dict[str, ServiceForm] = {}
        self.staff: dict[str, User] = {}
        self.rooms: list[Room] = []
        self.partners: dict[str, Partner] = {}
        self.person_number = 0
        self.ctx = Ctx()
        #: (kind, year) → the persons seen (clients of the year, counted once)
        self.seen: dict[tuple[str, int], set[object]] = {}
        # Everything is collected first and written in dependency order at the end.
        self.persons: list[Person] = []
        self.aliases: list[Alias] = []
        self.relationships: list[Relationship] = []
        self.episodes: list[Episode] = []
        self.participants: list[Participant] = []
        self.referrals: list[Referral] = []
        self.stays: list[Stay] = []
        self.members: list[StayMember] = []
        self.shelter_data: list[ShelterClientData] = []
        self.entries: list[Entry] = []
        self.appointments: list[Appointment] = []
        self.orders: list[MeetingOrder] = []
        self.parties: list[OrderParty] = []
        self.meetings: list[Meeting] = []
        self.counts: list[DailyCount] = []
        self.line_contacts: list[LineContact] = []
        self.turn_aways: list[TurnAway] = []

    def pick(self, pairs: Sequence[tuple[T, int]]) -> T:
        return self.rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]

    def scaled(self, n: float) -> int:
        """``n × scale`` rounded at random, so that small scales keep the right mean."""
        x = n * self.scale
        whole = math.floor(x)
        return whole + (1 if self.rng.random() < x - whole else 0)

    def municipality_id(self) -> int | None:
        if not self.municipalities or self.rng.random() < 0.04:
            return None
        weights = [6] + [1] * (len(self.municipalities) - 1)
        return self.rng.choices(self.municipalities, weights=weights)[0].pk

    def worker(self, slug: str) -> User:
        return self.staff[WORKER_OF[slug]]

    def person(
        self,
        *,
        female: bool,
        born: dt.date,
        child: bool = False,
        last: str | None = None,
        municipality_id: int | None = None,
    ) -> Person:
        self.person_number += 1
        names = (GIRLS if female else BOYS) if child else (WOMEN if female else MEN)
        person = Person(
            organisation=self.org,
            first_names=self.rng.choice(names),
            last_name=last or self.rng.choice(SURNAMES),
            birth_date=born,
            gender=Person.Gender.FEMALE if female else Person.Gender.MALE,
            municipality_id=municipality_id,
            # save() would draw a random one; bulk_create does not call save().
            temporary_id=f"T-K{self.index:02d}{self.person_number:08d}",
            interpreter_needed=not child and self.rng.random() < 0.08,
        )
        self.persons.append(person)
        return person

    def adult_born(self, on: dt.date, low: int, high: int) -> dt.date:
        return on - dt.timedelta(days=self.rng.randint(low * 365, high * 365))

    def episode(
        self,
        form: ServiceForm,
        *,
        opened_at: dt.datetime,
        start: dt.date | None,
        end: dt.date | None,
        end_reason: str = Episode.EndReason.PLANNED_END,
        referral_source: str = ReferralSource.SELF,
        status: str | None = None,
    ) -> Episode:
        if status is None:
            status = Episode.Status.ENDED if end is not None else Episode.Status.ACTIVE
        episode = Episode(
            organisation=self.org,
            service_form=form,
            status=status,
            opened_at=opened_at,
            start_date=start,
            end_date=end,
            end_reason=end_reason if status == Episode.Status.ENDED else "",
            referral_source=referral_source,
            service_task=default_service_task(form),
            created_by=self.worker(form.slug),
            version=3 if status == Episode.Status.ENDED else 2,
        )
        self.episodes.append(episode)
        return episode

    def participant(
        self,
        episode: Episode,
        who: Person | Alias,
        role: str,
        *,
        joined_on: dt.date | None,
        violence_role: str = "",
    ) -> Participant:
        participant = Participant(
            episode=episode,
            person=who if isinstance(who, Person) else None,
            alias=who if isinstance(who, Alias) else None,
            role=role,
            violence_role=violence_role,
            joined_on=joined_on,
        )
        self.participants.append(participant)
        return participant

    def entry(
        self,
        episode: Episode,
        *,
        author: User,
        type: str,
        occurred_at: dt.datetime,
        participants: list[Participant],
        duration: int | None = None,
        place: str = Entry.Place.OWN_PREMISES,
        text: str | None = None,
        written_with_client: bool = False,
        place_detail: str = "",
    ) -> Entry:
        entry = Entry(
            episode=episode,
            type=type,
            occurred_at=min(occurred_at, self.now),
            duration_minutes=duration,
            place=place,
            place_detail=place_detail,
            author=author,
            text=text or ENTRY_TEXTS.get(type, ENTRY_TEXTS["individual_meeting"]),
            written_with_client=written_with_client,
        )
        self.entries.append(entry)
        if participants:
            self.ctx.entry_participants.append((entry, participants))
        return entry

    def year_fraction(self, year: int) -> float:
        """How much of ``year`` lies in the window up to today (1.0 for past years)."""
        if year < self.today.year:
            return 1.0
        return (self.today - dt.date(year, 1, 1)).days / 365.0

    def day_in(self, year: int) -> dt.date:
        last = min(dt.date(year, 12, 31), self.yesterday)
        span = (last - dt.date(year, 1, 1)).days
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randint(0, max(span, 0)))
